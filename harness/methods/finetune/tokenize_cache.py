"""Tokenized splits on disk, computed once per (tokenizer, data, max_length) and reused by every
scheduler, seed and model that shares the tokenizer, within a run and across runs.

Key: sha256 over the tokenizer's class and saved files (load-location keys dropped, so two model
dirs with the same tokenizer share entries), the content of the prepared splits (every canonical
column of every row, in order), max_length and the task type's encoder (harness.tasks: a text,
a pair with token type ids, a question with N choices…). The key is ours, not `datasets`' map
fingerprint: datasets cannot hash a BertJapaneseTokenizer, so its own cache would never hit.

Location: `$HARNESS_CACHE/tokenized/<key>/` when HARNESS_CACHE is set (share it between suites),
else `<results dir>/.cache/tokenized/<key>/`. Each entry is a `DatasetDict.save_to_disk` dir
written to a temp name and renamed, so a crash never leaves half an entry. Rows keep no padding;
a `length` column (tokens per row) feeds length grouping and sorted evaluation.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from harness.data.load import CHOICES, LABEL, PAIR, TEXT, column_values
from harness.tasks.encoders import LENGTH

__all__ = ["LENGTH", "cache_root", "tokenize_splits"]
_LOCATION_KEYS = {"name_or_path", "_name_or_path", "is_local", "local_files_only", "_commit_hash"}
_SLOW_TOKENIZER_PARALLEL_ROWS = 1000  # below this, worker start-up costs more than it saves


def cache_root(results_root: Path) -> Path:
    env = os.environ.get("HARNESS_CACHE")
    return (Path(env) if env else Path(results_root) / ".cache") / "tokenized"


def tokenizer_digest(tokenizer) -> str:
    """Content hash of a tokenizer: its class and the files save_pretrained writes."""
    h = hashlib.sha256(type(tokenizer).__name__.encode())
    with tempfile.TemporaryDirectory(prefix="harness-tok-") as tmp:
        tokenizer.save_pretrained(tmp)
        for path in sorted(Path(tmp).rglob("*")):
            if not path.is_file():
                continue
            data = path.read_bytes()
            if path.name == "tokenizer_config.json":
                config = {k: v for k, v in json.loads(data).items() if k not in _LOCATION_KEYS}
                data = json.dumps(config, sort_keys=True, default=str).encode()
            h.update(path.relative_to(tmp).as_posix().encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def data_digest(splits) -> str:
    """Content hash of prepared splits: every row's text, pair and label, in order."""
    h = hashlib.sha256()
    for name in sorted(splits):
        ds = splits[name]
        h.update(f"\0split:{name}:{len(ds)}".encode())
        for column in (TEXT, PAIR, CHOICES, LABEL):
            if column in ds.column_names:
                h.update(f"\0{column}\0".encode())
                h.update("\x1f".join(map(str, column_values(ds, column))).encode())
    return h.hexdigest()


def tokenize_splits(splits, tokenizer, max_length: int, root: Path, task, label: str = ""):
    """(tokenized DatasetDict, hit): from `root/<key>` when there, else computed with the task
    type's encoder (harness.tasks) and saved."""
    import datasets

    pair = PAIR in splits["train"].column_names
    probe = task.encoder("", max_length)
    key = hashlib.sha256(json.dumps({
        "tokenizer": tokenizer_digest(tokenizer), "data": data_digest(splits),
        "max_length": max_length, "token_type_ids": pair,
        "encoder": f"{type(probe).__module__}.{type(probe).__qualname__}",
        "version": 2}).encode()).hexdigest()
    entry = Path(root) / key
    if (entry / "dataset_dict.json").is_file():
        return datasets.load_from_disk(str(entry)), True
    entry.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{key[:12]}-", dir=entry.parent))
    try:
        tok_dir = staging / "tokenizer"
        tokenizer.save_pretrained(str(tok_dir))
        slow = not getattr(tokenizer, "is_fast", False)
        rows = max(len(ds) for ds in splits.values())
        num_proc = min(os.cpu_count() or 1, 8) if slow and rows >= _SLOW_TOKENIZER_PARALLEL_ROWS else None
        encoder = task.encoder(str(tok_dir), max_length, tokenizer)
        drop = [c for c in (TEXT, PAIR, CHOICES) if c in splits["train"].column_names]
        out = datasets.DatasetDict({
            name: ds.map(encoder, batched=True, batch_size=1000, remove_columns=drop,
                         num_proc=num_proc if num_proc and num_proc > 1 else None,
                         keep_in_memory=not (num_proc and num_proc > 1),
                         new_fingerprint=f"{key[:32]}-{name}", load_from_cache_file=False,
                         desc=f"tokenize {label} {name}".strip())
            for name, ds in splits.items()})
        out.save_to_disk(str(staging / "data"))
        (staging / "data" / "key.json").write_text(json.dumps(
            {"tokenizer_class": type(tokenizer).__name__, "max_length": max_length,
             "task": task.name, "label": label}), encoding="utf-8")
        try:
            os.replace(staging / "data", entry)
        except OSError:  # another process saved the same entry first: use that one
            if not (entry / "dataset_dict.json").is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return datasets.load_from_disk(str(entry)), False
