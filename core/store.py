"""The index's SQLite store: files, chunks and their BM25 tokens, answer units, facts, the embedding
cache and feedback.

Every SQL statement of the project lives here. SQLite is the source of truth for what is
indexed; Chroma (core/vectors.py) is written first and pruned last, so an interrupted ingest leaves
at worst unreferenced vectors that queries ignore (the next ingest deletes them). The BM25 index
(core/bm25files.py) is published whole and checked against these rows.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from core.errors import IndexMissing
from core.records import Chunk, Contact, Desk, DocMeta, StoredChunk, Target, Unit

SCHEMA_VERSION = "16"  # bump when chunking or tokenisation changes: every file re-ingests

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
CREATE TABLE IF NOT EXISTS units (
    chunk_id TEXT NOT NULL, seq INTEGER NOT NULL, line_no INTEGER NOT NULL, kind TEXT NOT NULL,
    text TEXT NOT NULL, tokens TEXT NOT NULL, source TEXT NOT NULL, PRIMARY KEY (chunk_id, seq)
);
CREATE INDEX IF NOT EXISTS units_source ON units(source);
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
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL, rating INTEGER NOT NULL,
    comment TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL, citations TEXT NOT NULL,
    index_version TEXT NOT NULL
);
"""


def connect(index_dir: Path, create: bool = False) -> sqlite3.Connection:
    """Open the SQLite store; with create=False a missing index is a UserError."""
    path = index_dir / "index.sqlite"
    if not create and not path.exists():
        raise IndexMissing(f"no index at {index_dir}/ — run `python -m assistant ingest` (or `make index`) first")
    index_dir.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(_SCHEMA)
    _migrate(db, index_dir, create)
    return db


def _migrate(db: sqlite3.Connection, index_dir: Path, writer: bool) -> None:
    """A derived table whose columns differ from _SCHEMA (an index built by an older version) is
    dropped and recreated by the writer, and the index marked for a full re-read, which refills it;
    a reader is told to run ingest."""
    expected = sqlite3.connect(":memory:")
    expected.executescript(_SCHEMA)
    columns = "SELECT group_concat(name) FROM pragma_table_info(?)"
    stale = [t for t in ("chunks", "units", "contacts", "targets")
             if db.execute(columns, (t,)).fetchone() != expected.execute(columns, (t,)).fetchone()]
    if stale and not writer:
        raise IndexMissing(f"the index at {index_dir}/ was built by an older version — run `python -m assistant ingest`")
    if stale:
        with db:
            for table in stale:
                db.execute(f"DROP TABLE {table}")
            db.execute("UPDATE files SET digest = ''")  # every file is read again
        db.executescript(_SCHEMA)


def load_chunks(db: sqlite3.Connection) -> list[StoredChunk]:
    """Every indexed chunk, in source and reading order."""
    rows = db.execute(
        "SELECT c.id, c.source, c.ordinal, c.kind, c.section, c.lines, c.pages, c.tokens, f.title, f.date, f.publisher "
        "FROM chunks c JOIN files f ON f.source = c.source ORDER BY c.source, c.ordinal"
    )
    out = []
    for cid, source, ordinal, kind, section, lines, pages, toks, title, date, publisher in rows:
        chunk = Chunk(cid, source, ordinal, kind, section, tuple(json.loads(lines)), tuple(json.loads(pages)))
        out.append(StoredChunk(chunk, title, date, _tokens(toks), publisher))
    return out


def _tokens(raw: str) -> tuple[str, ...]:
    """Stored tokens, interned: a vocabulary of thousands shared by millions of token slots (at 10k chunks
    this and reading rows one at a time took the engine's corpus from 607 to 349 MB)."""
    return tuple(map(sys.intern, json.loads(raw)))


# --- the write side (ingest) ------------------------------------------------------------------


def schema_version(db: sqlite3.Connection) -> str | None:
    """The schema version the index was built with, None for a new index."""
    row = db.execute("SELECT value FROM info WHERE key='schema'").fetchone()
    return str(row[0]) if row else None


def set_schema_version(db: sqlite3.Connection) -> None:
    """Record that the index is at SCHEMA_VERSION."""
    db.execute("INSERT OR REPLACE INTO info VALUES ('schema', ?)", (SCHEMA_VERSION,))
    db.commit()


def file_digest(db: sqlite3.Connection, source: str) -> str | None:
    """The content digest a source was indexed with, None if it is not indexed."""
    row = db.execute("SELECT digest FROM files WHERE source=?", (source,)).fetchone()
    return str(row[0]) if row else None


