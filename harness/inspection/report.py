"""Run the inspection over a suite (every model × dataset) and render it as markdown or JSON."""

from __future__ import annotations

import json
from pathlib import Path

from harness.data.load import DataError
from harness.errors import SuiteErrors
from harness.hub import HubError
from harness.inspection.data_facts import data_facts
from harness.inspection.tokenizer_fit import tokenizer_fit
from harness.tasks.prepare import prepare


class _Memo:
    """The `ctx.cached` interface of a run, for code shared with the trial path."""

    def __init__(self):
        self._cache = {}

    def cached(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]


def inspect_suite(path: str | Path) -> dict:
    from harness.models.load import load_tokenizer
    from harness.quiet import quiet_libraries
    from harness.suite.loader import load_suite

    quiet_libraries()
    loaded = load_suite(path)
    suite = loaded.suite
    datasets, errors = {}, []
    for i, spec in enumerate(suite.datasets):
        try:
            datasets[spec.name] = prepare(spec)
        except DataError as e:
            loc = ("datasets", i, *[int(p) if p.isdigit() else p for p in (e.field or "").split(".") if p])
            errors.append(loaded.error(e.message, loc))
    if errors:
        raise SuiteErrors(errors)
    import transformers  # noqa: F401  (so quiet_libraries silences it)

    quiet_libraries()
    memo, entries = _Memo(), []
    spec_of = {d.name: d for d in suite.datasets}
    for model in suite.models:
        try:
            tokenizer = load_tokenizer(model, memo)
            problem = None
        except (OSError, ValueError, ImportError, HubError) as e:  # not cached offline, broken dir
            tokenizer, problem = None, (str(e).strip().splitlines() or [type(e).__name__])[0][:300]
        for name, prepared in datasets.items():
            data = data_facts(prepared)
            length = spec_of[name].max_length_for(model)
            fit = tokenizer_fit(tokenizer, prepared.splits, length, task=prepared.task,
                                info=prepared.info) if tokenizer else None
            warnings = (fit["warnings"] if fit else []) + data["warnings"]
            verdict = (f"not checked: tokenizer did not load ({problem})" if problem
                       else "warning: " + "; ".join(warnings) if warnings
                       else f"ok: tokenizer fits ([UNK] {fit['unk_rate']:.2%}, truncated "
                            f"{fit['truncated_share']:.1%} at {length}); no data warnings")
            entries.append({"model": model.display_name, "dataset": name, "data": data,
                            "tokenizer_fit": fit, "verdict": verdict})
    from harness.cpu_features import cpu_facts
    from harness.runtimes.catalog import accelerated
    from harness.suite.runtime_checks import machine_line

    cpu, features = cpu_facts()
    machine = {"cpu": cpu, "cpu_features": features, "accelerates": accelerated(features),
               "line": machine_line(features)}  # which runtimes this CPU speeds up
    return {"suite": suite.name, "file": str(loaded.path), "entries": entries,
            "machine": machine}


def render(result: dict, fmt: str = "md") -> str:
    if fmt == "json":
        return json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    from tabulate import tabulate

    rows = []
    for e in result["entries"]:
        d, f = e["data"], e["tokenizer_fit"]
        labels = d["label_names"]
        rows.append([e["model"], e["dataset"], d["splits"]["train"]["rows"],
                     d.get("task", "classification") + (f" ({len(labels)})" if labels else ""),
                     f"{d['majority_share']:.1%}" if d["majority_share"] is not None and labels
                     else "—",
                     f"{f['tokens_mean']:.1f} / {f['tokens_p95']:.0f} / {f['tokens_max']}" if f else "",
                     f"{f['truncated_share']:.1%} @ {f['max_length']}" if f else "",
                     f"{f['unk_rate']:.2%}" if f else "", e["verdict"].split(":")[0]])
    head = ["model", "dataset", "train rows", "task (labels)", "majority", "tokens mean/p95/max",
            "truncated", "[UNK]", "verdict"]
    out = [f"# inspect {result['suite']} ({result['file']})", "",
           tabulate(rows, headers=head, tablefmt="github"), ""]
    if result.get("machine"):
        out += [f"runtimes on this machine: {result['machine']['line']}", ""]
    for e in result["entries"]:
        out += _detail(e)
    return "\n".join(out) + "\n"


