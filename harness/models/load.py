"""Loading a suite model's pieces: where from (its local dir, or the HF cache's snapshot folder of
its hub commit), its tokenizer (once per run, through the trial context's cache) and the
precision it runs in."""

from __future__ import annotations

from typing import Any, Callable, Protocol

from harness.fingerprint import model_dir
from harness.specs.model import ModelSpec

JA_EXTRA = "pip install 'harness[ja]' (fugashi + unidic-lite + ipadic)"


class Memo(Protocol):
    """Anything that memoises for a run (harness.methods.context.TrialContext)."""

    def cached(self, key: Any, make: Callable[[], Any]) -> Any: ...


def model_source(spec: ModelSpec, *, weights: bool = True) -> str:
    """The local folder a model loads from: its dir, or the HF cache's snapshot folder of the
    commit its hub revision resolves to (harness.hub; the plan pins `revision` to it), holding
    the files a trial reads (without weights: configs and tokenizer only)."""
    local = model_dir(spec)
    if local is not None:
        return str(local)
    from harness.hub import model_snapshot

    return str(model_snapshot(spec.id, spec.revision, light=not weights).folder)


def load_tokenizer(spec: ModelSpec, memo: Memo):
    """The model's AutoTokenizer, loaded once per run (a MeCab tokenizer without fugashi or its
    dictionary fails with the install command)."""
    def make():
        from transformers import AutoTokenizer

        try:
            return AutoTokenizer.from_pretrained(model_source(spec, weights=False),
                                                 trust_remote_code=spec.trust_remote_code)
        except ImportError as e:  # a MeCab tokenizer without fugashi or its dictionary
            if any(name in str(e) for name in ("fugashi", "unidic", "ipadic")):
                raise ImportError(f"{spec.display_name}'s tokenizer needs fugashi and a MeCab "
                                  f"dictionary: {JA_EXTRA}") from e
            raise

    return memo.cached(("tokenizer", spec.display_name), make)


def resolve_precision(dtype: str) -> str:
    """The suite's dtype as run: auto = bf16 (else fp16) on GPU, float32 on CPU."""
    import torch

    if dtype == "auto":
        if torch.cuda.is_available():
            return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
        return "float32"
    return {"float32": "float32", "bfloat16": "bf16", "float16": "fp16"}[dtype]


def device_name() -> str:
    """Where inference runs: cuda when a GPU is visible, else cpu."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"
