"""Read side of the facts layer: desks (contact groups) and targets from the SQLite store."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    """One row of a contact table."""

    position: str
    role: str
    name: str
    phone: str


@dataclass(frozen=True)
class Desk:
    """A desk of one document's 담당 부서 table: its unit, its people and the verbatim rows."""

    source: str
    title: str
    date: str
    chunk_id: str
    section: str
    office: str
    department: str
    people: tuple[Person, ...]
    passage: str
    page: int | None

    @property
    def unit(self) -> str:
        """Office and department as one name, e.g. "소프트웨어정책관 소프트웨어정책과"."""
        return " ".join(p for p in (self.office, self.department) if p)

    def describe(self) -> str:
        """One line for an answer: unit, then each person as role name (phone), verbatim."""
        people = ", ".join(f"{p.role} {p.name}({p.phone})" for p in self.people)
        label = f"[{self.section}] " if self.section else ""
        return f"{label}{self.unit}: {people}"


@dataclass(frozen=True)
class TargetFact:
    """A numeric target with the sentence it was read from."""

    source: str
    title: str
    date: str
    subject: str
    quantity: str
    deadline: str
    sentence: str
    page: int | None


class FactBook:
    """All desks and targets of the index, loaded once."""

    def __init__(self, db: sqlite3.Connection) -> None:
        rows = db.execute(
            "SELECT c.source, f.title, c.date, c.chunk_id, c.section, c.office, c.department, c.position, "
            "c.role, c.name, c.phone, c.passage, c.page FROM contacts c JOIN files f ON f.source = c.source "
            "ORDER BY c.date DESC, c.source, c.rowid"
        ).fetchall()
        grouped: dict[tuple[str, str], list[tuple]] = {}  # type: ignore[type-arg]
        for row in rows:
            grouped.setdefault((row[0], row[11]), []).append(row)
        desks: list[Desk] = []
        for (source, passage), group in grouped.items():
            first = group[0]
            people = tuple(Person(r[7], r[8], r[9], r[10]) for r in group)
            # The department of the desk's head (책임자) names the desk.
            dept = next((r[6] for r in group if r[7] == "책임자"), first[6])
            office = next((r[5] for r in group if r[7] == "책임자"), first[5])
            desks.append(
                Desk(source, first[1], first[2], first[3], first[4], office, dept, people, passage, first[12])
            )
        self.desks = desks
        self.targets = [
            TargetFact(*r)
            for r in db.execute(
                "SELECT t.source, f.title, t.date, t.subject, t.quantity, t.deadline, t.sentence, t.page "
                "FROM targets t JOIN files f ON f.source = t.source ORDER BY t.date DESC, t.source, t.rowid"
            )
        ]

    def desks_of(self, source: str) -> list[Desk]:
        """The desks a document lists, in table order."""
        return [d for d in self.desks if d.source == source]

    def by_phone(self, phone: str) -> list[tuple[Desk, Person]]:
        """Every listing of a phone number (digits compared), newest document first."""
        want = re.sub(r"\D", "", phone)
        return [(d, p) for d in self.desks for p in d.people if re.sub(r"\D", "", p.phone) == want]

    def by_name(self, name: str) -> list[tuple[Desk, Person]]:
        """Every listing of a person's name, newest document first."""
        return [(d, p) for d in self.desks for p in d.people if p.name == name]

    def names(self) -> set[str]:
        """Every person's name in the index."""
        return {p.name for d in self.desks for p in d.people}

    def same_desk(self, desk: Desk) -> list[Desk]:
        """Listings of the same department in every document, newest first (versions)."""
        return [d for d in self.desks if d.department and d.department == desk.department]


def fact_rows(book: FactBook, kind: str, query: str | None, db: sqlite3.Connection | None = None) -> list[dict]:  # type: ignore[type-arg]
    """Facts of one kind as plain dicts for `facts --json`, filtered by a text, newest first."""
    rows: list[dict] = []  # type: ignore[type-arg]
    if kind == "contacts":
        for d in book.desks:
            for p in d.people:
                rows.append({
                    "name": p.name, "role": p.role, "position": p.position, "department": d.department,
                    "office": d.office, "section": d.section, "phone": p.phone, "source": d.source,
                    "title": d.title, "date": d.date, "page": d.page, "passage": d.passage,
                })
    elif kind == "targets":
        for t in book.targets:
            rows.append({
                "subject": t.subject, "quantity": t.quantity, "deadline": t.deadline, "source": t.source,
                "title": t.title, "date": t.date, "page": t.page, "sentence": t.sentence,
            })
    elif kind == "dates" and db is not None:
        from assistant.dates import resolve

        for source, date, title, lines, pages in db.execute(
            "SELECT c.source, f.date, f.title, c.lines, c.pages FROM chunks c JOIN files f ON f.source = c.source "
            "ORDER BY f.date DESC, c.source, c.ordinal"
        ):
            for line, page in zip(json.loads(lines), json.loads(pages)):
                for m in resolve(line, date):
                    rows.append({"text": m.text, "resolved": m.resolved, "label": m.label, "source": source,
                                 "title": title, "date": date, "page": page, "sentence": line})
    if query:
        needle = re.sub(r"\s+", "", query).lower()
        rows = [r for r in rows if needle in re.sub(r"\s+", "", " ".join(str(v) for v in r.values())).lower()]
    return rows
