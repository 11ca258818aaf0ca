"""harness: declarative fine-tuning and evaluation suites for Hugging Face text models.

Flow: suite (YAML, typed schema) -> plan (trials with stable keys) -> execution (drivers,
backends) -> methods (one folder each) -> store (versioned JSON records) -> reports.
docs/ARCHITECTURE.md maps the packages and what each may import (pyproject's import contracts).
"""

__version__ = "0.1.0"
