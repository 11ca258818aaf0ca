"""Metrics by family and name: label metrics (registry.py, scikit-learn), real-valued scores
(scores.py, scipy), looked up through families.py; `evaluate` modules from a local path.

A new metric is one function and one line in its family's METRICS. Imports nothing of harness.
"""
