"""Draft replies to a citizen's letter (민원 답변 초안), built on an answer's parts.

Each part of the letter gets a short paragraph quoting the documents with [n]; a part they do not
answer gets a plain sentence saying so; the 참고 자료 list and the 문의처 footer come from the citations.
Nothing here writes a number, a name or a phone of its own: every one comes from a cited passage.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

from assistant.answer import Answer, Citation, Part
from core.patterns import LEADING_LINK, WRITTEN_PHONE
from core.records import Desk
from core.text import fold as _fold
from core.text import particle, polite

if TYPE_CHECKING:
    from assistant.engine import Engine
    from assistant.facts import FactBook
    from assistant.filters import Filters

GREETING = "안녕하십니까. 귀하께서 문의하신 내용에 대하여 공개된 정책 자료를 바탕으로 아래와 같이 답변드립니다."
CLOSING = "추가로 궁금하신 사항은 위 문의처로 연락하여 주시기 바랍니다. 감사합니다."
CLOSING_NO_DESK = "추가로 궁금하신 사항은 소관 부서로 문의하여 주시기 바랍니다. 감사합니다."
# The letter's own lead-in before what it asks ("뉴스에서 … 들었는데, ", "학부모인데요, "): not part of a label.
_LEAD_IN = re.compile(r"^.*?(?:는데요?|던데요?|지만|니까|어서|아서)\s*,\s*")
NO_ANSWER = "문의하신 ‘{label}’{particle} 현재 공개된 자료에서 확인되지 않습니다."
_DIGIT_WORD = re.compile(r"\S*\d\S*")
_MARKER = re.compile(r"\s*\[(\d+)\]")


@dataclass(frozen=True)
class Section:
    """One asking part of the letter and its paragraph (sentences with [n]) or the sentence saying it is not found."""

    label: str  # the part, as the letter asks it, without numbers
    text: str
    answered: bool


@dataclass(frozen=True)
class Contact:
    """The 문의처 line of one document: its desk as the document writes it, the document's date, its [n]."""

    desk: str  # "부서 직위 이름(전화), …", verbatim from the desk's rows
    date: str
    ref: int


@dataclass(frozen=True)
class Draft:
    """A reply ready to edit: greeting, a section per part, references, the desk to call, closing."""

    letter: str
    greeting: str
    sections: tuple[Section, ...]
    references: tuple[Citation, ...]
    contacts: tuple[Contact, ...]  # the desks of the documents relied on, first the answered parts'
    closing: str

    def body(self) -> str:
        """What the reply says (greeting, sections, contact, closing), without the reference list."""
        lines = [self.greeting, ""]
        for s in self.sections:
            lines += [f"□ {s.label}", s.text, ""]
        for c in self.contacts:
            lines.append(f"문의처: {c.desk} ({c.date} 자료 기준) [{c.ref}]")
        lines.append(self.closing)
        return "\n".join(lines)

    def reference_lines(self) -> list[str]:
        """One line per cited document passage: [n] title (date, page) — file name."""
        out = []
        for c in self.references:
            page = f", {c.page}쪽" if c.page else ""
            out.append(f"[{c.n}] {c.title} ({c.date}{page}) — {c.source.rsplit('/', 1)[-1]}")
        return out

    def text(self) -> str:
        """The whole draft as plain text (what .txt export and the editable box hold)."""
        refs = "\n".join(self.reference_lines())
        return f"{self.body()}\n\n참고 자료\n{refs}\n"

    def to_dict(self) -> dict[str, Any]:
        """The JSON of `draft --json`: the text, its sections and the citations behind it."""
        return {"letter": self.letter, "text": self.text(), "sections": [asdict(s) for s in self.sections],
                "citations": [asdict(c) for c in self.references],
                "contacts": [asdict(c) for c in self.contacts]}


def answer_letter(engine: Engine, letter: str, filters: Filters | None = None) -> Answer:
    """The engine's answer to a letter: each asking part answered on its own (assistant/message.py); with
    llm_mode generate, each part's paragraph is written in the register of a ministry's reply."""
    return engine.ask(letter, filters=filters, letter=True)



def _cited_order(text: str) -> list[int]:
    """The [n] of a text in the order they appear."""
    return [int(m) for m in _MARKER.findall(text)]


