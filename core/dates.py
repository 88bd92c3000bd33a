"""Relative dates in a document (올해, 내년, 연내, '30년, 11월까지) resolved against its date."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class DateMention:
    """A relative or short date in text, with what it means given the document's date."""

    start: int
    end: int
    text: str
    resolved: str  # "2030", "2025-11", "2025-12-31" (by the end of the year) ...
    label: str  # what the answer shows in parentheses, e.g. "2025년"


_PATTERNS: list[tuple[str, str]] = [
    # ’26.4.29. / ’27.3. / ’26.7월 / (’26.12): dates with a two-digit year
    ("short_date", r"[’'‘`]\s?\d{2}\.\s?\d{1,2}(?:\.\s?\d{1,2}\.?|\.|\s?월|(?=\)))"),
    # '30년 / ’30년 / ‘27년: two-digit years with an apostrophe
    ("short_year", r"[’'‘`]\s?\d{2}\s?년"),
    ("this_year", r"올해|금년"),
    ("next_year", r"내년|명년"),
    ("last_year", r"작년|지난해"),  # not 전년: "전년 대비" compares with the surveyed year
    ("within_year", r"연내|年內|연말까지"),
    ("month_until", r"(?<![\d.])(\d{1,2})월\s?(?:말\s?)?까지"),
]
_RX = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in _PATTERNS))
_ABS_YEAR_NEAR = re.compile(r"(?:19|20)\d{2}\s*년")


def resolve(text: str, doc_date: str) -> list[DateMention]:
    """Every relative date mention in text; [] when the document has no date."""
    m_year = re.match(r"(\d{4})-(\d{2})", doc_date or "")
    if not m_year:
        return []
    year = int(m_year.group(1))
    out: list[DateMention] = []
    for m in _RX.finditer(text):
        kind = m.lastgroup
        s = m.group(0)
        if kind == "short_date":
            yy, month, *day = (int(x) for x in re.findall(r"\d+", s))
            if 1 <= month <= 12 and (not day or 1 <= day[0] <= 31):
                full = 2000 + yy if yy < 70 else 1900 + yy
                resolved = f"{full}-{month:02d}" + (f"-{day[0]:02d}" if day else "")
                label = f"{full}년 {month}월" + (f" {day[0]}일" if day else "")
                out.append(DateMention(m.start(), m.end(), s, resolved, label))
        elif kind == "short_year":
            yy = int(re.sub(r"\D", "", s))
            full = 2000 + yy if yy < 70 else 1900 + yy
            out.append(DateMention(m.start(), m.end(), s, str(full), f"{full}년"))
        elif kind == "this_year":
            out.append(DateMention(m.start(), m.end(), s, str(year), f"{year}년"))
        elif kind == "next_year":
            out.append(DateMention(m.start(), m.end(), s, str(year + 1), f"{year + 1}년"))
        elif kind == "last_year":
            out.append(DateMention(m.start(), m.end(), s, str(year - 1), f"{year - 1}년"))
        elif kind == "within_year":
            out.append(DateMention(m.start(), m.end(), s, f"{year}-12-31", f"{year}년 말까지"))
        elif kind == "month_until":
            month = int(re.sub(r"\D", "", s))
            if 1 <= month <= 12:
                # A month without a year is in the document's year (a document of December naming
                # "3월까지" means next March).
                doc_month = int(doc_date[5:7])
                y = year + 1 if month < doc_month - 6 else year
                out.append(DateMention(m.start(), m.end(), s, f"{y}-{month:02d}", f"{y}년 {month}월"))
    return out


def annotate(text: str, doc_date: str) -> str:
    """Insert the absolute date after each relative one: "올해" -> "올해(2025년)".

    A mention already followed by an absolute year ("올해 2026년") is left alone.
    """
    mentions = resolve(text, doc_date)
    if not mentions:
        return text
    parts: list[str] = []
    pos = 0
    for mention in mentions:
        after = text[mention.end : mention.end + 8]
        if _ABS_YEAR_NEAR.match(after.lstrip("(").lstrip()):
            continue
        parts.append(text[pos : mention.end])
        parts.append(f"({mention.label})")
        pos = mention.end
    parts.append(text[pos:])
    return "".join(parts)
