"""The typed pieces of a suite that every layer reads: models, datasets, training settings,
metrics, resources (pydantic, `extra="forbid"`). `harness.suite.schema.Suite` joins them with
the methods' own specs (harness.methods).

May import: pydantic, harness.errors, harness.metrics (metric names). Nothing else of harness.
"""
