"""harness: declarative fine-tuning and evaluation suites for Hugging Face text models.

Flow: suite (YAML, typed schema) -> plan (trials with stable keys) -> trials (methods) ->
results store (versioned JSON records) -> reports (leaderboards).
"""

__version__ = "0.1.0"
