"""A model's files on this machine: where they are (its dir, or the HF cache's snapshot folder
of its hub commit), facts read from them without torch (config.json, safetensors headers), the
tokenizer, the precision a trial runs in, and the on-disk cache of a model's embeddings
(embedding_cache.py). Shared by the methods (finetune, probe, mteb), validate checks and
`harness inspect`.

May import: harness.fingerprint (model_dir), harness.hub, harness.store (atomic writes),
harness.specs, harness.errors. Nothing above.
"""
