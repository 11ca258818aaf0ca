"""`harness fetch SUITE`: everything the suite reads from the hub, into the HF cache, so that
`HF_HUB_OFFLINE=1 harness run SUITE` needs no network there (or on a node sharing HF_HOME):

- hub models: every file a trial loads (configs, tokenizer, weights) at the commit the revision
  resolves to, and `refs/<revision>` so an offline run resolves the revision to that commit;
- hub datasets: the README and the config's data files, then prepared once as a run prepares them
  (so a bad config, column or label fails here, not on the GPU node);
- hub datasets a method reads by itself (`Method.hub_data`: MTEB tasks named by MTEB name, their
  datasets at the commits mteb pins).

`harness run` calls `materialize` for the items its pending trials use, before any trial starts:
trials then load from local snapshot folders and never talk to the hub. Sits beside the plan
(it reads the suite, the plan's trials and the store; runner.py and cli/fetch.py call it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from harness.errors import HarnessError, SuiteErrors
from harness.methods.registry import METHODS


@dataclass(frozen=True)
class Item:
    kind: str  # model | dataset
    repo_id: str
    revision: str | None
    label: str  # "model bert-ja", "dataset jnli", "mteb task JSTS"
    loc: tuple  # suite field of its id, for errors
    name: str  # display name / dataset name / task name, to match trials
    configs: tuple = (None,)
    pinned_by: str = ""  # "mteb 2.26.24" for named tasks
    spec: object = field(default=None, compare=False)  # the DatasetSpec to prepare
    by_method: bool = False  # a method's own hub data: errors name `loc` itself


def hub_items(suite) -> list[Item]:
    items = []
    for i, m in enumerate(suite.models):
        if m.id:
            items.append(Item("model", m.id, m.revision, f"model {m.display_name}",
                              ("models", i, "id"), m.display_name))
    for i, d in enumerate(suite.datasets):
        if d.hub is not None:
            items.append(Item("dataset", d.hub.id, d.hub.revision, f"dataset {d.name}",
                              ("datasets", i, "hub", "id"), d.name, (d.hub.config,), spec=d))
    for j, spec in enumerate(suite.methods):
        for h in METHODS[spec.type].hub_data(spec, j):
            items.append(Item("dataset", h.repo_id, h.revision, h.label, h.loc, h.name,
                              h.configs, h.pinned_by, by_method=True))
    return items


def materialize(loaded, items: list[Item], progress: bool = False) -> list:
    """(item, Snapshot) per item: its files in the HF cache; SuiteErrors (one line each)."""
    from harness.hub import HubError, dataset_snapshot, model_snapshot

    out, errors = [], []
    for item in items:
        try:
            if item.kind == "model":
                snap = model_snapshot(item.repo_id, item.revision, progress=progress)
            else:
                snap = dataset_snapshot(item.repo_id, item.revision, item.configs,
                                        progress=progress)
        except HubError as e:
            loc = item.loc[:-1] + (_field(item, e.field),)
            errors.append(loaded.error(e.message, loc))
            continue
        out.append((item, snap))
    if errors:
        raise SuiteErrors(errors)
    return out


def _field(item: Item, field: str | None) -> str:
    if item.by_method:
        return item.loc[-1]
    name = (field or "id").removeprefix("hub.")
    return name if item.kind == "model" or name in ("id", "revision", "config") else "id"


def for_pending(loaded, trials, store) -> list[Item]:
    """The hub items that trials still to run read (a finished trial needs none)."""
    pending = [t for t in trials if store.finished(t.trial_id, t.key) is None]
    names = {t.model.display_name for t in pending if t.model is not None}
    names |= {t.dataset.name for t in pending}
    return [i for i in hub_items(loaded.suite) if i.name in names]


def hub_line(wall_s: float) -> str | None:
    from harness.hub import STATS

    if not STATS.lookups and not STATS.downloads:
        return None
    share = STATS.seconds / wall_s if wall_s > 0 else 0.0
    return (f"harness: hub: {STATS.lookups} look-up(s), {STATS.downloads} file(s) downloaded "
            f"({_size(STATS.downloaded_bytes)}) in {STATS.seconds:.2f} s, {share:.1%} of "
            f"{wall_s:.1f} s")


def fetch_suite(path: str) -> int:
    """`harness fetch`: download, print what was fetched (commits, sizes), prepare datasets."""
    from harness.hub.cache import hub_cache, offline
    from harness.quiet import quiet_libraries
    from harness.suite.loader import load_suite

    quiet_libraries()
    loaded = load_suite(path)
    if offline():
        raise HarnessError("HF_HUB_OFFLINE=1 is set: fetch downloads from the hub; unset it here "
                           "(and set it where the run goes without network)", field="fetch")
    items = hub_items(loaded.suite)
    print(f"harness: fetch {loaded.suite.name}: {len(items)} hub item(s) -> {hub_cache()}")
    if not items:
        return 0
    t0 = time.perf_counter()
    fetched = materialize(loaded, items, progress=True)  # a download bar per file on stderr
    total = downloaded = 0
    for item, snap in fetched:
        res = snap.resolved
        asked = item.revision or "main"
        commit = res.commit if asked == res.commit else f"{asked} -> {res.commit}"
        pinned = f" (pinned by {item.pinned_by})" if item.pinned_by else ""
        configs = ", ".join(c for c in item.configs if c)
        print(f"  {item.label}: {item.repo_id}{f' [{configs}]' if configs else ''} @ {commit}"
              f"{pinned}: {len(snap.files)} files, {_size(snap.bytes)} "
              f"({snap.downloaded} downloaded)")
        total += snap.bytes
        downloaded += snap.downloaded
    _prepare_datasets(loaded, [i for i, _ in fetched if i.spec is not None])
    print(f"harness: fetched {len(fetched)} item(s): {_size(total)} in the HF cache, "
          f"{downloaded} file(s) downloaded in {time.perf_counter() - t0:.1f} s; "
          f"`HF_HUB_OFFLINE=1 harness run {path}` needs no network now")
    return 0


def _prepare_datasets(loaded, items: list[Item]) -> None:
    """Prepare each hub dataset as a run does (from the snapshot folder): a bad config, split,
    column or label is reported now, with its suite line."""
    from harness.data.load import DataError
    from harness.fingerprint import pinned_dataset
    from harness.tasks.prepare import prepare_once

    errors = []
    for item in items:
        try:
            data = prepare_once(pinned_dataset(item.spec))
        except DataError as e:
            loc = item.loc[:2] + tuple(int(p) if p.isdigit() else p
                                       for p in (e.field or "hub.id").split("."))
            errors.append(loaded.error(e.message, loc))
            continue
        rows = ", ".join(f"{s} {f['rows']}" for s, f in data.facts.items())
        print(f"  {item.label}: prepared: {rows}")
    if errors:
        raise SuiteErrors(errors)


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"
