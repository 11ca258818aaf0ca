"""Checks that need more than the suite file: data files, model dirs, hub items, optional
packages. No torch.

Hub items are checked for real (harness.hub): the repo and revision exist (resolved to a commit),
a model's config and tokenizer files (downloaded without weights) pass the local-dir checks, a
dataset's config is one its card declares and the data prepares as a trial prepares it (splits,
columns, labels). Offline (or when the hub does not answer) whatever the HF cache holds is checked
and the rest reported per item as not checked; `harness run` (for_run) refuses those instead.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from harness.data.checked import remembered
from harness.data.load import DataError
from harness.errors import HarnessError
from harness.fingerprint import model_dir, pinned_dataset
from harness.hub import HubError, dataset_snapshot, hub_where
from harness.methods.base import Finding
from harness.methods.registry import METHODS
from harness.metrics import module_check
from harness.metrics.module_check import check_module
from harness.metrics.registry import BINARY_ONLY
from harness.models import integrity
from harness.models.files import hub_model_dir
from harness.models.integrity import (
    check_tokenizer,
    check_weights,
    read_model_config,
    read_tokenizer_config,
    tokenizer_files,
)
from harness.models.load import JA_EXTRA
from harness.readable import is_regular_file
from harness.suite.loader import LoadedSuite
from harness.suite.runtime_checks import check_runtimes
from harness.tasks.prepare import checked_dataset, prepare_once, summary_of
from harness.tasks.registry import task_type
from harness.tasks.scoring import dataset_metrics, unknown_metrics

_MECAB_DICTS = {"unidic_lite": "unidic_lite", "ipadic": "ipadic", "unidic": "unidic"}


def check_suite(loaded: LoadedSuite,
                for_run: bool = False) -> tuple[list[Finding], list[HarnessError]]:
    """Every check of `validate` (for_run: `harness run`'s, which refuses hub items it could not
    check instead of reporting them as not checked)."""
    findings: list[Finding] = []
    errors: list[HarnessError] = []
    suite = loaded.suite
    for i, spec in enumerate(suite.models):
        try:
            findings.append(_check_model(loaded, i, spec, for_run))
        except HarnessError as e:
            errors.append(e)
    selects = suite.selection is not None or suite.search is not None or suite.grids()
    for i, spec in enumerate(suite.datasets):
        item = f"dataset {spec.name}"
        try:
            summary, where = _checked_dataset(spec)
        except HubError as e:
            if e.unavailable and not for_run:
                findings.append(Finding(item, "not checked", e.message))
                if selects and spec.validation_size == 0 \
                        and "validation" not in (spec.hub.splits or {}):
                    findings.append(Finding(item, "warning", "configurations are selected on "
                                            "validation: the hub repo must have a validation "
                                            "split (validation_size is 0)"))
            else:
                errors.append(loaded.error(e.message, ("datasets", i, *_hub_loc(e.field))))
            continue
        except DataError as e:
            field = e.field or ""
            loc = ("datasets", i, *[int(p) if p.isdigit() else p for p in field.split(".") if p])
            errors.append(loaded.error(e.message, loc))
            continue
        if selects and "validation" not in summary["rows"]:  # a hub repo without one
            errors.append(loaded.error(f"selects on the validation split, but dataset "
                                       f"{spec.name!r} has none (give a validation split or "
                                       "validation_size > 0)", ("datasets", i, "validation_size")))
            continue
        sizes = ", ".join(f"{split} {rows}" for split, rows in summary["rows"].items())
        task = task_type(summary["task"])
        refs, main = dataset_metrics(suite.metrics, suite.main, spec, task)
        for k, name in unknown_metrics(spec, task):
            errors.append(loaded.error(f"unknown {task.name} metric {name!r}; known: "
                                       f"{', '.join(_family_names(task))}",
                                       ("datasets", i, "metrics", k, "name")))
        how = "task" if spec.task else "inferred task"
        findings.append(Finding(item, "ok", f"{how} {task.name}: {summary['summary']}; {sizes}; "
                                            f"metrics {', '.join(r.name for r in refs)} (main "
                                            f"{main}){where}"))
        for model in suite.models:
            for fld, message in task.model_problems(spec, spec.max_length_for(model)):
                errors.append(loaded.error(f"model {model.display_name}: {message}",
                                           ("datasets", i, fld)))
        names = summary["label_names"]
        if task.family == "labels" and len(names) != 2:
            binary = [m.name for m in refs if m.name in BINARY_ONLY and not m.evaluate]
            if binary:
                findings.append(Finding(item, "warning", f"{', '.join(binary)} apply to binary tasks: "
                                                         f"null for {len(names)} labels"))
        for method in suite.methods:
            if not METHODS[method.type].applies_to(task.name):
                findings.append(Finding(item, "skipped", f"{method.type} does not apply to "
                                                         f"{task.name} datasets: no such trials"))
    findings += _reference_findings(suite)
    for j, spec in enumerate(suite.methods):  # each method checks its own entry
        more_findings, more_errors = METHODS[spec.type].check(spec, j, loaded)
        findings += more_findings
        errors += more_errors
    more_findings, more_errors = check_runtimes(loaded, _model_types(suite))
    findings += more_findings
    errors += more_errors
    if suite.search is not None and importlib.util.find_spec("optuna") is None:
        errors.append(loaded.error("needs optuna: pip install 'harness[search]'", ("search",)))
    for i, metric in enumerate(suite.metrics):
        if metric.evaluate and not Path(metric.evaluate).exists():
            errors.append(loaded.error(f"evaluate module not found: {metric.evaluate}",
                                       ("metrics", i, "evaluate")))
        elif metric.evaluate and importlib.util.find_spec("evaluate") is None:
            errors.append(loaded.error("needs the evaluate package: pip install 'harness[evaluate]'",
                                       ("metrics", i, "evaluate")))
        elif metric.evaluate:
            try:
                _checked_module(metric)
            except HarnessError as e:
                errors.append(loaded.error(e.message, ("metrics", i, "evaluate")))
    return findings, errors


def _model_types(suite) -> dict[str, str | None]:
    """display name -> config.json model_type, for models with runtimes beyond torch whose
    files are local (the runtime checks say which architectures were exercised)."""
    from harness.models.files import local_files, read_config

    out = {}
    for spec in suite.models:
        if len(suite.runtimes_for(spec)) > 1:
            local = local_files(spec)
            out[spec.display_name] = read_config(local).get("model_type") if local else None
    return out


def _checked_module(metric) -> None:
    """The local evaluate module loads and computes its key (in a child process: evaluate
    imports torch), remembered by the content of its Python files."""
    path = Path(metric.evaluate)
    if not path.is_dir() and not is_regular_file(path):
        raise HarnessError(f"{path} is neither a module folder nor a Python file")
    files = {p.name: str(p) for p in (sorted(path.glob("*.py")) if path.is_dir() else [path])}

    def check():
        problem = check_module(str(path), metric.key or metric.name, dict(metric.kwargs))
        if problem:
            raise HarnessError(f"evaluate module {path} does not work as a trial uses it: "
                               f"{problem}")
        return {"module": "ok"}

    remembered("evaluate", metric, files, check, code=(Path(module_check.__file__),))


def _checked_dataset(spec) -> tuple[dict, str]:
    """(summary, where it came from) of a suite dataset, prepared as a trial prepares it."""
    if spec.hub is None:
        return checked_dataset(spec)[0], ""
    pinned = pinned_dataset(spec)
    snap = dataset_snapshot(spec.hub.id, spec.hub.revision, (spec.hub.config,))
    return summary_of(prepare_once(pinned)), f"; {hub_where(snap.resolved, spec.hub.config)}"


def _reference_findings(suite) -> list[Finding]:
    """What the published rows show: their datasets that the suite lacks are left out (a shared
    references file may cover more)."""
    if not suite.references:
        return []
    names = {d.name for d in suite.datasets}
    shown = sorted({d for r in suite.references for d in r.scores if d in names})
    missing = sorted({d for r in suite.references for d in r.scores} - names)
    out = [Finding("references", "ok", f"{len(suite.references)} published rows for "
                                       f"{', '.join(shown) or 'no dataset of this suite'}")]
    if missing:
        out.append(Finding("references", "warning", f"scores for {', '.join(missing)}: not a "
                                                    "dataset of this suite (not shown)"))
    return out


def _family_names(task) -> list[str]:
    from harness.metrics.families import names

    return names(task.family)


def _hub_loc(field: str | None) -> tuple:
    """A dataset HubError's field (id, revision, hub.config) as a path below the dataset."""
    name = (field or "id").removeprefix("hub.")
    return ("hub", name)


