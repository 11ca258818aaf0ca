"""harness.hub without a hub: which files a trial reads, a card's configs, offline resolution from
the HF cache's refs and snapshots. In-process (offline), < 1 s."""

from __future__ import annotations

import pytest
from hub_repos import cache_snapshot, dataset_files

import harness.hub.revisions as resolve_module
import harness.hub.snapshot as snapshot_module
from harness.hub import HubError, cache, resolve
from harness.hub import select as sel
from harness.hub.snapshot import dataset_snapshot, model_snapshot

REPO_FILES = [".gitattributes", "README.md", "config.json", "tokenizer_config.json", "vocab.txt",
              "model.safetensors", "pytorch_model.bin", "tf_model.h5", "flax_model.msgpack",
              "onnx/model.onnx", "1_Pooling/config.json", "modules.json"]


def test_model_files_are_what_a_trial_loads():
    assert sel.model_files(REPO_FILES) == ["config.json", "tokenizer_config.json", "vocab.txt",
                                           "model.safetensors", "1_Pooling/config.json",
                                           "modules.json"]
    no_safetensors = [f for f in REPO_FILES if f != "model.safetensors"]
    assert "pytorch_model.bin" in sel.model_files(no_safetensors)
    assert sel.model_files(REPO_FILES, light=True) == ["config.json", "tokenizer_config.json",
                                                       "vocab.txt", "1_Pooling/config.json",
                                                       "modules.json"]
    assert sel.model_complete(["config.json", "vocab.txt"]) == \
        "weights (model.safetensors or pytorch_model.bin)"
    assert sel.model_complete(["config.json", "vocab.txt"], light=True) is None
    assert sel.shards('{"weight_map": {"a": "m-1.safetensors", "b": "m-2.safetensors"}}') == \
        {"m-1.safetensors", "m-2.safetensors"}


def test_a_cards_configs_choose_the_data_files():
    files = dataset_files({"ja": {"train": [{"text": "a", "label": 0}]},
                           "en": {"train": [{"text": "b", "label": 1}]}})
    meta = sel.card_metadata(files["README.md"].decode())
    assert sel.config_patterns(meta, "ja", "org/x") == ["ja/train-*"]
    assert sel.dataset_files(list(files), ["ja/train-*"]) == ["README.md",
                                                             "ja/train-00000-of-00001.parquet"]
    with pytest.raises(HubError) as e:
        sel.config_patterns(meta, "jp", "org/x")
    assert e.value.field == "hub.config" and "configs: ja, en" in e.value.message
    with pytest.raises(HubError, match="no default: choose one"):
        sel.config_patterns(meta, None, "org/x")
    assert sel.config_splits(meta, "en") == ["train"]
    assert sel.config_patterns({}, None, "org/x") is None  # no configs: datasets infers them


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setattr(resolve_module, "_MEMO", {})
    monkeypatch.setattr(resolve_module, "_FAILED", {})
    monkeypatch.setattr(snapshot_module, "_DONE", {})
    assert cache.offline()  # conftest sets HF_HUB_OFFLINE before huggingface_hub is imported
    return tmp_path / "hub"


def test_offline_resolution_reads_refs_and_snapshots(empty_cache, tmp_path):
    commit = "a" * 40
    files = dataset_files({"default": {"train": [{"text": "x", "label": 0}] * 4}})
    cache_snapshot(empty_cache, "dataset", "org/data", commit, files)
    with pytest.raises(HubError) as e:  # no refs/main yet: cannot know what main is
        resolve("dataset", "org/data")
    assert e.value.unavailable and "harness fetch" in e.value.message
    resolve_module._FAILED.clear()
    cache.write_ref("dataset", "org/data", "main", commit)
    res = resolve("dataset", "org/data")
    assert (res.commit, res.source, res.files) == (commit, "HF cache", None)
    assert resolve("dataset", "org/data", commit).commit == commit  # a commit is itself
    snap = dataset_snapshot("org/data")
    assert snap.folder.name == commit and snap.downloaded == 0
    assert snap.files == ("README.md", "data/train-00000-of-00001.parquet")
    cache_snapshot(empty_cache, "model", "org/m", commit, {"config.json": b"{}",
                                                          "vocab.txt": b"[PAD]\n"})
    with pytest.raises(HubError, match="lacks its weights") as e:
        model_snapshot("org/m", commit)  # light files only: an offline run cannot load it
    assert e.value.unavailable
    assert model_snapshot("org/m", commit, light=True).files == ("config.json", "vocab.txt")