def _renumber(text: str, numbers: dict[int, int]) -> str:
    return _MARKER.sub(lambda m: f" [{numbers.get(int(m.group(1)), int(m.group(1)))}]", text)


def label_of(question: str, names: Collection[str], sourced: str = "") -> str:
    """The part as the letter asks it, without phones, people's names or numbers (those need a source: a
    number of the letter stays when its word is in `sourced`, the passages that answer the part)."""
    question = LEADING_LINK.sub("", question.strip())
    question = _LEAD_IN.sub("", question, count=1) or question
    kept = _norm(sourced)
    words = [w for w in question.split() if (not _DIGIT_WORD.fullmatch(w) or all(
                 _number_in(m, kept) for m in _NUMBER.finditer(_norm(w.strip("?？.!,")))))
             and not any(n in w for n in names if n)]
    label = " ".join(words).strip(" ?？.!")
    return label[:80] or "문의 사항"


def paragraph(text: str, source: Citation | None = None) -> str:
    """A part's answer as a reply's paragraph: introduced by the document it quotes ("「…」(2025-09-30)에
    따르면, "), each quoted sentence in the formal polite register (추진한다 -> 추진합니다), the first without
    the connective that pointed at a sentence the reply does not have."""
    lines = []
    for i, line in enumerate(text.split("\n")):
        m = re.search(r"(?:\s*\[\d+\])+\s*$", line)
        body, marks = (line[: m.start()], line[m.start() :]) if m else (line, "")
        if i == 0:
            body = LEADING_LINK.sub("", body)
        lines.append(polite(body) + marks)
    if source is not None and lines and "「" not in lines[0]:  # a section's or a desk's answer names its document
        lead = f"「{source.title}」({source.date})에 따르면"
        # a sentence reads on after the lead-in; a list item or a table row goes under it
        reads_on = re.match(r"[\w'‘’\"“(]", lines[0])
        lines = [f"{lead}, {lines[0]}", *lines[1:]] if reads_on else [f"{lead} 다음과 같습니다.", *lines]
    return "\n".join(lines)


def _desk_of(source: str, cited: list[Citation], facts: FactBook) -> tuple[Desk, Citation | None] | None:
    """The desk of a document: the one whose rows a citation quotes, else the first the document lists."""
    desks = facts.desks_of(source)
    for d in desks:
        for c in cited:
            if c.source == source and d.passage and d.passage in c.text:
                return d, c
    return (desks[0], None) if desks else None


def build_draft(answer: Answer, facts: FactBook, max_contacts: int = 2) -> Draft:
    """A reply draft from an answer's parts; the 문의처 footer names the desks of the documents relied on
    (those of answered parts first, then the desk a refusal pointed to)."""
    names = facts.names()
    sections = []
    for part in answer.parts or (Part(answer.question, answer.answer, answer.answerable, ()),):
        if part.answerable:
            sources = [c for c in answer.citations if c.n in part.citations]
            quoted = " ".join(c.text for c in sources)
            first = next((c for n in _cited_order(part.answer) for c in sources if c.n == n), None)
            sections.append(Section(label_of(part.question, names, quoted), paragraph(part.answer, first), True))
        else:
            label = label_of(part.question, names)
            sections.append(Section(label, NO_ANSWER.format(label=label, particle=particle(label, "은")), False))
    used = {n for s in sections if s.answered for n in _cited_order(s.text)}
    refs = [c for c in answer.citations if c.n in used]
    order = [c.source for c in refs] + [c.source for c in answer.citations]
    contacts: list[Contact] = []
    seen: set[str] = set()
    for source in dict.fromkeys(order):
        found = _desk_of(source, list(answer.citations), facts)
        if found is None or found[0].passage in seen or len(contacts) >= max_contacts:
            continue
        desk, cited = found
        seen.add(desk.passage)
        if cited is None or cited.n not in used:  # the desk's own rows join the references: its phone is sourced
            cited = Citation(max([c.n for c in answer.citations] + [c.n for c in refs] + [0]) + 1, desk.source,
                             desk.title, desk.date, desk.page, desk.passage, desk.passage)
            refs.append(cited)
        people = ", ".join(p.label() for p in desk.people[:2])
        contacts.append(Contact(f"{desk.unit} {people}".strip(), desk.date, cited.n))
    # The references numbered 1, 2, 3 … in the draft's own order (the answer's numbers have gaps once
    # refusals' citations are left out).
    new = {c.n: i for i, c in enumerate(refs, start=1)}
    sections = [replace(s, text=_renumber(s.text, new).strip()) if s.answered else s for s in sections]
    return Draft(answer.question, GREETING, tuple(sections), tuple(replace(c, n=new[c.n]) for c in refs),
                 tuple(replace(c, ref=new[c.ref]) for c in contacts), CLOSING if contacts else CLOSING_NO_DESK)

