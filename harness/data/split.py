"""Seeded stratified train/test split: the same rows as `Dataset.train_test_split(...,
stratify_by_column=LABEL, seed=seed)`, without its cost.

datasets 5 reads the label column with `np.asarray(ds.with_format("numpy")[column])`, which
iterates a lazy `Column` row by row (~0.3 ms a row: 4-6 s for CLINC150's 15,000 rows). Here the
labels come from one Arrow slice and go through datasets' own index generator with the same
generator, so the chosen rows are identical (tests/data/test_split.py checks it).
"""

from __future__ import annotations

import math

import numpy as np


def stratified_split(ds, label: str, seed: int, *, train_size: int | None = None,
                     test_size: float | int | None = None):
    """(train, test) Datasets; sizes as in `train_test_split` (an int is a row count, a float
    a share; the other side defaults to the rest)."""
    from datasets.utils.stratify import stratified_shuffle_split_generate_indices

    n = len(ds)
    n_test = (math.ceil(test_size * n) if isinstance(test_size, float)
              else test_size if test_size is not None else None)
    n_train = train_size if train_size is not None else n - n_test
    if n_test is None:
        n_test = n - n_train
    labels = np.asarray(ds[label][:])
    try:
        train_idx, test_idx = next(stratified_shuffle_split_generate_indices(
            labels, int(n_train), int(n_test), rng=np.random.default_rng(seed)))
    except ValueError as e:
        if str(e) == "Minimum class count error":
            raise ValueError(f"the least populated class in {label!r} has only 1 member") from e
        raise
    return ds.select(train_idx), ds.select(test_idx)


def carve_missing_splits(spec, dsd, label: str | None):
    """Test and validation carved out of train where the spec's files or hub splits lack them
    (`test_size`, `validation_size`, seeded by `split_seed`): stratified by the `label` column
    when given (classification), else a seeded shuffle split. Raises DataError(field=...)."""
    if "test" not in dsd:
        dsd["train"], dsd["test"] = _split(dsd["train"], spec.test_size, spec.split_seed, label,
                                           "test_size")
    if "validation" not in dsd and spec.validation_size > 0:
        share = spec.validation_size / (1 - spec.test_size) if "test" not in (spec.files or {}) \
            else spec.validation_size
        dsd["train"], dsd["validation"] = _split(dsd["train"], share, spec.split_seed, label,
                                                 "validation_size")
    return dsd


def take(ds, n: int, seed: int, label: str | None, fld: str):
    """A seeded subsample of n rows, stratified by `label` when given (every label kept)."""
    from collections import Counter

    from harness.data.load import DataError

    if label is None:
        return ds.shuffle(seed=seed).select(range(n))
    counts = Counter(ds[label][:])
    if n < len(counts):
        raise DataError(f"{n} rows cannot hold all {len(counts)} labels", field=fld)
    if any(c < 2 for c in counts.values()):
        return ds.shuffle(seed=seed).select(range(n))
    return stratified_split(ds, label, seed, train_size=n)[0]


def _split(ds, share: float, seed: int, label: str | None, fld: str):
    from harness.data.load import DataError

    n_test = math.ceil(share * len(ds))
    if label is None:
        if n_test < 1 or len(ds) - n_test < 1:
            raise DataError(f"train ({len(ds)} rows) is too small to split off {share:.0%}",
                            field=fld)
        parts = ds.train_test_split(test_size=n_test, seed=seed, shuffle=True)
        return parts["train"], parts["test"]
    from collections import Counter

    counts = Counter(ds[label][:])
    rare = [k for k, c in counts.items() if c < 2]
    if rare or n_test < len(counts) or len(ds) - n_test < len(counts):
        raise DataError(f"train ({len(ds)} rows, {len(counts)} labels"
                        + (f", {len(rare)} with a single row" if rare else "")
                        + f") is too small to stratify a {share:.0%} split", field=fld)
    return stratified_split(ds, label, seed, test_size=share)
