"""Which suite fields enter the trial key, derived by experiment rather than written by hand.

A reference suite that uses every method, both kinds of model and dataset source, every local
MTEB task type, a grid, selection, a search, trackers, a gate and resources is planned with
`harness.plan.build_plan` (hub revisions and named MTEB tasks are answered by stand-ins: no
network, no mteb import). Then every field the suite schema has is changed, one at a time, to
another valid value (derived from its JSON Schema: another enum value, the other boolean, a
nearby number, another file with different content, ...) and the plan is built again: the field
enters the key when the set of trial keys changes. A field no candidate value could be set for
reads "not derived" with the reason, so a new field shows up in the reference instead of getting a
guess (scripts/docs_reference.py; tests/docs/test_reference_drift.py).
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

YES, NO = "yes", "no"
_DEFS: dict = {}  # the suite schema's definitions, for candidates() to resolve $refs
TAG = "the entry's kind"
# Other text values worth trying (names that exist in the reference suite or in harness).
WORDS = ("f1_macro", "accuracy", "mcc", "f1_weighted", "mean", "cls", "a", "1", "train", "test",
         "validation", "jpn-Jpan", "cosine_spearman", "ndcg_at_100", "json", "weight_decay",
         "epochs")


@dataclass(frozen=True)
class Site:
    path: tuple  # where the field lives in the reference suite dict, e.g. ("datasets", 0, "hub", "id")
    schema: dict  # the field's JSON Schema (resolved)


def _write_inputs(root: Path) -> dict:
    """Tiny files the reference suite names: a model dir (its content is fingerprinted), csv
    splits, MTEB local task files. Returns name -> path."""
    model = root / "model"
    model.mkdir()
    (model / "config.json").write_text('{"model_type": "bert"}\n')
    (model / "vocab.txt").write_text("[PAD]\n[UNK]\n")
    csv = "text,label\n" + "".join(f"row {i} text,{'ab'[i % 2]}\n" for i in range(20))
    for split in ("train", "validation", "test"):
        (root / f"{split}.csv").write_text(csv + f"{split} extra,a\n")
    (root / "sts.jsonl").write_text('{"text": "a", "text2": "b", "label": 3.0}\n')
    (root / "pairs.jsonl").write_text('{"text": "a", "text2": "b", "label": 1}\n')
    (root / "corpus.jsonl").write_text('{"_id": "d1", "text": "a passage"}\n')
    (root / "queries.jsonl").write_text('{"_id": "q1", "text": "a query"}\n')
    (root / "qrels.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\n")
    beir = root / "beir"
    (beir / "qrels").mkdir(parents=True)
    for name in ("corpus.jsonl", "queries.jsonl"):
        shutil.copy(root / name, beir / name)
    shutil.copy(root / "qrels.tsv", beir / "qrels" / "test.tsv")
    (root / "rerank.jsonl").write_text('{"query": "q", "positive": ["a"], "negative": ["b"]}\n')
    return {p.name: str(p) for p in root.iterdir()}


def reference_suite(f: dict) -> dict:
    """A suite that exercises every section of the schema (paths from _write_inputs)."""
    files = {"train": f["train.csv"], "validation": f["validation.csv"], "test": f["test.csv"]}
    task = {"eval_splits": ["test"]}
    return {
        "schema_version": 1, "name": "reference", "description": "",
        "models": [
            {"name": "local", "path": f["model"], "training": {"learning_rate": 3e-5},
             "resources": {"gpus": 1, "cpus": 2}, "save_model": False},
            {"name": "hub", "id": "org/model", "revision": "main"},
            {"name": "packaged", "package": "json"},
        ],
        "datasets": [  # task types declared: planning reads no data
            {"name": "files", "task": "classification", "files": files, "label_names": ["a", "b"],
             "positive_label": "b", "text_pair_column": None, "max_train_samples": 10,
             "max_test_samples": 10, "max_length": 64,
             "metrics": [{"name": "accuracy"}, {"name": "f1_macro"},
                         {"name": "ev2", "evaluate": f["model"], "key": "ev2", "kwargs": {}}],
             "main_metric": "accuracy"},
            {"name": "hub", "task": "classification",
             "hub": {"id": "org/data", "config": "ja", "revision": "main",
                     "splits": {"validation": "dev"}}, "label_names": ["a", "b"]},
            {"name": "scores", "task": "regression", "files": files, "label_range": [0.0, 5.0]},
            {"name": "choices", "task": "multiple_choice", "files": files,
             "choice_columns": ["c0", "c1"]},
            {"name": "choice-lists", "task": "multiple_choice", "files": files,
             "choices_column": "choices"},
        ],
        "methods": [
            {"type": "finetune"},
            {"type": "probe", "pooling": ["mean"],
             "classifiers": [{"name": "logistic_regression"}, {"name": "knn"},
                             {"name": "linear_svm"}]},
            {"type": "tfidf", "features": [{"analyzer": "word"}]},
            {"type": "mteb", "search": "auto", "tasks": [
                {"name": "NamedRetrieval"},
                {"name": "NamedSTS", "subsets": ["ja"]},
                {"name": "sts", "type": "sts", "files": {"test": f["sts.jsonl"]},
                 "text_pair_column": "text2", **task},
                {"name": "pairs", "type": "pair_classification", "files": {"test": f["pairs.jsonl"]},
                 "text_pair_column": "text2", "positive_label": "1", **task},
                {"name": "cls", "type": "classification",
                 "files": {"train": f["train.csv"], "test": f["test.csv"]}, **task},
                {"name": "clu", "type": "clustering", "files": {"test": f["test.csv"]}, **task},
                {"name": "ret", "type": "retrieval", "corpus": f["corpus.jsonl"],
                 "queries": f["queries.jsonl"], "qrels": {"test": f["qrels.tsv"]}, **task},
                {"name": "beir", "type": "retrieval", "beir": f["beir"], **task},
                {"name": "rr", "type": "reranking", "files": {"test": f["rerank.jsonl"]}, **task},
            ]},
        ],
        "training": {"epochs": 1.0, "learning_rate": 5e-5, "eval_strategy": "steps",
                     "eval_steps": 5, "load_best_model_at_end": True,
                     "lr_scheduler_type": ["linear", "cosine_with_min_lr"],
                     "lr_scheduler_kwargs": {"cosine_with_min_lr": {"min_lr_rate": 0.1}}},
        "metrics": [{"name": "accuracy"}, {"name": "f1_macro"},
                    {"name": "ev", "evaluate": f["model"], "key": "ev", "kwargs": {}}],
        "main_metric": "accuracy",
        "seeds": [1, 2],
        "selection": {"metric": "accuracy", "split": "validation"},
        "search": None,
        "resources": {"gpus": 0, "cpus": 1},
        "tracking": [{"type": "tensorboard", "log_dir": f["model"]},
                     {"type": "mlflow", "tracking_uri": "sqlite:///x.db", "experiment": "e"},
                     {"type": "wandb", "project": "p", "entity": "e", "dir": f["model"],
                      "mode": "offline"}],
        "references": [{"label": "published", "source": "a paper", "url": "https://x.org",
                        "split": "test", "model": "local", "model_id": "org/model", "note": "",
                        "scores": {"files": {"accuracy": 0.9}}}],
        "gate": {"rules": [{"metric": "accuracy", "max_drop": 0.0, "floor": 0.5}],
                 "min_difference": {"accuracy": 0.01}, "ratio_tolerance": 0.1},
    }


# A search is planned through its proposals: this one proposes the reference's own scalar values,
# so `search:` changes no key by itself (what it proposes does, like a grid's values).
SEARCH = {"sampler": "tpe", "n_trials": 2, "seed": 0, "storage": None, "pruner": "median",
          "startup_trials": 2, "space": {"warmup_ratio": {"low": 0.0, "high": 0.5, "log": False,
                                                         "step": None, "choices": None}}}


@contextmanager
def _stand_ins():
    """Hub revisions resolve to a digest of (id, revision); named MTEB tasks read a pinned
    stand-in; the packaged model is harness's own folder. No network, no mteb import."""

    class Resolved:
        def __init__(self, kind, repo, revision):
            self.commit = hashlib.sha1(f"{kind}:{repo}:{revision}".encode()).hexdigest()

    def named(name):
        return f"mteb/{name}", hashlib.sha1(name.encode()).hexdigest(), None

    def named_type(name):
        return "Retrieval" if name.endswith("Retrieval") else "STS"

    import harness.methods.base as base

    # Content fingerprints, once per spec (the plan recomputes them per trial; a changed file
    # here is always a new path, so the memo never hides a change).
    model_fp = _memo(base.model_fingerprint)
    data_fp = _memo(base.data_fingerprint)
    with mock.patch("harness.hub.resolve", lambda kind, repo, rev: Resolved(kind, repo, rev)), \
            mock.patch("harness.methods.mteb.tasks.named_task_data", named), \
            mock.patch("harness.methods.mteb.plan.named_type", named_type), \
            mock.patch.object(base, "model_fingerprint", model_fp), \
            mock.patch.object(base, "data_fingerprint", data_fp):
        yield


