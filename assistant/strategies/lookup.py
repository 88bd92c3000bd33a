"""Reverse look-up: a phone number or a person's name in the question, answered with every listing."""

from __future__ import annotations

import re

from assistant.strategies.base import Citations, Env, Reply, Turn, mark
from core.patterns import ROLES
from core.text import particle, plain

_PHONE = re.compile(r"0\d{1,2}-\d{3,4}-\d{4}")
# "김철수 과장", "이영호 사무관님": a person asked for by name and title
_NAMED_ROLE = re.compile(rf"(?<![가-힣])([가-힣]{{2,4}})\s*({ROLES})(?:님)?(?![가-힣])")
_UNIT_END = re.compile(r"(?:과|관|팀|부|실|단|국|처|원|청|회|터|소|장|담당|위원회|센터|기관|학교|대학)$")


def reverse_lookup(turn: Turn, env: Env) -> Reply | None:
    """Who has this phone number / where does this person sit, newest document first. A person
    no document names gets no number at all (never another person's)."""
    question = turn.q.question
    phone = _PHONE.search(question.replace(" ", ""))
    if phone:
        found = env.facts.by_phone(phone.group(0))
    else:
        names = [n for n in env.facts.names() if len(n) >= 3 and n in question]
        found = [x for n in sorted(names) for x in env.facts.by_name(n)]
    found = [(d, p) for d, p in found if turn.may_cite(d.source)]
    if not found:
        asked = _NAMED_ROLE.search(question)
        if asked and not _UNIT_END.search(asked.group(1)) and plain(asked.group(1)) not in env.corpus.corpus_text:
            who = f"{asked.group(1)} {asked.group(2)}"
            text = f"제공된 문서에 '{who}'{particle(who, '은')} 나오지 않습니다. 이름이나 부서명을 확인해 주세요."
            return Reply("lookup", text, False, ())
        return None
    cites = Citations()
    lines = []
    for desk, person in found:
        n = cites.desk(desk, person)
        lines.append(f"- {desk.date} {desk.title}: {desk.unit} {person.label()} {mark(n)}")
    head = "문서에 나온 담당자 정보입니다 (최신 문서부터):" if len(found) > 1 else "문서에 나온 담당자 정보입니다:"
    return Reply("lookup", head + "\n" + "\n".join(lines), True, tuple(cites.items))
