"""Read side of the facts layer: desks (contact groups) and targets from the SQLite store."""

from __future__ import annotations

import re
import sqlite3

from core import store
from core.records import Contact, Desk, Target


class FactBook:
    """All desks and targets of the index, loaded once, with the look-ups a question makes indexed."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.desks: list[Desk] = store.load_desks(db)
        self.targets: list[Target] = store.load_targets(db)
        self._of_source: dict[str, list[Desk]] = {}
        self._of_department: dict[str, list[Desk]] = {}
        self._by_phone: dict[str, list[tuple[Desk, Contact]]] = {}
        self._by_name: dict[str, list[tuple[Desk, Contact]]] = {}
        for d in self.desks:
            self._of_source.setdefault(d.source, []).append(d)
            if d.department:
                self._of_department.setdefault(d.department, []).append(d)
            for p in d.people:
                self._by_phone.setdefault(re.sub(r"\D", "", p.phone), []).append((d, p))
                self._by_name.setdefault(p.name, []).append((d, p))
        self._names = frozenset(n for n in self._by_name if n)

    def desks_of(self, source: str) -> list[Desk]:
        """The desks a document lists, in table order."""
        return list(self._of_source.get(source, ()))

    def by_phone(self, phone: str) -> list[tuple[Desk, Contact]]:
        """Every listing of a phone number (digits compared), newest document first."""
        return list(self._by_phone.get(re.sub(r"\D", "", phone), ()))

    def by_name(self, name: str) -> list[tuple[Desk, Contact]]:
        """Every listing of a person's name, newest document first."""
        return list(self._by_name.get(name, ()))

    def names(self) -> frozenset[str]:
        """Every person's name in the index."""
        return self._names

    def same_desk(self, desk: Desk) -> list[Desk]:
        """Listings of the same department of the same organisation in every document, newest first
        (versions). Ministries share department names (기획재정담당관), so a listing counts only with the
        same office or a phone on the same exchange (044-203-…: one ministry's building)."""
        if not desk.department:
            return []
        own = _exchanges(desk)
        return [d for d in self._of_department.get(desk.department, ())
                if d is desk or (desk.office and d.office == desk.office) or own & _exchanges(d)]


def _exchanges(desk: Desk) -> set[str]:
    """The phone exchanges of a desk's people ("044-203"), the organisation a number belongs to."""
    return {m.group(0) for p in desk.people if (m := re.match(r"0\d{1,2}-\d{3,4}", p.phone))}


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
        from core.dates import resolve

        for source, date, title, line, page in store.iter_lines(db):
            for m in resolve(line, date):
                rows.append({"text": m.text, "resolved": m.resolved, "label": m.label, "source": source,
                             "title": title, "date": date, "page": page, "sentence": line})
    if query:
        needle = re.sub(r"\s+", "", query).lower()
        rows = [r for r in rows if needle in re.sub(r"\s+", "", " ".join(str(v) for v in r.values())).lower()]
    return rows