def file_meta(db: sqlite3.Connection, source: str) -> DocMeta | None:
    """The metadata a source was indexed with, None if it is not indexed."""
    row = db.execute("SELECT title, date, publisher, url FROM files WHERE source=?", (source,)).fetchone()
    return DocMeta(*row) if row else None


def sources(db: sqlite3.Connection) -> list[str]:
    """Every indexed source."""
    return [r[0] for r in db.execute("SELECT source FROM files")]


def all_chunk_ids(db: sqlite3.Connection) -> set[str]:
    """Ids of every indexed chunk."""
    return {r[0] for r in db.execute("SELECT id FROM chunks")}


def chunk_ids(db: sqlite3.Connection, source: str) -> list[str]:
    """Ids of a source's chunks."""
    return [r[0] for r in db.execute("SELECT id FROM chunks WHERE source=?", (source,))]


def count_chunks(db: sqlite3.Connection) -> int:
    """Number of chunks in the index."""
    return int(db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])


def replace_document(db: sqlite3.Connection, source: str, digest: str, meta: DocMeta, paged: bool,
                     chunks: list[Chunk], chunk_tokens: list[list[str]], contacts: list[Contact],
                     targets: list[Target], units: list[Unit]) -> None:
    """A document's rows (file, chunks, answer units, contacts, targets) replaced in one transaction."""
    with db:
        for table in ("chunks", "units", "contacts", "targets"):
            db.execute(f"DELETE FROM {table} WHERE source=?", (source,))
        db.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?)",
                   (source, digest, meta.title, meta.date, meta.publisher, meta.url, int(paged)))
        db.executemany(
            "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?)",
            [(c.id, c.source, c.ordinal, c.kind, c.section, json.dumps(c.lines, ensure_ascii=False),
              json.dumps(c.pages), json.dumps(t, ensure_ascii=False)) for c, t in zip(chunks, chunk_tokens)],
        )
        db.executemany(
            "INSERT INTO units VALUES (?,?,?,?,?,?,?)",
            [(u.chunk_id, u.seq, u.line_no, u.kind, u.text, json.dumps(u.tokens, ensure_ascii=False), source)
             for u in units],
        )
        db.executemany(
            "INSERT INTO contacts VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [(source, f.chunk_id, meta.date, f.section, f.office, f.department, f.position, f.role, f.name,
              f.phone, f.passage, f.page) for f in contacts],
        )
        db.executemany(
            "INSERT INTO targets VALUES (?,?,?,?,?,?,?,?)",
            [(source, t.chunk_id, meta.date, t.subject, t.quantity, t.deadline, t.sentence, t.page) for t in targets],
        )


def remove_document(db: sqlite3.Connection, source: str) -> None:
    """Every row of a source, in one transaction."""
    with db:
        for table in ("chunks", "units", "contacts", "targets", "files"):
            db.execute(f"DELETE FROM {table} WHERE source=?", (source,))


def load_units(db: sqlite3.Connection) -> list[Unit]:
    """Every answer unit, in chunk order."""
    rows = db.execute(
        "SELECT chunk_id, seq, line_no, kind, text, tokens FROM units ORDER BY source, chunk_id, seq"
    ).fetchall()
    return [Unit(c, s, ln, k, t, tuple(json.loads(toks))) for c, s, ln, k, t, toks in rows]


def cached_vectors(db: sqlite3.Connection, keys: list[str]) -> dict[str, bytes]:
    """Embedding blobs by text digest, for the keys that have one."""
    found: dict[str, bytes] = {}
    for i in range(0, len(keys), 500):
        part = keys[i : i + 500]
        marks = ",".join("?" * len(part))
        found.update(db.execute(f"SELECT digest, vector FROM embeddings WHERE digest IN ({marks})", part).fetchall())
    return found


def save_vectors(db: sqlite3.Connection, items: Iterable[tuple[str, bytes]]) -> None:
    """Embedding blobs by text digest (the cache survives re-ingests)."""
    with db:
        db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?)", list(items))


def seed_vectors(db: sqlite3.Connection, other: Path) -> int:
    """Copy the embedding cache of another index's SQLite file into this one; the number of vectors added."""
    before = db.total_changes
    db.execute("ATTACH DATABASE ? AS other", (str(other),))
    try:
        with db:
            db.execute("INSERT OR IGNORE INTO embeddings SELECT digest, vector FROM other.embeddings")
    finally:
        db.execute("DETACH DATABASE other")
    return db.total_changes - before


def all_chunk_tokens(db: sqlite3.Connection) -> list[tuple[str, list[str]]]:
    """(id, BM25 tokens) of every chunk, in the order load_chunks reads them."""
    return [(cid, list(_tokens(t))) for cid, t in db.execute("SELECT id, tokens FROM chunks ORDER BY source, ordinal")]


