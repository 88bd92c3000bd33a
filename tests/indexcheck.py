"""What the bad-input and crash tests check about an index: do Chroma, BM25 and SQLite agree on the
same chunk ids, what does it hold, and does it answer.

`python -m tests.indexcheck INDEX [--ask QUESTION]` prints one JSON object (a fresh process, so a
Chroma opened here never shares state with one that a killed ingest left behind).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

from core import bm25files, store, vectors

TABLES = {  # every row of what ingest writes, in a stable order (the embedding cache aside)
    "files": "SELECT * FROM files ORDER BY source",
    "chunks": "SELECT * FROM chunks ORDER BY id",
    "units": "SELECT * FROM units ORDER BY chunk_id, seq",
    "contacts": "SELECT * FROM contacts ORDER BY source, chunk_id, name, phone, role",
    "targets": "SELECT * FROM targets ORDER BY source, chunk_id, sentence, quantity",
}


def snapshot(index_dir: Path) -> dict[str, Any]:
    """The chunk ids each store holds (with repeats, if any), the files' digests and a digest of every table."""
    db = sqlite3.connect(f"file:{index_dir / 'index.sqlite'}?mode=ro", uri=True)
    try:
        sqlite_ids = [r[0] for r in db.execute("SELECT id FROM chunks ORDER BY source, ordinal")]
        rows = store.all_chunk_tokens(db)
        files = dict(db.execute("SELECT source, digest FROM files").fetchall())
        tables = {name: _digest(db.execute(sql).fetchall()) for name, sql in TABLES.items()}
        counts = {name: db.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0] for name in TABLES}
    finally:
        db.close()
    bm25 = (index_dir / bm25files.BM25).resolve()
    try:
        bm25_ids = json.loads((bm25 / "ids.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        bm25_ids = None
    chroma_ids, vectors, records = _chroma(index_dir)
    return {"sqlite_ids": sqlite_ids, "chroma_ids": chroma_ids, "bm25_ids": bm25_ids,
            "bm25_current": bm25files.bm25_is_current(bm25, rows), "bm25_dir": bm25.name, "files": files,
            "tables": tables, "counts": counts, "chroma_vectors": vectors, "chroma_records": records}


def differences(snap: dict[str, Any], reference: dict[str, Any]) -> list[str]:
    """How an index differs from a reference one: ids, rows of every table, Chroma's records and vectors."""
    out = [f"{key} differ" for key in ("sqlite_ids", "chroma_ids", "bm25_ids", "files", "tables", "counts",
                                         "chroma_records") if snap[key] != reference[key]]
    drift = max((abs(a - b) for cid, vec in snap["chroma_vectors"].items()
                 for a, b in zip(vec, reference["chroma_vectors"].get(cid, []))), default=0.0)
    if drift > 1e-4:
        out.append(f"Chroma vectors differ (by up to {drift:.2g})")
    return out


def copy_vector_cache(source: Path, target: Path) -> int:
    """Copy the embedding cache of the index at source into the one at target (created if need be), so a
    test index of corpus documents reuses the session index's vectors instead of computing them again."""
    store.connect(target, create=True).close()
    db = sqlite3.connect(f"file:{target / 'index.sqlite'}", uri=True)
    try:
        db.execute("ATTACH DATABASE ? AS src", (f"file:{source / 'index.sqlite'}?mode=ro",))
        with db:
            count = db.execute("INSERT OR IGNORE INTO embeddings SELECT digest, vector FROM src.embeddings").rowcount
        db.execute("DETACH DATABASE src")
    finally:
        db.close()
    return int(count)


def disagreements(snap: dict[str, Any]) -> list[str]:
    """How the three stores disagree (empty when they hold the same chunk ids, each once)."""
    out = []
    sqlite_ids, chroma_ids, bm25_ids = snap["sqlite_ids"], snap["chroma_ids"], snap["bm25_ids"]
    if len(set(sqlite_ids)) != len(sqlite_ids):
        out.append("SQLite holds a chunk id twice")
    if len(set(chroma_ids)) != len(chroma_ids):
        out.append("Chroma holds a chunk id twice")
    if set(chroma_ids) != set(sqlite_ids):
        out.append(f"Chroma and SQLite differ: {len(set(chroma_ids) - set(sqlite_ids))} ids only in Chroma, "
                   f"{len(set(sqlite_ids) - set(chroma_ids))} only in SQLite")
    if bm25_ids != sqlite_ids:
        out.append("BM25's ids.json is not SQLite's chunk list" if bm25_ids is not None else "no BM25 index")
    if not snap["bm25_current"]:
        out.append("BM25 was not built from SQLite's current rows")
    return out


def served_disagreements(snap: dict[str, Any]) -> list[str]:
    """What the reader would serve wrongly: a chunk in SQLite without its vector (extra vectors and a
    stale BM25 are never served: the engine ignores ids SQLite lacks and rebuilds a stale BM25)."""
    missing = set(snap["sqlite_ids"]) - set(snap["chroma_ids"])
    return [f"{len(missing)} chunks in SQLite have no vector in Chroma"] if missing else []


def _chroma(index_dir: Path) -> tuple[list[str], dict[str, list[float]], str]:
    """Chroma's ids (sorted, repeats kept), its vectors by id, and a digest of its documents and metadata."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    path = str((index_dir / "chroma").resolve())
    client = chromadb.PersistentClient(path=path, settings=ChromaSettings(anonymized_telemetry=False))
    try:
        try:
            collection = client.get_collection(vectors.COLLECTION)
        except Exception:  # no collection yet: a run killed before Chroma created it
            return [], {}, _digest([])
        ids: list[str] = []
        by_id: dict[str, list[float]] = {}
        records: list[tuple[str, str, str]] = []
        offset = 0
        while True:
            got = collection.get(include=["embeddings", "documents", "metadatas"], limit=1000, offset=offset)
            if not got["ids"]:
                break
            embeddings, documents, metadatas = got["embeddings"], got["documents"] or [], got["metadatas"] or []
            for i, cid in enumerate(got["ids"]):
                ids.append(cid)
                by_id[cid] = [round(float(x), 6) for x in (embeddings[i] if embeddings is not None else [])]
                records.append((cid, documents[i] or "", json.dumps(metadatas[i], sort_keys=True)))
            offset += len(got["ids"])
        return sorted(ids), by_id, _digest(sorted(records))
    finally:
        client.close()  # type: ignore[attr-defined]  # Client.close() exists since chromadb 1.x


def _digest(rows: list[tuple[Any, ...]]) -> str:
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, default=str).encode()).hexdigest()


def main() -> int:
    """Print the snapshot of an index (and the answer to --ask) as one JSON object."""
    parser = argparse.ArgumentParser()
    parser.add_argument("index")
    parser.add_argument("--ask", help="also answer this question with the real engine")
    args = parser.parse_args()
    index_dir = Path(args.index)
    out: dict[str, Any] = {"snapshot": snapshot(index_dir)}
    if args.ask:
        from assistant.engine import Engine
        from assistant.settings import Settings

        try:
            answer = Engine(Settings(index_dir=index_dir)).ask(args.ask).to_dict()
            out["answer"] = {k: answer[k] for k in ("answer", "answerable", "citations")}
        except Exception as exc:  # the index does not open: that is what the caller must learn
            out["open_error"] = f"{type(exc).__name__}: {exc}"
    json.dump(out, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
