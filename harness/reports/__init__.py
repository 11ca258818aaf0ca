"""Reports built from stored records only (no torch): the context (records of the latest plan,
grouped), statistics, the tables (leaderboard, schedulers, cost, significance, then each method's
own via method_tables.py), figures, and renderers (md, csv, json, latex, html).

A new table is one builder and one line in assemble.TABLES; a method's table comes from its
Method.report_tables. May import: harness.methods (the registry), store, data, metrics, trial,
errors. Never execution or the commands.
"""
