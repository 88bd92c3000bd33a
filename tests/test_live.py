"""The chat answers while documents are indexed beside it: the engine is rebuilt as they land, the
banner counts them, and the last document is searchable without a restart."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from assistant.live import Live, NotReady, Status
from assistant.settings import Settings
from ingest.beside import runner, waiting
from tests.conftest import copy_docs
from tests.indexcheck import copy_vector_cache

DOCS = ["moe_2026-04-24_105980.hwpx", "moe_2026-03-04_105494.hwp", "msit_2025-09-30_ai_core_project_tf.txt"]


def test_answers_follow_the_ingest_beside_them(tmp_path: Path, corpus_index: Path, embedder: Any) -> None:
    docs = copy_docs(tmp_path, DOCS)
    index = tmp_path / "ix"
    copy_vector_cache(corpus_index, index)  # the vectors are cached: what is tested is the swapping
    live = Live(Settings(index_dir=index, corpus_dir=docs), embedder)
    assert not live.refresh()  # nothing indexed yet
    with pytest.raises(NotReady):
        live.engine  # noqa: B018
    seen: list[Status] = []
    thread = live.index(waiting([docs], tmp_path), runner([docs], tmp_path, index, embedder), progress=False)
    while thread.is_alive():
        seen.append(live.status())
        time.sleep(0.05)
    thread.join()
    assert any(s.indexing for s in seen) and not live.status().indexing
    assert "문서 색인 중" in next(s for s in seen if s.indexing).banner()
    status = live.status()
    assert (status.done, status.total, status.searchable, status.waiting) == (3, 3, 3, ())
    answer = live.engine.ask("GPU는 언제까지 몇 장 확보하나요?")  # the last document in path order
    assert answer.answerable and "20만" in answer.answer
    assert {c.source.rsplit("/", 1)[-1] for c in answer.citations} == {"msit_2025-09-30_ai_core_project_tf.txt"}
