"""The gate: which rows of a comparison fail, one line each. Without rules in the suite's
`gate:` the default is one rule on the main metric (any significant regression fails). A row
whose new trials all failed fails the gate too. Rules apply to model rows, not to the majority
baseline (its score is a property of the data)."""

from __future__ import annotations

from harness.compare.rows import Comparison, Row
from harness.suite.gate import RATIO_METRICS, GateRule


def gate_failures(comparison: Comparison) -> list[str]:
    rules = comparison.gate.rules or [GateRule(metric=comparison.main)]
    lines = []
    for row in comparison.rows:
        if row.decision.verdict == "failed" and row.metric == comparison.main:
            lines.append(f"{_where(row)}: new run has no ok trial ({row.decision.detail})")
    for rule in rules:
        for row in comparison.rows:
            if row.metric != rule.metric or row.model == "-" \
                    or (rule.model and row.model != rule.model) \
                    or (rule.dataset and row.dataset != rule.dataset):
                continue
            lines += _rule_failures(rule, row)
    return lines


def _rule_failures(rule: GateRule, row: Row) -> list[str]:
    out = []
    new = row.new.mean if row.new is not None and row.new.n else None
    if rule.floor is not None and new is not None and new < rule.floor:
        out.append(f"{_where(row)}: {row.metric} {new:.4f} is below the floor {rule.floor:g}")
    if row.decision.verdict != "regressed" or rule.max_drop is None or row.delta is None:
        return out
    if row.is_ratio:
        drop = 1 - row.delta if RATIO_METRICS[row.metric] else row.delta - 1
        if drop > rule.max_drop:
            out.append(f"{_where(row)}: {row.metric} regressed to {row.delta:.2f}× the base "
                       f"(allowed drop {rule.max_drop:.0%}, same device)")
    elif -row.delta > rule.max_drop:
        out.append(f"{_where(row)}: {row.metric} regressed {row.base.mean:.4f} → {new:.4f} "
                   f"(Δ {row.delta:+.4f}, {row.decision.test}"
                   + (f", p {row.decision.p:.3g}" if row.decision.p is not None else "")
                   + f"; allowed drop {rule.max_drop:g})")
    return out


def _where(row: Row) -> str:
    return f"{row.dataset} / {row.label}"
