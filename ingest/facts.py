"""Facts extracted at ingest: contact people from 담당 부서 tables, numeric targets from sentences.

Every fact keeps the chunk it came from and the verbatim passage (table rows or sentence).
"""

from __future__ import annotations

import re

from core.dates import DateMention, resolve
from core.patterns import PERSON, ROLES, desk_phone, is_org_line, opens_desk
from core.records import Chunk, Contact, Target
from core.text import sentences

_UNIT_END = re.compile(r"(과|팀|담당관|센터|단|본부|실|연수원|TF|T/F|추진단|기획단)$")
_LABEL = re.compile(r"[(<＜〈]([^()<>＜＞〈〉]{1,40})[)>＞〉]")


def clean_label(label: str) -> str:
    """Repair extraction noise in TF labels: "FF" -> "TF", "_{혁신 TF}" -> "혁신 TF", "시 혁신" -> "AI 혁신"."""
    label = re.sub(r"[_{}]", " ", label)
    label = re.sub(r"\bFF\b", "TF", label)
    label = re.sub(r"(?<![A-Za-z])시(?=\s*혁신)", "AI", label)
    label = re.sub(r"·\s+", "·", label)
    return re.sub(r"\s+", " ", label).strip()


def _desks(chunk: Chunk) -> list[list[tuple[str, int | None]]]:
    """Cut a contact chunk into desks. A desk opens at "담당 부서/기관" or at a row that names
    its head (책임자), or a new unit in the first column, once the current desk has a person."""
    desks: list[list[tuple[str, int | None]]] = []
    has_person = False
    for line, page in zip(chunk.lines, chunk.pages):
        first = line.split("\t", 1)[0].strip() if "\t" in line else ""  # PDF rows have no cells
        person = bool(PERSON.search(_flat(line)))
        opens = opens_desk(line) or "책임자" in line or (bool(first) and not _LABEL.fullmatch(first))
        if not desks or (opens and has_person):
            desks.append([])
            has_person = False
        desks[-1].append((line, page))
        has_person = has_person or person
    return desks


def _flat(line: str) -> str:
    return re.sub(r"\s+", " ", line.replace("\t", " "))


def extract_contacts(chunks: list[Chunk]) -> list[Contact]:
    """People of every contact chunk, each with the department of the desk they sit at; an entry's
    desk lines ("<부처> <과> ☎ <전화>") give one contact per phone, under the entry's title."""
    out: list[Contact] = []
    for chunk in chunks:
        if chunk.kind != "contact":
            continue
        # an entry's desk lines carry no person; a 담당 부서 table whose row looks like one is still a table
        if any(desk_phone(line) for line in chunk.lines) and not any(PERSON.search(_flat(x)) for x in chunk.lines):
            out.extend(_entry_desks(chunk))
            continue
        for desk in _desks(chunk):
            passage = "\n".join(line for line, _ in desk)
            rows = []  # (match or None, page, org tokens of the row)
            for line, page in desk:
                flat = _flat(line)
                m = PERSON.search(flat)
                rows.append((m, page, _org_tokens(flat[: m.start()] if m else flat)))
            labels = [clean_label(x) for line, _ in desk for x in _LABEL.findall(_flat(line))
                      if re.search(r"[가-힣A-Za-z]", x)]  # not "(044-202-6320)"
            units = [u for _, _, toks in rows for u in toks if _UNIT_END.search(u)]
            offices = [u for _, _, toks in rows for u in toks if not _UNIT_END.search(u)]
            for i, (m, page, _toks) in enumerate(rows):
                if m is None:
                    continue
                # The unit on the person's own row, else the desk's most specific (last) unit:
                # "교육부 | 책임자 과장" over "학술연구정책과 | 담당자" heads 학술연구정책과.
                own = [u for u in rows[i][2] if _UNIT_END.search(u)]
                department = own[-1] if own else (units[-1] if units else "")
                out.append(
                    Contact(
                        chunk_id=chunk.id,
                        section=labels[0] if labels else "",
                        office=" ".join(dict.fromkeys(o for o in offices if o != department)),
                        department=department,
                        position=m.group("position") or "",
                        role=re.sub(r"\s+", "", m.group("role")),
                        name=m.group("name"),
                        phone=re.sub(r"[)\s]", "-", m.group("phone")).replace("--", "-"),
                        passage=passage,
                        page=page,
                    )
                )
    return out


def _entry_desks(chunk: Chunk) -> list[Contact]:
    """Desk lines of a handbook entry. "<unit> ☎ <phone>" is one desk; bare "☎ <phone>" lines take
    the department lines above them in order (two departments, then their two phones)."""
    passage = "\n".join(chunk.lines)
    pending: list[str] = []  # department lines still waiting for their phone
    out: list[Contact] = []
    for line, page in zip(chunk.lines, chunk.pages):
        found = desk_phone(line)
        if found is None:
            if is_org_line(line):
                pending.append(line)
            continue
        org, phone = found
        if not org and pending:
            org = pending.pop(0)
        words = org.split()
        department = words[-1] if words else ""
        office = " ".join(words[:-1])
        out.append(Contact(chunk.id, chunk.section, office, department, "", "", "", phone, passage, page))
    return out


