"""`harness predict`: reload a saved fine-tuned model and print what it says of each input — a
label and its probability (classification), a score (regression), the chosen answer
(multiple choice) — through the trial's task type (harness.tasks).

Inputs are texts on the command line ("a ||| b" for a text pair; "question ||| choice ||| choice
..." for multiple choice) or a file: csv / tsv / jsonl / json read with the trial's own columns
(text, pair, choices), or a .txt file with one input per line. Tokenized as in training (the task
type's encoder, the trial's max_length) and run in input order, batch by batch.
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


def _parts(text: str) -> list[str]:
    return [p.strip() for p in text.split(PAIR_SEPARATOR)]


def read_inputs(texts: list[str], file: str | None, columns: list[str],
                choices_column: str | None = None) -> list[list[str]]:
    """Each input as its texts: 'a ||| b' (and 'question ||| choice ||| choice ...') split, or a
    file's row: its `columns` in order (then the list in `choices_column`)."""
    if not file:
        return [_parts(t) for t in texts]
    path = Path(file)
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return [_parts(line) for line in _text_lines(path) if line.strip()]
    from harness.data.lines import row_line
    from harness.data.load import DataError, column_values, read_table

    fmt = {".jsonl": "jsonl", ".json": "json", ".tsv": "tsv", ".parquet": "parquet"}.get(suffix, "csv")
    try:  # as a suite's data is read: a regular file, cells as written (a text `NA` stays NA)
        ds = read_table(file, fmt, "--file", "--file", text_columns=True)
    except DataError as e:
        raise HarnessError(e.message, field="--file") from None
    for column in [*columns, choices_column]:
        if column and column not in ds.column_names:
            raise HarnessError(f"no column {column!r} (columns: {', '.join(ds.column_names)}; "
                               "choose with --text-column / --pair-column)", file=file)
    values = [column_values(ds, c) for c in columns]
    for column, cells in zip(columns, values):
        bad = next((i for i, v in enumerate(cells) if not isinstance(v, str) or not v.strip()), None)
        if bad is not None:
            raise HarnessError(f"row {bad + 1}: empty or non-text value in {column!r}", file=file,
                               line=row_line(file, fmt, bad))
    rows = [list(cells) for cells in zip(*values)]
    if choices_column:
        rows = [r + [str(c) for c in (choices or [])]
                for r, choices in zip(rows, column_values(ds, choices_column))]
    return rows


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


def predict(model_dir: Path, inputs: list[list[str]], max_length: int, task,
            batch_size: int = 64) -> list[dict]:
    """What the model says of each input, in input order: tokenized by the task type's encoder
    (as in training: max_length, token type ids for pairs, a question with each choice), run
    batch by batch through its saved head, read by the task type (`answer`)."""
    import torch
    import transformers

    rows = []
    for n, parts in enumerate(inputs, 1):
        try:
            rows.append(task.input_row(parts))
        except ValueError as e:
            raise HarnessError(f"input {n}: {e} ({task.name} model)") from None
    if len({tuple(sorted(r)) for r in rows}) > 1:
        raise HarnessError("mix of single texts and text pairs in one input set")
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    model = getattr(transformers, task.head_class).from_pretrained(model_dir).eval()
    encode = task.encoder(str(model_dir), max_length, tokenizer)
    pad = task.collator(tokenizer, None)
    import inspect

    accepted = set(inspect.signature(model.forward).parameters)
    id2label = {int(k): v for k, v in model.config.id2label.items()}
    out = []
    with torch.inference_mode():
        for start in range(0, len(rows), batch_size):
            batch = rows[start:start + batch_size]
            encoded = encode({k: [r[k] for r in batch] for k in batch[0]})
            features = [{k: v[i] for k, v in encoded.items() if k in accepted}
                        for i in range(len(batch))]
            outputs = task.outputs(model(**pad(features))).float().numpy()
            out += [{**row, **task.answer(o, row, id2label)} for row, o in zip(batch, outputs)]
    return out


def run_predict(results_dir, trial, best, metric, texts, file, fmt, text_column=None,
                pair_column=None, batch_size=64) -> str:
    from harness.quiet import quiet_libraries
    from harness.tasks.registry import task_type

    store, record = choose_record(Path(results_dir), trial, best, metric)
    model_dir = store.root / record.artifacts["model"]
    if not (model_dir / "config.json").is_file():
        raise HarnessError("saved model dir is missing or has no config.json", file=str(model_dir))
    task = task_type(record.task_type)
    data_cfg = record.config.get("dataset", {})
    own_text, own_pair = task.input_columns(data_cfg)
    columns = [text_column or own_text]
    if pair_column or own_pair:
        columns.append(pair_column or own_pair)
    columns += data_cfg.get("choice_columns") or []
    inputs = read_inputs(texts, file, columns, data_cfg.get("choices_column"))
    if not inputs:
        raise HarnessError("no inputs: give texts, or --file with rows")
    import transformers  # noqa: F401  (imported first so quiet_libraries silences its progress bars)

    quiet_libraries()
    max_length = data_cfg.get("max_length") or record.config["model"]["max_length"]
    own = task.predict(model_dir, inputs, data_cfg, max_length, list(record.label_names),
                       batch_size)
    if own is not None:  # span tasks: answers over contexts, entities of sentences
        return _render(record, model_dir, *own, fmt)
    rows = predict(model_dir, inputs, record.config["model"]["max_length"], task, batch_size)
    if fmt == "json":
        return json.dumps({"trial_id": record.trial_id, "model_dir": str(model_dir),
                           "task_type": task.name, "predictions": rows}, indent=2,
                          ensure_ascii=False) + "\n"
    from tabulate import tabulate

    shown = [k for k in ("label", "answer", "choice", "score") if k in rows[0]]
    table = [[n, *[r[k] if k != "score" else f"{r[k]:.4f}" for k in shown],
              f" {PAIR_SEPARATOR} ".join([r["text"], *([r["text_pair"]] if "text_pair" in r else []),
                                   *(r.get("choices") or [])])[:80]]
             for n, r in enumerate(rows, 1)]
    return (f"{record.trial_id} ({model_dir})\n\n"
            + tabulate(table, headers=["#", *shown, "input"], tablefmt="github") + "\n")


def _render(record, model_dir, rows: list[dict], headers: list[str], table: list[list], fmt: str):
    if fmt == "json":
        return json.dumps({"trial_id": record.trial_id, "model_dir": str(model_dir),
                           "task_type": record.task_type, "predictions": rows}, indent=2,
                          ensure_ascii=False) + "\n"
    from tabulate import tabulate

    return (f"{record.trial_id} ({model_dir})\n\n"
            + tabulate(table, headers=headers, tablefmt="github") + "\n")
