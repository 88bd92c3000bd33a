"""The source viewer serves indexed files only, and shows a citation's whole page."""

from __future__ import annotations

from pathlib import Path

from assistant.answer import Citation
from assistant.viewer import SourceFiles
from core import store
from tests.conftest import ROOT


def test_only_indexed_files_inside_the_corpus_are_served(corpus_index: Path) -> None:
    files = SourceFiles(store.connect(corpus_index), ROOT, Path("corpus"))
    assert len(files.allowed) == 66
    assert files.file("corpus/moe_2026-03-09_105557.hwpx") == ROOT / "corpus" / "moe_2026-03-09_105557.hwpx"
    for name in ("corpus/manifest.tsv", "corpus/../README.md", "../corpus/moe_2026-03-09_105557.hwpx",
                 "/etc/passwd", "pyproject.toml", "corpus/", ""):
        assert files.file(name) is None, name


def test_a_source_outside_the_corpus_is_not_on_the_list(tmp_path: Path) -> None:
    db = store.connect(tmp_path / "index", create=True)
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("본문", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("비밀", encoding="utf-8")
    for source in ("corpus/a.txt", "secret.txt", "corpus/../secret.txt", "corpus/gone.txt"):
        db.execute("INSERT INTO files VALUES (?,?,?,?,?,?,?)", (source, "d", "t", "2025-01-01", "", "", 0))
    db.commit()
    assert set(SourceFiles(db, tmp_path, Path("corpus")).allowed) == {"corpus/a.txt"}


def test_page_lines_hold_the_quote_and_more(engine: object, corpus_index: Path) -> None:
    files = SourceFiles(store.connect(corpus_index), ROOT, Path("corpus"))
    answer = engine.ask("AI 중점학교는 몇 개교로 늘어나?")  # type: ignore[attr-defined]
    c = answer.citations[0]
    lines = files.page_lines(c)
    assert any(c.quote in line for line in lines) and len("\n".join(lines)) > len(c.text)
    unpaged = Citation(1, "corpus/msit_2025-09-30_ai_core_project_tf.txt", "t", "2025-09-30", None, "x", "x")
    assert len(files.page_lines(unpaged)) > 20  # a text file has no pages: its whole text
