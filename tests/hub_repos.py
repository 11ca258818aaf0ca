"""Git repos for the hub mirror (tests/hub_mirror.py) and HF cache snapshot entries.

- `model_repo`: a tiny BERT with the real MeCab `BertJapaneseTokenizer` (tests/tiny_models.py) as
  a git repo at `<mirrors>/models/<org>/<name>`; calling it again commits new weights on `main`.
- `parquet_dataset_repo`: a parquet dataset repo whose README declares `configs:` and
  `dataset_info` (a `ClassLabel` where label names are given), laid out as `push_to_hub` does.
- `cache_snapshot`: an HF hub cache entry (`blobs/`, `snapshots/<commit>/` symlinks) at a given
  commit, for data whose hub commit a local git repo cannot reproduce (MTEB's pinned revisions).
- `jp_*` generators: small Japanese sets in the shapes jp.yaml reads (JNLI JSON lines, JCoLA TSV,
  5-star reviews, STS pairs).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import yaml

GIT_ENV = {"GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
           "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.invalid"}


def git_commit(repo: Path, message: str) -> str:
    """Commit everything in `repo` (a new repo on branch main if needed); the new HEAD sha."""
    env = {**os.environ, **GIT_ENV}

    def git(*args):
        return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True,
                              text=True).stdout.strip()

    if not (repo / ".git").is_dir():
        git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", message)
    return git("rev-parse", "HEAD")


def _clear(repo: Path) -> None:
    """Remove the working files (not .git), so a new commit holds exactly what is written next."""
    repo.mkdir(parents=True, exist_ok=True)
    for child in repo.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()


def model_repo(mirrors: Path, repo_id: str, texts: list[str], *, dic: str, **shape) -> str:
    """A tiny Japanese BERT (MeCab with `dic`) committed to `<mirrors>/models/<repo_id>`; its sha."""
    import tiny_models

    repo = mirrors / "models" / repo_id
    _clear(repo)
    tiny_models.make_tiny_japanese_bert(repo, texts, dic=dic, **shape)
    layers = shape.get("num_layers", 2)
    return git_commit(repo, f"tiny BERT, {layers} layers, MeCab {dic}")


def _parquet(rows: list[dict]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows), buf)
    return buf.getvalue()


def _folder(config: str) -> str:
    return "data" if config == "default" else config  # push_to_hub's layout


def dataset_card(configs: dict[str, dict[str, list[dict]]], label_names: list[str] | None,
                 label_column: str = "label") -> str:
    """README front matter as `push_to_hub` writes it: configs + dataset_info per config."""
    card_configs, infos = [], []
    for name, splits in configs.items():
        card_configs.append({"config_name": name, "data_files": [
            {"split": split, "path": f"{_folder(name)}/{split}-*"} for split in splits]})
        first = next(iter(splits.values()))[0]
        features = []
        for column, value in first.items():
            if column == label_column and label_names:
                dtype = {"class_label": {"names": {str(i): n for i, n in enumerate(label_names)}}}
            else:
                dtype = "string" if isinstance(value, str) else \
                    "float64" if isinstance(value, float) else "int64"
            features.append({"name": column, "dtype": dtype})
        infos.append({"config_name": name, "features": features,
                      "splits": [{"name": s, "num_bytes": len(_parquet(r)), "num_examples": len(r)}
                                 for s, r in splits.items()]})
    meta = {"configs": card_configs, "dataset_info": infos}
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n"


def dataset_files(configs: dict[str, dict[str, list[dict]]], label_names=None,
                  label_column: str = "label") -> dict[str, bytes]:
    """The files of a parquet dataset repo: README.md and <config>/<split>-00000-of-00001.parquet."""
    files = {"README.md": dataset_card(configs, label_names, label_column).encode()}
    for name, splits in configs.items():
        for split, rows in splits.items():
            files[f"{_folder(name)}/{split}-00000-of-00001.parquet"] = _parquet(rows)
    return files


def parquet_dataset_repo(mirrors: Path, repo_id: str, configs: dict[str, dict[str, list[dict]]],
                         label_names: list[str] | None = None) -> str:
    repo = mirrors / "datasets" / repo_id
    _clear(repo)
    for rel, data in dataset_files(configs, label_names).items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_bytes(data)
    return git_commit(repo, "parquet data")


def cache_snapshot(hub_cache: Path, repo_type: str, repo_id: str, commit: str,
                   files: dict[str, bytes]) -> Path:
    """An HF hub cache entry holding `files` at `commit`, laid out as huggingface_hub writes it
    (content in blobs/<sha256>, relative symlinks in snapshots/<commit>/)."""
    folder = Path(hub_cache) / f"{repo_type}s--{repo_id.replace('/', '--')}"
    snapshot = folder / "snapshots" / commit
    for rel, data in files.items():
        blob = folder / "blobs" / hashlib.sha256(data).hexdigest()
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_bytes(data)
        link = snapshot / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(blob, link.parent))
    return snapshot


# --- small Japanese sets in the shapes jp.yaml reads ---------------------------------------------

_SUBJECTS = ["映画", "料理", "本", "店", "ホテル", "音楽", "ゲーム", "旅行", "授業", "ドラマ"]
_STARS = [["最悪だった", "ひどかった"], ["残念だった", "いまいちだった"], ["普通だった", "まあまあだった"],
          ["良かった", "楽しかった"], ["最高だった", "素晴らしかった"]]
_ACTORS = ["太郎", "花子", "先生", "学生", "子供", "犬", "猫"]
_ACTIONS = ["走っている", "本を読んでいる", "ご飯を食べている", "寝ている", "歌っている"]


def jp_reviews(n: int, seed: int) -> list[dict]:
    """Amazon-style reviews, label = stars - 1 (0..4), balanced."""
    rng = random.Random(seed)
    return [{"text": f"この{rng.choice(_SUBJECTS)}は{rng.choice(_STARS[i % 5])}。", "label": i % 5}
            for i in range(n)]


def jp_pairs(n: int, seed: int) -> list[tuple[str, str, int]]:
    """(sentence1, sentence2, relation): 0 same action, 1 different action, 2 different actor."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        actor, action = rng.choice(_ACTORS), rng.choice(_ACTIONS)
        relation = i % 3
        other_action = rng.choice([a for a in _ACTIONS if a != action])
        other_actor = rng.choice([a for a in _ACTORS if a != actor])
        second = {0: f"{actor}が{action}。", 1: f"{actor}が{other_action}。",
                  2: f"{other_actor}が{action}。"}[relation]
        out.append((f"{actor}が{action}ところです。", second, relation))
    return out


