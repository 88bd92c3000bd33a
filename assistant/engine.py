"""The engine every shell uses: load the index once, then answer questions."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path

from assistant.answer import Answer, Part
from assistant.compose import Composer
from assistant.facts import FactBook
from assistant.filters import Filters
from assistant.llm import LLMWriter
from assistant.retrieval import Retriever
from assistant.settings import Settings
from core.embedder import E5Embedding

log = logging.getLogger(__name__)


class Engine:
    """Retrieval, facts and the answer composer over one index."""

    def __init__(self, settings: Settings, embedder: E5Embedding | None = None) -> None:
        start = time.perf_counter()
        self.settings = settings
        self.retriever = Retriever(Path(settings.index_dir), embedder)
        self.facts = FactBook(self.retriever.db)
        self.composer = Composer(self.retriever, self.facts)
        self.writer = LLMWriter(settings.llm_url, settings.llm_model, settings.llm_timeout) if settings.llm_url else None
        # One full question warms every lazy part (Kiwi's sentence model, Chroma's HNSW, BM25)
        # so the first user does not pay ~3 s for it.
        self.composer.compose("준비", self.retriever.search("준비 완료 질문", k=2))
        log.info("engine ready in %.1f s (%d chunks)", time.perf_counter() - start, len(self.retriever.items))

    def ask(self, question: str, history: list[dict[str, str]] | None = None, filters: Filters | None = None) -> Answer:
        """Answer one message with citations; never raises for an empty or odd question.

        history: earlier turns ({"role": "user"|"assistant", "content": ...}) a follow-up refers to.
        filters: only documents of this publisher and date range are searched and cited.
        """
        question = " ".join(question.split())
        if not question:
            return Answer(question, "질문을 입력해 주세요.", False, ())
        allow = filters.allows if filters and filters.active else None
        query = self.composer.analyse(question)
        hits = self.retriever.search(query.text, k=self.settings.top_k, candidates=self.settings.candidates, allow=allow)
        answer = self.composer.compose(question, hits, query, allow=allow)
        answer = replace(answer, parts=(Part(question, answer.answer, answer.answerable,
                                              tuple(c.n for c in answer.citations)),))
        return self.writer.rewrite(answer) if self.writer else answer
