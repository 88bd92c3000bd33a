"""Hybrid retrieval: Chroma dense vectors and Kiwi-token BM25, fused by reciprocal rank."""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core import store
from core.embedder import E5Embedding
from core.records import StoredChunk
from core.text import fold, plain, tokens

log = logging.getLogger(__name__)
RRF_K = 60  # the constant of Cormack et al.; rank 1 scores 1/61


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the rank each retriever gave it (0-based)."""

    item: StoredChunk
    score: float
    dense_rank: int | None
    bm25_rank: int | None


class Retriever:
    """Loads the index once; search() is safe to call from several threads."""

    def __init__(self, index_dir: Path, embedder: E5Embedding | None = None) -> None:
        self.index_dir = index_dir
        self.db = store.connect(index_dir)
        self.items = store.load_chunks(self.db)
        if not self.items:
            raise store.IndexMissing(f"the index at {index_dir}/ is empty — ingest some documents first")
        self.by_id = {it.chunk.id: i for i, it in enumerate(self.items)}
        self.embedder = embedder or E5Embedding()
        self._bm25 = self._load_bm25()
        df: Counter[str] = Counter()
        self.doc_tokens: dict[str, set[str]] = {}
        texts: dict[str, list[str]] = {}
        for it in self.items:
            df.update(set(it.tokens))
            self.doc_tokens.setdefault(it.chunk.source, set()).update(it.tokens)
            texts.setdefault(it.chunk.source, [it.title]).append(it.chunk.text)
        self.doc_text = {source: plain(" ".join(parts)) for source, parts in texts.items()}  # for containment
        self.corpus_text = "\n".join(self.doc_text.values())
        self.names = quoted_names([*(it.title for it in self.items), *(it.chunk.text for it in self.items)])
        n = len(self.items)
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self.max_idf = math.log(1 + (n + 0.5) / 0.5)
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.vectors = ChromaVectorStore(chroma_collection=store.chroma_collection(index_dir))

    def _load_bm25(self) -> Any:
        bm25s = store.bm25s_module()

        ids_path = self.index_dir / "bm25" / "ids.json"
        ids = [it.chunk.id for it in self.items]
        if ids_path.exists() and json.loads(ids_path.read_text(encoding="utf-8")) == ids:
            return bm25s.BM25.load(str(self.index_dir / "bm25"))
        log.warning("BM25 index missing or stale; rebuilding it in memory")
        retriever = bm25s.BM25()
        retriever.index([list(it.tokens) or ["∅"] for it in self.items], show_progress=False)
        return retriever

    def idf_of(self, token: str) -> float:
        """Inverse document frequency of a token; unseen tokens get the maximum."""
        return self.idf.get(token, self.max_idf)

    def bm25_scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every chunk for the tokens (those outside the vocabulary ignored)."""
        vocab = self._bm25.vocab_dict
        known = [t for t in query_tokens if t in vocab]
        if not known:
            return np.zeros(len(self.items), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def dense(self, question: str, k: int) -> list[int]:
        """Indices of the k chunks nearest to the question in embedding space."""
        from llama_index.core.vector_stores.types import VectorStoreQuery

        vec = self.embedder.get_query_embedding(question)
        result = self.vectors.query(VectorStoreQuery(query_embedding=vec, similarity_top_k=k))
        return [self.by_id[i] for i in (result.ids or []) if i in self.by_id]

    def search(self, question: str, k: int = 6, candidates: int = 30,
               allow: Callable[[StoredChunk], bool] | None = None) -> list[Hit]:
        """Top k chunks by reciprocal-rank fusion of dense and BM25 rankings (only chunks allow passes)."""
        q_tokens = tokens(question)
        scores = self.bm25_scores(q_tokens)
        if allow is not None:
            scores = scores * np.array([allow(it) for it in self.items], dtype=np.float32)
        order = [int(i) for i in np.argsort(-scores)[:candidates] if scores[i] > 0]
        dense = self.dense(question, candidates if allow is None else len(self.items))
        if allow is not None:
            dense = [i for i in dense if allow(self.items[i])][:candidates]
        fused: dict[int, float] = {}
        d_rank = {idx: r for r, idx in enumerate(dense)}
        b_rank = {idx: r for r, idx in enumerate(order)}
        for idx in set(d_rank) | set(b_rank):
            s = 0.0
            if idx in d_rank:
                s += 1.0 / (RRF_K + d_rank[idx] + 1)
            if idx in b_rank:
                s += 1.0 / (RRF_K + b_rank[idx] + 1)
            fused[idx] = s
        best = sorted(fused, key=lambda i: -fused[i])[:k]
        return [Hit(self.items[i], fused[i], d_rank.get(i), b_rank.get(i)) for i in best]


# Names the documents quote: 「모두의 한국어」, ‘코-위크 아카데미’, ｢재직자 인공지능·디지털 집중과정｣.
_QUOTED = re.compile(r"「([^」\n]{2,40})」|｢([^｣\n]{2,40})｣|『([^』\n]{2,40})』|‘([^’\n]{2,40})’|“([^”\n]{2,40})”")
PAREN = re.compile(r"(\S+?)\(([^()]{1,20})\)")


def quoted_names(texts: Iterable[str]) -> dict[str, frozenset[str]]:
    """Every quoted name with a Hangul word, folded, mapped to its spellings: "인공지능(AI) 중점학교"
    is also written "AI 중점학교" and "인공지능 중점학교"."""
    names: dict[str, frozenset[str]] = {}
    for text in texts:
        for m in _QUOTED.finditer(text):
            if "이하" in text[max(0, m.start() - 5) : m.start()]:
                continue  # (이하 ‘과기정통부’): a short name being defined, not a name of a thing
            name = next(g for g in m.groups() if g).strip()
            if not re.search(r"[가-힣]{2}", name) or len(fold(name)) < 4:
                continue
            forms = frozenset(spellings(name))
            for form in forms:
                names[form] = names.get(form, frozenset()) | forms
    return names


def spellings(text: str) -> tuple[str, str, str]:
    """text folded as written, with each parenthesised part dropped, and with it instead of the word
    before it: "인공지능(AI) 중점학교" -> 인공지능(ai)중점학교, 인공지능중점학교, ai중점학교."""
    return plain(text), plain(PAREN.sub(r"\1", text)), plain(PAREN.sub(r"\2", text))