def _memo(fn):
    seen: dict[str, str] = {}

    def memoised(spec):
        key = spec.model_dump_json()
        if key not in seen:
            seen[key] = fn(spec)
        return seen[key]
    return memoised


def _keys(data: dict, points: dict | None = None) -> tuple | None:
    """The sorted trial keys of the suite, or None when it is not a valid suite."""
    from pydantic import ValidationError

    from harness.errors import HarnessError
    from harness.plan.trials import build_plan
    from harness.suite.schema import Suite

    try:
        suite = Suite.model_validate(copy.deepcopy(data))
        if suite.search is not None and points is None:
            points = _search_points(suite)
        return tuple(sorted(t.key for t in build_plan(suite, points)))
    except (ValidationError, HarnessError, ValueError, TypeError, KeyError, OSError):
        return None


def _search_points(suite) -> dict:
    values = {name: suite.training.scalar().model_dump()[name] for name in suite.search.space}
    return {(m.display_name, d.name, s): [values] for m in suite.models for d in suite.datasets
            for s in suite.training.lr_scheduler_type}


def _get(data, path):
    for p in path:
        data = data[p]
    return data


def _set(data, path, value) -> dict:
    out = copy.deepcopy(data)
    node = out
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return out


def _unset(data, path) -> dict:
    out = copy.deepcopy(data)
    node = out
    for p in path[:-1]:
        node = node[p]
    node.pop(path[-1], None)
    return out


