"""The Hugging Face hub, below everything else: revisions resolved to commits (resolve), the
files a trial reads as a local snapshot folder of that commit (select, snapshot), the HF cache's
layout and offline mode (cache). Imports the standard library, huggingface_hub (inside
functions) and harness.errors only."""

from harness.hub.cache import is_commit, offline
from harness.hub.revisions import STATS, HubError, Resolved, resolve, resolved_items
from harness.hub.snapshot import Snapshot, dataset_snapshot, model_snapshot

__all__ = ["STATS", "HubError", "Resolved", "Snapshot", "dataset_snapshot", "is_commit",
           "model_snapshot", "offline", "resolve", "resolved_items"]
