"""`harness inspect`: what the data and each model's tokenizer look like before any training.

data_facts.py needs only `datasets`; tokenizer_fit.py loads tokenizers (transformers);
report.py runs both over a suite and renders the table and verdicts.
"""