def _detail(e: dict) -> list[str]:
    d, f = e["data"], e["tokenizer_fit"]
    lines = [f"## {e['model']} × {e['dataset']}", "", f"**verdict** {e['verdict']}", ""]
    split_rows = [[s, v["rows"], ", ".join(f"{k} {c}" for k, c in v["label_counts"].items())
                   or _task_counts(v),
                   f"{v['chars_min']} / {v['chars_mean']:.0f} / {v['chars_p95']:.0f} / {v['chars_max']}"]
                  for s, v in d["splits"].items()]
    from tabulate import tabulate

    lines += [tabulate(split_rows, headers=["split", "rows", "label counts",
                                            "chars min/mean/p95/max"], tablefmt="github"), ""]
    lines.append(f"- task type: {d.get('task', 'classification')}"
                 f"{' (text pairs)' if d['pair'] else ''}")
    if d["label_names"]:
        lines.append(f"- label names in order (id = position): {', '.join(d['label_names'])}")
    majority = (f"majority: {d['majority_label']} = {d['majority_share']:.1%} of train; "
                if d["majority_label"] is not None else "")
    lines.append(f"- {majority}test rows also in train: {d['test_rows_in_train']}; "
                 f"duplicate rows within train: {d['train_duplicate_rows']}")
    if f:
        lines.append(f"- {f['tokenizer']}: tokens per row mean {f['tokens_mean']:.1f}, p95 "
                     f"{f['tokens_p95']:.0f}, max {f['tokens_max']} over {f['rows']:,} rows"
                     f"{' (sampled)' if f['sampled'] else ''}; truncated at {f['max_length']}: "
                     f"{f['truncated_share']:.1%}; [UNK] {f['unk_rate']:.2%} "
                     f"({f['unk_tokens']:,} of {f['tokens_total']:,})")
        lines += _span_lines(f.get("spans"))
        lines.append(f"- example (train row 1): {f['example_text']}")
        lines.append(f"- as tokens: {' '.join(f['example_tokens'])}")
    for w in (f["warnings"] if f else []) + d["warnings"]:
        lines.append(f"- **warning**: {w}")
    return lines + [""]


def _task_counts(facts: dict) -> str:
    """A span task's own counts per split (answers, entities per type)."""
    if "entity_counts" in facts:
        return f"{facts['entities']} entities: " + ", ".join(
            f"{k} {c}" for k, c in facts["entity_counts"].items())
    if "answers" in facts:
        return f"{facts['answers']} gold answers over {facts['contexts']} contexts"
    return ""


def _span_lines(spans: dict | None) -> list[str]:
    """What the tokenizer can express of the gold spans, per split (harness.tasks.span_facts)."""
    if not spans:
        return []
    out = []
    for split, f in spans["splits"].items():
        if "answers" in f:
            out.append(f"- {split}: {f['inexpressible_answers']:,} of {f['answers']:,} gold answers "
                       f"({f['inexpressible_share']:.2%}) begin or end inside a token "
                       f"(offsets: {f['offsets']}); {f['windows']:,} windows for "
                       f"{f['questions']:,} questions (at most {f['windows_per_question_max']}, "
                       f"{f['questions_over_one_window']:,} need more than one)")
        else:
            unit = "token" if f["label_all_tokens"] else "word"
            other = "word" if f["label_all_tokens"] else "token"
            out.append(f"- {split}: {f['inexpressible_entities']:,} of {f['entities']:,} entities "
                       f"({f['inexpressible_share']:.2%}) begin or end inside a {unit} "
                       f"({f['inexpressible_other_setting']:,} inside a {other}; offsets: "
                       f"{f['offsets']}); {f['sentences_cut']:,} sentences cut at max_length, "
                       f"losing {f['entities_cut']:,} entities")
    return out
