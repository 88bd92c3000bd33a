"""Publisher and date filters on the real corpus: Chroma searches only the allowed documents, and a
filtered answer cites nothing outside them; the top-k selection the search ranks BM25 scores with."""

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
    unfiltered = [i for i, _ in retriever.dense(vector, 30)]
    assert any(not MSIT.allows(items[i]) for i in unfiltered)
    filtered = [i for i, _ in retriever.dense(vector, 30, allowed)]
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


def test_top_k_by_partition_is_the_stable_sort_of_all_scores() -> None:
    import numpy as np

    from assistant.retrieval import _top

    rng = np.random.default_rng(7)
    for n, k in [(5, 30), (1000, 30), (1000, 1), (200, 199)]:
        scores = rng.integers(0, 6, n).astype(np.float32)  # many ties, as BM25 gives equal passages
        assert _top(scores, k) == [int(i) for i in np.argsort(-scores, kind="stable")[:k]]
    assert _top(np.zeros(3, dtype=np.float32), 0) == []
