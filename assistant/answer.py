"""The answer records every shell (CLI, JSON, Gradio, evals) renders."""

from __future__ import annotations

from dataclasses import asdict, dataclass
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
class Answer:
    """What the assistant says, whether the documents answer it, and the citations behind it."""

    question: str
    answer: str  # with [n] markers
    answerable: bool
    citations: tuple[Citation, ...]

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON contract of `ask --json`."""
        return {
            "question": self.question,
            "answer": self.answer,
            "answerable": self.answerable,
            "citations": [asdict(c) for c in self.citations],
        }
