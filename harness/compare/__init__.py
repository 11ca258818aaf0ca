"""Compare two runs of one suite (noise-aware verdicts; revisions.py says when a row's model or
data commit or content changed) and apply the suite's gate.
Reads JSON records and stored predictions only: no torch, no transformers.

May import: harness.reports (context, stats, tables), suite.gate, metrics, errors.
"""
