"""Imported once by the `--jobs` fork server (harness.execution.processes), so that every trial's
fresh process starts with torch, transformers' Trainer, datasets and scikit-learn already
imported instead of paying seconds of imports per trial. Importing them does not initialise
CUDA, so each forked trial still picks its own GPU (CUDA_VISIBLE_DEVICES) and thread count."""

import datasets  # noqa: F401
import sklearn.metrics  # noqa: F401
import torch  # noqa: F401
import transformers  # noqa: F401
from transformers import AutoModelForSequenceClassification, Trainer, TrainingArguments  # noqa: F401

import harness.execution.execute  # noqa: F401
import harness.execution.worker  # noqa: F401
import harness.methods.finetune.run  # noqa: F401