def write_jnli(path: Path, n: int, seed: int) -> Path:
    names = ["entailment", "contradiction", "neutral"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for i, (a, b, rel) in enumerate(jp_pairs(n, seed)):
            f.write(json.dumps({"sentence_pair_id": str(i), "yjcaptions_id": f"{i}-{i}",
                                "sentence1": a, "sentence2": b, "label": names[rel]},
                               ensure_ascii=False) + "\n")
    return path


def write_jcola(path: Path, n: int, seed: int) -> Path:
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["uid\tsource\tlabel\tdiacritic\tsentence\toriginal"]
    for i in range(n):
        ok = i % 4 != 0  # imbalanced, like JCoLA
        sentence = f"{rng.choice(_ACTORS)}が{rng.choice(_ACTIONS)}。" if ok else \
            f"{rng.choice(_ACTIONS)}が{rng.choice(_ACTORS)}を。"
        lines.append(f"{i}\ttest\t{int(ok)}\t{'g' if ok else '*'}\t{sentence}\t{sentence}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def jp_sts(n: int, seed: int) -> list[dict]:
    """STS rows as mteb/JSTS and mteb/JSICK hold them: sentence1, sentence2, score (1..5)."""
    return [{"sentence1": a, "sentence2": b, "score": float(5 - 2 * rel) if rel < 2 else 1.0}
            for a, b, rel in jp_pairs(n, seed)]


def jp_texts() -> list[str]:
    """Every text the jp_* sets can hold: the tiny models' vocabulary is built from them."""
    texts = [r["text"] for r in jp_reviews(200, 0)]
    texts += [t for a, b, _ in jp_pairs(300, 0) for t in (a, b)]
    texts += [f"{x}が{y}。" for x in _ACTORS for y in _ACTIONS] + \
             [f"{y}が{x}を。" for x in _ACTORS for y in _ACTIONS]
    texts += [f"この{s}は{w}。" for s in _SUBJECTS for ws in _STARS for w in ws]
    return texts


# --- the mirror process ---------------------------------------------------------------------------

class Mirror:
    """tests/hub_mirror.py (olah) on a free 127.0.0.1 port serving `<root>/{models,datasets}`;
    its access log is `log`. `env()` is the environment of a harness command that talks to it."""

    def __init__(self, root: Path):
        import socket
        import sys
        import time
        import urllib.error
        import urllib.request

        self.root = Path(root)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log = self.root / "access.log"
        launcher = Path(__file__).with_name("hub_mirror.py")
        self._out = open(self.log, "w", encoding="utf-8")
        self.proc = subprocess.Popen([sys.executable, str(launcher), str(self.root), str(self.port),
                                      str(os.getpid())], stdout=self._out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.endpoint}/api/whoami-v2", timeout=2)
            except urllib.error.HTTPError:
                break  # it answers (whoami needs the real hub: an error status is fine)
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"hub mirror did not start:\n{self.log.read_text()}")
                time.sleep(0.2)
            else:
                break

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._out.close()

    def env(self, hf_home: Path, *, offline: bool = False, **extra) -> dict[str, str]:
        drop = {"HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "HF_HUB_CACHE",
                "HF_DATASETS_CACHE", "HARNESS_SUITE_OVERRIDES"}
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env.update(HF_ENDPOINT=self.endpoint, HF_HOME=str(hf_home), PYTHONUNBUFFERED="1",
                   HARNESS_CACHE=str(Path(hf_home) / "harness"), HF_HUB_DISABLE_TELEMETRY="1",
                   MTEB_CACHE=str(Path(hf_home) / "mteb"))
        if offline:
            env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_DATASETS_OFFLINE="1")
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def mark(self) -> int:
        self._out.flush()
        return len(self.log.read_text(encoding="utf-8").splitlines())

    def requests(self, since: int = 0) -> list[tuple[str, str, int]]:
        """(method, path, status) of each request logged after line `since`."""
        import re

        self._out.flush()
        lines = self.log.read_text(encoding="utf-8").splitlines()[since:]
        found = [re.search(r'"([A-Z]+) (\S+) HTTP/[\d.]+" (\d{3})', line) for line in lines]
        return [(m.group(1), m.group(2), int(m.group(3))) for m in found if m]

    def downloads(self, since: int = 0) -> dict[str, int]:
        """GET /.../resolve/<commit>/<file> counts per path: each file's downloads."""
        from collections import Counter

        return Counter(p.split("?")[0] for m, p, s in self.requests(since)
                       if m == "GET" and "/resolve/" in p and s == 200)


