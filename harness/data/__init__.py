"""Data: a DatasetSpec made into train / validation / test splits with canonical columns
(load.py; a hub dataset from the HF cache's snapshot folder of its commit), stratified splits
without datasets' slow path (split.py), and what validate remembers about checked data
(checked.py).

May import: harness.specs, harness.fingerprint, harness.hub, harness.errors. Never suite or plan.
"""
