"""The Hugging Face hub, just above harness.errors: revisions resolved to commits (resolve), the
files a trial reads as a local snapshot folder of that commit (select, snapshot), the HF cache's
layout and offline mode (cache).

May import: the standard library, huggingface_hub (inside functions) and harness.errors only.
Used by harness.fingerprint (keys), data and models (loading), the suite checks and fetch.
"""

from harness.hub.cache import is_commit, offline
from harness.hub.revisions import STATS, HubError, Resolved, hub_where, resolve, resolved_items
from harness.hub.snapshot import Snapshot, dataset_snapshot, model_snapshot

__all__ = ["STATS", "HubError", "Resolved", "Snapshot", "dataset_snapshot", "hub_where",
           "is_commit", "model_snapshot", "offline", "resolve", "resolved_items"]
