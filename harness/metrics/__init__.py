"""Metrics by name (a registry), computed with scikit-learn; `evaluate` modules from a local path."""
