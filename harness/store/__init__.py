"""The results store: versioned JSON records written atomically (record.py: TrialRecord; store.py:
the results dir), predictions beside them, per-trial claims (claims.py) and the sweep after
killed runs (sweep.py).

May import: harness.errors only.
"""
