"""The engine every shell uses: load the index once, then answer messages.

One trip per part of a message: analyse it once, retrieve once, score the candidates once, let
the first strategy that can answer do so; then render all parts as one answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.answer import Answer, Written
from assistant.compose import Composer
from assistant.corpus import Corpus
from assistant.deskindex import DeskIndex
from assistant.facts import FactBook
from assistant.filters import Filters
from assistant.followup import leans_back, resolve
from assistant.generate import Generator
from assistant.guard import drift
from assistant.llm import MODES, ChatClient, LLMWriter
from assistant.message import split_message
from assistant.question import Analyzer, Query
from assistant.ranker import Ranker
from assistant.ranker import load as load_ranker
from assistant.render import render
from assistant.retrieval import Hit, Retriever, fuse
from assistant.settings import Settings
from assistant.strategies.base import Env, Turn
from assistant.strategies.refusal import desk_bar
from assistant.strategies.routing import CONTACT_WORDS
from assistant.tuning import TUNING
from core import store
from core.embedder import E5Embedding
from core.errors import UserError
from core.lexicons import asking

log = logging.getLogger(__name__)
MAX_PARTS = 5  # a longer list of questions is answered in its first five


class Engine:
    """Corpus, retrieval, facts and the answer strategies over one index."""

    def __init__(self, settings: Settings, embedder: E5Embedding | None = None, ranker: Ranker | None = None) -> None:
        start = time.perf_counter()
        self.settings = settings
        index_dir = Path(settings.index_dir)
        self.db = db = store.connect(index_dir)
        self.corpus = Corpus(db, str(index_dir))
        self.embedder = embedder or E5Embedding()
        self.retriever = Retriever(self.corpus, index_dir, self.embedder, settings.chroma)
        self.facts = FactBook(db)
        self.analyzer = Analyzer(self.corpus)
        desks = DeskIndex(self.facts, self.corpus.doc_tokens)
        ranker = ranker or load_ranker(*([Path(settings.ranker)] if settings.ranker else []))
        self.composer = Composer(Env(self.corpus, self.facts, ranker, TUNING, desks, desk_bar()))
        self.writer: LLMWriter | None = None
        self.generator: Generator | None = None
        # One full question warms every lazy part (Kiwi's sentence model, Chroma's HNSW, BM25)
        # so the first user does not pay ~3 s for it.
        self.ask("준비 완료 질문")
        self._llm(settings)  # after the warm-up: it must not call the LLM
        log.info("engine ready in %.1f s (%d chunks)", time.perf_counter() - start, len(self.corpus.items))

    def _llm(self, settings: Settings) -> None:
        if settings.llm_mode not in MODES:
            raise UserError(f"setting llm_mode={settings.llm_mode!r} is not one of {', '.join(MODES)}")
        if settings.llm_mode == "off":
            return
        if not settings.llm_url:
            raise UserError(f"llm_mode={settings.llm_mode} needs llm_url (an OpenAI-compatible server)")
        client = ChatClient(settings.llm_url, settings.llm_model, settings.llm_key, settings.llm_timeout,
                            settings.llm_max_tokens)
        if settings.llm_mode == "rephrase":
            self.writer = LLMWriter(client)
        else:
            self.generator = Generator(client, self.composer.env)

    def read(self, question: str, history: list[dict[str, str]] | None = None,
             filters: Filters | None = None) -> Reading:
        """The message as the engine reads it, part by part: the follow-up resolved against the
        conversation, its asking parts, each part analysed (the earlier part's topic carried into a part
        without one, the letter's context as scope), retrieved (with and without that scope, fused),
        and its candidates featurised and scored. `ask`, the fit (evals/fit.py) and the scale probe
        all go through this one loop."""
        message = "\n".join(" ".join(line.split()) for line in question.splitlines() if line.strip())
        if not (message and history):
            return self._read(message, message, filters)
        # A follow-up ("그럼 담당자는?") is read against the conversation. A message with a topic of its own
        # stands alone, unless a document shares its topic with the previous turn's ("대교협 담당 팀장은?"):
        # then both readings are answered and the one the decision trusts more is kept (ties: as typed).
        strict = resolve(message, history, self.corpus.topic_idf)
        leaning = resolve(message, history, self.corpus.topic_idf, list(self.corpus.doc_tokens.values()))
        reading = self._read(message, strict, filters)
        if leaning != strict:
            other = self._read(message, leaning, filters)
            if _trust(other) > _trust(reading):
                return other
        return reading

    def _read(self, asked: str, message: str, filters: Filters | None) -> Reading:
        allowed = None
        allow = None
        if filters is not None and filters.active:
            allow = filters.allows
            allowed = {it.chunk.source for it in self.corpus.items if allow(it)}
        msg = split_message(message)
        scope = " ".join(msg.context)
        turns: list[Turn] = []
        previous: Query | None = None
        before: list[Hit] = []
        for part in msg.parts[:MAX_PARTS] if message else ():
            q = self.analyzer.analyse(part)
            own_topic = previous is None or (_has_topic(q) and not leans_back(part))
            if not own_topic:
                # "신청은 어디서 하나요?" after a question about 국가장학금: the earlier topic carries over
                q = self.analyzer.analyse(f"{_topic(previous)} {part}")  # type: ignore[arg-type]
            q = self.analyzer.with_scope(q, scope)
            retrieved = self.retriever.search(q.search_text, k=self.settings.top_k, candidates=self.settings.candidates,
                                              allow=allow)
            if q.scope:  # the letter's context narrows the search, but must not push out what the part alone finds
                alone = self.retriever.search(replace(q, scope="").search_text, k=self.settings.top_k,
                                              candidates=self.settings.candidates, allow=allow)
                retrieved = fuse(alone, retrieved, self.settings.top_k)
            turns.append(self.composer.turn(q, retrieved, allowed, part=part, follows=not own_topic,
                                            before=tuple(dict.fromkeys(h.item.chunk.source for h in before))))
            before = retrieved.hits
            previous = q
        return Reading(asked, message, tuple(turns))

    def answer(self, reading: Reading, trace: bool = False,
               on_stream: Callable[[Written], None] | None = None, letter: bool = False) -> Answer:
        """The reading's parts answered in order, rendered as one answer. A part that follows another
        ("이 일을 담당하는 사무관 연락처도") is answered from the documents the part before it relied on.
        With llm_mode generate, each part's answer is written by the LLM and checked (on_stream: its text
        as it streams, each sentence checked as it completes; letter: in the register of a draft reply)."""
        if not reading.message:
            return Answer(reading.asked, "질문을 입력해 주세요.", False, ())
        replies = self.composer.replies(list(reading.turns))
        notice = ""
        if self.generator is not None:
            parts = [t.part for t in reading.turns]
            for i, turn in enumerate(reading.turns):
                replies[i], failed = self.generator.reply(turn, replies[i], parts, on_stream, i, letter)
                notice = notice or failed
        answer = render(reading.message, [(t.part, r) for t, r in zip(reading.turns, replies)])
        if notice:
            answer = replace(answer, notice=notice)
        if trace:
            ranker = self.composer.env.ranker
            top = [{"part": t.part, "searched": t.q.search_text, "score": round(c.score, 3), "p": round(c.p, 3),
                    "confidence": round(t.confidence, 3), "text": c.text[:120], "source": c.source,
                    "features": dict(ranker.contributions(c))}
                   for t in reading.turns for c in t.cands[:5]]
            answer = replace(answer, trace=tuple(top))
        return answer

    def ask(self, question: str, history: list[dict[str, str]] | None = None, filters: Filters | None = None,
            trace: bool = False, on_stream: Callable[[Written], None] | None = None, letter: bool = False) -> Answer:
        """Answer one message with citations; never raises for an empty or odd question.

        history: earlier turns ({"role": "user"|"assistant", "content": ...}) a follow-up refers to.
        filters: only documents of this publisher and date range are searched and cited.
        trace: keep each part's top candidates with their scores and strongest features (`ask -v`).
        on_stream: with llm_mode generate, receives each part's text as it streams, its sentences checked.
        letter: the answer is for a draft reply to a citizen's letter (generate writes in a reply's register).
        """
        reading = self.read(question, history, filters)
        answer = self.answer(reading, trace, on_stream, letter)
        if self.writer and reading.message:  # the text only, and only if it adds nothing to the quotes
            written = self.writer.rewrite(answer).answer
            problem = drift(written, answer) if written != answer.answer else "unchanged"
            if not problem:
                answer = replace(answer, answer=written)
            elif problem != "unchanged":
                log.warning("LLM rewrite dropped: %s", problem)
        if reading.message != reading.asked:  # a follow-up: keep the message as typed, and say how it was read
            answer = replace(answer, question=reading.asked, resolved=reading.message)
        return answer


@dataclass(frozen=True)
class Reading:
    """A message as read: as typed, as resolved against the conversation, and one turn per asking part."""

    asked: str
    message: str
    turns: tuple[Turn, ...]


def _trust(reading: Reading) -> float:
    """How much the decision trusts a reading: the mean probability that its parts' best candidates answer."""
    return sum(t.confidence for t in reading.turns) / len(reading.turns) if reading.turns else 0.0


def _has_topic(q: Query) -> bool:
    """The part names what it is about: a quoted name, or a noun that is not a word of asking
    ("담당 부서는 어디인가요?" names none: it asks about the topic of the part before it)."""
    return bool(q.names) or any(t not in CONTACT_WORDS and t not in asking() for t in (q.anchor, q.focus) if t)


def _topic(q: Query) -> str:
    """The words an earlier part was about: its subject phrase, else its anchor and focus nouns."""
    return q.subject[0] if q.subject else " ".join(t for t in (q.anchor, q.focus) if t)
