"""Word lists as data (core/lexicon/*.tsv), each loaded once on first use.

- glossary.tsv: English terms and the Korean words the documents use (cross-lingual matching)
- slang.tsv: words citizens type and the words the documents use (고딩 -> 고등학생)
- counters.tsv: the counters a question asks with (몇 개교) and what a passage may answer with
- ministries.tsv: ministries and the short names questions use (과기정통부, 과기부)
- asking.tsv: words that ask or are polite, not what a question is about
- units.tsv: units a number carries (원, 배, 대 …), with the counters, for checking generated numbers
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_DIR = Path(__file__).with_name("lexicon")


def _rows(name: str) -> list[list[str]]:
    rows = []
    for line in (_DIR / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


@cache
def glossary() -> dict[str, str]:
    """English term (lower case) -> Korean words, space-separated."""
    return {r[0]: r[1] for r in _rows("glossary.tsv")}


@cache
def slang() -> dict[str, str]:
    """A citizen's word -> the documents' word."""
    return {r[0]: r[1] for r in _rows("slang.tsv")}


@cache
def counter_answers() -> dict[str, str]:
    """Counter -> a regular expression of the counters a passage may answer with (only where it differs)."""
    return {r[0]: r[1] for r in _rows("counters.tsv") if len(r) > 1 and r[1]}


@cache
def question_counters() -> frozenset[str]:
    """Counters that only ask for a number ("몇 곳"): not words of the question's topic."""
    return frozenset(r[0] for r in _rows("counters.tsv") if len(r) > 2 and r[2] == "1")


@cache
def ministries() -> dict[str, tuple[str, ...]]:
    """Ministry -> its short names (folded: lower case, no spaces)."""
    return {r[0]: tuple(r[1].split()) for r in _rows("ministries.tsv")}


@cache
def units() -> frozenset[str]:
    """Every unit and counter a number may carry (원, 명, 개, 개월, %, 년 …)."""
    return frozenset(r[0] for r in [*_rows("units.tsv"), *_rows("counters.tsv")] if r[0])


@cache
def asking() -> dict[str, str]:
    """A word of asking or courtesy (Kiwi's token form) -> its role: "ask" or "courtesy"."""
    return {r[0]: r[1] for r in _rows("asking.tsv")}
