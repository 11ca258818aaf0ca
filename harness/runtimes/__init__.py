"""Runtimes: a trained or frozen model evaluated again through ONNX Runtime (fp32, dynamic
int8), OpenVINO (f32, bf16) or torch under bf16 autocast, each as a trial of its own.

catalog.py (names, packages, extra, what accelerates them; light) · plan.py (runtime trials
from their source trials, key material; light) · cache.py (where kept and exported models live) ·
export.py (torch → ONNX, int8, OpenVINO; once per source, under a file lock) · session.py (one
`run(batch) -> array` per runtime, threads pinned) · measure.py (predictions in row order,
throughput, batch-1 latency, peak RSS, size on disk: the same for every runtime) ·
cpu_peaks.py (a measured matmul peak of this CPU, fp32 and bf16, cached per machine).

Layer: below methods (finetune, probe and mteb call it from their `run`), above data, models
and env. torch, onnx, onnxruntime and openvino are imported inside functions only.
"""
