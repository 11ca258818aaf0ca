"""`search:` — an Optuna study per dataset × model × scheduler proposes configurations of the
training grid fields; each proposal runs as ordinary trials (one per seed: keyed, stored,
resumable, skipped when done) and is scored by the mean validation score of its seeds, read
from their records. Selection and reports then treat the proposals like a grid's configurations
(harness.reports.selection): test scores never choose.

study.py (storage, study names, distributions, reconciling a killed search) · driver.py (the
`harness run` loop). A command above the runner: it uses the runner's pieces and the sequential
executor, and reads records, never test scores. optuna is imported only here, only when a suite
has `search:` (the [search] extra).
"""
