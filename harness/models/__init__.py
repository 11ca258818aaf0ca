"""A model's files on this machine: where they are, facts read from them without torch
(config.json, safetensors headers), the tokenizer, the precision a trial runs in. Shared by the
methods (finetune, probe, mteb), validate checks and `harness inspect`.

May import: harness.fingerprint (model_dir), harness.specs, harness.errors (and issue 19's
harness.hub). Nothing above.
"""