def _org_tokens(prefix: str) -> list[str]:
    """Organisation names in the cells before a person: no labels, column headers or titles."""
    text = _LABEL.sub(" ", prefix)
    text = re.sub(r"(?:담당|수행|주관|운영|협력|전담)\s*(?:부서|기관)|책임자|담당자", " ", text)
    text = re.sub(rf"(?<!\S)(?:{ROLES})(?!\S)", " ", text)
    return [t for t in text.split() if re.search(r"[가-힣]", t) and t not in ("공동", "총괄")]


# --- numeric targets --------------------------------------------------------------------------

_QUANTITY = re.compile(
    r"(?<![\d.,])(?P<num>\d[\d,.]*\s?(?:만|천|백|억|조)?\s?(?:천)?)\s?"
    r"(?P<unit>%|명|개교|개소|개사|개국|개|장|건|억\s?원|조\s?원|만\s?원|원|대|종|곳|회|시간|과목|팀|배)"
    r"(?P<tail>\s?(?:이상|이하|내외|수준|규모|미만))?"
)
_PLAN = re.compile(r"(확보|양성|발굴|구축|달성|지원|추진|마련|도입|개발|선정|육성|목표|확대|보급|창출|운영|제공)")
_NOT_TARGET_UNIT = re.compile(r"^\d{1,2}\s?시간$")


def extract_targets(chunks: list[Chunk], doc_date: str) -> list[Target]:
    """Numeric targets stated in the prose of text chunks (not statistics tables)."""
    out: list[Target] = []
    for chunk in chunks:
        if chunk.kind != "text":
            continue
        for line, page in zip(chunk.lines, chunk.pages):
            for sent in sentences(line):
                if not _PLAN.search(sent) or not re.search(r"(한다|할 계획|할 예정|추진|목표|마련|나선다|도전)", sent):
                    continue
                deadlines = resolve(sent, doc_date)
                for m in _QUANTITY.finditer(sent):
                    quantity = m.group(0).strip()
                    if _NOT_TARGET_UNIT.match(quantity) or _is_date_part(sent, m):
                        continue
                    subject = _subject(sent, m)
                    deadline = _deadline(sent, deadlines, m.start())
                    out.append(Target(chunk.id, subject, quantity, deadline, sent, page))
    return out


def _is_date_part(sent: str, m: re.Match[str]) -> bool:
    after = sent[m.end() : m.end() + 2]
    return m.group("unit") in ("대",) and not re.match(r"\s?[가-힣A-Z]", after)


_WORD = re.compile(r"[\w·']+")
_NOT_SUBJECT = re.compile(r"^(\d|[’'‘]|까지$|이를$|위해$|통해$|위한$|또한$|이와$|함께$|및$|등$|대비$|이상$)")
# A word that ends in a particle or a modifier ending closes a noun phrase; particles are cut off.
_CLOSED = re.compile(r"(을|를|이|가|은|는|의|에|에서|로|으로|와|과|도|적인|하는|하고|된|한)$")
_PARTICLE = re.compile(r"(을|를|이|가|은|는|의|에|에서|로|으로|와|과|도)$")


def _subject(sent: str, m: re.Match[str]) -> str:
    """The noun phrase a quantity counts: "AI 유니콘 기업 10개", "10대 AI 서비스", "95% 이상 성능"."""
    words: list[str] = []
    if m.group("unit") in ("대", "종", "%"):
        for w in _WORD.findall(sent[m.end() :])[:3]:
            if _PARTICLE.sub("", w) in ("등", "및") or _NOT_SUBJECT.search(w):
                break
            words.append(_PARTICLE.sub("", w))
            if _CLOSED.search(w):
                break
        if words:
            return " ".join(x for x in words if x)
    for w in reversed(_WORD.findall(sent[: m.start()])):
        if _NOT_SUBJECT.search(w) and not words:
            continue  # "'30년까지 20만장": skip the date between the noun and its number
        if _NOT_SUBJECT.search(w) or (words and _CLOSED.search(w)) or len(words) == 3:
            break
        words.insert(0, _PARTICLE.sub("", w) if not words else w)
    return " ".join(x for x in words if x)


def _deadline(sent: str, mentions: list[DateMention], pos: int) -> str:
    """The date a quantity is due: a "…까지"/연내 mention nearest to it, else the nearest mention."""
    def due(m: DateMention) -> bool:
        return "까지" in m.text or m.resolved.endswith("-12-31") or sent[m.end : m.end + 2] == "까지"

    pool = [m for m in mentions if due(m)] or mentions
    if not pool:
        return ""
    return min(pool, key=lambda m: abs(m.start - pos)).resolved