# A number with what it counts ("30만장", "1,141개교", "95%", "3월"): the unit must match too (5명 is not in 25명).
_NUMBER = re.compile(r"(?<![\d,.])(\d(?:[\d,.]*\d)?)(?:\s?[만천백억조])*\s?[가-힣%]?")


# The composer glosses a short date with its full form ('24.3.22.(2024년 3월 22일), '30년(2030년)): derived
# from the passage's own date, so a gloss that agrees with the short form before it is not a new number.
_GLOSS = re.compile(r"[’'‘](?P<yy>\d\d)(?:년|\.\s?(?P<m>\d{1,2})(?:\.\s?(?P<d>\d{1,2}))?\.?월?)?"
                    r"(?P<gloss>\((?P<Y>20\d\d)년(?: (?P<M>\d{1,2})월)?(?: (?P<D>\d{1,2})일)?\))")


def fold_spaced(text: str) -> str:
    """core.text.fold's normalisation, word by word (spaces kept: number boundaries matter here)."""
    return " ".join(_fold(w) for w in text.split())


def _number_in(m: re.Match[str], flat: str, years: Collection[int] = ()) -> bool:
    """A number (a _NUMBER match, with its unit) is in the normalised text as a whole number (8 is not in
    800만원), or is a year among `years` or written short there (2030 for '30)."""
    num, digits = m.group(0).strip(), m.group(1)
    glued = num.rsplit(" ", 1)[0] if re.search(r"\s[가-힣]$", num) else num  # "50억 지원": 지 starts a word
    if any(re.search(rf"(?<![\d,.]){_spaced(n, digits)}" + (r"(?![\d,.]*\d)" if n == digits else ""), flat)
           for n in dict.fromkeys((num, glued))):
        return True
    return bool(re.fullmatch(r"20\d\d", digits)) and (int(digits) in years or f"'{digits[2:]}" in flat)


def _spaced(num: str, digits: str) -> str:
    """A pattern of a number whose unit may be written with or without a space (50억원 = 50억 원)."""
    return re.escape(digits) + "".join(r"\s?" + re.escape(c) for c in num[len(digits):] if not c.isspace())


def _norm(text: str) -> str:
    """Matching form: NFKC, lower case, dashes and quotes unified, runs of whitespace as one space."""
    return " ".join(fold_spaced(text).split())


def _without_glosses(text: str) -> str:
    def keep(m: re.Match[str]) -> str:
        agrees = m["Y"][2:] == m["yy"] and m["M"] in (None, m["m"]) and m["D"] in (None, m["d"])
        return m.group(0)[: m.start("gloss") - m.start()] if agrees else m.group(0)

    return _GLOSS.sub(keep, text)


def unsourced(draft: Draft, names: Collection[str]) -> list[str]:
    """Numbers (with their unit), phones and people's names in the draft's body that no reference passage
    (or cited document's title) has.

    A year the composer wrote beside a relative one (올해(2025년)) counts as sourced when it is within a year
    of the cited document's date; a full date glossing a short one ('30년(2030년)) when the two agree."""
    body = _MARKER.sub("", draft.body())
    for c in draft.references:  # "(2026-03-09 자료 기준)": a cited document's own date
        body = body.replace(c.date, " ")
    body = _norm(_without_glosses(body))
    passages = " ".join([c.text for c in draft.references] + [c.title for c in draft.references])
    flat = _norm(passages)
    years = {int(c.date[:4]) + d for c in draft.references if c.date[:4].isdigit() for d in (-1, 0, 1)}
    bad = [p for p in WRITTEN_PHONE.findall(body) if p not in flat]
    bad += [m.group(0).strip() for m in _NUMBER.finditer(WRITTEN_PHONE.sub(" ", body)) if not _number_in(m, flat, years)]
    bad += [n for n in names if n and n in body and n not in passages]
    return bad
