"""Read a suite file: safe YAML with line numbers, ${VAR} interpolation, typed validation.

Every problem becomes a HarnessError naming the file, the line and the dotted field.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
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
    # Paths the file gave relative (field path -> as written): a "not found" for one of them
    # says where it was looked for (the suite's folder, not the working directory).
    relative: dict = field(default_factory=dict)

    def error(self, message: str, loc: tuple = ()) -> HarnessError:
        if "not found: " in message and tuple(loc) in self.relative:
            message += (f" (the relative path {self.relative[tuple(loc)]!r} is resolved against "
                        f"the suite's folder {self.path.resolve().parent}, not the working "
                        "directory)")
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
        raise HarnessError(f"YAML syntax error: {problem}{_flow_hint(text, mark)}", file=shown,
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
    relative: dict = {}
    data = _resolve_paths(data, path.parent.resolve(), relative)
    data = _expand_references(data, shown, lines)
    try:
        suite = Suite.model_validate(data)
    except ValidationError as e:
        raise SuiteErrors([_to_error(err, shown, lines) for err in e.errors()]) from None
    return LoadedSuite(suite=suite, path=path, lines=lines, relative=relative)


def _flow_hint(text: str, mark) -> str:
    """A `${VAR}` unquoted inside `{...}` or `[...]` (`files: {test: ${HARNESS_DATA}/x.tsv}`) is
    a YAML syntax error in any parser (`{` opens a mapping): say how to write it."""
    if mark is None:
        return ""
    line = text.splitlines()[mark.line] if mark.line < len(text.splitlines()) else ""
    value = re.search(r"[{\[][^\"']*?(\$\{[^}]*\}[^,}\]\s]*)", line)
    if value is None:
        return ""
    return (f"; a ${{VAR}} inside {{...}} or [...] must be quoted: \"{value.group(1)}\" "
            "(or write the mapping as indented lines)")


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


def _resolve_paths(data: dict, base: Path, relative: dict | None = None) -> dict:
    """Make local paths absolute, relative to the suite file's folder (`relative` collects the
    field paths given relative, as written)."""
    relative = {} if relative is None else relative

    def absolute(p: Any, loc: tuple = ()) -> Any:
        if not (isinstance(p, str) and p):
            return p
        if not os.path.isabs(os.path.expanduser(p)):
            relative[loc] = p
        return str((base / os.path.expanduser(p)).resolve())

    for i, model in enumerate(_as_list(data.get("models"))):
        if isinstance(model, dict) and "path" in model:
            model["path"] = absolute(model["path"], ("models", i, "path"))
    for i, dataset in enumerate(_as_list(data.get("datasets"))):
        if isinstance(dataset, dict) and isinstance(dataset.get("files"), dict):
            dataset["files"] = {k: absolute(v, ("datasets", i, "files", k))
                                for k, v in dataset["files"].items()}
    for i, method in enumerate(_as_list(data.get("methods"))):  # local MTEB tasks' files
        _absolute_files(method, absolute, ("methods", i))
    if isinstance(data.get("references"), list):  # a references file's path
        data["references"] = [absolute(r, ("references", j)) if isinstance(r, str) else r
                              for j, r in enumerate(data["references"])]
    for i, metric in enumerate(_as_list(data.get("metrics"))):
        if isinstance(metric, dict) and "evaluate" in metric:
            metric["evaluate"] = absolute(metric["evaluate"], ("metrics", i, "evaluate"))
    for i, tracker in enumerate(_as_list(data.get("tracking"))):  # tensorboard log_dir, wandb dir
        for key in ("log_dir", "dir"):
            if isinstance(tracker, dict) and isinstance(tracker.get(key), str):
                tracker[key] = absolute(tracker[key], ("tracking", i, key))
    return data


def _expand_references(data: dict, shown: str, lines: "LineIndex") -> dict:
    """A `references:` item that is a path names a YAML file holding a list of references
    (relative to the suite's folder, resolved by _resolve_paths): its entries take its place,
    each checked against the schema with errors naming that file's own lines."""
    refs = data.get("references")
    if not isinstance(refs, list) or not any(isinstance(r, str) for r in refs):
        return data
    from harness.specs.reference import ReferenceSpec

    out = []
    for i, item in enumerate(refs):
        if not isinstance(item, str):
            out.append(item)
            continue
        where = Path(item)
        if not where.is_file():
            raise HarnessError(f"references file not found: {item}", file=shown,
                               line=lines.line(("references", i)), field=f"references.{i}")
        text = where.read_text(encoding="utf-8", errors="replace")
        try:
            root, entries = yaml.compose(text, Loader=yaml.SafeLoader), yaml.safe_load(text)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            raise HarnessError(f"YAML syntax error: {getattr(e, 'problem', None) or e}",
                               file=str(where), line=mark.line + 1 if mark else None) from None
        if not isinstance(entries, list):
            raise HarnessError("a references file is a YAML list of references", file=str(where),
                               line=1)
        own = LineIndex(root)
        for k, entry in enumerate(entries):
            try:
                out.append(ReferenceSpec.model_validate(entry).model_dump(mode="json"))
            except ValidationError as e:
                err = e.errors()[0]
                loc = (k, *err["loc"])
                raise HarnessError(err["msg"], file=str(where), line=own.line(loc),
                                   field=".".join(map(str, loc))) from None
    return {**data, "references": out}


_PATH_KEYS = {"files", "corpus", "queries", "qrels", "beir"}  # mteb local tasks' files


def _absolute_files(node: Any, absolute, loc: tuple = ()) -> None:
    """Every `files:` mapping (and an mteb retrieval task's `corpus:`, `queries:`, `qrels:`,
    `beir:`) inside a method entry names files relative to the suite file."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            _absolute_files(item, absolute, (*loc, i))
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in _PATH_KEYS and isinstance(value, dict):
                node[key] = {k: absolute(v, (*loc, key, k)) for k, v in value.items()}
            elif key in _PATH_KEYS and isinstance(value, str):
                node[key] = absolute(value, (*loc, key))
            else:
                _absolute_files(value, absolute, (*loc, key))


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
