"""How an mteb retrieval or reranking trial encodes and searches (mteb and torch: trial time).

- `CachedEncoder`: the model's `encode` with its arrays cached on disk
  (harness.models.embedding_cache), keyed by the model's key material, the packages that compute
  the vectors, the prompt the model would use and the texts themselves. A corpus is therefore
  encoded once per model: every task and run that reads the same passages reuses it.
- `Search`: mteb's `SearchEncoderWrapper` with an index backend always set, so the whole corpus
  is encoded in one `encode` call (one cache entry; mteb's default path encodes 50,000-passage
  chunks inside the search instead) and searched by
- `ExactIndex` (every passage scored with the model's similarity, torch, top-k merged per
  corpus chunk) or `FaissIndex` (an approximate FAISS index from a factory string; `faiss` is
  imported only here, when a trial asks for it).
Each step appends a line to the trial's log (rows, cache hit, seconds; index, build and search
seconds), which the record keeps in `log_history`.
"""

from __future__ import annotations

import hashlib
import time

import numpy as np

from harness.models.embedding_cache import EmbeddingCache, cache_key

CHUNK = 50_000  # passages scored at once by the exact search (mteb's corpus_chunk_size)
QUERY_CHUNK = 1_024  # queries scored at once: a (1,024 × 50,000) float32 block is 200 MB


def texts_digest(texts: list[str]) -> str:
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()


class CachedEncoder:
    """Wraps an mteb encoder (SentenceTransformerEncoderWrapper): `encode` reads and writes the
    on-disk cache; everything else is the wrapped encoder's."""

    def __init__(self, inner, cache: EmbeddingCache, identity: dict, log: list):
        self.inner = inner
        self.cache = cache
        self.identity = identity  # model key material, pooling, package versions
        self.log = log

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def encode(self, inputs, *, task_metadata, hf_split, hf_subset, prompt_type=None, **kwargs):
        texts = _loader_texts(inputs)
        t0 = time.perf_counter()
        key = None
        if texts is not None:
            key = cache_key(kind="mteb-encode", **self.identity,
                            prompt_type=getattr(prompt_type, "value", prompt_type),
                            prompt=self._prompt(task_metadata, prompt_type),
                            rows=len(texts), texts=texts_digest(texts))
            array = self.cache.load(key, len(texts))
            if array is not None:
                self._note(prompt_type, len(texts), True, t0, key)
                return array
        array = self.inner.encode(inputs, task_metadata=task_metadata, hf_split=hf_split,
                                  hf_subset=hf_subset, prompt_type=prompt_type, **kwargs)
        array = _numpy(array)
        if key is not None:
            self.cache.save(key, array)
        self._note(prompt_type, len(array), False, t0, key)
        return array

    def _prompt(self, task_metadata, prompt_type) -> str | None:
        """The prompt text the wrapped model would prepend (model_prompts by task, type)."""
        prompts = getattr(self.inner, "model_prompts", None)
        if not prompts:
            return None
        from mteb.models.abs_encoder import get_prompt_name

        name = get_prompt_name(prompts, task_metadata, prompt_type)
        return prompts.get(name) if name else None

    def _note(self, prompt_type, rows: int, hit: bool, t0: float, key: str | None) -> None:
        self.log.append({"encode": str(getattr(prompt_type, "value", prompt_type)), "rows": rows,
                         "cache_hit": hit, "seconds": round(time.perf_counter() - t0, 4),
                         "cache_key": key})


def _loader_texts(loader) -> list[str] | None:
    """The texts an mteb dataloader feeds the model (documents: title and text joined), read in
    one Arrow slice; None when its rows are not plain text (then nothing is cached)."""
    ds = getattr(loader, "dataset", None)
    if ds is None or "text" not in getattr(ds, "column_names", ()):
        return None
    texts = ds["text"][:]
    return texts if all(isinstance(t, str) for t in texts) else None


def _numpy(array) -> np.ndarray:
    if hasattr(array, "detach"):
        array = array.detach().cpu().float().numpy()
    return np.ascontiguousarray(np.asarray(array, dtype=np.float32))


