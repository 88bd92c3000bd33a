"""One document read and cut into what the indexer writes: chunks, embedded texts, units, BM25 tokens, facts.

It is pure work on one file, so a bulk ingest can run it in worker processes (`ingest_workers`)
while the main process embeds and writes; results come back in file order.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from core.records import Chunk, Contact, DocMeta, Target, Unit
from core.text import tokens
from ingest.chunker import chunk_document
from ingest.document import Document, LoadError
from ingest.facts import extract_contacts, extract_targets
from ingest.loaders import load
from ingest.units import units_of


@dataclass(frozen=True)
class Prepared:
    """A document ready to embed and write."""

    source: str
    meta: DocMeta
    paged: bool
    chunks: list[Chunk]
    texts: list[str]  # what the embedder sees for each chunk
    chunk_tokens: list[list[str]]  # BM25 tokens of each chunk
    units: list[Unit]
    contacts: list[Contact]
    targets: list[Target]


def _head(chunk: Chunk, title: str) -> str:
    """The document title, and the section heading unless the passage holds it."""
    return title if not chunk.section or chunk.section in chunk.text else f"{title}\n{chunk.section}"


def embed_text(chunk: Chunk, title: str) -> str:
    """What the embedder and BM25 see: the passage under its document title and section."""
    return f"{_head(chunk, title)}\n{chunk.text}"


def bm25_tokens(chunk: Chunk, title: str, units: list[Unit]) -> list[str]:
    """Tokens of the embedded text (its heading, then each line: the tokens of its units, which were
    analysed once already), the section heading counted once more (a field boost)."""
    out = tokens(_head(chunk, title))  # the same title in every chunk of a document: analysed once (cached)
    if units:
        for u in units:
            out.extend(u.tokens)
    else:  # a contact table has no units
        for line in chunk.lines:
            out.extend(tokens(line))
    return out + (tokens(chunk.section) if chunk.section else [])


def prepare(doc: Document) -> Prepared:
    """Chunks, their embedded texts and tokens, units and facts of a loaded document."""
    chunks = chunk_document(doc)
    texts = [embed_text(c, doc.meta.title) for c in chunks]
    units = [units_of(c) for c in chunks]
    return Prepared(
        doc.source, doc.meta, doc.paged, chunks, texts, [bm25_tokens(c, doc.meta.title, u) for c, u in zip(chunks, units)],
        [u for us in units for u in us], extract_contacts(chunks), extract_targets(chunks, doc.meta.date),
    )


def read(path: Path, root: Path, manifest: dict[str, DocMeta]) -> Prepared:
    """Load and prepare one file; raises LoadError (or a reader's bug) like loaders.load."""
    return prepare(load(path, root, manifest))


def _read_safely(path: Path, root: Path, manifest: dict[str, DocMeta]) -> Prepared | BaseException:
    # In a worker an exception would come back too, but with its traceback pickled as text;
    # returning it keeps the caller's handling identical for both paths.
    try:
        return read(path, root, manifest)
    except LoadError as exc:
        return exc
    except Exception as exc:
        exc.add_note(traceback.format_exc())  # a worker's traceback is not pickled; its text is
        return exc


def read_all(jobs: Iterable[tuple[Path, dict[str, DocMeta]]], root: Path,
             workers: int = 0) -> Iterator[Prepared | BaseException]:
    """read() of each (path, manifest), in order; an exception is yielded in place of its document.

    workers=0 reads in this process. With workers > 0, that many processes read ahead (at most
    2 × workers files in flight, so memory stays bounded) while the caller embeds and writes.
    """
    if workers <= 0:
        for path, manifest in jobs:
            yield _read_safely(path, root, manifest)
        return
    # spawn, not fork: the parent may hold Chroma's and OpenMP's threads, which fork does not copy safely
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        pending: deque[Future[Prepared | BaseException]] = deque()
        for path, manifest in jobs:
            pending.append(pool.submit(_read_safely, path, root, manifest))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:  # also when the caller stops early (an error, Ctrl-C): drop what was not started
        pool.shutdown(wait=True, cancel_futures=True)
