"""Read a suite file: safe YAML with line numbers, ${VAR} interpolation, typed validation.

Every problem becomes a HarnessError naming the file, the line and the dotted field.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from harness.env import repo_root
from harness.errors import HarnessError, SuiteErrors
from harness.readable import NotRegularFile, read_bytes
from harness.specs.field_error import FieldError
from harness.suite.overrides import apply_overrides
from harness.suite.schema import UNION_TAGS, Suite
from harness.suite.yaml11 import first_ambiguous

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def default_env() -> dict[str, str]:
    """Defaults for variables a suite may use without setting them."""
    return {"HARNESS_DATA": str((repo_root().parent / "shared" / "datasets").resolve())}


class LineIndex:
    """Maps a dotted field path (('models', 0, 'path')) to its line in the YAML file."""

    def __init__(self, root: yaml.Node | None):
        self.root = root

    def line(self, loc: tuple) -> int | None:
        node = self.root
        if node is None:
            return None
        line = node.start_mark.line + 1
        for part in loc:
            child = None
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if key.value == str(part):
                        child = value
                        line = key.start_mark.line + 1
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                child = node.value[part]
                line = child.start_mark.line + 1
            if child is None:
                break
            node = child
        return line


@dataclass(frozen=True)
class LoadedSuite:
    suite: Suite
    path: Path
    lines: LineIndex

    def error(self, message: str, loc: tuple = ()) -> HarnessError:
        return HarnessError(message, file=str(self.path), line=self.lines.line(loc),
                            field=".".join(str(p) for p in loc) or None)


def load_suite(path: str | Path, env: dict[str, str] | None = None) -> LoadedSuite:
    try:
        return _load_suite(Path(path), env)
    except RecursionError:  # PyYAML and the walks below recurse once per nesting level
        raise HarnessError("YAML nested too deeply", file=str(path), line=1) from None


def _load_suite(path: Path, env: dict[str, str] | None) -> LoadedSuite:
    shown = str(path)
    try:
        raw = read_bytes(path)  # a regular file only: a FIFO or /dev/zero would never end
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise HarnessError("suite file not found", file=shown) from None
    except NotRegularFile as e:
        raise HarnessError(f"is {e.kind}, not a suite file", file=shown) from None
    except UnicodeDecodeError as e:
        raise HarnessError(f"not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {e.start}); "
                           "save it as UTF-8", file=shown,
                           line=raw[:e.start].count(b"\n") + 1) from None
    except OSError as e:
        raise HarnessError(f"cannot read: {e.strerror}", file=shown) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise HarnessError(f"YAML syntax error: {problem}", file=shown,
                           line=mark.line + 1 if mark else None) from None
    lines = LineIndex(root)
    if _expanded_size(root) > MAX_VALUES:
        raise HarnessError(f"YAML expands to more than {MAX_VALUES} values through aliases "
                           "(an alias bomb?)", file=shown, line=1)
    if not isinstance(data, dict):
        raise HarnessError("a suite is a YAML mapping (name:, models:, datasets:, ...)", file=shown,
                           line=1)
    _reject_duplicate_keys(root, shown)
    if found := first_ambiguous(root):  # yes/no, 010, 1:30, dates: YAML 1.1 != 1.2
        node, loc, why = found
        raise HarnessError(why, file=shown, line=node.start_mark.line + 1,
                           field=".".join(map(str, loc)) or None)
    merged_env = {**default_env(), **(env if env is not None else os.environ)}
    data = _interpolate(data, (), merged_env, shown, lines)
    data = apply_overrides(data, shown, env)  # HARNESS_SUITE_OVERRIDES: test-only
    data = _resolve_paths(data, path.parent.resolve())
    try:
        suite = Suite.model_validate(data)
    except ValidationError as e:
        raise SuiteErrors([_to_error(err, shown, lines) for err in e.errors()]) from None
    return LoadedSuite(suite=suite, path=path, lines=lines)


MAX_VALUES = 100_000


def _expanded_size(root: yaml.Node | None) -> int:
    """Values the document holds once aliases are expanded (each alias counts its whole target),
    computed without expanding: a few lines of `&a [*b, *b, ...]` must not hang the loader."""
    sizes: dict[int, int] = {}

    def size(node) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        sizes[id(node)] = 1  # a recursive alias counts once here; PyYAML builds it as a cycle
        children = [v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) \
            else node.value if isinstance(node, yaml.SequenceNode) else []
        total = 1 + sum(min(size(c), MAX_VALUES + 1) for c in children)
        sizes[id(node)] = total
        return total

    return size(root) if root is not None else 0


def _reject_duplicate_keys(node: yaml.Node | None, shown: str, loc: tuple = ()) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                raise HarnessError("duplicate key", file=shown, line=key.start_mark.line + 1,
                                   field=".".join(map(str, (*loc, key.value))))
            seen.add(key.value)
            _reject_duplicate_keys(value, shown, (*loc, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _reject_duplicate_keys(item, shown, (*loc, i))


def _interpolate(value: Any, loc: tuple, env: dict[str, str], shown: str, lines: LineIndex) -> Any:
    """Replace ${VAR} and ${VAR:-default} in string values, from the environment only (no shell)."""
    if isinstance(value, dict):
        return {k: _interpolate(v, (*loc, k), env, shown, lines) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolate(v, (*loc, i), env, shown, lines) for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value

    def sub(match: re.Match) -> str:
        name, default = match.group(1), match.group(2)
        if name in env and env[name] != "":
            return env[name]
        if default is not None:
            return default
        raise HarnessError(f"environment variable {name} is not set", file=shown,
                           line=lines.line(loc), field=".".join(map(str, loc)))

    return _VAR.sub(sub, value)


def _as_list(value: Any) -> list:
    """A section that is not a list is left for the schema to report (with its line)."""
    return value if isinstance(value, list) else []


def _resolve_paths(data: dict, base: Path) -> dict:
    """Make local paths absolute, relative to the suite file's folder."""

    def absolute(p: Any) -> Any:
        return str((base / os.path.expanduser(p)).resolve()) if isinstance(p, str) and p else p

    for model in _as_list(data.get("models")):
        if isinstance(model, dict) and "path" in model:
            model["path"] = absolute(model["path"])
    for dataset in _as_list(data.get("datasets")):
        if isinstance(dataset, dict) and isinstance(dataset.get("files"), dict):
            dataset["files"] = {k: absolute(v) for k, v in dataset["files"].items()}
    for method in _as_list(data.get("methods")):  # a method's data files (local MTEB tasks)
        _absolute_files(method, absolute)
    for metric in _as_list(data.get("metrics")):
        if isinstance(metric, dict) and "evaluate" in metric:
            metric["evaluate"] = absolute(metric["evaluate"])
    for tracker in _as_list(data.get("tracking")):  # tensorboard log_dir, wandb dir
        for key in ("log_dir", "dir"):
            if isinstance(tracker, dict) and isinstance(tracker.get(key), str):
                tracker[key] = absolute(tracker[key])
    return data


