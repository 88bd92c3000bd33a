"""Gold cases and scorers: pure functions over the `ask --json` contract."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

from assistant.strategies.routing import VERSIONS
from core.errors import UserError
from core.text import fold

KINDS = ("target", "mission", "contact", "routing", "event", "temporal", "overview", "eligibility", "table",
         "crossdoc", "keyword", "noisy", "crosslingual", "multipart", "letter", "unanswerable")


@dataclass(frozen=True)
class Case:
    """One gold question."""

    id: str
    kind: str
    question: str
    answerable: bool
    facts: tuple[tuple[str, ...], ...]
    support: str
    source_hint: str
    page: int | None = None
    parts: tuple[Case, ...] = ()  # the asking parts of a letter or a several-part question


def _case(o: dict[str, Any], cid: str, kind: str) -> Case:
    parts = tuple(_case(p, f"{cid}.{i}", kind) for i, p in enumerate(o.get("parts") or (), start=1))
    return Case(cid, kind, o["question"], bool(o["answerable"]), tuple(tuple(g) for g in o["facts"]), o["support"],
                o["source_hint"], o.get("page"), parts)


def load_cases(paths: list[Path]) -> list[Case]:
    """Gold cases from JSONL files; a malformed line is an error naming the file and line."""
    cases: list[Case] = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"{path}: cannot read the gold file ({exc})") from exc
        for i, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                o = json.loads(line)
                cases.append(_case(o, o["id"], o["kind"]))
            except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
                raise UserError(f"{path}:{i}: not a gold case ({type(exc).__name__}: {exc})") from exc
    return cases


def fact_ok(case: Case, answer: dict[str, Any]) -> bool:
    """Every fact group has an alternative in the answer (whitespace and case ignored)."""
    text = fold(answer["answer"])
    return answer["answerable"] and all(any(fold(alt) in text for alt in group) for group in case.facts)


def citation_hit(case: Case, answer: dict[str, Any], root: Path) -> bool:
    """Some citation's passage contains the support string and its source file exists."""
    want = fold(case.support)
    return any(want in fold(c["text"]) and (root / c["source"]).is_file() for c in answer["citations"])


def citation_precision(case: Case, answer: dict[str, Any]) -> float | None:
    """Share of citations whose passage holds the support or one of the facts; None without citations."""
    cites = answer["citations"]
    if not cites:
        return None
    alts = [fold(case.support)] + [fold(a) for g in case.facts for a in g]
    good = sum(1 for c in cites if any(a and a in fold(c["text"]) for a in alts))
    return good / len(cites)


def quote_precision(case: Case, answer: dict[str, Any]) -> float:
    """Share of the answer's quoted lines (those with a [n]) that hold a fact of the case or lie in its
    support; 1.0 for a refusal. An answer that quotes no more than it needs scores 1."""
    lines = [fold(ln) for ln in answer["answer"].split("\n") if "[" in ln] if answer["answerable"] else []
    if not lines:
        return 1.0
    alts = [fold(a) for c in (case, *case.parts) for g in c.facts for a in g]
    support = [fold(c.support) for c in (case, *case.parts) if c.support]
    useful = [any(a and a in ln for a in alts) or any(ln[:30] in s or s in ln for s in support) for ln in lines]
    return sum(useful) / len(lines)


def parts_ok(case: Case, answer: dict[str, Any]) -> list[bool]:
    """Per asking part of the case: an answerable part's facts are all in the answer; an unanswerable
    part is one the answer does not answer (the answer's part that asks it is not answerable)."""
    text = fold(answer["answer"])
    ours = answer.get("parts") or []
    out = []
    for part in case.parts:
        if part.answerable:
            out.append(all(any(fold(a) in text for a in g) for g in part.facts))
        else:
            asked = fold(part.question)
            mine = [p for p in ours if fold(p["question"]) in asked or asked in fold(p["question"])]
            out.append(not any(p["answerable"] for p in mine) if mine else not answer["answerable"])
    return out


