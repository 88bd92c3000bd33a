"""The answer records every shell (CLI, JSON, Gradio, evals) renders."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Citation:
    """A numbered source: the document, its date and page, and the passage quoted verbatim."""

    n: int
    source: str  # path relative to the repo root, e.g. "corpus/x.hwpx"
    title: str
    date: str  # YYYY-MM-DD
    page: int | None
    text: str  # the cited passage, verbatim from the document
    quote: str  # the part of text the answer uses (for highlighting); a substring of text


@dataclass(frozen=True)
class Part:
    """One asking part of a message (a letter asks up to several things) and its own answer."""

    question: str
    answer: str  # with [n] markers into the message's citations
    answerable: bool
    citations: tuple[int, ...]  # the n of every citation this part uses


@dataclass(frozen=True)
class Sentence:
    """A generated sentence and its check against the passages it cites (llm_mode generate)."""

    text: str  # with [n] markers into the message's citations; a dropped sentence is shown nowhere
    citations: tuple[int, ...]
    checked: bool  # it passed the check and is in the answer
    why: str = ""  # why it was dropped


@dataclass(frozen=True)
class Written:
    """A part's answer while the LLM writes it (llm_mode generate, streamed): the sentences complete so far,
    each with its check, and the text after them, not yet checked."""

    part: int  # the asking part of the message, from 0
    sentences: tuple[Sentence, ...]
    tail: str


@dataclass(frozen=True)
class Answer:
    """What the assistant says, whether the documents answer it, and the citations behind it."""

    question: str
    answer: str  # with [n] markers
    answerable: bool  # true when at least one part is answered
    citations: tuple[Citation, ...]
    parts: tuple[Part, ...] = ()
    resolved: str = ""  # the question as interpreted against the conversation, when it differs
    route: str = ""  # the strategy that answered (or refused), for -v and the logs
    trace: tuple[dict[str, Any], ...] = field(default=(), compare=False)  # top candidates' scores, for -v
    sentences: tuple[Sentence, ...] = ()  # generated sentences, each checked (llm_mode generate)
    notice: str = ""  # one line for the user: the LLM failed and the extractive answer stands

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON contract of `ask --json` (parts, resolved, sentences and notice are additive)."""
        out: dict[str, Any] = {
            "question": self.question,
            "answer": self.answer,
            "answerable": self.answerable,
            "citations": [asdict(c) for c in self.citations],
            "parts": [
                {"question": p.question, "answer": p.answer, "answerable": p.answerable, "citations": list(p.citations)}
                for p in self.parts
            ],
        }
        if self.resolved:
            out["resolved"] = self.resolved
        if self.sentences:
            out["sentences"] = [{"text": s.text, "citations": list(s.citations), "checked": s.checked, "why": s.why}
                                for s in self.sentences]
        if self.notice:
            out["notice"] = self.notice
        return out