def head(repo: Path) -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True,
                          text=True).stdout.strip()


# Commits mteb 2.26.24 pins for the tasks jp.yaml names: a local git repo cannot have them.
MTEB_PINNED = {"JSTS": ("mteb/JSTS", "5bac629e25799df4c9c80a6a5db983d6cba9e77d", "validation"),
               "JSICK": ("mteb/JSICK", "729cfe4a16d3c2b61c6aa9f9f6c8a96bb5512868", "test")}


def seed_mteb_cache(hub_cache: Path) -> None:
    """HF cache entries at the commits mteb pins for JSTS and JSICK (README + parquet, laid out as
    push_to_hub writes them): what `harness fetch` leaves where the real hub answered."""
    for i, (repo_id, commit, split) in enumerate(MTEB_PINNED.values()):
        files = dataset_files({"default": {split: jp_sts(30, seed=10 + i)}})
        cache_snapshot(hub_cache, "dataset", repo_id, commit, files)


def write_jp_data(root: Path) -> Path:
    """${HARNESS_DATA} for jp.yaml's local sets: JNLI and JCoLA files in their own formats."""
    write_jnli(root / "jglue" / "jnli-v1.3" / "valid-v1.3.json", 60, seed=1)
    write_jnli(root / "jglue" / "jnli-v1.3" / "test-v1.3.json", 30, seed=2)
    write_jcola(root / "jcola" / "in_domain_train-v1.0.tsv", 60, seed=3)
    write_jcola(root / "jcola" / "in_domain_valid-v1.0.tsv", 30, seed=4)
    return root


def build_jp_mirror(root: Path) -> dict[str, str]:
    """jp.yaml's hub repos, tiny: the two cl-tohoku ids (unidic-lite / ipadic MeCab tokenizers)
    and mteb/AmazonReviewsClassification (configs ja and en, integer labels as on the hub), plus a
    ClassLabel set. Returns repo id -> HEAD commit."""
    texts = jp_texts()
    heads = {
        "cl-tohoku/bert-base-japanese-v3": model_repo(root, "cl-tohoku/bert-base-japanese-v3",
                                                      texts, dic="unidic_lite"),
        "cl-tohoku/bert-base-japanese-whole-word-masking": model_repo(
            root, "cl-tohoku/bert-base-japanese-whole-word-masking", texts, dic="ipadic"),
        "mteb/AmazonReviewsClassification": parquet_dataset_repo(
            root, "mteb/AmazonReviewsClassification",
            {"ja": {"train": jp_reviews(60, 1), "validation": jp_reviews(20, 2),
                    "test": jp_reviews(20, 3)},
             "en": {"train": [{"text": "great", "label": 4}, {"text": "awful", "label": 0}]}}),
        "test-org/sentiment-ja": parquet_dataset_repo(
            root, "test-org/sentiment-ja",
            {"default": {"train": [{"text": r["text"], "label": int(r["label"] >= 3)}
                                   for r in jp_reviews(40, 5)],
                         "test": [{"text": r["text"], "label": int(r["label"] >= 3)}
                                  for r in jp_reviews(20, 6)]}},
            label_names=["negative", "positive"]),
    }
    return heads