PHONE = re.compile(r"(?<![\d-])0\d{1,2}-\d{3,4}-\d{4}(?![\d-])")


def stray_phones(case: Case, answer: dict[str, Any], doc_text: Callable[[str], str]) -> list[str]:
    """Phones the answer shows that no document the question is about holds (its gold documents, the
    parts' included; for a question the documents do not answer, the related one): a desk from a document
    the answer should not rely on. doc_text(stem) is a document's folded text ("" if unknown)."""
    stems = {c.source_hint for c in (case, *case.parts) if c.source_hint}
    texts = [doc_text(s) for s in stems]
    # the answered department's listings in other, dated documents are the same desk, labelled as such
    shown = "\n\n".join(part.split(VERSIONS)[0] for part in answer["answer"].split("\n\n"))
    return [p for p in dict.fromkeys(PHONE.findall(shown)) if not any(fold(p) in t for t in texts)]


def page_ok(case: Case, answer: dict[str, Any]) -> bool | None:
    """The citation holding the support names the gold page; None when the source has no pages."""
    if case.page is None:
        return None
    want = fold(case.support)
    return any(want in fold(c["text"]) and c["page"] == case.page for c in answer["citations"])


@dataclass
class Tally:
    """Running scores for one system over a set of cases."""

    facts: list[bool] = field(default_factory=list)
    hits: list[bool] = field(default_factory=list)
    precision: list[float] = field(default_factory=list)
    refusals: list[bool] = field(default_factory=list)
    false_refusals: list[bool] = field(default_factory=list)
    pages: list[bool] = field(default_factory=list)
    parts: list[bool] = field(default_factory=list)
    complete: list[bool] = field(default_factory=list)
    stray: list[str] = field(default_factory=list)  # ids of answers with a phone of an unrelated document
    latency_ms: list[float] = field(default_factory=list)

    def add(self, case: Case, answer: dict[str, Any], root: Path, ms: float,
            doc_text: Callable[[str], str] | None = None) -> dict[str, Any]:
        """Score one answer; return its per-case record (doc_text: check its phones, see stray_phones)."""
        self.latency_ms.append(ms)
        rec: dict[str, Any] = {"id": case.id, "kind": case.kind}
        if doc_text is not None and case.source_hint:
            stray = stray_phones(case, answer, doc_text)
            if stray:
                rec["stray_phones"] = stray
                self.stray.append(case.id)
        if case.parts:
            got = parts_ok(case, answer)
            self.parts.extend(got)
            self.complete.append(all(got))
            rec["parts"] = got
        if not case.answerable:
            rec["refused"] = not answer["answerable"]
            self.refusals.append(rec["refused"])
            return rec
        rec["fact"] = fact_ok(case, answer)
        rec["hit"] = citation_hit(case, answer, root)
        rec["false_refusal"] = not answer["answerable"]
        self.facts.append(rec["fact"])
        self.hits.append(rec["hit"])
        self.false_refusals.append(rec["false_refusal"])
        p = citation_precision(case, answer)
        if p is not None:
            self.precision.append(p)
        pg = page_ok(case, answer)
        if pg is not None:
            self.pages.append(pg)
            rec["page"] = pg
        return rec

    def metrics(self) -> dict[str, float | int | None]:
        """Rates over the cases seen so far (None where no case applies)."""
        def rate(xs: list[bool] | list[float]) -> float | None:
            return round(sum(xs) / len(xs), 4) if xs else None

        lat = sorted(self.latency_ms)
        return {
            "n": len(self.latency_ms),
            "fact_accuracy": rate(self.facts),
            "citation_hit": rate(self.hits),
            "citation_precision": rate(self.precision),
            "refusal_accuracy": rate(self.refusals),
            "false_refusal_rate": rate(self.false_refusals),
            "page_accuracy": rate(self.pages),
            "part_accuracy": rate(self.parts),
            "complete_rate": rate(self.complete),
            "stray_phone_answers": len(self.stray),
            "latency_p50_ms": round(median(lat), 1) if lat else None,
            "latency_p95_ms": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 1) if lat else None,
        }
