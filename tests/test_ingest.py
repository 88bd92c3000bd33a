"""Incremental ingest into a real Chroma (embedded, and a real server on loopback) + SQLite in a temp dir,
with real files and the real embedder."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pypdf

from core import vectors
from core.vectors import ChromaTarget
from ingest.indexer import Indexer
from tests.conftest import CORPUS, ROOT, SMALL, chroma_env


def _state(index: Path, chroma: ChromaTarget) -> dict[str, Any]:
    db = sqlite3.connect(index / "index.sqlite")
    chunks = {r[0]: r[1] for r in db.execute("SELECT id, source FROM chunks")}
    files = {r[0]: r[1] for r in db.execute("SELECT source, digest FROM files")}
    db.close()
    ids = set(vectors.chroma_collection(index, chroma, create=False).get(include=[])["ids"])
    return {"chunks": chunks, "files": files, "vectors": ids}


def test_incremental_ingest(tmp_path: Path, small_corpus: Path, embedder: Any, chroma: ChromaTarget) -> None:
    index = tmp_path / "index"
    ix = Indexer(index, tmp_path, embedder, chroma)
    first = ix.ingest([small_corpus], progress=False)
    assert sorted(first.added) == sorted(f"docs/{n}" for n in SMALL)
    assert first.chunks_embedded == first.chunks_total > 15
    before = _state(index, chroma)
    assert set(before["chunks"]) == before["vectors"]

    # Unchanged: nothing embedded, nothing rewritten.
    again = ix.ingest([small_corpus], progress=False)
    assert again.chunks_embedded == 0 and len(again.unchanged) == 3
    assert _state(index, chroma) == before

    # A changed file replaces its chunks; only the new text is embedded.
    txt = small_corpus / SMALL[0]
    txt.write_text(txt.read_text(encoding="utf-8") + "\n추가 문단: 이 줄은 테스트가 덧붙였다.\n", encoding="utf-8")
    changed = ix.ingest([small_corpus], progress=False)
    assert changed.updated == [f"docs/{SMALL[0]}"]
    assert 1 <= changed.chunks_embedded <= 2
    after = _state(index, chroma)
    assert set(after["chunks"]) == after["vectors"]
    assert after["files"][f"docs/{SMALL[0]}"] != before["files"][f"docs/{SMALL[0]}"]

    # A file gone from the corpus has its chunks removed from both stores.
    (small_corpus / SMALL[1]).unlink()
    gone = ix.ingest([small_corpus], progress=False)
    assert gone.removed == [f"docs/{SMALL[1]}"]
    final = _state(index, chroma)
    assert f"docs/{SMALL[1]}" not in final["files"]
    assert not [s for s in final["chunks"].values() if s == f"docs/{SMALL[1]}"]
    assert set(final["chunks"]) == final["vectors"]
    ix.close()


def test_bad_files_are_skipped_and_never_touch_what_is_indexed(tmp_path: Path, small_corpus: Path,
                                                                embedder: Any, chroma: ChromaTarget) -> None:
    index = tmp_path / "index"
    ix = Indexer(index, tmp_path, embedder, chroma)
    ix.ingest([small_corpus], progress=False)
    before = _state(index, chroma)

    # Synthetic bad inputs (made here, never placed in corpus/).
    (small_corpus / SMALL[2]).write_bytes(b"\xd0\xcf\x11\xe0 truncated")  # an indexed file goes corrupt
    (small_corpus / "empty.hwpx").write_bytes(b"")
    (small_corpus / "notes.docx").write_bytes(b"PK\x03\x04")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret")
    with open(small_corpus / "locked.pdf", "wb") as fh:
        writer.write(fh)
    good = small_corpus / "copy.hwpx"
    shutil.copy(CORPUS / "moe_2026-04-24_105966.hwpx", good)

    report = ix.ingest([small_corpus], progress=False)
    reasons = {Path(p).name: r for p, r in report.skipped}
    assert set(reasons) == {SMALL[2], "empty.hwpx", "notes.docx", "locked.pdf"}
    assert "empty" in reasons["empty.hwpx"]
    assert "unsupported" in reasons["notes.docx"]
    assert "encrypted" in reasons["locked.pdf"]
    assert report.added == ["docs/copy.hwpx"]
    after = _state(index, chroma)
    old = {k: v for k, v in before["chunks"].items()}
    assert all(after["chunks"].get(k) == v for k, v in old.items()), "indexed chunks changed"
    assert after["files"][f"docs/{SMALL[2]}"] == before["files"][f"docs/{SMALL[2]}"]
    ix.close()


def test_cli_ingest_names_the_bad_file_and_exits_nonzero(tmp_path: Path, small_corpus: Path,
                                                         chroma: ChromaTarget) -> None:
    (small_corpus / "broken.hwpx").write_bytes(b"not a zip at all")
    for name in SMALL[1:]:
        (small_corpus / name).unlink()
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", str(small_corpus), "--index", str(tmp_path / "ix")],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env=chroma_env(chroma),
    )
    assert proc.returncode == 1
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert any("broken.hwpx" in x and "zip" in x for x in lines), proc.stderr
    assert "Traceback" not in proc.stderr
    assert "1 new" in proc.stdout and "1 skipped" in proc.stdout
    # The vectors went where the settings said (the server's collection in server mode).
    state = _state(tmp_path / "ix", chroma)
    assert state["chunks"] and set(state["chunks"]) == state["vectors"]
    assert (tmp_path / "ix" / "chroma").exists() == (not chroma.url)


def test_cli_ask_without_an_index_is_a_one_line_error(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "질문", "--index", str(tmp_path / "nowhere")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "ingest" in proc.stderr
