"""The index: Chroma (dense vectors; embedded or a server) and SQLite (chunks, files, BM25 tokens, facts).

Every SQL statement of the project lives here. SQLite is the source of truth for what is
indexed; Chroma is written first and pruned last, so an interrupted ingest leaves at worst
unreferenced vectors that queries ignore (the next ingest deletes them). The BM25 index is
published whole: built aside, then swapped in by renaming a link (see publish_bm25).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from core.errors import IndexMissing, UserError
from core.records import Chunk, Contact, Desk, DocMeta, StoredChunk, Target, Unit

COLLECTION = "policy_chunks"
SCHEMA_VERSION = "14"  # bump when chunking or tokenisation changes: every file re-ingests

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


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]


def _migrate(db: sqlite3.Connection, index_dir: Path, writer: bool) -> None:
    """A derived table whose columns differ from _SCHEMA (an index built by an older version) is
    dropped and recreated by the writer, and the index marked for a full re-read, which refills it;
    a reader is told to run ingest."""
    expected = sqlite3.connect(":memory:")
    expected.executescript(_SCHEMA)
    stale = [t for t in ("chunks", "units", "contacts", "targets") if _columns(db, t) != _columns(expected, t)]
    if stale and not writer:
        raise IndexMissing(f"the index at {index_dir}/ was built by an older version — run `python -m assistant ingest`")
    if stale:
        with db:
            for table in stale:
                db.execute(f"DROP TABLE {table}")
            db.execute("UPDATE files SET digest = ''")  # every file is read again
        db.executescript(_SCHEMA)


@dataclass(frozen=True)
class ChromaTarget:
    """Where the chunk vectors live: embedded under the index dir (url empty), or a Chroma server."""

    url: str = ""  # http(s)://host:port of `chroma run`; empty for the embedded PersistentClient
    collection: str = COLLECTION  # one per index when several indexes share a server

    def describe(self, index_dir: Path) -> str:
        """Where, for messages: the server and collection, or the local directory."""
        return f"collection '{self.collection}' at {self.url}" if self.url else f"{index_dir / 'chroma'}/"


def chroma_client(index_dir: Path, target: ChromaTarget) -> Any:
    """A Chroma client: HttpClient for a server URL, else a PersistentClient under index_dir/chroma."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if not target.url:
        # an absolute path: chromadb caches one client per path string
        return chromadb.PersistentClient(path=str((index_dir / "chroma").resolve()), settings=settings)
    url = urlsplit(target.url)
    if url.scheme not in ("http", "https") or not url.hostname or url.path not in ("", "/"):
        raise UserError(f"chroma_url {target.url!r} is not http(s)://host:port (POLICY_CHROMA_URL or policy.toml)")
    try:
        return chromadb.HttpClient(host=url.hostname, port=url.port or (443 if url.scheme == "https" else 8000),
                                   ssl=url.scheme == "https", settings=settings)
    except ValueError as exc:  # chromadb's way of saying nothing answered
        raise UserError(f"no Chroma server answers at {target.url} — start one (`make chroma`) "
                        "or unset POLICY_CHROMA_URL for the embedded store") from exc


def chroma_collection(index_dir: Path, target: ChromaTarget | None = None, create: bool = True,
                      expect: int = 0) -> Any:
    """The Chroma collection (cosine space, no embedding function of its own: we pass our vectors).

    create=False is the reading side: a missing collection, or an empty one while the index has
    expect chunks (a wrong chroma_url or collection), is an IndexMissing error rather than an engine
    that silently answers from BM25 alone.
    """
    from chromadb.errors import ChromaError, NotFoundError

    target = target or ChromaTarget()
    client = chroma_client(index_dir, target)
    try:
        if create:
            return client.get_or_create_collection(
                target.collection, embedding_function=None, metadata={"hnsw:space": "cosine"}
            )
        collection = client.get_collection(target.collection, embedding_function=None)
    except NotFoundError as exc:
        raise IndexMissing(f"no Chroma {target.describe(index_dir)} — ingest with the same chroma_url and "
                           "chroma_collection first") from exc
    except ChromaError as exc:  # a bad collection name, mostly
        raise UserError(f"Chroma {target.describe(index_dir)}: {exc}") from exc
    if expect and collection.count() == 0:
        raise IndexMissing(f"Chroma {target.describe(index_dir)} is empty but the index has {expect} chunks — "
                           "wrong chroma_url or chroma_collection, or ingest again with them")
    return collection


