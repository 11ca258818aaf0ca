"""A model's files on this machine: where they are (its dir, or the HF cache's snapshot folder
of its hub commit), facts read from them without torch (config.json, safetensors headers), the
tokenizer, the precision a trial runs in. Shared by the methods (finetune, probe, mteb),
validate checks and `harness inspect`.

May import: harness.fingerprint (model_dir), harness.hub, harness.specs, harness.errors.
Nothing above.
"""
