"""Metrics by name (a registry), computed with scikit-learn; `evaluate` modules from a local path.

A new metric is one function and one line in registry.METRICS. Imports nothing of harness.
"""
