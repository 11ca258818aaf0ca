"""A suite model as an mteb encoder: a SentenceTransformer (the dir's own modules when it has a
sentence-transformers config, else Transformer + mean/cls pooling) wrapped for mteb with a
ModelMeta of its own. mteb files results under ModelMeta name/revision, and a local dir has
neither (every local model would share `no_model_name/available` and, with mteb's default
overwrite strategy, silently reuse the first one's scores), so harness names it
`harness/<display name>` with the hash of the model's content and settings as revision."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from harness.models.load import model_source


def model_revision(model_material: dict) -> str:
    text = json.dumps(model_material, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def sentence_transformer(spec, pooling: str, device: str):
    """(SentenceTransformer, pooling as used: 'model' for the dir's own modules)."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer

    source = model_source(spec)
    if (Path(source) / "modules.json").is_file():
        model = SentenceTransformer(source, device=device,
                                    trust_remote_code=spec.trust_remote_code)
        used = "model"
    else:
        body = Transformer(source, max_seq_length=spec.max_length,
                           model_kwargs={"trust_remote_code": spec.trust_remote_code})
        head = Pooling(body.get_embedding_dimension(), pooling_mode=pooling)
        model = SentenceTransformer(modules=[body, head], device=device)
        used = pooling
    model.max_seq_length = spec.max_length
    return model, used


def mteb_encoder(spec, model_material: dict, pooling: str, device: str):
    """(mteb-wrapped encoder with its own ModelMeta, pooling as used)."""
    from mteb.models.sentence_transformer_wrapper import SentenceTransformerEncoderWrapper

    model, used = sentence_transformer(spec, pooling, device)
    wrapped = SentenceTransformerEncoderWrapper(model)
    wrapped.mteb_model_meta = wrapped.mteb_model_meta.model_copy(
        update={"name": f"harness/{spec.display_name}", "revision": model_revision(model_material)})
    return wrapped, used
