"""`harness inspect`: what the data and each model's tokenizer look like before any training.

data_facts.py needs only `datasets`; tokenizer_fit.py loads tokenizers (transformers);
report.py runs both over a suite and renders the table and verdicts; trial_fit.py computes the
same facts once per run for every trial record.

May import: harness.suite (to read a suite), models, data, specs, hub, errors. Never methods, plan
or execution.
"""
