"""Frozen-encoder features: batched, inference mode, dynamic padding, rows sorted by length for
speed and put back in the split's row order."""

from __future__ import annotations

import numpy as np

from harness.methods.probe.pooling import POOLERS
from harness.models.load import device_name


def load_encoder(source: str, *, revision=None, trust_remote_code=False, dtype=None,
                 need_pooler=False):
    """AutoModel in eval mode on the best device. With need_pooler, refuse a model whose pooler
    weights were missing (transformers would initialise them randomly)."""
    from transformers import AutoModel

    model, info = AutoModel.from_pretrained(source, revision=revision, output_loading_info=True,
                                            trust_remote_code=trust_remote_code,
                                            **({"dtype": dtype} if dtype is not None else {}))
    if need_pooler:
        missing = [k for k in info.get("missing_keys", []) if "pooler" in k]
        if missing or getattr(model, "pooler", None) is None:
            raise ValueError(f"{source} has no trained pooler (missing {', '.join(missing) or 'pooler'}"
                             "): pooling 'pooler' would read random weights; use cls or mean")
    return model.to(device_name()).eval()


def embed(model, tokenizer, texts: list[str], pairs: list[str] | None = None, *, pooling: str,
          layer: int = -1, max_length: int = 128, batch_size: int = 64) -> np.ndarray:
    """(rows, hidden) float32 features of `texts` (and `pairs`), in the order given."""
    import torch

    pool = POOLERS[pooling]
    kwargs = {"return_token_type_ids": True} if pairs is not None else {}
    encoded = tokenizer(texts, pairs, truncation=True, max_length=max_length, **kwargs) \
        if pairs is not None else tokenizer(texts, truncation=True, max_length=max_length)
    lengths = np.array([len(ids) for ids in encoded["input_ids"]])
    order = np.argsort(-lengths, kind="stable")  # longest first: padding stays small per batch
    device = next(model.parameters()).device
    accepted = set(_forward_args(model))
    out = None
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            features = [{k: encoded[k][i] for k in encoded.keys() if k in accepted} for i in rows]
            batch = tokenizer.pad(features, return_tensors="pt").to(device)
            outputs = model(**batch, output_hidden_states=layer != -1, return_dict=True)
            pooled = pool(outputs, layer, batch["attention_mask"]).float().cpu().numpy()
            if out is None:
                out = np.empty((len(texts), pooled.shape[1]), dtype=np.float32)
            out[rows] = pooled  # back to the split's row order
    return out if out is not None else np.empty((0, 0), dtype=np.float32)


def _forward_args(model) -> list[str]:
    import inspect

    return list(inspect.signature(model.forward).parameters)
