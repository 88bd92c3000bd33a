"""The engine every shell uses: load the index once, then answer questions."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from assistant.answer import Answer
from assistant.compose import Composer
from assistant.facts import FactBook
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

    def ask(self, question: str) -> Answer:
        """Answer one question with citations; never raises for an empty or odd question."""
        question = " ".join(question.split())
        if not question:
            return Answer(question, "질문을 입력해 주세요.", False, ())
        query = self.composer.analyse(question)
        hits = self.retriever.search(query.text, k=self.settings.top_k, candidates=self.settings.candidates)
        answer = self.composer.compose(question, hits, query)
        return self.writer.rewrite(answer) if self.writer else answer
