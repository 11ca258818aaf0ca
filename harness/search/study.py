"""The Optuna side of a search: the RDB storage (a SQLite file in the results dir by default, a
URL for a cluster), one study per dataset × model × scheduler, the search space as Optuna
distributions, reseeded samplers, and reconciling the trials a killed search left RUNNING.

Facts this relies on (verified with optuna 5.0, /work/notes/facts-21-22-23.md):
- with ask/tell nothing ever ends a RUNNING trial whose process died (heartbeats only run inside
  `study.optimize`): `reconcile` ends it from the harness records its seeds wrote;
- a resumed process with `RandomSampler(seed=S)` replays the first proposals: the sampler is
  reseeded before every ask from the study's trial count, so proposals depend on the study's
  history, not on how often the process was restarted;
- creating the schema from several processes at once fails on SQLite: storage and study are
  created under a file lock in the results dir.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from harness.errors import HarnessError
from harness.store.claims import pid_alive, process_start_time
from harness.store.files import HOST
from harness.store.record import TrialRecord
from harness.trial import canonical_json

SQLITE_FILE = "search.db"
LOCK_FILE = ".search.lock"


def optuna_module():
    """optuna, quiet; a one-line error without the [search] extra."""
    try:
        import optuna
    except ImportError:
        raise HarnessError("needs optuna: pip install 'harness[search]'", field="search") from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def storage_url(spec, root: Path) -> str:
    return spec.storage or f"sqlite:///{(Path(root) / SQLITE_FILE).resolve()}"


def shown_url(url: str) -> str:
    """The URL without a password (user:secret@host -> user:***@host)."""
    head, sep, tail = url.partition("://")
    if "@" in tail and ":" in tail.split("@", 1)[0]:
        user = tail.split("@", 1)[0].split(":", 1)[0]
        tail = f"{user}:***@{tail.split('@', 1)[1]}"
    return head + sep + tail


def open_studies(spec, root: Path, names: list[str], pruner,
                 directions: list[str] | None = None) -> dict:
    """name -> Study, each created if new (maximising, or minimising where its metric is an
    error such as MSE), under a file lock (the schema and the studies are created once even
    when several workers start together)."""
    from filelock import FileLock

    optuna = optuna_module()
    url = storage_url(spec, root)
    Path(root).mkdir(parents=True, exist_ok=True)
    kwargs = {"engine_kwargs": {"connect_args": {"timeout": 30}}} if url.startswith("sqlite") else {}
    with FileLock(str(Path(root) / LOCK_FILE)):
        try:
            storage = optuna.storages.RDBStorage(url, **kwargs)
            return {name: optuna.create_study(storage=storage, study_name=name,
                                              direction=direction, pruner=pruner,
                                              load_if_exists=True)
                    for name, direction in zip(names, directions or ["maximize"] * len(names))}
        except Exception as e:  # a bad URL, a missing database driver, a server that is down
            first = (str(e).strip().splitlines() or [""])[0][:300]
            raise HarnessError(f"cannot open the search storage {shown_url(url)}: "
                               f"{type(e).__name__}: {first}", field="search.storage") from None


def study_name(suite_name: str, model: str, dataset: str, scheduler: str, material: dict) -> str:
    """`suite/model/dataset/scheduler/<digest>`: the digest covers everything a proposal's score
    depends on besides its values (model and data fingerprints, fixed training settings, seeds,
    the space, sampler, pruner, selection metric), so a changed input starts a new study."""
    digest = hashlib.sha256(canonical_json(material).encode()).hexdigest()[:12]
    return f"{suite_name}/{model}/{dataset}/{scheduler}/{digest}"


def distributions(spec) -> dict:
    """The space as Optuna distributions, in the suite's order; batch_size draws integers."""
    optuna = optuna_module()
    d = optuna.distributions
    out = {}
    for name, dist in spec.space.items():
        integer = name == "batch_size"
        if dist.choices is not None:
            out[name] = d.CategoricalDistribution([int(c) if integer else float(c)
                                                   for c in dist.choices])
        elif integer:
            out[name] = d.IntDistribution(int(dist.low), int(dist.high), log=dist.log,
                                          step=int(dist.step or 1))
        else:
            out[name] = d.FloatDistribution(dist.low, dist.high, log=dist.log, step=dist.step)
    return out


def values_of(params: dict, spec) -> dict:
    """A proposal as a configuration: the space's order, plain ints and floats."""
    return {name: int(params[name]) if name == "batch_size" else float(params[name])
            for name in spec.space}


