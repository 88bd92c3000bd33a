"""Incremental, idempotent indexing of files into Chroma (through llama-index) and SQLite.

A file is re-read only when its bytes, its manifest row or the schema version changed; a chunk
is embedded only when its text is new (embedding cache keyed by the SHA-256 of the text).
A file that fails to load is reported and skipped: what was indexed for it stays as it was.

Crash safety (a kill -9 at any instant): one writer at a time (a lock file); each document is
written as vectors first (Chroma upsert), then its rows in one SQLite transaction, then its old
vectors deleted; the BM25 index is built aside and swapped in whole. The reader serves what
SQLite holds, so a killed run leaves every document entirely old or entirely new, plus at worst
vectors no row points at and a BM25 index the reader sees is stale. The next run deletes those
vectors, restores any missing ones and rebuilds BM25 before it reports. A file's digest covers the
schema version, so an interrupted run resumes at the first file it had not finished (and the
embedding cache keeps what a long document had embedded). Documents can be read and cut in
worker processes (`workers`) while this one embeds and writes.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.embeddings import BaseEmbedding
from tqdm import tqdm

from core import bm25files, store, vectors
from core.embedder import E5Embedding
from core.errors import UserError
from core.records import Chunk, DocMeta
from ingest.discovery import discover, hash_file, shown
from ingest.document import LoadError
from ingest.limits import MAX_FILE_MB
from ingest.loaders import SUPPORTED, relative_source
from ingest.manifest import MANIFEST, Manifest, read_manifest_checked
from ingest.prepare import Prepared, embed_text, read_all
from ingest.report import OnDocument, Progress, Report, one_line

log = logging.getLogger(__name__)
CACHE_BATCH = 128  # texts embedded between two writes to the vector cache


@dataclass(frozen=True)
class _Pending:
    """A file that survived the first pass: where it is, how it is cited, its digests and manifest row."""

    path: Path
    source: str
    content: str  # SHA-256 of its bytes
    digest: str  # "<SHA-256 of its bytes and the schema version>.<SHA-256 of its manifest row as listed>"
    row: DocMeta | None
    doubtful: bool = False  # its manifest row is missing or wrong because of a reported problem
    size: int = 0  # bytes, for the progress estimate


class Indexer:
    """Writes documents into the index under index_dir; holds the index's writer lock until close()."""

    def __init__(self, index_dir: Path, root: Path, embedder: BaseEmbedding | None = None,
                 chroma: vectors.ChromaTarget | None = None, workers: int = 0, max_file_mb: int = MAX_FILE_MB) -> None:
        self.index_dir = index_dir
        self.root = root
        self.workers = workers  # processes reading documents ahead of the embedding (0: read here)
        self.max_file_bytes = max_file_mb * 2**20
        self._lock = bm25files.lock_for_writing(index_dir)
        try:
            self.db = store.connect(index_dir, create=True)
            self._collection = vectors.chroma_collection(index_dir, chroma)
        except BaseException:
            self._lock.close()
            raise
        self.embedder = embedder or E5Embedding()

    def close(self) -> None:
        """Release the SQLite handle and the writer lock."""
        self.db.close()
        self._lock.close()

    def ingest(self, paths: list[Path], progress: bool = True, on_document: OnDocument | None = None) -> Report:
        """Bring the index in line with the files under paths.

        progress: a bar (documents, chunks, ETA) on stderr. on_document(Progress) is called after each
        document to read is written or skipped: the CLI logs a line a document when no terminal shows
        the bar, and the chat's banner counts what is searchable so far."""
        report = Report()
        log.debug("step start")
        bm25files.sweep_bm25(self.index_dir)
        report.repaired += self._reconcile()
        found = discover(paths)
        seen: set[str] = set()
        for path, reason in found.bad:  # what was indexed under these names stays as it was
            report.skip(path, reason)
            if source := _source_or_none(path, self.root):
                seen.add(source)
        manifests: dict[Path, Manifest] = {}
        pending = self._survey(found.files, manifests, seen, report)
        for directory, manifest in manifests.items():
            where = shown(relative_source(directory / MANIFEST, self.root))
            report.warnings.extend((where, one_line(p)) for p in manifest.problems)
        todo: list[tuple[_Pending, str | None]] = []
        for item in pending:
            old = store.file_digest(self.db, item.source)
            if _current(item, old):
                report.unchanged.append(item.source)
            else:
                todo.append((item, old))
        bar = tqdm(total=len(todo), desc="ingest", unit="doc", disable=not progress)
        jobs = ((item.path, {item.path.name: item.row} if item.row else {}) for item, _ in todo)
        tally = Progress(total=len(todo), bytes_total=sum(item.size for item, _ in todo))
        started = time.perf_counter()
        for (item, old), doc in zip(todo, read_all(jobs, self.root, self.workers)):
            try:
                self._one(item, old, doc, report)
            finally:
                tally.step(item.source, item.size, len(doc.chunks) if isinstance(doc, Prepared) else 0,
                           time.perf_counter() - started)
                started = time.perf_counter()
                bar.update()
                bar.set_postfix_str(f"{tally.chunks_total} chunks, {item.path.name[:24]}")
                if on_document is not None:
                    on_document(tally)
        bar.close()
        for d in found.dirs:
            prefix = relative_source(d, self.root).rstrip("/") + "/"
            for source in store.sources(self.db):
                if source.startswith(prefix) and source not in seen:
                    self._remove(source)
                    report.removed.append(source)
        store.set_schema_version(self.db)
        if report.added or report.updated or report.removed or report.skipped:
            report.repaired += self._reconcile()  # a document whose write failed midway leaves vectors behind
        bm25files.sync_bm25(self.index_dir, store.all_chunk_tokens(self.db), lambda phase: log.debug("step bm25 %s", phase))
        report.chunks_total = store.count_chunks(self.db)
        log.debug("step end")
        return report

    def _one(self, item: _Pending, old: str | None, doc: Prepared | BaseException, report: Report) -> None:
        """Write one document read (or record why it was skipped)."""
        log.debug("step load %s", item.source)
        if isinstance(doc, LoadError):
            report.skip(item.path, str(doc))
            log.debug("%s: skipped: %s", item.path, doc)
            return
        if isinstance(doc, FileNotFoundError):
            report.skip(item.path, "the file disappeared while the run was reading it")
            return
        if isinstance(doc, BaseException):  # a reader, chunker or fact-extraction bug must not stop the others
            report.skip(item.path, f"could not be read ({type(doc).__name__}: {doc})")
            log.debug("%s: skipped: %s", item.path, doc, exc_info=doc)
            return
        try:
            self._write(doc, item.digest, report)
        except UserError:
            raise  # the run's own setup is wrong (an embedding server with another model): stop, one line
        except Exception as exc:  # e.g. a vector store that refused the write
            report.skip(item.path, f"could not be indexed ({type(exc).__name__}: {exc})")
            log.debug("%s: not indexed: %s", item.path, exc, exc_info=True)
            return
        (report.updated if old else report.added).append(item.source)

    def _survey(self, files: list[Path], manifests: dict[Path, Manifest], seen: set[str],
                report: Report) -> list[_Pending]:
        """First pass: size, readability and digests of every file; a file met twice (through `..` or
        a link) is read once, and of files with the same bytes only one is indexed."""
        out: list[_Pending] = []
        for path in files:
            source = relative_source(path, self.root)
            if source in seen:
                continue  # the same file again
            seen.add(source)
            if path.suffix.lower() not in SUPPORTED:
                report.skip(path, f"unsupported file type '{path.suffix}' (supported: {', '.join(SUPPORTED)})")
                continue
            if path.parent not in manifests:
                manifests[path.parent] = read_manifest_checked(path.parent)
            manifest = manifests[path.parent]
            row = listed = manifest.rows.get(path.name)
            doubtful = manifest.doubtful(path.name)
            if doubtful:  # a bad row never replaces the metadata already indexed
                row = store.file_meta(self.db, source) or row
            try:
                size = path.stat().st_size
                if size > self.max_file_bytes:
                    report.skip(path, f"too large ({size / 2**20:,.1f} MB; the limit is {self.max_file_bytes // 2**20} MB, "
                                      "max_file_mb / POLICY_MAX_FILE_MB)")
                    continue
                hasher = hash_file(path)
            except FileNotFoundError:
                report.skip(path, "the file disappeared while the run was reading it")
                continue
            except OSError as exc:
                report.skip(path, f"cannot be read ({exc.strerror or exc})")
                continue
            content = hasher.hexdigest()
            hasher.update(store.SCHEMA_VERSION.encode())
            listing = hashlib.sha256(repr(listed).encode()).hexdigest()  # the row as listed: stable across runs
            out.append(_Pending(path, source, content, f"{hasher.hexdigest()}.{listing}", row, doubtful, size))
        return self._drop_copies(out, seen, report)

    def _drop_copies(self, pending: list[_Pending], seen: set[str], report: Report) -> list[_Pending]:
        """Files with identical bytes under two names: the one already indexed (else the first) stays."""
        groups: dict[str, list[_Pending]] = {}
        for item in pending:
            groups.setdefault(item.content, []).append(item)
        dropped: set[str] = set()
        for group in groups.values():
            if len(group) < 2:
                continue
            keep = next((g for g in group if _current(g, store.file_digest(self.db, g.source))), group[0])
            for item in group:
                if item is not keep:
                    dropped.add(item.source)
                    seen.discard(item.source)  # a copy indexed earlier is pruned with the files that are gone
                    report.skip(item.path, f"the same content as {keep.source} (indexed once, under that name)")
        return [item for item in pending if item.source not in dropped]

    def _write(self, doc: Prepared, digest: str, report: Report) -> None:
        chunks, texts = doc.chunks, doc.texts
        vectors, fresh = self._embed(texts)
        report.chunks_embedded += fresh
        report.texts_embedded += fresh
        metas = [_metadata(c, doc.meta) for c in chunks]
        old_ids = set(store.chunk_ids(self.db, doc.source))
        new_ids = {c.id for c in chunks}
        # Vectors first (a crash leaves only vectors no row points at), rows in one transaction,
        # old vectors last (a crash leaves them unreferenced too).
        log.debug("step vectors %s (%d)", doc.source, len(chunks))
        self._upsert([c.id for c in chunks], texts, vectors, metas)
        log.debug("step rows %s", doc.source)
        store.replace_document(self.db, doc.source, digest, doc.meta, doc.paged, chunks, doc.chunk_tokens,
                               doc.contacts, doc.targets, doc.units)
        stale = sorted(old_ids - new_ids)
        if stale:
            log.debug("step stale %s (%d)", doc.source, len(stale))
            self._collection.delete(ids=stale)
        log.debug("step done %s", doc.source)

    def _upsert(self, ids: list[str], texts: list[str], vectors: list[list[float]], metas: list[dict[str, Any]]) -> None:
        """Write vectors as llama-index's ChromaVectorStore.add does, but as an upsert (a re-run after a
        crash may meet its own vectors)."""
        from llama_index.core.schema import TextNode
        from llama_index.core.vector_stores.utils import node_to_metadata_dict

        for start in range(0, len(ids), 1000):
            part = range(start, min(start + 1000, len(ids)))
            nodes = [TextNode(id_=ids[i], text=texts[i], embedding=vectors[i], metadata=metas[i]) for i in part]
            metadatas = []
            for node in nodes:
                meta = node_to_metadata_dict(node, remove_text=True, flat_metadata=True)
                metadatas.append({k: ("" if v is None else v) for k, v in meta.items()})
            self._collection.upsert(ids=[ids[i] for i in part], embeddings=[vectors[i] for i in part],
                                    metadatas=metadatas, documents=[texts[i] for i in part])

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
        log.debug("step remove %s (%d)", source, len(ids))
        store.remove_document(self.db, source)  # rows first: a crash leaves only unreferenced vectors
        if ids:
            self._collection.delete(ids=ids)

    def _reconcile(self) -> int:
        """Make Chroma hold exactly SQLite's chunk ids: delete vectors no row points at (left by a
        crash) and restore any a row lacks. Returns how many were deleted or restored."""
        rows = store.all_chunk_ids(self.db)
        in_chroma = vectors.chroma_ids(self._collection)
        orphans = sorted(in_chroma - rows)
        for start in range(0, len(orphans), 5000):
            self._collection.delete(ids=orphans[start : start + 5000])
        missing = rows - in_chroma
        if missing:
            lost = [sc for sc in store.load_chunks(self.db) if sc.chunk.id in missing]
            texts = [embed_text(sc.chunk, sc.title) for sc in lost]
            vecs, _ = self._embed(texts)
            metas = [_metadata(sc.chunk, DocMeta(sc.title, sc.date)) for sc in lost]
            self._upsert([sc.chunk.id for sc in lost], texts, vecs, metas)
        if orphans or missing:
            log.info("reconciled Chroma with SQLite: %d orphan vectors deleted, %d restored", len(orphans), len(missing))
        return len(orphans) + len(missing)


def _metadata(chunk: Chunk, meta: DocMeta) -> dict[str, Any]:
    return {"source": chunk.source, "title": meta.title, "date": meta.date, "kind": chunk.kind, "page": chunk.page or 0}


def _source_or_none(path: Path, root: Path) -> str | None:
    try:
        return relative_source(path, root)
    except (OSError, RuntimeError):
        return None


def _current(item: _Pending, old: str | None) -> bool:
    """True when the file is indexed as it is now (old: its stored digest): the digest covers the schema
    version; a doubtful manifest row alone never re-reads a file whose bytes are unchanged."""
    if old is None:
        return False
    return old == item.digest or (item.doubtful and old.split(".")[0] == item.digest.split(".")[0])


def _digest(text: str) -> str:
    """The embedding cache key of a text."""
    return hashlib.sha256(text.encode()).hexdigest()

