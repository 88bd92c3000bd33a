"""Feedback rows in SQLite, and `python -m assistant feedback [--csv]`."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

from core import store
from tests.conftest import ROOT


def test_ratings_and_comments_round_trip(tmp_path: Path) -> None:
    db = store.connect(tmp_path, create=True)
    cites = [{"n": 1, "source": "corpus/x.txt", "text": "본문"}]
    first = store.add_feedback(db, "2026-01-01T10:00:00", "chat", 1, "", "질문 1", "답 [1]", cites)
    second = store.add_feedback(db, "2026-01-01T10:05:00", "draft", -1, "", "편지", "초안", [])
    assert store.set_feedback_comment(db, second, "숫자가 틀림") and not store.set_feedback_comment(db, 999, "x")
    rows = store.list_feedback(db)
    assert [r["id"] for r in rows] == [second, first]
    assert rows[0]["comment"] == "숫자가 틀림" and rows[1]["citations"] == cites
    assert rows[0]["index_version"].startswith("schema")
    assert [r["id"] for r in store.list_feedback(db, rating=-1)] == [second]
    assert len(store.list_feedback(db, limit=1)) == 1


def test_feedback_cli_lists_and_exports_csv(corpus_index: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    shutil.copytree(corpus_index, index, ignore=shutil.ignore_patterns("chroma"))
    db = store.connect(index)
    store.add_feedback(db, "2026-01-01T10:00:00", "chat", -1, "출처가 다름", "GPU 몇 장?", "20만장 [1]",
                       [{"n": 1, "source": "corpus/msit_2025-09-30_ai_core_project_tf.txt"}])
    db.close()
    run = [sys.executable, "-m", "assistant", "feedback", "--index", str(index)]
    text = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert text.returncode == 0 and "👎 [chat] GPU 몇 장? — 출처가 다름" in text.stdout
    out = subprocess.run([*run, "--csv"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    newest = rows[0]  # newest first; a kept test index may hold older rows from the browser test
    assert newest["rating"] == "-1" and newest["comment"] == "출처가 다름" and "msit_2025" in newest["citations"]


def test_the_eval_report_ends_with_the_latest_thumbs_down(tmp_path: Path) -> None:
    from evals.feedback import append_to_report

    db = store.connect(tmp_path, create=True)
    store.add_feedback(db, "2026-01-01T10:00:00", "chat", 1, "좋음", "좋은 질문", "답", [])
    for i in range(12):
        store.add_feedback(db, f"2026-01-02T10:{i:02d}:00", "draft", -1, f"의견 {i}", f"편지 {i}", "초안", [])
    db.close()
    report = tmp_path / "report.md"
    report.write_text("# Eval report\n", encoding="utf-8")
    append_to_report(report, tmp_path)
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Eval report") and "## Latest 👎 feedback (10)" in text
    assert "편지 11" in text and "편지 2 " in text and "편지 1 " not in text and "좋은 질문" not in text