def search_wrapper(encoder, backend):
    """mteb's SearchEncoderWrapper over `encoder` with `backend` (ExactIndex or FaissIndex)."""
    from mteb.models.search_wrappers import SearchEncoderWrapper

    class Search(SearchEncoderWrapper):
        def _sort_full_corpus_results(self, *, sub_corpus_ids, **kw):
            # mteb 2.26 passes the corpus's lazy datasets-5 Column and indexes it once per
            # (query, hit): 613k row reads (74 s) for 612 queries. One Arrow slice instead.
            ids = sub_corpus_ids if isinstance(sub_corpus_ids, list) else sub_corpus_ids[:]
            return super()._sort_full_corpus_results(sub_corpus_ids=ids, **kw)

    return Search(encoder, index_backend=backend)


class _Index:
    """What ExactIndex and FaissIndex share: the corpus (ids, float32 vectors as the model gave
    them), reranking over each query's candidates, and the log line. Scores come from the
    model's own similarity function where mteb passes it (so they are mteb's to the bit)."""

    name = "index"

    def __init__(self, similarity: str, log: list):
        self.similarity = similarity  # mteb ScoringFunction value: cosine, dot, euclidean
        self.log = log
        self.ids: list[str] = []
        self.vectors: np.ndarray | None = None
        self.build_s = 0.0

    def add_documents(self, embeddings, idxs) -> None:
        t0 = time.perf_counter()
        self.ids = list(idxs if isinstance(idxs, list) else idxs[:])
        self.vectors = _numpy(embeddings)
        self._build()
        self.build_s = time.perf_counter() - t0

    def _build(self) -> None:
        pass

    def search(self, embeddings, top_k, similarity_fn, top_ranked=None, query_idx_to_id=None):
        t0 = time.perf_counter()
        queries = _numpy(embeddings)
        if top_ranked is not None:
            scores, idx = self._rerank(queries, top_k, top_ranked, query_idx_to_id, similarity_fn)
            kind = "candidates"
        else:
            scores, idx = self._search(queries, min(top_k, len(self.ids)), similarity_fn)
            kind = self.name
        self.log.append({"search": kind, "similarity": self.similarity,
                         "corpus": len(self.ids), "queries": len(queries), "top_k": top_k,
                         "build_s": round(self.build_s, 4),
                         "search_s": round(time.perf_counter() - t0, 4), **self.describe()})
        return scores, idx

    def describe(self) -> dict:
        return {}

    def _scores(self, q: np.ndarray, docs: np.ndarray, similarity_fn) -> np.ndarray:
        """(queries, docs) similarities: the model's function when given, else the same math."""
        if similarity_fn is not None:
            import torch

            out = similarity_fn(torch.from_numpy(q), torch.from_numpy(docs))
            return torch.as_tensor(out).float().cpu().numpy()
        if self.similarity == "euclidean":  # mteb's euclidean similarity: minus the distance
            d2 = (q * q).sum(1)[:, None] - 2 * q @ docs.T + (docs * docs).sum(1)[None, :]
            return -np.sqrt(np.maximum(d2, 0))
        if self.similarity == "cosine":
            q, docs = _unit(q), _unit(docs)
        return q @ docs.T

    def _rerank(self, queries, top_k, top_ranked, query_idx_to_id, similarity_fn):
        position = {d: i for i, d in enumerate(self.ids)}
        scores, idx = [], []
        for q in range(len(queries)):
            candidates = top_ranked.get(query_idx_to_id[q]) or []
            if not candidates:
                scores.append([])
                idx.append([])
                continue
            docs = self.vectors[[position[d] for d in candidates]]
            sims = self._scores(queries[q:q + 1], docs, similarity_fn)[0]
            order = np.argsort(-sims, kind="stable")[:top_k]
            scores.append(sims[order].tolist())
            idx.append(order.tolist())
        return scores, idx

    def clear(self) -> None:
        self.ids, self.vectors = [], None


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