def _check_model(loaded: LoadedSuite, i: int, spec, for_run: bool = False) -> Finding:
    item = f"model {spec.display_name}"
    field = "path" if spec.path else "package" if spec.package else "id"
    if spec.trust_remote_code:  # for this model only; hub models too, cached or not
        print(f"harness: warning: {item} sets trust_remote_code: Python code from "
              f"{spec.id or spec.path or spec.package} will run", file=sys.stderr)
    try:
        local = model_dir(spec)
    except HarnessError as e:
        raise loaded.error(e.message, ("models", i, "package")) from None
    place = ""
    if local is None:
        try:
            local, place = hub_model_dir(spec, for_run)
        except HubError as e:
            raise loaded.error(e.message, ("models", i, e.field or "id")) from None
        if local is None:
            return Finding(item, "not checked", place)
        place = f"; {place}"
    if not local.is_dir():
        raise loaded.error(f"model dir not found: {local}", ("models", i, field))
    try:  # what a trial opens, opened without weights (harness.models.integrity)
        config = read_model_config(local)
        model_type = config["model_type"]
        tokenizer = read_tokenizer_config(local)
    except HarnessError as e:
        raise loaded.error(e.message, ("models", i, field)) from None
    if tokenizer is None:
        raise loaded.error(f"{local} has no tokenizer files (tokenizer_config.json, tokenizer.json "
                           "or vocab.txt)", ("models", i, field))
    _check_mecab(loaded, i, field, tokenizer)
    _check_remote_code(loaded, i, spec, config, tokenizer)
    limit = config.get("max_position_embeddings")
    if isinstance(limit, int) and spec.max_length > limit:
        raise loaded.error(f"max_length {spec.max_length} exceeds the model's "
                           f"max_position_embeddings {limit}", ("models", i, "max_length"))
    for j, dataset in enumerate(loaded.suite.datasets):
        if isinstance(limit, int) and dataset.max_length and dataset.max_length > limit:
            raise loaded.error(f"max_length {dataset.max_length} exceeds model "
                               f"{spec.display_name}'s max_position_embeddings {limit}",
                               ("datasets", j, "max_length"))
    try:
        vocab = _checked_tokenizer(spec, local)
        weights = f"; {check_weights(local)}" if not place else ""  # a hub model's come at run
    except HarnessError as e:
        raise loaded.error(e.message, ("models", i, field)) from None
    return Finding(item, "ok", f"{model_type}, tokenizer {tokenizer.get('tokenizer_class', '?')} "
                               f"({vocab}){weights}{place}")


