"""A resolved hub repo as a local folder: the HF cache's snapshot folder of its commit, holding
the files a trial reads (harness.hub.select). Missing files are downloaded by commit (never by
branch name), once; offline a missing file is a HubError naming it. Trials load from the folder,
so a trial never talks to the hub, and online and offline runs read the very same files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.hub import cache
from harness.hub import select as sel
from harness.hub.revisions import STATS, HubError, Resolved, Unreachable, hub_info, resolve


@dataclass(frozen=True)
class Snapshot:
    resolved: Resolved
    folder: Path
    files: tuple[str, ...]  # what the purpose needs, all present
    downloaded: int  # of them fetched now
    bytes: int  # size of `files`


_DONE: dict[tuple, Snapshot] = {}


def model_snapshot(repo_id: str, revision: str | None = None, *, light: bool = False,
                   progress: bool = False) -> Snapshot:
    """The files a trial loads (light: configs and tokenizer, no weights). progress: show
    huggingface_hub's download bar per file (harness fetch); else downloads are silent."""
    res = resolve("model", repo_id, revision)
    key = ("model", res.repo_id, res.commit, light)
    if key not in _DONE:
        _DONE[key] = _materialize(res, lambda files: _model_wanted(res, files, light),
                                  lambda files: sel.model_complete(files, light=light), progress)
    return _DONE[key]


def dataset_snapshot(repo_id: str, revision: str | None = None, configs=(None,), *,
                     progress: bool = False) -> Snapshot:
    """The README and the data files of `configs` (None: the card's default config)."""
    res = resolve("dataset", repo_id, revision)
    key = ("dataset", res.repo_id, res.commit, tuple(configs))
    if key not in _DONE:
        def wanted(files):
            folder = _ensure(res, ["README.md"] if "README.md" in files else [], False)[0]
            readme = folder / "README.md"
            meta = sel.card_metadata(readme.read_text(encoding="utf-8")) if readme.is_file() else {}
            patterns: list[str] | None = []
            for config in configs:
                found = sel.config_patterns(meta, config, res.repo_id)
                patterns = None if found is None or patterns is None else patterns + found
            return sel.dataset_files(files, patterns)

        def complete(files):
            data = [f for f in files if f not in ("README.md", "dataset_infos.json")]
            return None if data else "data files"

        _DONE[key] = _materialize(res, wanted, complete, progress)
    return _DONE[key]


def _model_wanted(res: Resolved, files, light: bool) -> list[str]:
    wanted = sel.model_files(files, light=light)
    if not light:  # sharded weights: the index names the shards
        for index in [f for f in wanted if f.endswith(".index.json")]:
            folder = _ensure(res, [index], False)[0]
            wanted += [s for s in sel.shards((folder / index).read_text()) if s not in wanted]
    return wanted


def _materialize(res: Resolved, wanted_of, incomplete_of, progress) -> Snapshot:
    folder = cache.snapshot_folder(res.kind, res.repo_id, res.commit)
    before = set(cache.listing(folder) or ())  # to count what this call downloads
    files = res.files
    if files is None:  # from the cache: its listing, unless it lacks what loading needs
        files = cache.listing(folder) or ()
        lacking = incomplete_of(wanted_of(files))
        if lacking and not cache.offline():
            try:
                files = tuple(s.rfilename for s in (hub_info(res.kind, res.repo_id, res.commit)
                                                    .siblings or []))
            except Unreachable as e:
                raise HubError(f"hub {res.kind} {res.short}: the HF cache lacks its {lacking} "
                               f"and the hub did not answer ({e})", field="id",
                               unavailable=True) from None
        elif lacking:
            raise HubError(f"hub {res.kind} {res.short}: the HF cache lacks its {lacking} "
                           "(HF_HUB_OFFLINE=1): run `harness fetch SUITE` where the hub answers",
                           field="id", unavailable=True)
    wanted = wanted_of(files)
    lacking = incomplete_of(wanted)
    if lacking:
        raise HubError(f"hub {res.kind} {res.short} has no {lacking}", field="id")
    folder = _ensure(res, wanted, progress)[0]
    cache.write_ref(res.kind, res.repo_id, res.revision, res.commit)
    size = sum((folder / f).stat().st_size for f in wanted)
    return Snapshot(res, folder, tuple(wanted), len(set(wanted) - before), size)


def _ensure(res: Resolved, wanted, progress) -> tuple[Path, int]:
    """Download what of `wanted` the snapshot folder lacks (by commit); (folder, downloaded)."""
    folder = cache.snapshot_folder(res.kind, res.repo_id, res.commit)
    missing = [f for f in wanted if not (folder / f).is_file()]
    if missing and cache.offline():
        raise HubError(f"hub {res.kind} {res.short}: the HF cache lacks {', '.join(missing[:3])}"
                       f"{' ...' if len(missing) > 3 else ''} (HF_HUB_OFFLINE=1): run "
                       "`harness fetch SUITE` where the hub answers", field="id", unavailable=True)
    for name in missing:
        _download(res, name, progress)
    return folder, len(missing)


def _download(res: Resolved, name: str, progress: bool) -> None:
    from huggingface_hub import errors as hf
    from huggingface_hub import hf_hub_download
    from huggingface_hub.utils import (
        are_progress_bars_disabled,
        disable_progress_bars,
        enable_progress_bars,
    )

    quiet = not progress and not are_progress_bars_disabled()
    if quiet:
        disable_progress_bars()  # a run downloads silently; harness fetch shows the bars
    try:
        with STATS.timed():
            path = hf_hub_download(res.repo_id, name, repo_type=res.kind, revision=res.commit)
        STATS.downloads += 1
        STATS.downloaded_bytes += Path(path).stat().st_size
    except (hf.EntryNotFoundError, hf.RevisionNotFoundError, hf.RepositoryNotFoundError) as e:
        raise HubError(f"hub {res.kind} {res.short}: cannot download {name}: "
                       f"{type(e).__name__}", field="id") from None
    except hf.LocalEntryNotFoundError as e:
        raise HubError(f"hub {res.kind} {res.short}: cannot download {name} (the hub did not "
                       f"answer: {str(e).splitlines()[0][:120]})", field="id",
                       unavailable=True) from None
    finally:
        if quiet:
            enable_progress_bars()
