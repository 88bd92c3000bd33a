"""Patterns shared by ingest and the engine: 담당 부서 contact rows, roles, phones, section headings."""

from __future__ import annotations

import re

ROLES = (
    "교육연구관|교육연구사|장학관|장학사|서기관|사무관|주무관|연구관|연구사|전문관|행정관|"
    "과\\s*장|팀\\s*장|센터장|단\\s*장|실\\s*장|국\\s*장|부\\s*장|본부장|소\\s*장|책임관|대변인|"
    "수석연구원|책임연구원|선임연구원|연구원|(?:주임|선임|책임|수석)?전문원|연구위원|전문위원|위원|"
    "차\\s*장|대\\s*리|주\\s*임|매니저|원\\s*장|센터원|실\\s*원|[소중대]\\s*[령위]"
)
PHONE = r"0\d{1,2}[-)]\s?\d{3,4}-\d{4}"
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
