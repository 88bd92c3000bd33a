"""Records that cross package lines: chunks as indexed, contact rows and desks, numeric targets.

One set for both sides: ingest writes these, the store persists them, the engine reads them back.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocMeta:
    """Bibliographic metadata of one document."""

    title: str
    date: str  # YYYY-MM-DD, or "" when unknown
    publisher: str = ""
    url: str = ""


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage: verbatim lines of one document, each with its page."""

    id: str
    source: str
    ordinal: int
    kind: str  # "text" | "table" | "contact"
    section: str  # heading of the section the chunk sits in ("" before the first heading)
    lines: tuple[str, ...]
    pages: tuple[int | None, ...]

    @property
    def text(self) -> str:
        """The passage as the document has it, one line per paragraph or table row."""
        return "\n".join(self.lines)

    @property
    def page(self) -> int | None:
        """The page the passage starts on."""
        return self.pages[0] if self.pages else None


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as read back from the index, with its document's metadata and search tokens."""

    chunk: Chunk
    title: str
    date: str
    tokens: tuple[str, ...]
    publisher: str = ""


@dataclass(frozen=True)
class Unit:
    """A sentence of a text chunk's line, or a row of a table: what an answer quotes."""

    chunk_id: str
    seq: int  # position in the chunk, in reading order
    line_no: int  # index of the chunk line it sits in
    kind: str  # "sentence" | "row"
    text: str  # verbatim, a substring of the line
    tokens: tuple[str, ...]  # BM25 tokens (content morphemes and joined noun runs)


@dataclass(frozen=True)
class Contact:
    """One person (or one phone line) of a 담당 부서 table or an entry's ☎ line."""

    chunk_id: str
    section: str  # the TF, section or entry the desk belongs to ("AI인재 TF", an entry title)
    office: str  # 실/국/관 or ministry written before the department
    department: str  # 과/팀
    position: str  # 책임자 | 담당자 | ""
    role: str  # 과장, 사무관 ... without inner spaces; "" for a bare ☎ line
    name: str  # "" for a bare ☎ line
    phone: str
    passage: str  # the verbatim rows of the desk this person belongs to
    page: int | None

    def label(self) -> str:
        """"과장 도우동(044-202-6114)", or "☎ 044-202-6772" for a line that names no one."""
        who = " ".join(x for x in (self.role, self.name) if x)
        return f"{who}({self.phone})" if who else f"☎ {self.phone}"


@dataclass(frozen=True)
class Desk:
    """A desk of one document: its unit, its people and the verbatim rows."""

    source: str
    title: str
    date: str
    chunk_id: str
    section: str
    office: str
    department: str
    people: tuple[Contact, ...]
    passage: str
    page: int | None

    @property
    def unit(self) -> str:
        """Office and department as one name, e.g. "소프트웨어정책관 소프트웨어정책과"."""
        return " ".join(p for p in (self.office, self.department) if p)

    def describe(self) -> str:
        """One line for an answer: unit, then each person as role name (phone), verbatim."""
        people = ", ".join(dict.fromkeys(p.label() for p in self.people))  # a phone listed twice, once
        label = f"[{self.section}] " if self.section else ""
        return f"{label}{self.unit}: {people}"


@dataclass(frozen=True)
class Target:
    """A planned quantity: subject, number with unit, deadline, and the sentence that states it."""

    chunk_id: str
    subject: str
    quantity: str
    deadline: str
    sentence: str
    page: int | None
    source: str = ""
    title: str = ""
    date: str = ""
