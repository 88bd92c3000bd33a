"""Incremental, idempotent indexing of files into Chroma (through llama-index) and SQLite.

A file is re-read only when its bytes, its manifest row or the schema version changed; a chunk
is embedded only when its text is new (embedding cache keyed by the SHA-256 of the text).
A file that fails to load is reported and skipped: what was indexed for it stays as it was.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from core import store
from core.embedder import E5Embedding
from core.records import Chunk, DocMeta
from core.text import tokens
from ingest.chunker import chunk_document
from ingest.document import Document, LoadError
from ingest.facts import extract_contacts, extract_targets
from ingest.loaders import MANIFEST, SUPPORTED, load, read_manifest, relative_source
from ingest.units import units_of

log = logging.getLogger(__name__)
CACHE_BATCH = 128  # texts embedded between two writes to the vector cache


@dataclass
class Report:
    """What one ingest run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    chunks_embedded: int = 0
    chunks_total: int = 0


def embed_text(chunk: Chunk, title: str) -> str:
    """What the embedder and BM25 see: the passage under its document title and section."""
    head = title if not chunk.section or chunk.section in chunk.text else f"{title}\n{chunk.section}"
    return f"{head}\n{chunk.text}"


def bm25_tokens(chunk: Chunk, text: str) -> list[str]:
    """Tokens of the embedded text, the section heading counted once more (a field boost)."""
    return tokens(text) + (tokens(chunk.section) if chunk.section else [])


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Files to ingest under the given paths, and the directories whose stale files may be pruned."""
    files: list[Path] = []
    dirs: list[Path] = []
    for p in paths:
        if p.is_dir():
            dirs.append(p)
            files.extend(
                f for f in sorted(p.rglob("*"))
                if f.is_file() and f.name != MANIFEST and not f.name.startswith(".")
            )
        elif p.exists():
            files.append(p)
        else:
            raise FileNotFoundError(p)
    return files, dirs


class Indexer:
    """Writes documents into the index under index_dir."""

    def __init__(self, index_dir: Path, root: Path, embedder: E5Embedding | None = None) -> None:
        self.index_dir = index_dir
        self.root = root
        self.embedder = embedder or E5Embedding()
        self.db = store.connect(index_dir, create=True)
        self._collection = store.chroma_collection(index_dir)
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.vectors = ChromaVectorStore(chroma_collection=self._collection)

    def close(self) -> None:
        """Release the SQLite handle."""
        self.db.close()

    def ingest(self, paths: list[Path], progress: bool = True) -> Report:
        """Bring the index in line with the files under paths."""
        report = Report()
        files, dirs = discover(paths)
        force = store.schema_version(self.db) != store.SCHEMA_VERSION
        manifests: dict[Path, dict[str, DocMeta]] = {}
        seen: set[str] = set()
        bar = tqdm(files, desc="ingest", unit="file", disable=not progress)
        for path in bar:
            bar.set_postfix_str(path.name[:30])
            if path.suffix.lower() not in SUPPORTED:
                report.skipped.append((str(path), f"unsupported file type '{path.suffix}'"))
                continue
            if path.parent not in manifests:
                manifests[path.parent] = read_manifest(path.parent)
            manifest = manifests[path.parent]
            row = manifest.get(path.name)
            data = path.read_bytes()
            digest = hashlib.sha256(data + repr(row).encode() + store.SCHEMA_VERSION.encode()).hexdigest()
            source = relative_source(path, self.root)
            seen.add(source)
            old = store.file_digest(self.db, source)
            if old == digest and not force:
                report.unchanged.append(source)
                continue
            try:
                doc = load(path, self.root, manifest)
            except LoadError as exc:
                report.skipped.append((str(path), str(exc)))
                log.warning("%s: skipped: %s", path, exc)
                continue
            except Exception as exc:  # a reader bug must not stop the other files
                report.skipped.append((str(path), f"could not be read ({type(exc).__name__}: {exc})"))
                log.warning("%s: skipped: %s", path, exc, exc_info=True)
                continue
            report.chunks_embedded += self._write(doc, digest)
            (report.updated if old else report.added).append(source)
        for d in dirs:
            prefix = relative_source(d, self.root).rstrip("/") + "/"
            for source in store.sources(self.db):
                if source.startswith(prefix) and source not in seen:
                    self._remove(source)
                    report.removed.append(source)
        store.set_schema_version(self.db)
        if report.added or report.updated or report.removed or force:
            self._write_bm25()
        report.chunks_total = store.count_chunks(self.db)
        return report

    def _write(self, doc: Document, digest: str) -> int:
        chunks = chunk_document(doc)
        texts = [embed_text(c, doc.meta.title) for c in chunks]
        units = [u for c in chunks for u in units_of(c)]
        vectors, fresh = self._embed(texts)
        from llama_index.core.schema import BaseNode, TextNode

        nodes = [
            TextNode(
                id_=c.id,
                text=t,
                embedding=v,
                metadata={"source": c.source, "title": doc.meta.title, "date": doc.meta.date,
                          "kind": c.kind, "page": c.page or 0},
            )
            for c, t, v in zip(chunks, texts, vectors)
        ]
        old_ids = store.chunk_ids(self.db, doc.source)
        new_ids = [c.id for c in chunks]
        # Chroma first (add is not an upsert: drop the ids we are about to write), SQLite second.
        if new_ids:
            self._collection.delete(ids=new_ids)
            self.vectors.add(list[BaseNode](nodes))
        store.replace_document(self.db, doc.source, digest, doc.meta, doc.paged, chunks,
                               [bm25_tokens(c, t) for c, t in zip(chunks, texts)], extract_contacts(chunks),
                               extract_targets(chunks, doc.meta.date), units)
        stale = sorted(set(old_ids) - set(new_ids))
        if stale:
            self._collection.delete(ids=stale)
        return fresh

    def _embed(self, texts: list[str]) -> tuple[list[list[float]], int]:
        """Vectors of the texts, from the cache or embedded now; new ones are cached a batch at a time,
        so an interrupted ingest of a long document resumes where it stopped."""
        keys = [_digest(t) for t in texts]
        cached = {k: np.frombuffer(b, dtype=np.float32).tolist() for k, b in store.cached_vectors(self.db, keys).items()}
        todo = list(dict.fromkeys((k, t) for k, t in zip(keys, texts) if k not in cached))
        for i in range(0, len(todo), CACHE_BATCH):
            part = todo[i : i + CACHE_BATCH]
            fresh = self.embedder.get_text_embedding_batch([t for _, t in part])
            store.save_vectors(self.db, [(k, np.asarray(v, dtype=np.float32).tobytes()) for (k, _), v in zip(part, fresh)])
            cached.update({k: v for (k, _), v in zip(part, fresh)})
        return [cached[k] for k in keys], len(todo)

    def _remove(self, source: str) -> None:
        ids = store.chunk_ids(self.db, source)
        if ids:
            self._collection.delete(ids=ids)
        store.remove_document(self.db, source)

    def _write_bm25(self) -> None:
        bm25s = store.bm25s_module()

        rows = store.all_chunk_tokens(self.db)
        corpus = [t or ["∅"] for _, t in rows]
        retriever = bm25s.BM25()
        if corpus:
            retriever.index(corpus, show_progress=False)
        target = self.index_dir / "bm25"
        retriever.save(str(target))
        (target / "ids.json").write_text(json.dumps([r[0] for r in rows]), encoding="utf-8")


def _digest(text: str) -> str:
    """The embedding cache key of a text."""
    return hashlib.sha256(text.encode()).hexdigest()