def _branches(schema: dict) -> list[dict]:
    return schema.get("anyOf") or schema.get("oneOf") or [schema]


def candidates(schema: dict, current, scratch: Path) -> list:
    """Other values a field of this schema might take (some may be refused by validators)."""
    out: list = []
    if isinstance(schema, dict) and "$ref" in schema:
        schema = {**_resolve(schema, _DEFS), **{k: v for k, v in schema.items() if k != "$ref"}}
    if not isinstance(schema, dict) or not schema or schema.get("type") is None and \
            not any(k in schema for k in ("anyOf", "oneOf", "enum", "const")):
        return [v for v in ("x", 1, 0.5, True) if v != current]  # any value
    for branch in _branches(schema):
        branch = _resolve(branch, _DEFS) if isinstance(branch, dict) else branch
        kind = branch.get("type")
        if "enum" in branch or "const" in branch:
            out += [v for v in branch.get("enum", [branch.get("const")]) if v != current]
        elif kind == "boolean":
            out.append(not current)
        elif kind == "integer":
            base = current if isinstance(current, int) and not isinstance(current, bool) else 1
            out += [base + 1, base + 2, base - 1, 1, 2, 3, 10]
        elif kind == "number":
            base = current if isinstance(current, (int, float)) and current else 0.1
            out += [base * 2, base / 2, base + 0.05, 0.5, 0.25, 0.3, 2.0]
        elif kind == "string":
            if isinstance(current, str) and current.startswith("/") and Path(current).exists():
                out.append(_changed_copy(Path(current), scratch))
            if branch.get("format") == "path":
                continue
            out += [f"{current}x" if isinstance(current, str) else "x", *WORDS]
        elif kind == "array":
            items = branch.get("items", {})
            cur = current if isinstance(current, list) else []
            if branch.get("prefixItems"):  # a tuple such as ngram_range
                out.append([1, 3])
            if len(cur) > 1:
                out += [cur[:-1], cur[1:], list(reversed(cur))]
            singles = candidates(items, cur[-1] if cur else None, scratch)
            for extra in singles:
                if extra not in cur:
                    out.append(cur + [extra])
            if not cur:  # pairs too (a list that must hold a given value, e.g. torch, and more)
                out += [[a, b] for a in singles[:3] for b in singles[:6] if a != b]
            if cur and isinstance(cur[0], dict) and len(cur) > 1:
                out.append(cur[:1])
        elif kind == "object" and "additionalProperties" in branch:
            cur = current if isinstance(current, dict) else {}
            out += [{}] if cur else []
            if cur:
                k = next(iter(cur))
                for v in candidates(branch["additionalProperties"], cur[k], scratch)[:4]:
                    out.append({**cur, k: v})
                out += [{**cur, w: cur[k]} for w in WORDS if w not in cur]  # one more entry
        elif kind == "null":
            out.append(None)
    return [c for c in out if c != current]


