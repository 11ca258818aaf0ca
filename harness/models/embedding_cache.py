"""On-disk embedding cache: one float32 .npy per key, under <results dir>/cache/embeddings/.

The caller's key material says what the array is: the model's key material (content hash or hub
commit, settings) and everything else the vectors depend on. The probe keys on the dataset
content and preparation, split, pooling, layer, max_length and precision (every classifier and
seed reuses the arrays); mteb retrieval on the model, the prompt and the texts themselves (every
task and run over the same corpus reuses them). Files are written atomically (temp file +
rename), so a crash never leaves a half array.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np

from harness.store.files import atomic_write_bytes


def cache_key(**material) -> str:
    text = json.dumps(material, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class EmbeddingCache:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / f"{key}.npy"

    def load(self, key: str, rows: int) -> np.ndarray | None:
        """The cached array, or None when absent, unreadable or not `rows` long."""
        path = self.path(key)
        if not path.is_file():
            return None
        try:
            array = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            return None
        return array if array.ndim == 2 and array.shape[0] == rows else None

    def save(self, key: str, array: np.ndarray) -> Path:
        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(array, dtype=np.float32), allow_pickle=False)
        path = self.path(key)
        atomic_write_bytes(path, buffer.getvalue())
        return path
