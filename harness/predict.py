"""`harness predict`: reload a saved fine-tuned model and print label and score per input.

Inputs are texts on the command line ("a ||| b" for a text pair) or a file: csv / tsv / jsonl /
json read with the trial's own text_column (and text_pair_column), or a .txt file with one input
per line ("a ||| b" for pairs). Tokenized as in training (the trial's max_length, token type ids
for pairs) and run in input order, batch by batch, with no sampler that could reorder rows.
"""

from __future__ import annotations

import json
from pathlib import Path

from harness.errors import HarnessError
from harness.store.store import open_results

PAIR_SEPARATOR = "|||"


def choose_record(root: Path, trial: str | None, best: bool, metric: str | None):
    store = open_results(root)
    saved = [r for r in store.records() if r.status == "ok" and "model" in r.artifacts]
    if not saved:
        raise HarnessError("no saved models here (set training.save_model: true, or save_model on "
                           "a model, and run the suite)", file=str(root))
    if trial:
        found = [r for r in saved if r.trial_id == trial or r.key == trial]
        found = found or [r for r in saved if r.trial_id.startswith(trial)
                          or (len(trial) >= 6 and r.key.startswith(trial))]
        if len(found) != 1:
            names = ", ".join(r.trial_id for r in saved[:8])
            raise HarnessError(f"--trial {trial!r} matches {len(found)} saved models "
                               f"(saved: {names})", file=str(root))
        return store, found[0]
    plan = store.read_plan()
    if plan is not None:
        latest = {e["trial_id"] for e in plan}
        saved = [r for r in saved if r.trial_id in latest] or saved
    name = metric or saved[0].main_metric
    scored = [r for r in saved if r.metrics.get("test", {}).get(name) is not None]
    if not scored:
        raise HarnessError(f"--metric {name!r}: no saved model has a test score for it", file=str(root))
    return store, max(scored, key=lambda r: r.metrics["test"][name])


def _split(text: str) -> tuple[str, str | None]:
    if PAIR_SEPARATOR in text:
        a, b = text.split(PAIR_SEPARATOR, 1)
        return a.strip(), b.strip()
    return text, None


def read_inputs(texts: list[str], file: str | None, text_column: str,
                pair_column: str | None) -> list[tuple[str, str | None]]:
    if not file:
        return [_split(t) for t in texts]
    path = Path(file)
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return [_split(line) for line in _text_lines(path) if line.strip()]
    from harness.data.lines import row_line
    from harness.data.load import DataError, column_values, read_table

    fmt = {".jsonl": "jsonl", ".json": "json", ".tsv": "tsv", ".parquet": "parquet"}.get(suffix, "csv")
    try:  # as a suite's data is read: a regular file, cells as written (a text `NA` stays NA)
        ds = read_table(file, fmt, "--file", "--file", text_columns=True)
    except DataError as e:
        raise HarnessError(e.message, field="--file") from None
    for column in (text_column, pair_column):
        if column and column not in ds.column_names:
            raise HarnessError(f"no column {column!r} (columns: {', '.join(ds.column_names)}; "
                               "choose with --text-column / --pair-column)", file=file)
    firsts = column_values(ds, text_column)
    seconds = column_values(ds, pair_column) if pair_column else [None] * len(firsts)
    for column, values in ((text_column, firsts), (pair_column, seconds if pair_column else [])):
        bad = next((i for i, v in enumerate(values) if not isinstance(v, str) or not v.strip()), None)
        if bad is not None:
            line = row_line(file, fmt, bad)
            raise HarnessError(f"row {bad + 1}: empty or non-text value in {column!r}", file=file,
                               line=line)
    return list(zip(firsts, seconds))


def _text_lines(path: Path) -> list[str]:
    from harness.readable import NotRegularFile, not_utf8, read_bytes

    try:
        raw = read_bytes(path)
        return raw.decode("utf-8-sig").splitlines()
    except FileNotFoundError:
        raise HarnessError("input file not found", file=str(path)) from None
    except NotRegularFile as e:
        raise HarnessError(f"is {e.kind}, not an input file", file=str(path)) from None
    except UnicodeDecodeError as e:
        raise HarnessError(f"{not_utf8(raw, e)}; save it as UTF-8", file=str(path)) from None
    except OSError as e:
        raise HarnessError(f"cannot read: {e.strerror}", file=str(path)) from None


def predict(model_dir: Path, inputs, max_length: int, batch_size: int = 64):
    """(label ids, probabilities, id2label) for the inputs, in input order."""
    import inspect

    import numpy as np
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    accepted = set(inspect.signature(model.forward).parameters)
    probs = []
    with torch.inference_mode():
        for start in range(0, len(inputs), batch_size):
            batch = inputs[start:start + batch_size]
            firsts = [a for a, _ in batch]
            seconds = [b for _, b in batch]
            has_pair = any(b is not None for b in seconds)
            if has_pair and any(b is None for b in seconds):
                raise HarnessError("mix of single texts and text pairs in one input set")
            args = (firsts, seconds) if has_pair else (firsts,)
            enc = tokenizer(*args, truncation=True, max_length=max_length, padding=True,
                            return_tensors="pt", return_token_type_ids=has_pair or None)
            enc = {k: v for k, v in enc.items() if k in accepted}
            logits = model(**enc).logits.float()
            probs.append(torch.softmax(logits, dim=-1).numpy())
    p = np.concatenate(probs) if probs else np.zeros((0, model.config.num_labels), np.float32)
    id2label = {int(k): v for k, v in model.config.id2label.items()}
    return p.argmax(-1), p, id2label


def run_predict(results_dir, trial, best, metric, texts, file, fmt, text_column=None,
                pair_column=None, batch_size=64) -> str:
    from harness.quiet import quiet_libraries

    store, record = choose_record(Path(results_dir), trial, best, metric)
    model_dir = store.root / record.artifacts["model"]
    if not (model_dir / "config.json").is_file():
        raise HarnessError("saved model dir is missing or has no config.json", file=str(model_dir))
    data_cfg = record.config.get("dataset", {})
    inputs = read_inputs(texts, file, text_column or data_cfg.get("text_column", "text"),
                         pair_column or data_cfg.get("text_pair_column"))
    if not inputs:
        raise HarnessError("no inputs: give texts, or --file with rows")
    import transformers  # noqa: F401  (imported first so quiet_libraries silences its progress bars)

    quiet_libraries()
    labels, probs, id2label = predict(model_dir, inputs, record.config["model"]["max_length"],
                                      batch_size)
    rows = [{"text": a, **({"text_pair": b} if b is not None else {}), "label": id2label[int(i)],
             "label_id": int(i), "score": round(float(p[i]), 6),
             "scores": {id2label[j]: round(float(v), 6) for j, v in enumerate(p)}}
            for (a, b), i, p in zip(inputs, labels, probs)]
    if fmt == "json":
        return json.dumps({"trial_id": record.trial_id, "model_dir": str(model_dir),
                           "predictions": rows}, indent=2, ensure_ascii=False) + "\n"
    from tabulate import tabulate

    table = [[n, r["label"], f"{r['score']:.4f}",
              (r["text"] + (f" ||| {r['text_pair']}" if "text_pair" in r else ""))[:80]]
             for n, r in enumerate(rows, 1)]
    return (f"{record.trial_id} ({model_dir})\n\n"
            + tabulate(table, headers=["#", "label", "score", "input"], tablefmt="github") + "\n")
