"""Hybrid retrieval: Chroma dense vectors and Kiwi-token BM25, fused by reciprocal rank."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.corpus import Corpus
from core import bm25files, vectors
from core.embedder import E5Embedding
from core.records import StoredChunk
from core.text import tokens

log = logging.getLogger(__name__)
RRF_K = 60  # the constant of Cormack et al.; rank 1 scores 1/61


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk (an index into Corpus.items) with its fused score and each retriever's rank."""

    item: StoredChunk
    index: int
    score: float
    dense_rank: int | None
    bm25_rank: int | None
    dense_sim: float | None = None  # cosine of query and chunk (compressed, 0.84-0.91: compared within a question only)


@dataclass(frozen=True)
class Retrieved:
    """The hits of one search and the query's embedding."""

    hits: list[Hit]
    vector: np.ndarray


class Retriever:
    """Searches one index; search() is safe to call from several threads."""

    def __init__(self, corpus: Corpus, index_dir: Path, embedder: E5Embedding,
                 chroma: vectors.ChromaTarget | None = None) -> None:
        self.corpus = corpus
        self.index_dir = index_dir
        self.embedder = embedder
        self._bm25 = self._load_bm25()
        from llama_index.vector_stores.chroma import ChromaVectorStore

        collection = vectors.chroma_collection(index_dir, chroma, create=False, expect=len(corpus.items))
        self.vectors = ChromaVectorStore(chroma_collection=collection)

    def _load_bm25(self) -> Any:
        bm25s = bm25files.bm25s_module()
        path = (self.index_dir / bm25files.BM25).resolve()  # one generation throughout, though an ingest may swap in the next
        if bm25files.bm25_is_current(path, [(it.chunk.id, it.tokens) for it in self.corpus.items]):
            return bm25s.BM25.load(str(path), show_progress=False)
        log.warning("BM25 index missing or stale; rebuilding it in memory")
        retriever = bm25s.BM25()
        retriever.index([list(it.tokens) or ["∅"] for it in self.corpus.items], show_progress=False)
        return retriever

    def bm25_scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every chunk for the tokens (those outside the vocabulary ignored)."""
        vocab = self._bm25.vocab_dict
        known = [t for t in query_tokens if t in vocab]
        if not known:
            return np.zeros(len(self.corpus.items), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def embed(self, text: str) -> np.ndarray:
        """The query embedding (e5 "query:" side), normalised."""
        return np.asarray(self.embedder.get_query_embedding(text), dtype=np.float32)

    def dense(self, vector: np.ndarray, k: int, sources: list[str] | None = None) -> list[tuple[int, float]]:
        """The k chunks nearest to the query vector (only of these documents, if given): index and cosine."""
        from llama_index.core.vector_stores.types import (
            FilterOperator,
            MetadataFilter,
            MetadataFilters,
            VectorStoreQuery,
        )

        where = None
        if sources is not None:  # Chroma filters the documents; asking for every chunk and dropping most cost O(N)
            if not sources:
                return []
            where = MetadataFilters(filters=[MetadataFilter(key="source", value=sources, operator=FilterOperator.IN)])
        result = self.vectors.query(VectorStoreQuery(query_embedding=vector.tolist(), similarity_top_k=k, filters=where))
        by_id = self.corpus.by_id
        found = [(by_id[i], s) for i, s in zip(result.ids or [], result.similarities or []) if i in by_id]
        # The same passage in two documents (a joint release) has one vector twice: HNSW returns such
        # ties in any order, so they are ordered by corpus position and the answer does not depend on it.
        return sorted(found, key=lambda f: (-round(f[1], 6), f[0]))

    def search(self, text: str, k: int = 12, candidates: int = 30,
               allow: Callable[[StoredChunk], bool] | None = None) -> Retrieved:
        """Top k chunks by reciprocal-rank fusion of dense and BM25 rankings (only chunks allow passes)."""
        items = self.corpus.items
        scores = self.bm25_scores(tokens(text))
        sources = None
        if allow is not None:
            ok = np.array([allow(it) for it in items], dtype=bool)
            scores = scores * ok
            sources = sorted({items[i].chunk.source for i in np.flatnonzero(ok)})
        order = [int(i) for i in _top(scores, candidates) if scores[i] > 0]
        vector = self.embed(text)
        nearest = self.dense(vector, candidates, sources)
        if allow is not None:
            nearest = [(i, s) for i, s in nearest if allow(items[i])]
        sim = dict(nearest)
        d_rank = {idx: r for r, (idx, _) in enumerate(nearest)}
        b_rank = {idx: r for r, idx in enumerate(order)}
        fused: dict[int, float] = {}
        for idx in set(d_rank) | set(b_rank):
            fused[idx] = sum(1.0 / (RRF_K + rank[idx] + 1) for rank in (d_rank, b_rank) if idx in rank)
        best = sorted(fused, key=lambda i: (-fused[i], i))[:k]
        return Retrieved([Hit(items[i], i, fused[i], d_rank.get(i), b_rank.get(i), sim.get(i)) for i in best], vector)


def _top(scores: np.ndarray, k: int) -> list[int]:
    """Indices of the k highest scores, best first (as a stable argsort of -scores would give), without
    sorting all N."""
    if k <= 0:
        return []
    if len(scores) <= k:
        return [int(i) for i in np.argsort(-scores, kind="stable")]
    part = np.argpartition(-scores, k - 1)[:k]
    cut = scores[part].min()
    # every index scoring above the k-th, and the lowest-numbered of those tied with it, as argsort would
    above = np.flatnonzero(scores > cut)
    tied = np.flatnonzero(scores == cut)[: k - len(above)]
    keep = np.concatenate([above, tied])
    return [int(i) for i in keep[np.argsort(-scores[keep], kind="stable")]]


def fuse(first: Retrieved, second: Retrieved, k: int) -> Retrieved:
    """Two searches' hits fused by reciprocal rank (ties to the first), with the first's query vector."""
    score: dict[int, float] = {}
    hit: dict[int, Hit] = {}
    for hits in (first.hits, second.hits):
        for rank, h in enumerate(hits):
            score[h.index] = score.get(h.index, 0.0) + 1.0 / (RRF_K + rank + 1)
            hit.setdefault(h.index, h)
    best = sorted(score, key=lambda i: (-score[i], i))[:k]
    return Retrieved([replace(hit[i], score=score[i]) for i in best], first.vector)