def _changed_copy(path: Path, scratch: Path) -> str:
    """A copy of a file or folder with different content (the same name inside a new folder)."""
    target = Path(tempfile.mkdtemp(dir=scratch)) / path.name
    if path.is_dir():
        shutil.copytree(path, target)
        (target / "README.md").write_text("changed\n")
        for sub in target.rglob("*.tsv"):
            sub.write_text(sub.read_text() + sub.read_text().splitlines()[-1] + "\n")
        for sub in target.rglob("corpus.jsonl"):
            sub.write_text(sub.read_text() + '{"_id": "d2", "text": "another"}\n')
    else:
        text = path.read_text()
        extra = text.splitlines()[-1]
        target.write_text(text + extra.replace("a", "b", 1) + "\n")
    return str(target)


def derive_all(suite_schema: dict) -> dict[str, str]:
    """Field pattern (e.g. `datasets[].hub.id`, `methods[type=probe].batch_size`) -> verdict."""
    defs = suite_schema.get("$defs", {})
    _DEFS.clear()
    _DEFS.update(defs)
    with tempfile.TemporaryDirectory() as tmp, _stand_ins():
        root = Path(tmp)
        inputs = root / "inputs"
        inputs.mkdir()
        reference = reference_suite(_write_inputs(inputs))
        base = _keys(reference)
        if base is None:
            raise SystemExit("the reference suite in scripts/docs_keys.py is not valid any more: "
                             "fix reference_suite()")
        searched = {**reference, "search": SEARCH}
        # search: as a whole, it plans the configurations it proposes (here the reference's own)
        verdicts: dict[str, list[str]] = {"search": [YES if _keys(searched) != base else NO]}
        for pattern, path, schema, data in _sites(reference, searched, suite_schema, defs):
            baseline = _keys(data)
            verdict = _verdict(data, baseline, path, schema, root)
            verdicts.setdefault(pattern, []).append(verdict)
    return {p: _combine(v) for p, v in verdicts.items()}


def _combine(found: list[str]) -> str:
    if YES in found:
        return YES
    if NO in found:
        return NO
    return found[0]