def bm25s_module() -> Any:
    """bm25s, with the DEBUG level it sets on its own logger at import put back to WARNING."""
    import logging

    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


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


def lock_for_writing(index_dir: Path) -> IO[str]:
    """An exclusive lock on the index for one writer (released on close, or by the OS if the process dies)."""
    import fcntl

    index_dir.mkdir(parents=True, exist_ok=True)
    handle = open(index_dir / ".ingest.lock", "a+", encoding="utf-8")  # held until close()
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "?"
        handle.close()
        raise UserError(f"another ingest (pid {holder}) is writing {index_dir}/; wait for it to finish") from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def all_chunk_ids(db: sqlite3.Connection) -> set[str]:
    """Ids of every indexed chunk."""
    return {r[0] for r in db.execute("SELECT id FROM chunks")}


def chroma_ids(collection: Any) -> set[str]:
    """Ids of every vector in the Chroma collection."""
    ids: set[str] = set()
    offset, page = 0, 5000
    while True:
        batch = collection.get(include=[], limit=page, offset=offset)["ids"]
        ids.update(batch)
        if len(batch) < page:
            return ids
        offset += page


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


# --- the BM25 index: published whole, checked against SQLite by the reader ---------------------

BM25 = "bm25"  # a link to the current generation, bm25.<fingerprint>/ (a plain directory in older indexes)


def bm25_fingerprint(rows: Iterable[tuple[str, Sequence[str]]]) -> str:
    """SHA-256 over every chunk's id and BM25 tokens, in index order: what a BM25 index was built from."""
    text = json.dumps([[cid, list(toks)] for cid, toks in rows], ensure_ascii=False)  # unambiguous, and C-fast
    return hashlib.sha256(text.encode()).hexdigest()


def bm25_is_current(directory: Path, rows: Sequence[tuple[str, Sequence[str]]]) -> bool:
    """True when directory holds a complete BM25 index built from exactly these (id, tokens) rows."""
    try:
        fingerprint = (directory / "fingerprint").read_text(encoding="utf-8").strip()
        ids = json.loads((directory / "ids.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return ids == [cid for cid, _ in rows] and fingerprint == bm25_fingerprint(rows)


def bm25_build_dir(index_dir: Path) -> Path:
    """An empty private directory to build the next BM25 generation in."""
    build = index_dir / f".bm25-build-{os.getpid()}"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    return build


def publish_bm25(index_dir: Path, build: Path, ids: list[str], fingerprint: str) -> None:
    """Make the BM25 index in build/ current in one atomic step: its files, ids.json and then its
    fingerprint are flushed to disk, the directory is renamed to its generation's name, and the
    bm25 link is replaced by rename(2). A reader sees the old generation or the new one, never a mix."""
    (build / "ids.json").write_text(json.dumps(ids), encoding="utf-8")
    for f in build.iterdir():
        _fsync(f)
    (build / "fingerprint").write_text(fingerprint, encoding="utf-8")  # written last: marks it complete
    _fsync(build / "fingerprint")
    _fsync(build)
    final = index_dir / f"{BM25}.{fingerprint[:16]}"
    if final.exists():  # the same generation, published by a run that died before its sweep
        shutil.rmtree(build)
    else:
        os.rename(build, final)
    link = index_dir / BM25
    if link.is_dir() and not link.is_symlink():  # an older index keeps BM25 in a plain directory
        os.rename(link, index_dir / f".bm25-legacy-{os.getpid()}")
    staged = index_dir / f".bm25-link-{os.getpid()}"
    if staged.is_symlink() or staged.exists():
        staged.unlink()
    os.symlink(final.name, staged)
    os.replace(staged, link)
    _fsync(index_dir)
    sweep_bm25(index_dir)


def sweep_bm25(index_dir: Path) -> None:
    """Remove what a BM25 publish left behind: build, link and legacy leftovers of dead runs, and
    generations other than the current one and the newest before it (a reader may be loading that)."""
    current = (index_dir / BM25).resolve() if (index_dir / BM25).is_symlink() else None
    for leftover in index_dir.glob(".bm25-*"):
        if leftover.is_symlink() or leftover.is_file():
            leftover.unlink()
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    older = sorted((d for d in index_dir.glob(f"{BM25}.*") if d.is_dir() and d.resolve() != current),
                   key=lambda d: d.stat().st_mtime, reverse=True)
    for d in older[1:]:
        shutil.rmtree(d, ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
