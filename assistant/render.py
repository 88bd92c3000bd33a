"""One answer for a whole message: each part's reply in order, citations numbered across parts
(a passage cited by two parts keeps one number), and a part the documents do not answer said so."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.answer import Answer, Citation, Part, Sentence
from assistant.strategies.base import Reply
from assistant.strategies.refusal import NOT_FOUND

PART_NOT_FOUND = "문의하신 이 내용은 제공된 문서에서 확인되지 않습니다."

_MARK = re.compile(r"⟦(\d+)⟧")


def render(message: str, replies: list[tuple[str, Reply]], resolved: str = "") -> Answer:
    """The message's answer; with several parts, each under its own question."""
    citations: list[Citation] = []
    texts: list[str] = []
    parts: list[Part] = []
    sentences: list[Sentence] = []
    several = len(replies) > 1
    for i, (question, reply) in enumerate(replies, start=1):
        numbers: dict[int, int] = {}
        for c in reply.citations:
            same = next((g for g in citations if g.source == c.source and g.text == c.text), None)
            if same is None:
                same = replace(c, n=len(citations) + 1)
                citations.append(same)
            numbers[c.n] = same.n
        text = _numbered(reply.text, numbers)
        sentences += [replace(s, text=_numbered(s.text, numbers), citations=tuple(numbers[n] for n in s.citations))
                      for s in reply.sentences]
        if several and reply.route == "refusal":
            text = text.replace(NOT_FOUND, PART_NOT_FOUND, 1)
        parts.append(Part(question, text, reply.answerable, tuple(dict.fromkeys(numbers.values()))))
        # parts are numbered, not quoted back: an echoed question would put its words and numbers
        # into the answer as if the documents said them
        texts.append(f"{'①②③④⑤'[i - 1]} {text}" if several else text)
    answerable = any(p.answerable for p in parts)
    route = "+".join(r.route for _, r in replies)
    return Answer(message, "\n\n".join(texts), answerable, tuple(citations), tuple(parts), resolved, route,
                  sentences=tuple(sentences))


def _numbered(text: str, numbers: dict[int, int]) -> str:
    """A reply's ⟦n⟧ markers as the message's [n]."""
    return _MARK.sub(lambda m: f"[{numbers[int(m.group(1))]}]", text)