def _verdict(data: dict, baseline, path: tuple, schema: dict, scratch: Path) -> str:
    if path[-1] in ("type", "name") and ("const" in schema or len(schema.get("enum", [])) == 1):
        return TAG  # a union's tag: which table of fields applies
    if baseline is None:
        return "not derived (the reference suite with this section is not valid)"
    try:
        current, given = _get(data, path), True
    except (KeyError, IndexError, TypeError):  # not given: the suite holds its default
        current, given = _effective(data, path), False
    tried = 0
    for value in candidates(schema, current, scratch):
        keys = _keys(_set(data, path, value))
        if keys is None:
            continue
        tried += 1
        if keys != baseline:
            return YES
        if tried >= 3:
            break
    if tried:
        return NO
    if given and current is not None:  # leaving it out (its default) may be the only other value
        keys = _keys(_unset(data, path))
        if keys is not None:
            return YES if keys != baseline else NO
    return "not derived (no other valid value found)"


def _effective(data: dict, path: tuple):
    """The value the validated suite holds at `path` (defaults filled in, default_factory ones
    too, which the JSON Schema leaves out)."""
    from harness.suite.schema import Suite

    try:
        return _get(Suite.model_validate(copy.deepcopy(data)).model_dump(mode="json"), path)
    except Exception:  # noqa: BLE001  a section the dump leaves out: no default to compare with
        return None


def _resolve(schema: dict, defs: dict) -> dict:
    while "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _object_of(schema: dict, defs: dict) -> dict | None:
    """The object schema a field holds (itself, its list items, or the non-null branch)."""
    for branch in _branches(schema):
        branch = _resolve(branch, defs)
        if branch.get("type") == "object" and "properties" in branch:
            return branch
    return None


def _list_items(schema: dict, defs: dict) -> dict | None:
    for branch in _branches(schema):
        branch = _resolve(branch, defs)
        if branch.get("type") == "array" and "items" in branch:
            return branch["items"]
    return None


def _sites(reference: dict, searched: dict, suite_schema: dict, defs: dict):
    """(pattern, path, field schema, suite dict) for every field of every object the reference
    holds (each list item of a kind), the search fields inside the searched variant."""
    out = []

    def walk(obj_schema: dict, value: dict, path: tuple, pattern: str, data: dict):
        for name, field in obj_schema.get("properties", {}).items():
            field_pattern = f"{pattern}.{name}" if pattern else name
            field = {**field, **_resolve(field, defs)} if "$ref" in field else field
            current = value.get(name) if isinstance(value, dict) else None
            items = _list_items(field, defs)
            nested = _object_of(field, defs)
            union = (items or {}).get("oneOf") or (items or {}).get("anyOf")
            if items is not None and (union or "$ref" in items) and isinstance(current, list):
                for i, item in enumerate(current):
                    if not isinstance(item, dict):
                        continue
                    item_schema = _pick(items, item, defs)
                    tag = f"[type={item['type']}]" if union and "type" in item else "[]"
                    walk(item_schema, item, (*path, name, i), f"{field_pattern}{tag}", data)
            elif nested is not None and isinstance(current, dict) and \
                    name not in ("space",):
                walk(nested, current, (*path, name), field_pattern, data)
            elif current is None and (nested is not None or
                                      (items is not None and (union or "$ref" in items))):
                continue  # a section left out here: its fields are walked where it is given
            else:
                out.append((field_pattern, (*path, name), field, data))

    root = _resolve(suite_schema, defs)
    walk(root, reference, (), "", reference)
    search_schema = _object_of(root["properties"]["search"], defs)
    walk(search_schema, searched["search"], ("search",), "search", searched)
    return out


def _pick(items: dict, item: dict, defs: dict) -> dict:
    """The union member schema a list item is (by its `type` or `name` tag)."""
    members = [_resolve(m, defs) for m in (items.get("oneOf") or items.get("anyOf") or [items])]
    for tag in ("type", "name"):
        for m in members:
            const = m.get("properties", {}).get(tag, {})
            if item.get(tag) is not None and item.get(tag) in (const.get("enum") or
                                                               [const.get("const")]):
                return m
    return members[0]


if __name__ == "__main__":
    from harness.schemas import suite_schema

    print(json.dumps(derive_all(suite_schema()), indent=1))