class ExactIndex(_Index):
    """Every passage scored: queries × corpus in blocks, the running top-k merged per block
    (torch.topk), never a full (queries × corpus) matrix."""

    name = "exact"

    def _search(self, queries: np.ndarray, k: int, similarity_fn=None):
        import torch

        out_s, out_i = [], []
        for q0 in range(0, len(queries), QUERY_CHUNK):
            q = queries[q0:q0 + QUERY_CHUNK]
            best_s = best_i = None
            for d0 in range(0, len(self.vectors), CHUNK):
                block = self._scores(q, self.vectors[d0:d0 + CHUNK], similarity_fn)
                s, i = torch.topk(torch.from_numpy(block), min(k, block.shape[1]), dim=1)
                i = i + d0
                if best_s is not None:
                    s, pick = torch.topk(torch.cat([best_s, s], 1), k, dim=1)
                    i = torch.gather(torch.cat([best_i, i], 1), 1, pick)
                best_s, best_i = s, i
            out_s += best_s.tolist()
            out_i += best_i.tolist()
        return out_s, out_i


class FaissIndex(_Index):
    """An approximate (or, with "Flat", exact) FAISS index built from a factory string, inner
    product on normalised vectors for cosine, L2 for euclidean. On a machine whose faiss build
    sees GPUs, an index type FAISS can move there is searched on the GPU."""

    def __init__(self, similarity: str, log: list, factory: str, params: str = ""):
        super().__init__(similarity, log)
        self.factory = factory
        self.params = params
        self.name = f"faiss {factory}" + (f" ({params})" if params else "")
        self.device = "cpu"
        self.index = None

    def _build(self) -> None:
        import faiss

        metric = faiss.METRIC_L2 if self.similarity == "euclidean" else faiss.METRIC_INNER_PRODUCT
        vectors = self._faiss_vectors(self.vectors)
        index = faiss.index_factory(vectors.shape[1], self.factory, metric)
        if not index.is_trained:
            index.train(vectors)
        if self.params:
            faiss.ParameterSpace().set_index_parameters(index, self.params)
        if faiss.get_num_gpus() > 0 and hasattr(faiss, "index_cpu_to_all_gpus"):
            try:
                index = faiss.index_cpu_to_all_gpus(index)
                self.device = "gpu"
            except RuntimeError as e:  # e.g. HNSW has no GPU implementation
                self.device = f"cpu (gpu: {str(e).splitlines()[0][:80]})"
        index.add(vectors)
        self.index = index

    def _faiss_vectors(self, x: np.ndarray) -> np.ndarray:
        """Inner product on unit vectors is cosine; FAISS wants C-contiguous float32."""
        return np.ascontiguousarray(_unit(x) if self.similarity == "cosine" else x,
                                    dtype=np.float32)

    def _search(self, queries: np.ndarray, k: int, similarity_fn=None):
        import faiss

        queries = self._faiss_vectors(queries)
        hnsw = getattr(faiss.downcast_index(self.index), "hnsw", None)
        if hnsw is not None and hnsw.efSearch < k:  # else HNSW returns fewer than k hits
            hnsw.efSearch = k
        scores, idx = self.index.search(queries, k)
        if self.similarity == "euclidean":
            scores = -np.sqrt(np.maximum(scores, 0))
        out_s, out_i = [], []
        for s, i in zip(scores, idx):
            found = i >= 0  # an approximate index may return fewer than k (-1 padded)
            out_s.append(s[found].tolist())
            out_i.append(i[found].tolist())
        return out_s, out_i

    def describe(self) -> dict:
        import faiss

        inner = faiss.downcast_index(self.index) if self.index is not None else None
        out = {"device": self.device}
        if getattr(inner, "hnsw", None) is not None:
            out["efSearch"] = inner.hnsw.efSearch
        if hasattr(inner, "nprobe"):
            out["nprobe"] = inner.nprobe
        return out

    def clear(self) -> None:
        super().clear()
        self.index = None
