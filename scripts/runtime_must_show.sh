#!/usr/bin/env bash
# Issue 31's "must show" figures in one go (docs/runtimes.md), each measured on this machine:
#
#   1. the demo suite (suites/demo-runtimes.yaml: MiniLM fine-tuned, 2 seeds) through all six
#      runtimes in ONE run: its runtime table (quality Δ with the rule's verdict, agreement,
#      throughput and batch-1 latency ratios against torch);
#   2. a rerun adding one runtime (onnx-int8) to a run of the demo without it: what it trained
#      (nothing) and what it exported (the int8 model once per trained model; onnx reused);
#   3. the packaged MiniLM as an embedder (suites/embedder-runtimes.yaml) on JSTS (local STS,
#      paired bootstrap over the pairs) and a local JSQuAD retrieval task (paired over the
#      queries) through each runtime: its rows of the runtime table (score Δ, encode speed ratio).
#
# Usage:  bash scripts/runtime_must_show.sh OUT_DIR [--small]
#   OUT_DIR: a fresh folder for the results dirs (outside the repo, e.g. /tmp/must-show);
#   --small: a smoke run at a small size (demo: 1 epoch, 120 train and 60 test rows; JSTS:
#            the first 200 pairs; retrieval: 40 paragraphs) to prove the script works; its
#            figures are not the issue's.
# Needs pip install -e '.[demo,embeddings,runtimes]' and ../shared/datasets (or $HARNESS_DATA).
# Run it on a quiet machine: speed ratios under load say little. It prints the machine's load
# before and after, and the measured CPU peak it used with the load that peak was measured under
# (harness/runtimes/cpu_peaks.py measures again when its cached entry came from a busy machine).
set -euo pipefail

OUT=${1:?usage: bash scripts/runtime_must_show.sh OUT_DIR [--small]}
SMALL=${2:-}
if [ -n "$SMALL" ] && [ "$SMALL" != "--small" ]; then
  echo "unknown option $SMALL (only --small)" >&2
  exit 2
fi
REPO=$(cd "$(dirname "$0")/.." && pwd)
DATA=${HARNESS_DATA:-$REPO/../shared/datasets}
if [ ! -f "$DATA/jglue/jsts-v1.3/valid-v1.3.json" ]; then
  echo "no JGLUE data under $DATA (set HARNESS_DATA to the shared datasets folder)" >&2
  exit 2
fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
export HF_HUB_OFFLINE=1

DEMO_OVERRIDES=""
EMBED_OVERRIDES=""
PARAGRAPHS=300
if [ "$SMALL" = "--small" ]; then
  DEMO_OVERRIDES="training.epochs: 1, datasets.0.max_train_samples: 120, datasets.0.max_test_samples: 60"
  PARAGRAPHS=40
  python - "$DATA/jglue/jsts-v1.3/valid-v1.3.json" "$OUT/jsts-small.json" <<'EOF'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()[:200]
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(lines) + "\n")
EOF
  EMBED_OVERRIDES="methods.0.tasks.0.files.validation: $OUT/jsts-small.json"
fi

overrides() {  # a YAML mapping for HARNESS_SUITE_OVERRIDES from comma-joined parts (empty: none)
  local parts=""
  for p in "$@"; do [ -n "$p" ] && parts="${parts:+$parts, }$p"; done
  [ -n "$parts" ] && echo "{$parts}" || true
}

section() { printf '\n==== %s\n' "$*"; }

runtime_table() {  # the runtime table of a results dir (its section of the markdown report)
  harness report "$1" --no-plots | awk '/: runtimes against torch/{on=1} on && /^## / && !/runtimes against torch/{exit} on'
}

counts() {  # what the latest run of a results dir trained and exported
  python - "$1" <<'EOF'
import sys
from collections import Counter
from pathlib import Path

from harness.store.store import ResultsStore

store = ResultsStore(Path(sys.argv[1]))
records = store.records()
latest = max(records, key=lambda r: r.started_at).run_id
mine = [r for r in records if r.run_id == latest]
trained = [r for r in mine if r.method == "finetune" and r.runtime is None]
made, reused = Counter(), Counter()
for r in mine:
    for step in (r.runtime.export if r.runtime else []):
        (reused if step["reused"] else made)[step["export"]] += 1
print(f"rerun {latest}: {len(mine)} trials ran; fine-tunes trained: {len(trained)}; "
      f"runtime trials: {sorted(r.runtime.name for r in mine if r.runtime)}")
print(f"exports made: {dict(made) or 'none'}; exports reused: {dict(reused) or 'none'}")
EOF
}

section "machine"
uptime
python -c "from harness.cpu_features import cpu_facts; print('cpu:', *cpu_facts())"
python -c "import torch; print('torch threads:', torch.get_num_threads())"

section "1. demo-runtimes: all six runtimes, 2 seeds, one run"
HARNESS_SUITE_OVERRIDES=$(overrides "$DEMO_OVERRIDES") \
  harness run "$REPO/suites/demo-runtimes.yaml" --results-dir "$OUT/demo" > "$OUT/demo.log"
grep -E "^harness: .* trials \(" "$OUT/demo.log" || true
runtime_table "$OUT/demo"

section "2. a rerun adding one runtime (onnx-int8)"
HARNESS_SUITE_OVERRIDES=$(overrides "$DEMO_OVERRIDES" \
  "runtimes: [torch, torch-bf16, onnx, openvino, openvino-bf16]") \
  harness run "$REPO/suites/demo-runtimes.yaml" --results-dir "$OUT/rerun" > "$OUT/rerun-1.log"
grep -E "^harness: .* trials \(" "$OUT/rerun-1.log" || true
HARNESS_SUITE_OVERRIDES=$(overrides "$DEMO_OVERRIDES") \
  harness run "$REPO/suites/demo-runtimes.yaml" --results-dir "$OUT/rerun" > "$OUT/rerun-2.log"
grep -E "^harness: .* trials \(|done earlier|^harness: .* trained" "$OUT/rerun-2.log" || true
counts "$OUT/rerun"

section "3. MiniLM as an embedder: JSTS (STS) and JSQuAD retrieval through every runtime"
python "$REPO/scripts/jsquad_retrieval.py" "$OUT/jsquad-retrieval" --paragraphs "$PARAGRAPHS"
JSQUAD_RETRIEVAL="$OUT/jsquad-retrieval" HARNESS_DATA="$DATA" \
  HARNESS_SUITE_OVERRIDES=$(overrides "$EMBED_OVERRIDES") \
  harness run "$REPO/suites/embedder-runtimes.yaml" --results-dir "$OUT/embedder" > "$OUT/embedder.log"
grep -E "^harness: .* trials \(" "$OUT/embedder.log" || true
runtime_table "$OUT/embedder"

section "the measured CPU peak these runs used (MFU, the bf16 note)"
python - <<'EOF'
from harness.runtimes.cpu_peaks import read_cache

for key, e in read_cache().items():
    load = e.get("load") or {}
    print(f"{key}: fp32 {e['fp32'] / 1e9:.0f} GFLOP/s, bf16 {e['bf16'] / 1e9:.0f} GFLOP/s, "
          f"measured {e['measured_at']}, other processes on {load.get('busy_cores', '?')} of "
          f"{load.get('cores', '?')} cores, load {load.get('load_1m', '?')}"
          + (" (UNDER LOAD: measured again on the next run)" if load.get("under_load", True) else ""))
EOF
uptime
echo "logs and results: $OUT"
