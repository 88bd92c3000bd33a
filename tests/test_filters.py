"""Publisher and date filters on the real corpus: Chroma searches only the allowed documents, and a
filtered answer cites nothing outside them."""

from __future__ import annotations

from typing import Any

from assistant.filters import Filters

MSIT = Filters(publisher="과학기술정보통신부")


def test_filtered_dense_search_fills_its_candidates_from_the_allowed_documents(engine: Any) -> None:
    retriever = engine.retriever
    items = engine.corpus.items
    allowed = sorted({it.chunk.source for it in items if MSIT.allows(it)})
    assert 0 < len(allowed) < len(engine.corpus.by_source)
    vector = retriever.embed("디지털튜터 교육생 모집 일정")  # a 교육부 topic: unfiltered, its hits are 교육부's
    unfiltered = retriever.dense(vector, 30)
    assert any(not MSIT.allows(items[i]) for i in unfiltered)
    filtered = retriever.dense(vector, 30, allowed)
    assert len(filtered) == 30
    assert all(MSIT.allows(items[i]) for i in filtered)
    assert retriever.dense(vector, 30, []) == []


def test_a_filtered_answer_cites_only_allowed_documents(engine: Any) -> None:
    window = Filters(since="2026-03-01", until="2026-04-30")
    for filters in (MSIT, window):
        answer = engine.ask("인공지능 인재 양성 담당 부서는 어디인가요?", filters=filters)
        assert answer.citations
        for c in answer.citations:
            item = engine.corpus.items[engine.corpus.by_source[c.source][0]]
            assert filters.allows(item), (filters, c.source, c.date)
