"""Compare two runs of one suite (noise-aware verdicts) and apply the suite's gate.
Reads JSON records and stored predictions only: no torch, no transformers.

May import: harness.reports (context, stats, tables), suite.gate, metrics, errors.
"""
