"""The write-side guarantees one at a time, on a real two-document index: BM25 is published whole behind a
link, the reader never loads a BM25 built from other rows than SQLite's, leftovers of a dead run are
swept, an older plain bm25/ directory is replaced, and Chroma is brought back to SQLite's chunk ids."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

import pytest

from core import bm25files, store, vectors
from ingest.indexer import Indexer
from tests.badinputs import BASE_DOC, base_corpus
from tests.conftest import CORPUS
from tests.indexcheck import copy_vector_cache, disagreements, snapshot

OTHER = "moe_2026-04-24_105980.hwpx"
QUESTION = "GPU는 언제까지 몇 장 확보하나요?"


@pytest.fixture()
def index(tmp_path: Path, corpus_index: Path, embedder: Any) -> Path:
    """docs/ with two real documents, indexed into ix/ (vectors from the session index's cache)."""
    docs = base_corpus(tmp_path)
    shutil.copy(CORPUS / OTHER, docs / OTHER)
    rows = (CORPUS / "manifest.tsv").read_text(encoding="utf-8").splitlines()
    with (docs / "manifest.tsv").open("a", encoding="utf-8") as fh:
        fh.write(next(r for r in rows if r.startswith(OTHER + "\t")) + "\n")
    copy_vector_cache(corpus_index, tmp_path / "ix")
    _ingest(tmp_path, embedder)
    return tmp_path / "ix"


def _ingest(root: Path, embedder: Any) -> Any:
    indexer = Indexer(root / "ix", root, embedder)
    try:
        return indexer.ingest([root / "docs"], progress=False)
    finally:
        indexer.close()


def _rows(index: Path) -> list[tuple[str, list[str]]]:
    db = store.connect(index)
    try:
        return store.all_chunk_tokens(db)
    finally:
        db.close()


def test_bm25_is_a_link_to_one_complete_generation(index: Path) -> None:
    link = index / "bm25"
    assert link.is_symlink()
    target = link.resolve()
    rows = _rows(index)
    assert target.name == f"bm25.{bm25files.bm25_fingerprint(rows)[:16]}"
    assert {"fingerprint", "ids.json", "params.index.json", "vocab.index.json"} <= {p.name for p in target.iterdir()}
    assert bm25files.bm25_is_current(target, rows)
    assert not list(index.glob(".bm25-*"))


def test_the_reader_rebuilds_bm25_that_lags_sqlite(index: Path, embedder: Any, caplog: pytest.LogCaptureFixture) -> None:
    """SQLite moved on and the run died before it published BM25 (here: a document's rows removed)."""
    from assistant.engine import Engine
    from assistant.settings import Settings

    db = store.connect(index)
    store.remove_document(db, f"docs/{OTHER}")
    db.close()
    assert not bm25files.bm25_is_current((index / "bm25").resolve(), _rows(index))
    with caplog.at_level(logging.WARNING, logger="assistant.retrieval"):
        engine = Engine(Settings(index_dir=index), embedder)
    assert any("stale" in r.getMessage() for r in caplog.records)
    answer = engine.ask(QUESTION).to_dict()
    assert "20만장" in answer["answer"] and all(c["source"] != f"docs/{OTHER}" for c in answer["citations"])


def test_the_next_ingest_repairs_what_a_dead_run_left(index: Path, embedder: Any) -> None:
    root = index.parent
    db = store.connect(index)
    removed = store.chunk_ids(db, f"docs/{OTHER}")
    store.remove_document(db, f"docs/{OTHER}")  # rows gone, vectors and BM25 not yet: a kill between the steps
    db.close()
    collection = vectors.chroma_collection(index)
    lost = sorted(vectors.chroma_ids(collection) - set(removed))[:2]
    collection.delete(ids=lost)  # and two vectors of the other document lost
    (index / ".bm25-build-999").mkdir()  # a build a dead run left half written
    (index / ".bm25-build-999" / "ids.json").write_text("[]", encoding="utf-8")
    (index / "bm25.0000000000000000").mkdir()  # two generations older than the current one
    (index / "bm25.1111111111111111").mkdir()
    report = _ingest(root, embedder)
    assert report.added == [f"docs/{OTHER}"] and report.unchanged == [f"docs/{BASE_DOC}"]
    assert report.repaired == len(removed) + len(lost)  # orphans deleted before the re-add, lost vectors restored
    assert not disagreements(snapshot(index))
    assert not (index / ".bm25-build-999").exists()
    assert len(list(index.glob("bm25.*"))) <= 2  # the current generation and at most the one before it


def test_an_older_plain_bm25_directory_is_replaced(index: Path, embedder: Any) -> None:
    link = index / "bm25"
    target = link.resolve()
    link.unlink()
    shutil.copytree(target, link)  # the layout before generations: a plain directory, no fingerprint file
    (link / "fingerprint").unlink()
    shutil.rmtree(target)
    assert not bm25files.bm25_is_current(link, _rows(index))
    report = _ingest(index.parent, embedder)
    assert report.unchanged and not report.added
    assert link.is_symlink() and bm25files.bm25_is_current(link.resolve(), _rows(index))
    assert not list(index.glob(".bm25-*"))


def test_the_reader_checks_tokens_not_only_ids(index: Path, embedder: Any, monkeypatch: pytest.MonkeyPatch,
                                              caplog: pytest.LogCaptureFixture) -> None:
    """A new manifest title re-tokenises a document under the same chunk ids; a run that dies before it
    publishes BM25 leaves an ids.json that still matches, which the fingerprint tells apart."""
    import json

    from assistant.engine import Engine
    from assistant.settings import Settings

    manifest = index.parent / "docs" / "manifest.tsv"
    rows = [ln.split("\t") for ln in manifest.read_text(encoding="utf-8").splitlines()]
    for cells in rows:
        if cells[0] == OTHER:
            cells[1] += " (제목 수정)"  # the title is part of every passage's BM25 text
    manifest.write_text("\n".join("\t".join(cells) for cells in rows) + "\n", encoding="utf-8")
    monkeypatch.setattr(bm25files, "sync_bm25", lambda *args: None)  # the run dies before it publishes BM25
    report = _ingest(index.parent, embedder)
    assert report.updated == [f"docs/{OTHER}"]
    chunk_rows = _rows(index)
    published = json.loads(((index / "bm25").resolve() / "ids.json").read_text(encoding="utf-8"))
    assert published == [cid for cid, _ in chunk_rows]  # the same chunk ids ...
    assert not bm25files.bm25_is_current((index / "bm25").resolve(), chunk_rows)  # ... but other tokens
    with caplog.at_level(logging.WARNING, logger="assistant.retrieval"):
        Engine(Settings(index_dir=index), embedder)
    assert any("stale" in r.getMessage() for r in caplog.records)