# --- the read side of the facts ---------------------------------------------------------------


def load_desks(db: sqlite3.Connection) -> list[Desk]:
    """Contact rows grouped into desks (one per document and passage), newest document first."""
    rows = db.execute(
        "SELECT c.source, f.title, c.date, c.chunk_id, c.section, c.office, c.department, c.position, "
        "c.role, c.name, c.phone, c.passage, c.page FROM contacts c JOIN files f ON f.source = c.source "
        "ORDER BY c.date DESC, c.source, c.rowid"
    ).fetchall()
    grouped: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for row in rows:
        grouped.setdefault((row[0], row[11]), []).append(row)
    desks: list[Desk] = []
    for (source, passage), group in grouped.items():
        first = group[0]
        people = tuple(Contact(r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12]) for r in group)
        # The department of the desk's head (책임자) names the desk.
        dept = next((r[6] for r in group if r[7] == "책임자"), first[6])
        office = next((r[5] for r in group if r[7] == "책임자"), first[5])
        desks.append(Desk(source, first[1], first[2], first[3], first[4], office, dept, people, passage, first[12]))
    return desks


def load_targets(db: sqlite3.Connection) -> list[Target]:
    """Every numeric target, newest document first."""
    rows = db.execute(
        "SELECT t.chunk_id, t.subject, t.quantity, t.deadline, t.sentence, t.page, t.source, f.title, t.date "
        "FROM targets t JOIN files f ON f.source = t.source ORDER BY t.date DESC, t.source, t.rowid"
    ).fetchall()
    return [Target(*r) for r in rows]


def iter_lines(db: sqlite3.Connection) -> Iterator[tuple[str, str, str, str, int | None]]:
    """(source, date, title, line, page) of every chunk line, newest document first."""
    for source, date, title, lines, pages in db.execute(
        "SELECT c.source, f.date, f.title, c.lines, c.pages FROM chunks c JOIN files f ON f.source = c.source "
        "ORDER BY f.date DESC, c.source, c.ordinal"
    ):
        for line, page in zip(json.loads(lines), json.loads(pages)):
            yield source, date, title, line, page


# --- feedback (👍/👎 on answers and drafts) ----------------------------------------------------

FEEDBACK_COLUMNS = ("id", "at", "kind", "rating", "comment", "question", "answer", "citations", "index_version")


def index_version(db: sqlite3.Connection) -> str:
    """The schema, the number of files and the newest file digest: what an answer was given from."""
    files, digest = db.execute("SELECT COUNT(*), COALESCE(MAX(digest), '') FROM files").fetchone()
    return f"schema {schema_version(db) or '?'} · {files} files · {str(digest)[:12]}"


def add_feedback(db: sqlite3.Connection, at: str, kind: str, rating: int, comment: str, question: str, answer: str,
                 citations: list[dict[str, Any]]) -> int:
    """Store one rating (1 for 👍, -1 for 👎) of an answer or a draft; return its id."""
    with db:
        cur = db.execute(
            "INSERT INTO feedback (at, kind, rating, comment, question, answer, citations, index_version) "
            "VALUES (?,?,?,?,?,?,?,?)",
            (at, kind, rating, comment, question, answer, json.dumps(citations, ensure_ascii=False), index_version(db)),
        )
    return int(cur.lastrowid or 0)


def set_feedback_comment(db: sqlite3.Connection, feedback_id: int, comment: str) -> bool:
    """Attach a comment to a stored rating; False when there is no such rating."""
    with db:
        cur = db.execute("UPDATE feedback SET comment=? WHERE id=?", (comment, feedback_id))
    return cur.rowcount == 1


def list_feedback(db: sqlite3.Connection, rating: int | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Stored ratings, newest first (only 👍 or 👎 when rating is 1 or -1)."""
    sql = "SELECT " + ", ".join(FEEDBACK_COLUMNS) + " FROM feedback"
    args: list[Any] = []
    if rating is not None:
        sql += " WHERE rating=?"
        args.append(rating)
    sql += " ORDER BY id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    rows = [dict(zip(FEEDBACK_COLUMNS, r)) for r in db.execute(sql, args)]
    for r in rows:
        r["citations"] = json.loads(r["citations"])
    return rows


def publishers(db: sqlite3.Connection) -> list[str]:
    """The publishers of the indexed documents, for the filter's choices."""
    return [r[0] for r in db.execute("SELECT DISTINCT publisher FROM files WHERE publisher != '' ORDER BY publisher")]
