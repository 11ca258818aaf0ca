"""Task types: what a dataset is (classification, regression, multiple choice, …) and what
follows from it — columns and their checks, preparation, the tokenization, the model head,
predictions, metrics and the learned-nothing baseline — one module a task type
(base.py: the contract; registry.py: one line each; prepare.py: DatasetSpec -> PreparedData).

Sits between methods (which run any task type) and data (which reads files). May import:
harness.data, harness.specs, harness.metrics, harness.fingerprint, harness.errors.
"""
