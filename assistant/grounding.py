"""The check of a generated sentence against the passages it cites, before it is shown.

A sentence stands only when:
- it cites, and only passages it was given;
- every number, date and amount in it is one of theirs, compared as values with their units
  (3천명 = 3,000명, '30년 = 2030년, 20만 장 = 200,000장, 1조 5천억 원 = 1.5조 원);
- every URL and e-mail in it is theirs, and every department, office or ministry of the index it names;
- it names no phone and no person: contacts come from the facts layer, never from a model;
- its content words are covered by them, at least COVERAGE of them: a threshold fitted on labelled
  sentences (evals/grounding.py, data in evals/grounding/), never set by hand.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.lexicons import counter_answers, glossary, ministries, units
from core.patterns import ROLES, WRITTEN_PHONE
from core.text import analyse, fold, plain

FITTED = Path(__file__).with_name("data") / "grounding.json"
MARKER = re.compile(r"\s*\[(\d+)\]")
# a sentence ends at . ? ! after a word, not inside a dotted date or number ("~2028. 12.", "2025. 6. 11.")
_SENTENCE_END = re.compile(r"(?<=[^\d\s][.?!。])\s+|\n+")
_LINK = re.compile(r"https?://[^\s)\]]+|www\.[^\s)\]]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SMALL = {"십": 10, "백": 100, "천": 1000}
_BIG = {"만": 10**4, "억": 10**8, "조": 10**12}
# one group of an amount: a number, then 십/백/천, then 만/억/조 ("5천억"); an amount is one or more of them
_GROUP = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?[십백천]?[만억조]?|\d+(?:\.\d+)?[십백천]?[만억조]?"
_AMOUNT = r"(?<!\d)(?<!\d[.,])(?:'(?P<yy>\d{2})(?=년)|(?P<groups>(?:%s)+))(?:여|남짓)?(?P<unit>%s)?"
_ONE = re.compile(r"(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<small>[십백천]?)(?P<big>[만억조]?)")
# a dotted date (2025. 6. 11., '25.7.) read as 2025년6월11일 before numbers are compared
_DOTTED = re.compile(r"(?<![\d.])(\d{4}|'\d{2})\.(\d{1,2})\.(?:(\d{1,2})(?:\.|(?=\()|$))?")
_CONTENT = frozenset({"NNG", "NNP", "SL", "SH", "XR", "VV", "VA"})
# grammar and the register of an answer ("확보할 예정입니다" for "확보한다"): not claims a passage must hold
_NOT_CONTENT = frozenset({"있", "하", "되", "않", "없", "같", "이", "것", "수", "등", "및", "위하", "대하", "통하", "관련",
                          "예정", "계획"})


@dataclass(frozen=True)
class Verdict:
    """A sentence's check: whether it stands, why not, and the share of its words its passages cover."""

    checked: bool
    why: str
    coverage: float


@cache
def coverage_threshold() -> float:
    """The fitted share of a sentence's content words its passages must hold (assistant/data/grounding.json)."""
    return float(json.loads(FITTED.read_text(encoding="utf-8"))["coverage"])


def split_sentences(text: str) -> list[str]:
    """A generated answer's sentences, each with the [n] markers written after it ("… 합니다. [1]" keeps its [1])."""
    pieces = [p.strip() for p in _SENTENCE_END.split(text) if p.strip()]
    out: list[str] = []
    for piece in pieces:
        lead = re.match(r"(?:\s*\[\d+\])+", piece)
        if lead and out:  # markers the model put after the full stop belong to the sentence before
            out[-1] += lead.group(0)
            piece = piece[lead.end():].strip()
        if piece:
            out.append(piece)
    return out


def cited(sentence: str) -> tuple[int, ...]:
    """The [n] the sentence cites, in order."""
    return tuple(dict.fromkeys(int(n) for n in MARKER.findall(sentence)))


def bare(sentence: str) -> str:
    """The sentence without its markers."""
    return MARKER.sub("", sentence).strip()


def amounts(text: str, backing: bool = False) -> set[tuple[float, str]]:
    """Every number of text as (value, unit): 3천명 -> (3000, 명), '30년 -> (2030, 년), 1조5천억원 -> (1.5e12, 원),
    2025.6.11. -> (2025, 년), (6, 월), (11, 일). The unit is the counter or unit written after it, if any.
    backing: a passage's two-digit year ("(19년)", "18년말") is also that year of the 2000s."""
    out: set[tuple[float, str]] = set()
    for m in _amount().finditer(_DOTTED.sub(_dated, fold(text))):
        unit = m.group("unit") or ""
        if m.group("yy"):
            out.add((2000.0 + int(m.group("yy")), "년"))
            continue
        value = 0.0
        for g in _ONE.finditer(m.group("groups")):
            n = float(g.group("n").replace(",", ""))
            value += n * _SMALL.get(g.group("small"), 1) * _BIG.get(g.group("big"), 1)
        out.add((round(value, 6), unit))
        if backing and unit == "년" and value < 100 and value == int(value):
            out.add((2000.0 + value, "년"))
    return out


