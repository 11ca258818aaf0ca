"""Results in the formats other tools read, from stored records only: `mteb_results.py` writes
mteb trials in the MTEB results-repository layout (`harness export mteb`). Model-index cards are
harness/modelcard.py; the blog table is a report renderer (harness/reports/blog.py)."""
