"""Hub revisions resolved to commits, once per repo and revision per process.

- A 40-hex revision is a commit: it resolves to itself. When the HF cache already holds a snapshot
  folder for it, the hub is not asked (what a commit names never changes).
- Any other revision (default `main`): `HfApi().model_info / dataset_info(id, revision).sha` when
  the hub answers, which also lists the repo's files; with HF_HUB_OFFLINE=1, or when the hub cannot
  be reached (said on stderr), the HF cache's `refs/<revision>`.
- Neither: a HubError (a one-line message; `field` names the suite field at fault).
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from harness.errors import HarnessError
from harness.hub import cache


class HubError(HarnessError):
    """A hub item that does not exist, is not reachable or is not cached. `field` is relative to
    the item's suite entry (id, revision, hub.config, ...); callers add file and line.
    `unavailable`: the item could not be checked (offline and not cached, or the hub did not
    answer), as opposed to a definite problem (no such repo, revision or config)."""

    def __init__(self, message: str, *, field: str | None = None, unavailable: bool = False):
        super().__init__(message, field=field)
        self.unavailable = unavailable


@dataclass(frozen=True)
class Resolved:
    kind: str  # model | dataset
    repo_id: str
    revision: str  # as asked ("main" when none was given)
    commit: str
    files: tuple[str, ...] | None  # the repo's files at the commit, as the hub listed them
    source: str  # "hub" or "HF cache"

    @property
    def short(self) -> str:
        return f"{self.repo_id}@{self.commit[:12]}"


def hub_where(res: Resolved, config: str | None = None) -> str:
    """'hub org/name [config] @ main -> 1a2b3c4d5e6f (hub)': what validate says it checked."""
    asked = res.revision
    commit = res.commit[:12] if asked == res.commit else f"{asked} -> {res.commit[:12]}"
    return f"hub {res.repo_id}{f' [{config}]' if config else ''} @ {commit} ({res.source})"


@dataclass
class Stats:
    """Time spent waiting for the hub in this process (look-ups and downloads)."""
    seconds: float = 0.0
    lookups: int = 0
    downloads: int = 0
    downloaded_bytes: int = 0
    notes: list[str] = field(default_factory=list)

    @contextmanager
    def timed(self):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.seconds += time.perf_counter() - t0


STATS = Stats()
_MEMO: dict[tuple[str, str, str], Resolved] = {}
_FAILED: dict[tuple[str, str, str], HubError] = {}


def resolved_items() -> list[Resolved]:
    """Everything resolved in this process, in order (for the run identity)."""
    return list(_MEMO.values())


def resolve(kind: str, repo_id: str, revision: str | None = None) -> Resolved:
    key = (kind, repo_id, revision or "main")
    if key in _FAILED:
        raise _FAILED[key]
    if key not in _MEMO:
        try:
            _MEMO[key] = _resolve(kind, repo_id, revision or "main")
        except HubError as e:
            _FAILED[key] = e  # asked once per command, like a success
            raise
    return _MEMO[key]


def _resolve(kind: str, repo_id: str, revision: str) -> Resolved:
    what = f"hub {kind} {repo_id}"
    if cache.is_commit(revision) and cache.snapshot_folder(kind, repo_id, revision).is_dir():
        return Resolved(kind, repo_id, revision, revision, None, "HF cache")
    if not cache.offline():
        try:
            info = hub_info(kind, repo_id, revision)
        except Unreachable as e:
            STATS.notes.append(f"{what}: the hub did not answer ({e}); using the HF cache")
            print(f"harness: warning: {STATS.notes[-1]}", file=sys.stderr)
        else:
            files = tuple(s.rfilename for s in (info.siblings or []))
            return Resolved(kind, repo_id, revision, info.sha, files, "hub")
    commit = revision if cache.is_commit(revision) else cache.cached_ref(kind, repo_id, revision)
    if commit is None or not cache.snapshot_folder(kind, repo_id, commit).is_dir():
        how = "HF_HUB_OFFLINE=1" if cache.offline() else "the hub did not answer"
        raise HubError(f"{what}@{revision} is not in the HF cache ({cache.hub_cache()}) and "
                       f"{how}: run `harness fetch SUITE` where the hub answers (same HF_HOME); "
                       "then `HF_HUB_OFFLINE=1 harness run SUITE` needs no network",
                       field="revision" if cache.is_commit(revision) else "id", unavailable=True)
    return Resolved(kind, repo_id, revision, commit, None, "HF cache")


class Unreachable(Exception):
    """The hub did not answer (offline mode, connection refused, 5xx, 429): fall back to the
    HF cache."""


def hub_info(kind: str, repo_id: str, revision: str):
    from huggingface_hub import HfApi
    from huggingface_hub import errors as hf

    api = HfApi()
    what = f"hub {kind} {repo_id!r}"
    try:
        with STATS.timed():
            STATS.lookups += 1
            get = api.model_info if kind == "model" else api.dataset_info
            return get(repo_id, revision=revision)
    except hf.GatedRepoError:
        raise HubError(f"{what} is gated: accept its conditions on the hub and set HF_TOKEN",
                       field="id") from None
    except hf.RevisionNotFoundError:
        raise HubError(f"revision {revision!r} not found in {what}", field="revision") from None
    except hf.RepositoryNotFoundError:
        raise HubError(f"{what} not found on the hub (misspelt, or private: set HF_TOKEN)",
                       field="id") from None
    except hf.HFValidationError as e:
        raise HubError(f"{what} is not a valid hub id: {_first_line(e)}", field="id") from None
    except hf.OfflineModeIsEnabled as e:
        raise Unreachable(_first_line(e)) from None
    except hf.HfHubHTTPError as e:
        status = getattr(getattr(e, "response", None), "status_code", None)
        if status is not None and (status >= 500 or status == 429):
            raise Unreachable(f"HTTP {status}") from None
        raise HubError(f"{what}: {_first_line(e)}", field="id") from None
    except Exception as e:  # connection refused, DNS, timeouts: httpx / requests transport errors
        if _transport_error(e):
            raise Unreachable(f"{type(e).__name__}: {_first_line(e)}") from None
        raise


def _transport_error(e: BaseException) -> bool:
    names = {c.__name__ for c in type(e).__mro__}
    return bool(names & {"TransportError", "ConnectionError", "TimeoutException", "Timeout",
                         "RequestError", "OSError"})


def _first_line(e: BaseException) -> str:
    lines = str(e).strip().splitlines()
    return (lines[0] if lines else type(e).__name__)[:200]
