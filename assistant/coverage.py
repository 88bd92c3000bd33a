"""How much of a question a passage covers, and the checks a quote must pass to be about it.

One coverage(): a question's weighted words, each credited by the best layer that has it (the
quote itself, its passage's section and title, the rest of its document). Every strategy uses it
with its own layers.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from assistant.corpus import spellings
from assistant.question import (
    MONEY,
    PERCENT,
    RELATIVE_YEAR,
    RELATIVE_YEARS,
    YEAR,
    YEAR_TOKEN,
    Query,
    ordinals,
)
from core.lexicons import ministries
from core.patterns import is_heading
from core.records import StoredChunk
from core.text import plain

NAMED_CREDIT = 0.8  # a word of a quoted name, said by the passage's name rather than its sentence
CONTEXT_CREDIT = 0.6  # a word in the title or section heading
DOCUMENT_CREDIT = 0.3  # a word elsewhere in the document


@dataclass(frozen=True)
class Layer:
    """Where a word may be found, and the credit it earns there (1.0: in the quote itself)."""

    tokens: Collection[str]
    text: str = ""  # folded text searched for a word Kiwi cut differently (코어인재 vs 코어 인재)
    credit: float = 1.0

    def has(self, token: str) -> bool:
        """The token is one of the layer's tokens, or spelled inside its text."""
        return token in self.tokens or (len(token) > 1 and bool(self.text) and token in self.text)


def coverage(q: Query, layers: Sequence[Layer], words: Mapping[str, float] | None = None) -> float:
    """Share of the question's weight (its concepts, or the given words) found, each word credited by
    the best layer that has it; an English term's alternatives and a year's short form count."""
    words = q.concepts if words is None else words
    total = sum(words.values()) or 1.0
    got = 0.0
    for t, w in words.items():
        forms = (t, *q.alternatives.get(t, ()))
        best = 0.0
        for layer in layers:
            if layer.credit > best and (any(layer.has(f) for f in forms)
                                        or (YEAR_TOKEN.match(t) and bool(layer.text) and short_year(t, layer.text))):
                best = layer.credit
        got += w * best
    return got / total


def short_year(year: str, text: str) -> bool:
    """The folded text writes the year short: 2020 as '20 ('20년, ’20.3.) or 20년 ((20년말))."""
    return f"'{year[2:]}" in text or re.search(rf"(?<![\d.]){year[2:]}년", text) is not None


_FIELD = re.compile(r"^\s*[◦○ㅇ•·\-–*]?\s*\([^)]{1,12}\)")  # "◦ (일시/장소) …": a field of a block
_SUFFIX_UNITS = {"금": MONEY, "비": MONEY, "료": MONEY, "액": MONEY, "률": PERCENT, "율": PERCENT}


def is_field(text: str) -> bool:
    """"◦ (장소) 한국장학재단 …": a field line, which means what its block is about."""
    return bool(_FIELD.match(text))


def focus_met(q: Query, text: str, line: str, item: StoredChunk, row_context: Collection[str] = ()) -> bool:
    """The asked-about noun is in the quote's paragraph (or the row's table header), or said by
    the figure that answers ("446개 기관" for "기관은 몇 곳")."""
    if not q.focus:
        return True
    if q.counter is not None and any(set(m.group(0)) & set(q.focus) - set("0123456789,. ")
                                     for m in q.counter.finditer(text)):
        return True
    focus = q.focus[:-1] if q.focus.endswith("수") and len(q.focus) > 1 else q.focus  # 건수: 8.6만 건
    flat = plain(line)
    if focus in flat or focus in row_context:
        return True
    # "지원금" is "지원" with an amount of money, "참여율" "참여" with a percentage
    stem, suffix = focus[:-1], focus[-1:]
    if len(stem) > 1 and stem in flat and suffix in _SUFFIX_UNITS and _SUFFIX_UNITS[suffix].search(text):
        return True
    # a line under a heading that names it ("□ 개소식 개요"), or a field line of the block
    chunk = item.chunk
    return len(focus) > 1 and (focus in plain(chunk.section) or (is_field(text) and focus in plain(chunk.text)))


def names_present(q: Query, item: StoredChunk, passage: str) -> bool:
    """Every quoted name the question uses is in the passage, section or title, in some spelling."""
    spelled = spellings(f"{item.title} {item.chunk.section} {passage}")
    return all(any(form in t for form in forms for t in spelled) for forms in q.names)


def anchored(q: Query, item: StoredChunk, passage: str, context: Collection[str]) -> bool:
    """The passage, its section or its document's title names what the question is about: its
    anchor noun (a ministry by any of its names)."""
    if not q.anchor:
        return True
    text = plain(f"{item.title} {item.chunk.section} {passage}")
    full = next((plain(f) for f, aliases in ministries().items() if q.anchor in aliases), None)
    return q.anchor in context or q.anchor in text or (full is not None and full in text)


def other_ordinal(q: Query, item: StoredChunk, passage: str) -> bool:
    """"두 번째 회의" against a passage about the 첫 회의: another ordinal of the same kind."""
    if not q.ordinals:
        return False
    found = ordinals(f"{item.title} {item.chunk.section} {passage}")
    kinds = {kind for kind, _ in found}
    return any(kind in kinds and (kind, n) not in found for kind, n in q.ordinals)


def other_year(q: Query, item: StoredChunk, passage: str, line: str) -> bool:
    """A year the question names ("2027년 결과", "올해") that the quoted line, its passage or its
    document's title does not: the passage is about another time."""
    relative = [RELATIVE_YEARS[m] for m in RELATIVE_YEAR.findall(q.question)]
    if not q.years and not relative:
        return False
    text = plain(f"{item.title} {item.chunk.section} {passage}")
    named = {y or f"20{yy}" for y, yy in YEAR.findall(text)}
    flat_line = plain(line)
    line_years = {y or f"20{yy}" for y, yy in YEAR.findall(flat_line)}
    for offset in relative:
        if line_years and str(int(item.date[:4]) + offset) not in line_years:
            return True
    for y in q.years:
        if line_years and y not in line_years and not short_year(y, flat_line):
            return True
        if y in named or y in text or short_year(y, text):
            continue
        if named or y != item.date[:4]:
            return True
    return False


def defines(subject: str, text: str) -> bool:
    """The sentence opens with the subject and a topic particle: "인공지능(AI) 사이버안전센터는 …"."""
    head = re.sub(r"[「」｢｣『』‘’“”'\"]", "", plain(text))[:40]
    return any(f"{subject}{p}" in head for p in ("은", "는", "이란", "란", "이다", "이며"))


_ATTACHMENT = re.compile(r"^[【\[]?\s*(?:붙임|별첨|참고)\s*\d*\s*[】\]]?")
TOC = re.compile(r"[·…\.]{5,}|-\s?\d+\s?-$|^[<\[]\s*(?:그림|표)\s*\d")


def caption(line: str) -> bool:
    """A heading, a figure or table caption, a short label, or a run of table figures flattened
    into text: says what follows (or nothing readable), not what is so."""
    text = line.strip()
    chars = re.sub(r"\s", "", text)
    if chars and sum(ch.isdigit() for ch in chars) > 0.4 * len(chars):
        return True
    return (len(text) < 20 or is_heading(text) or bool(TOC.search(text)) or (text[:1] in "<[［" and text[-1:] in ">]］")
            or bool(_ATTACHMENT.match(text)))