_PATH_KEYS = {"files", "corpus", "queries", "qrels", "beir"}  # mteb local tasks' files


def _absolute_files(node: Any, absolute) -> None:
    """Every `files:` mapping (and an mteb retrieval task's `corpus:`, `queries:`, `qrels:`,
    `beir:`) inside a method entry names files relative to the suite file."""
    if isinstance(node, list):
        for item in node:
            _absolute_files(item, absolute)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in _PATH_KEYS and isinstance(value, dict):
                node[key] = {k: absolute(v) for k, v in value.items()}
            elif key in _PATH_KEYS and isinstance(value, str):
                node[key] = absolute(value)
            else:
                _absolute_files(value, absolute)


def _to_error(err: dict, shown: str, lines: LineIndex) -> HarnessError:
    # A discriminated union puts the tag into loc (methods.0.finetune.x): drop it.
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in UNION_TAGS))
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, FieldError):
        loc = loc + tuple(int(p) if p.isdigit() else p for p in cause.field.split("."))
    message = str(cause) if cause is not None else err["msg"]
    if err["type"] == "extra_forbidden":
        message = "unknown key (not in the suite schema; see `harness schema`)"
    elif err["type"] == "missing":
        message = "required field is missing"
    elif err["type"] == "string_pattern_mismatch":
        message = (f"{err.get('input')!r} is not a plain name: use letters, digits, '.', '_' and '-' "
                   "(no path separators; it names files in the results dir)")
    elif err["type"] == "literal_error":
        message = f"{err['msg']} (got {err.get('input')!r})"
    message = message.removeprefix("Value error, ")
    return HarnessError(message, file=shown, line=lines.line(loc),
                        field=".".join(str(p) for p in loc) or None)
