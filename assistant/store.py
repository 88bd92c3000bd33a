"""The on-disk index: Chroma (dense vectors) and SQLite (chunks, files, BM25 tokens, facts).

SQLite is the source of truth for what is indexed; Chroma is written first and pruned last,
so an interrupted ingest leaves at worst unreferenced vectors that queries ignore.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import IndexMissing
from ingest.chunker import Chunk

COLLECTION = "policy_chunks"
SCHEMA_VERSION = "11"  # bump when chunking or tokenisation changes: every file re-ingests

_SCHEMA = """
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    source TEXT PRIMARY KEY, digest TEXT NOT NULL, title TEXT NOT NULL, date TEXT NOT NULL,
    publisher TEXT NOT NULL, url TEXT NOT NULL, paged INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY, source TEXT NOT NULL REFERENCES files(source), ordinal INTEGER NOT NULL,
    kind TEXT NOT NULL, section TEXT NOT NULL, lines TEXT NOT NULL, pages TEXT NOT NULL,
    tokens TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks(source);
CREATE TABLE IF NOT EXISTS embeddings (digest TEXT PRIMARY KEY, vector BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS contacts (
    source TEXT NOT NULL, chunk_id TEXT NOT NULL, date TEXT NOT NULL, section TEXT NOT NULL,
    office TEXT NOT NULL, department TEXT NOT NULL, position TEXT NOT NULL, role TEXT NOT NULL,
    name TEXT NOT NULL, phone TEXT NOT NULL, passage TEXT NOT NULL, page INTEGER
);
CREATE INDEX IF NOT EXISTS contacts_source ON contacts(source);
CREATE TABLE IF NOT EXISTS targets (
    source TEXT NOT NULL, chunk_id TEXT NOT NULL, date TEXT NOT NULL, subject TEXT NOT NULL,
    quantity TEXT NOT NULL, deadline TEXT NOT NULL, sentence TEXT NOT NULL, page INTEGER
);
CREATE INDEX IF NOT EXISTS targets_source ON targets(source);
"""


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as read back from the index, with its document's metadata."""

    chunk: Chunk
    title: str
    date: str
    tokens: tuple[str, ...]


def connect(index_dir: Path, create: bool = False) -> sqlite3.Connection:
    """Open the SQLite store; with create=False a missing index is a UserError."""
    path = index_dir / "index.sqlite"
    if not create and not path.exists():
        raise IndexMissing(f"no index at {index_dir}/ — run `python -m assistant ingest` (or `make index`) first")
    index_dir.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(_SCHEMA)
    return db


def chroma_collection(index_dir: Path) -> Any:
    """The Chroma collection, created with cosine space and no embedding function of its own."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(
        path=str(index_dir / "chroma"),
        settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
    )
    return client.get_or_create_collection(
        COLLECTION, embedding_function=None, metadata={"hnsw:space": "cosine"}
    )


def bm25s_module() -> Any:
    """bm25s, with the DEBUG level it sets on its own logger at import put back to WARNING."""
    import logging

    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def load_chunks(db: sqlite3.Connection) -> list[StoredChunk]:
    """Every indexed chunk, in source and reading order."""
    rows = db.execute(
        "SELECT c.id, c.source, c.ordinal, c.kind, c.section, c.lines, c.pages, c.tokens, f.title, f.date "
        "FROM chunks c JOIN files f ON f.source = c.source ORDER BY c.source, c.ordinal"
    ).fetchall()
    out = []
    for cid, source, ordinal, kind, section, lines, pages, toks, title, date in rows:
        chunk = Chunk(cid, source, ordinal, kind, section, tuple(json.loads(lines)), tuple(json.loads(pages)))
        out.append(StoredChunk(chunk, title, date, tuple(json.loads(toks))))
    return out
