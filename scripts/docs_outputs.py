"""Rewrite the documentation's output blocks (docs/generated/*) from test runs:

    python scripts/docs_outputs.py [pytest args]

runs the tests under tests/docs/ that print a page's commands (the tutorials on tiny models, the
getting-started commands), slow ones included, with HARNESS_DOCS_WRITE=1: each writes the output
it got instead of comparing it with the committed file (tests/docs/doc_outputs.py). The reference
pages are scripts/docs_reference.py's; the demo's pictures scripts/docs_screenshots.py's.
"""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
env = {**os.environ, "HARNESS_DOCS_WRITE": "1", "HF_HUB_OFFLINE": "1"}
sys.exit(subprocess.call([sys.executable, "-m", "pytest", "-q", "-m", "", "tests/docs",
                          "-k", "not drift and not suites and not readme", *sys.argv[1:]],
                         cwd=REPO, env=env))