def _checked_tokenizer(spec, local: Path) -> str:
    """check_tokenizer(local), remembered by the content of the tokenizer's files."""
    files = {f.name: str(f) for f in tokenizer_files(local)}
    summary, _ = remembered("tokenizer", spec, files, lambda: {"vocab": check_tokenizer(local)},
                            code=(Path(integrity.__file__),))
    return summary["vocab"]


def _check_remote_code(loaded: LoadedSuite, i: int, spec, config: dict, tokenizer: dict) -> None:
    """A config or tokenizer that maps to the repo's own Python code (`auto_map`) loads only
    with trust_remote_code: say so now, not when its trials fail."""
    if spec.trust_remote_code:
        return
    for name, cfg in (("config.json", config), ("tokenizer_config.json", tokenizer)):
        auto_map = cfg.get("auto_map") if isinstance(cfg, dict) else None
        if auto_map:
            first = next(iter(auto_map.values())) if isinstance(auto_map, dict) else auto_map
            raise loaded.error(f"its {name} maps to code in the model repo (auto_map: {first}); "
                               "set trust_remote_code: true if you trust that code",
                               ("models", i, "trust_remote_code"))


def _check_mecab(loaded: LoadedSuite, i: int, field: str, tokenizer: dict) -> None:
    """cl-tohoku style BertJapaneseTokenizer: needs fugashi and a MeCab dictionary package."""
    if tokenizer.get("tokenizer_class") != "BertJapaneseTokenizer" or \
            tokenizer.get("word_tokenizer_type", "mecab") != "mecab":
        return
    if importlib.util.find_spec("fugashi") is None:
        raise loaded.error(f"its BertJapaneseTokenizer needs fugashi: {JA_EXTRA}", ("models", i, field))
    dic = (tokenizer.get("mecab_kwargs") or {}).get("mecab_dic", "ipadic")
    package = _MECAB_DICTS.get(dic)
    if package and importlib.util.find_spec(package) is None:
        raise loaded.error(f"its tokenizer needs the MeCab dictionary {dic}: pip install "
                           f"{package.replace('_', '-')} (or {JA_EXTRA})", ("models", i, field))
