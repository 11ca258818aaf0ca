"""Run history under a ROOT that holds many results dirs (one per night): discovery, identity,
reuse of unchanged trials, the history table and its trend figure. JSON records only: no torch.

May import: harness.reports (tables, stats, figures), store, env, fingerprint, trial, hub (what a
run resolved), errors.
"""
