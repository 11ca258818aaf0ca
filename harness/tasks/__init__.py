"""Task types: what a dataset is (classification, regression, multiple choice, extractive QA,
token classification) and everything that differs between them."""
