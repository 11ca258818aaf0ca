"""A saved span model on new inputs, for `harness predict` (extractive_qa/inference.py answers
questions, token_classification/inference.py tags sentences): batches in input order, no
sampler, each row's outputs cut to its own length. torch is imported inside, at call time."""

from __future__ import annotations

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def forward_rows(model, tokenizer, features: dict, batch_size: int, keep) -> list:
    """Per feature row, `keep(model_output, j, n)` for its j-th place in a batch and length n."""
    import torch

    accepted = [k for k in _INPUTS if k in features]
    rows = [{k: features[k][i] for k in accepted} for i in range(len(features["input_ids"]))]
    out = []
    with torch.inference_mode():
        for lo in range(0, len(rows), batch_size):
            chunk = rows[lo:lo + batch_size]
            batch = tokenizer.pad(chunk, padding=True, return_tensors="pt")
            result = model(**batch)
            out += [keep(result, j, len(r["input_ids"])) for j, r in enumerate(chunk)]
    return out
