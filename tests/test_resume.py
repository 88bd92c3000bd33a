"""An ingest killed part-way continues where it stopped: finished documents are neither read nor
embedded again, and the index ends as an uninterrupted run would leave it (both Chroma modes)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from core import store, vectors
from core.vectors import ChromaTarget
from ingest.indexer import Indexer
from ingest.loaders import read_manifest
from ingest.prepare import read
from tests.conftest import chroma_env, copy_docs

DOCS = ["moe_2026-03-27_105734.hwpx", "moe_2026-04-24_105980.hwpx", "moe_2026-03-19_105660.hwpx",
        "moe_2026-04-28_106002.hwpx", "moe_2026-03-26_105719.hwpx", "moe_2026-04-24_105966.hwpx"]


def _corpus(tmp_path: Path) -> Path:
    return copy_docs(tmp_path, DOCS)


def _indexed(index: Path) -> set[str]:
    path = index / "index.sqlite"
    if not path.exists():
        return set()
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return {r[0] for r in db.execute("SELECT source FROM files")}
        finally:
            db.close()
    except sqlite3.OperationalError:  # the schema is not there yet
        return set()


def test_a_killed_ingest_resumes_where_it_stopped(tmp_path: Path, embedder: Any, chroma: ChromaTarget) -> None:
    docs = _corpus(tmp_path)
    index = tmp_path / "ix"
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "ingest", str(docs), "--index", str(index), "--quiet"],
                            cwd=tmp_path, env=chroma_env(chroma), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 900
    while len(_indexed(index)) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    done = _indexed(index)
    assert 2 <= len(done) < len(DOCS), f"the run was not stopped part-way ({len(done)} documents written)"

    manifest = read_manifest(docs)
    prepared = {f"docs/{n}": read(docs / n, tmp_path, manifest) for n in DOCS}
    texts = {s: {*p.texts, *(u.text for u in p.units)} for s, p in prepared.items()}
    left = set().union(*(t for s, t in texts.items() if s not in done)) - set().union(*(texts[s] for s in done))

    ix = Indexer(index, tmp_path, embedder, chroma)
    report = ix.ingest([docs], progress=False)
    assert sorted(report.unchanged) == sorted(done)  # not read again
    assert sorted(report.added) == sorted(set(prepared) - done)
    assert 0 < report.texts_embedded <= len(left)  # nothing of the finished documents is embedded again

    ids = {c.id for p in prepared.values() for c in p.chunks}
    db = store.connect(index)
    assert set(store.all_chunk_ids(db)) == ids
    assert set(vectors.chroma_collection(index, chroma, create=False).get(include=[])["ids"]) == ids
    bm25_ids = index / "bm25" / "ids.json"
    assert json.loads(bm25_ids.read_text(encoding="utf-8")) == [cid for cid, _ in store.all_chunk_tokens(db)]

    # A run that stopped after the documents but before the BM25 index was saved: the next run saves it.
    bm25_ids.unlink()
    quiet = ix.ingest([docs], progress=False)
    assert quiet.texts_embedded == 0 and len(quiet.unchanged) == len(DOCS)
    assert json.loads(bm25_ids.read_text(encoding="utf-8")) == [cid for cid, _ in store.all_chunk_tokens(db)]
    ix.close()
    db.close()
