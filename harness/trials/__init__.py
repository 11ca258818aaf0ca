"""Trials: methods (finetune, majority baseline, ...) run one trial and return an outcome."""
