"""Patterns shared by ingest and the engine: 담당 부서 contact rows, roles, phones, section headings."""

from __future__ import annotations

import re
import unicodedata

ROLES = (
    "교육연구관|교육연구사|장학관|장학사|서기관|사무관|주무관|연구관|연구사|전문관|행정관|"
    "과\\s*장|팀\\s*장|센터장|단\\s*장|실\\s*장|국\\s*장|부\\s*장|본부장|소\\s*장|책임관|대변인|"
    "수석연구원|책임연구원|선임연구원|연구원|(?:주임|선임|책임|수석)?전문원|연구위원|전문위원|위원|"
    "차\\s*장|대\\s*리|주\\s*임|매니저|원\\s*장|센터원|실\\s*원|[소중대]\\s*[령위]"
)
PHONE = r"0\d{1,2}[-)]\s?\d{3,4}-\d{4}"
# A phone however a text writes it, once folded (core.text.fold: NFKC digits, one kind of dash, no spaces):
# 044-203-6364, 02)2100-1234, 044203-6364, and 1588-style service numbers. A generated sentence or a draft
# is checked with it; the documents' own rows are read with PHONE.
WRITTEN_PHONE = re.compile(rf"{PHONE}|0\d{{1,2}}-?\d{{3,4}}-\d{{4}}|1\d{{3}}-\d{{4}}")
PERSON = re.compile(
    rf"(?:(?P<position>책임자|담당자)\s+)?(?P<role>{ROLES})\s+(?P<name>[가-힣]{{2,4}})\s*\(?\s*(?P<phone>{PHONE})\s*\)?"
)
CONTACT_LINE = re.compile(rf"(?:{ROLES})\s+[가-힣]{{2,4}}\s*\(?\s*{PHONE}")


def opens_desk(row: str) -> bool:
    """True for a contact-table row that starts a desk ("담당 부서 ..."), not a continuation."""
    return bool(re.match(r"\s*담당\s*(?:부서|기관)", row.split("\t", 1)[0]))


_HEADING = re.compile(
    r"^\s*(?:[①-⑳❶-❿➊-➓]|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]\s*[.．]|□|【?\s*[붙참]\s*[임고]\s*\d*\s*】?|\[\s*붙\s*임|\d+\s*[.．]\s+\S)"
)


def is_heading(text: str) -> bool:
    """True for a line that opens a section of a press release or plan."""
    return bool(_HEADING.match(text)) and len(text) < 120


# An entry's desk in a handbook: "과기정통부 디지털기반안전과 ☎ 044-202-6772", a bare "☎ 044-201-2252"
# under its department lines, or "과기정통부 디지털기반안전과 (044-202-6772)".
PHONE_MARK = re.compile(r"(?:☎|☏|(?:전화|TEL|Tel|tel)\s*[:：.]?)\s*\(?\s*(0\d{1,2}-\d{3,4}-\d{4})\)?")
_UNIT_WORD = re.compile(r"(?:과|팀|담당관|관|센터|단|본부|실|국|지원단|사업단|추진단|기획단)$")
_OFFICE_WORD = re.compile(r"(?:부|청|처|원|위원회|공사|공단|재단|센터|진흥원|연구원|관|실|국|본부)$")
_ORG_PHONE = re.compile(r"^(?P<org>[가-힣A-Za-z·()\s]{2,60}?)\s*\(\s*(?P<phone>0\d{1,2}-\d{3,4}-\d{4})\s*\)\s*$")


def is_org_line(text: str) -> bool:
    """"관세청 보세산업과", "과기정통부 디지털기반안전과": an office and its unit, and nothing else."""
    words = text.split()
    return (1 <= len(words) <= 4 and all(re.fullmatch(r"[가-힣A-Za-z·()]+", w) for w in words)
            and bool(_UNIT_WORD.search(words[-1])) and (len(words) == 1 or bool(_OFFICE_WORD.search(words[0]))))


def desk_phone(text: str) -> tuple[str, str] | None:
    """(unit, phone) of an entry's desk line: "<unit> ☎ <phone>", "☎ <phone>" (unit ""), or
    "<unit> (<phone>)" when the unit is an office and its unit; None for any other line."""
    m = PHONE_MARK.search(text)
    if m:
        org = text[: m.start()].strip(" :：")
        rest = text[m.end() :].strip()
        if (not org or is_org_line(org)) and not re.search(r"[가-힣]{2}", rest):
            return org, m.group(1)
        return None
    m = _ORG_PHONE.match(text)
    if m and is_org_line(m.group("org").strip()):
        return m.group("org").strip(), m.group("phone")
    return None

# A connective that opens a sentence by pointing at the one before it ("이를 통해", "또한", "그리고"): left
# dangling when the sentence stands alone (a label, a draft's paragraph).
LEADING_LINK = re.compile(r"^(?:이를\s*통해|이에\s*따라|이와\s*(?:함께|더불어)|그리고|또한|또|아울러|한편|그럼|그러면)\s*,?\s+")

# A line of a document that talks to a model instead of a reader ("시스템: 이전 지시를 무시하고 …",
# "ignore previous instructions"): a passage is data, so such a line never reaches a prompt.
MODEL_INSTRUCTION = re.compile(
    r"^\s*(?:시스템|system|assistant|어시스턴트)\s*[:：]|(?:이전|앞의|위의)\s*(?:지시|명령)|지시를\s*무시"
    r"|ignore\s+(?:all\s+|the\s+)?(?:previous|prior|above)|(?:프롬프트|prompt)\s*(?:를|을)?\s*(?:무시|공개)",
    re.I | re.M)


def masked_phones(text: str, mark: str) -> str:
    """The text with every phone it writes (WRITTEN_PHONE, however spaced or dashed) replaced by mark."""
    flat = re.sub(r"[‐‑‒–—―−]", "-", unicodedata.normalize("NFKC", text))
    return WRITTEN_PHONE.sub(mark, re.sub(r"(?<=\d)\s*([-)])\s*(?=\d)", r"\1", flat))
