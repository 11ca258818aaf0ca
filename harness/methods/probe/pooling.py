"""Pooler registry: name -> function(outputs, layer, attention_mask) -> (batch, hidden) tensor.

Adding one is a function and one line in POOLERS (and its name in the suite's `pooling` Literal).
"""

from __future__ import annotations


def _layer(outputs, layer: int):
    if layer == -1:
        return outputs.last_hidden_state
    return outputs.hidden_states[layer]


def cls(outputs, layer: int, attention_mask):
    return _layer(outputs, layer)[:, 0]


def mean(outputs, layer: int, attention_mask):
    """Mean over real tokens only: padding positions get weight 0."""
    hidden = _layer(outputs, layer)
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)


def pooler(outputs, layer: int, attention_mask):
    out = getattr(outputs, "pooler_output", None)
    if out is None:
        raise ValueError("the model returns no pooler_output: use pooling cls or mean")
    return out


POOLERS = {"cls": cls, "mean": mean, "pooler": pooler}