def _names(person: str, sentence: str) -> bool:
    """The sentence names the person: a name of three syllables or more anywhere, one of two (이훈) only
    before a role or an honorific, where it cannot be part of another word."""
    if len(person) > 2:
        return person in sentence
    return re.search(rf"{re.escape(person)}\s*(?:{ROLES}|님|씨)", sentence) is not None


@cache
def _amount() -> re.Pattern[str]:
    """An amount and the longest unit of the lexicon written after it (6개월, not 6개)."""
    written = "|".join(re.escape(u) for u in sorted(units(), key=len, reverse=True))
    return re.compile(_AMOUNT % (_GROUP, written))


def same_unit(a: str, b: str) -> bool:
    """Two units count the same: equal, or one is what a passage may answer the other with (곳 and 개소)."""
    answers = counter_answers()
    return a == b or any(x in answers and re.fullmatch(answers[x], y) is not None for x, y in ((a, b), (b, a)))


def unbacked_amounts(said: str, backing: str) -> list[str]:
    """The numbers of a sentence (with their unit) that its backing passages lack, in order of value. A number
    must be theirs with the same unit, or written bare there (a table's "6" for 6월); a bare one, any of theirs."""
    theirs = amounts(backing, backing=True)
    return [f"{v:g}{u}" for v, u in sorted(amounts(said))
            if not any(v == w and (same_unit(u, t) or not t or not u) for w, t in theirs)]


def _dated(m: re.Match[str]) -> str:
    year = m.group(1) if len(m.group(1)) == 4 else "20" + m.group(1)[1:]
    return f"{year}년{m.group(2)}월" + (f"{m.group(3)}일" if m.group(3) else "")


def content_words(text: str) -> list[str]:
    """The sentence's content morphemes (nouns, verb and adjective stems, foreign words), lower case."""
    return [t.form.lower() for t in analyse(text)
            if t.tag in _CONTENT and t.form not in _NOT_CONTENT and not t.form.isdigit()]


def covered(sentence: str, backing: str) -> float:
    """The share of the sentence's content words found in the backing passages (1.0 for none). The passages
    count with the other names of what they name (AI for 인공지능, 과기정통부 for 과학기술정보통신부)."""
    return _share(content_words(sentence), backing)


def _share(words: list[str], backing: str) -> float:
    if not words:
        return 1.0
    text = plain(backing)
    text += "".join(plain(" ".join(group)) for group in _aliases() if any(plain(a) in text for a in group))
    return sum(plain(w) in text for w in words) / len(words)


@cache
def _aliases() -> tuple[tuple[str, ...], ...]:
    """Groups of names for one thing: a ministry and its short names; an English term and the Korean words
    the documents use for it (one group when it has several)."""
    groups = [(full, *short) for full, short in ministries().items()]
    groups += [tuple(korean.split()) for korean in glossary().values() if len(korean.split()) > 1]
    return tuple(groups)


def check(sentence: str, passages: dict[int, str], organisations: frozenset[str], people: frozenset[str],
          threshold: float | None = None) -> Verdict:
    """Whether the sentence (with its [n] markers) stands on the passages it cites (n -> passage text)."""
    numbers = cited(sentence)
    said = bare(sentence)
    if not numbers:
        return Verdict(False, "cites no passage", 0.0)
    unknown = [n for n in numbers if n not in passages]
    if unknown:
        return Verdict(False, f"cites [{unknown[0]}], which it was not given", 0.0)
    backing = "\n".join(passages[n] for n in numbers)
    folded = fold(backing)
    words = content_words(said)
    share = _share(words, backing)
    if not words:
        return Verdict(False, "says nothing of its own", 0.0)
    phone = WRITTEN_PHONE.search(fold(said))
    if phone:
        return Verdict(False, f"names the phone {phone.group(0)}: contacts come from the facts layer", share)
    person = next((p for p in people if _names(p, said)), "")
    if person:
        return Verdict(False, f"names the person {person}: contacts come from the facts layer", share)
    missing = unbacked_amounts(said, backing)
    if missing:
        return Verdict(False, f"the number {missing[0]} is in no passage it cites", share)
    link = next((x for x in _LINK.findall(said) if fold(x) not in folded), "")
    if link:
        return Verdict(False, f"{link} is in no passage it cites", share)
    org = next((o for o in organisations if o in said and fold(o) not in folded), "")
    if org:
        return Verdict(False, f"{org} is in no passage it cites", share)
    limit = coverage_threshold() if threshold is None else threshold
    if share < limit:
        return Verdict(False, f"its passages hold {share:.0%} of its words (needs {limit:.0%})", share)
    return Verdict(True, "", share)
