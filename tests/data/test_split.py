"""harness.data.split.stratified_split picks exactly the rows datasets' own stratified
train_test_split picks (same seed), and refuses a class with a single row the same way."""

import datasets
import numpy as np
import pytest

from harness.data.split import stratified_split


def _labelled(n: int, k: int, seed: int) -> datasets.Dataset:
    rng = np.random.default_rng(seed)
    labels = rng.choice(k, size=n, p=np.linspace(1, 3, k) / np.linspace(1, 3, k).sum())
    ds = datasets.Dataset.from_dict({"row": list(range(n)), "label": labels.tolist()})
    return ds.cast_column("label", datasets.ClassLabel(names=[f"c{i}" for i in range(k)]))


@pytest.mark.parametrize("sizes", [{"train_size": 200}, {"test_size": 0.2}, {"test_size": 0.1},
                                   {"train_size": 37}])
@pytest.mark.parametrize("seed", [0, 42])
def test_same_rows_as_datasets(sizes, seed):
    ds = _labelled(1000, 7, seed).shuffle(seed=3).select(range(900))  # with an indices mapping
    ours_train, ours_test = stratified_split(ds, "label", seed, **sizes)
    theirs = ds.train_test_split(seed=seed, stratify_by_column="label", **sizes)
    assert ours_train["row"][:] == theirs["train"]["row"][:]
    assert ours_test["row"][:] == theirs["test"]["row"][:]
    assert not set(ours_train["row"][:]) & set(ours_test["row"][:])


def test_single_member_class_is_refused():
    ds = datasets.Dataset.from_dict({"label": [0] * 9 + [1]}).cast_column(
        "label", datasets.ClassLabel(names=["a", "b"]))
    with pytest.raises(ValueError, match="only 1 member"):
        stratified_split(ds, "label", 0, test_size=0.3)