def make_pruner(spec, eval_strategy: str):
    """Median pruning when asked for and the fine-tunes evaluate during training; else none."""
    optuna = optuna_module()
    if spec.pruner == "median" and eval_strategy != "no":
        return optuna.pruners.MedianPruner(n_startup_trials=spec.startup_trials, n_warmup_steps=0)
    return optuna.pruners.NopPruner()


def reseed(study, spec) -> None:
    """A sampler seeded from the search seed and the study's trial count (see module doc)."""
    optuna = optuna_module()
    seed = (spec.seed * 1_000_003 + len(study.get_trials(deepcopy=False))) % 2**32
    study.sampler = (optuna.samplers.TPESampler(seed=seed) if spec.sampler == "tpe"
                     else optuna.samplers.RandomSampler(seed=seed))


def owner() -> dict:
    pid = os.getpid()
    return {"pid": pid, "host": HOST, "process_started": process_start_time(pid)}


def owner_alive(who: dict | None) -> bool | None:
    """True/False for a process on this host; None when it ran elsewhere (unknown)."""
    if not who:
        return False
    if who.get("host") != HOST:
        return None
    return pid_alive(int(who["pid"]), who.get("process_started"))


def finished(study) -> list:
    """The study's finished proposals: complete, pruned or failed, leaving out those a requeued
    copy replaces (a killed search's incomplete trials), in trial-number order."""
    from optuna.trial import TrialState

    trials = study.get_trials(deepcopy=False)
    replaced = {t.user_attrs.get("requeued_from") for t in trials}
    return [t for t in trials if t.number not in replaced
            and t.state in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)]


def running_elsewhere(study) -> list:
    """RUNNING trials whose owner is alive (or on another host, where we cannot tell)."""
    from optuna.trial import TrialState

    return [t for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))
            if owner_alive(t.user_attrs.get("owner")) is not False]


def outcome(records: list[TrialRecord | None], metric: str) -> tuple[str, float | None, str]:
    """What a proposal's seed records say: ("value", mean validation score, ""), ("pruned", None,
    why), ("failed", None, why) or ("incomplete", None, why)."""
    if records and records[0] is not None and records[0].status == "pruned":  # others never run
        return "pruned", None, records[0].error.message if records[0].error else "pruned"
    if any(r is None for r in records) or not records:
        return "incomplete", None, "a seed has no record"
    bad = [r for r in records if r.status in ("failed", "diverged")]
    if bad:
        return "failed", None, "; ".join(f"seed {r.seed} {r.status}" for r in bad)
    if any(r.status != "ok" for r in records):
        return "incomplete", None, "a seed was interrupted"
    scores = [r.metrics.get("validation", {}).get(metric) for r in records]
    if any(s is None for s in scores):
        return "failed", None, f"no validation {metric}"
    return "value", sum(scores) / len(scores), ""


def tell(study, number: int, result: tuple[str, float | None, str]) -> None:
    from optuna.trial import TrialState

    kind, value, _ = result
    if kind == "value":
        study.tell(number, value)
    elif kind == "pruned":
        study.tell(number, state=TrialState.PRUNED)
    else:
        study.tell(number, state=TrialState.FAIL)


def requeue(study, trial) -> None:
    """FAIL an unfinished trial and ask its configuration again first: its seeds that already
    have ok records are skipped, the others run."""
    from optuna.trial import TrialState

    study.tell(trial.number, state=TrialState.FAIL)
    study.enqueue_trial(trial.params, user_attrs={"requeued_from": trial.number})


def reconcile(study, store, metric: str, echo) -> None:
    """End the RUNNING trials whose process is gone (killed): from their seeds' records when all
    finished (told their score, or pruned), else failed and asked again first."""
    from optuna.trial import TrialState

    for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        alive = owner_alive(t.user_attrs.get("owner"))
        if alive is not False:
            if alive is None:
                echo(f"harness: search: trial {t.number} of {study.study_name} runs on "
                     f"{t.user_attrs['owner'].get('host')}; left to it")
            continue
        ids = t.user_attrs.get("trial_ids") or []
        result = outcome([store.read_record(i) for i in ids], metric)
        if result[0] == "incomplete":
            requeue(study, t)
            echo(f"harness: search: trial {t.number} of {study.study_name} was left running by a "
                 f"process that is gone ({result[2]}): asked again first")
        else:
            tell(study, t.number, result)
            echo(f"harness: search: trial {t.number} of {study.study_name} was left running by a "
                 f"process that is gone; its records say: {result[0]}")
