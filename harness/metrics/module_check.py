"""A suite's local `evaluate` module, opened as a trial opens it: `evaluate.load(path)` and one
`compute` on two rows with the suite's kwargs, whose result must hold the metric's key.

`import evaluate` imports torch and transformers (seconds), which `harness validate` must not
(tests/cli/test_light_commands.py), so the check runs in a child process; `validate` remembers
a module that passed by the content of its files (harness.data.checked).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

TIMEOUT_S = 300

_CHILD = """
import json, sys
path, key, kwargs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
try:
    import evaluate
    module = evaluate.load(path)
    result = module.compute(predictions=[0, 1], references=[0, 1], **kwargs)
    if not isinstance(result, dict) or key not in result:
        raise KeyError(f"compute() returned {sorted(result) if isinstance(result, dict) else result!r}, "
                       f"not {key!r}")
    float(result[key])
except BaseException as e:
    message = str(e).strip().splitlines()[0] if str(e).strip() else ""
    print("HARNESS-PROBLEM " + json.dumps(f"{type(e).__name__}: {message}"[:300]))
    sys.exit(3)
"""


def check_module(path: str, key: str, kwargs: dict) -> str | None:
    """None when the module loads and computes `key`; else one line saying why not."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_EVALUATE_OFFLINE="1", HF_DATASETS_OFFLINE="1",
               TRANSFORMERS_VERBOSITY="error", PYTHONWARNINGS="ignore")
    try:
        proc = subprocess.run([sys.executable, "-c", _CHILD, path, key, json.dumps(kwargs)],
                              capture_output=True, text=True, timeout=TIMEOUT_S, env=env)
    except subprocess.TimeoutExpired:
        return f"loading it took more than {TIMEOUT_S} s"
    if proc.returncode == 0:
        return None
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("HARNESS-PROBLEM "):
            return json.loads(line.removeprefix("HARNESS-PROBLEM "))
    tail = (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
    return f"loading it failed: {tail[:300]}"
