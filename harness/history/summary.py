"""summary.md of a nightly: what ran, what was reused, the gate and the comparison, in markdown
that a CI job summary ($GITHUB_STEP_SUMMARY) shows as is."""

from __future__ import annotations

from pathlib import Path

from harness.history.runs import latest_run_info
from harness.reports.escape import md_text


def _leaderboard_section(run_dir: Path) -> str:
    path = run_dir / "leaderboard.md"
    if not path.is_file():
        return ""
    parts = path.read_text(encoding="utf-8").split("\n## ")
    return "## " + parts[0].removeprefix("## ").strip() + "\n" if parts[0].strip() else ""


def summary_md(run_dir: Path, base, planned: int, reused: int, comparison_md: str | None,
               failures: list[str], wall_s: float) -> str:
    info = latest_run_info(run_dir) or {}
    counts = info.get("counts", {})
    computed = info.get("computed", 0)
    failed = counts.get("failed", 0) + counts.get("diverged", 0)
    lines = [f"# Nightly {md_text(info.get('suite_name', ''))}: {md_text(run_dir.name)}", "",
             f"- trials: {planned} planned, {reused} reused from earlier runs, {computed} computed"
             f" ({failed} failed) in {wall_s:.1f} s",
             f"- run {info.get('run_id', '?')}, harness {info.get('harness', '?')}"
             + (f" @ {info['git_sha'][:10]}" if info.get("git_sha") else "")
             + (f", code stamp {md_text(info['code_stamp'])}" if info.get("code_stamp") else "")
             + (f", device {info.get('device')}" if info.get("device") else "")]
    if base is None:
        lines.append("- compared with: no earlier successful run under the root (nothing to compare)")
    else:
        lines.append(f"- compared with: {md_text(base.name)} (run {base.info.get('run_id', '?')})")
        lines.append(f"- gate: {'FAILED' if failures else 'passed'}")
        lines += [f"  - {md_text(f)}" for f in failures]
    lines.append("")
    if comparison_md:
        lines.append(comparison_md)
    lines.append(_leaderboard_section(run_dir))
    lines.append("Full report: report.html and leaderboard.md in the run dir.")
    return "\n".join(lines) + "\n"
