"""Contact routing: "who / which desk / which phone" goes to a desk of the documents, with its
other listings (the same department with other people in other documents) and their dates."""

from __future__ import annotations

import re

import numpy as np

from assistant.candidates import Candidate
from assistant.strategies.base import Citations, Env, Reply, Turn, mark
from core.lexicons import ministries
from core.patterns import ROLES
from core.records import Desk
from core.text import plain

# Words that ask for a contact: every desk has them, so they cannot tell desks apart.
CONTACT_WORDS = frozenset({"담당", "담당자", "연락처", "전화", "전화번호", "번호", "문의", "부서", "연락", "누구", "어디"})
ROUTING = re.compile(r"어디로|어디에\s*(?:문의|연락)|문의처|문의는|문의하|연락하|who (?:should|do) i (?:ask|contact)", re.I)
_ANY_PHONE = re.compile(r"(?<![\d-])(?:0\d{1,2}|1\d{3})-\d{3,4}(?:-\d{4})?(?![\d-])")  # 044-203-6364, 1566-0562
_INQUIRY = re.compile(r"문의|전화|콜센터|고객센터|상담|안내")
_UNLISTED = re.compile(r"이메일|e-?mail|메일\s*주소|팩스|fax", re.I)  # contact details no 담당 부서 table gives
# heads the other dated listings of the answered department (each line its document, date and people)
VERSIONS = "같은 부서가 다른 날짜의 문서에는 다른 담당자로 나옵니다"
_ROLE_RX = re.compile(rf"(?:{ROLES})(?!\S*[을를])")


def phone_in_text(turn: Turn, env: Env) -> Reply | None:
    """"고객센터 번호": a number given in the text (a help line, an agency's inquiry line), not in a
    담당 부서 table, when a sentence naming what is asked has one."""
    q = turn.q
    if "contact" not in q.intents or ROUTING.search(q.question):
        return None
    t = env.tuning
    lines = [c for c in turn.cands if _ANY_PHONE.search(c.text) and c.features["cover"] >= t.match_min
             and c.features["focus"] and c.features["anchor"] and turn.may_cite(c.source)]
    if not lines:
        return None
    best = max(lines, key=lambda c: c.features["cover"])
    return quote_reply("phone_in_text", [best])


def contact_answer(turn: Turn, env: Env) -> Reply | None:
    """Route a "who / which desk / which phone" question to a desk, with its other versions.

    A desk scores by the question words its own rows and label cover (department, TF, entry),
    then its document's title, then anywhere in its document, plus a prior for the retrieval rank
    of its document. Among equal desks the newest document wins; older and newer listings of the
    same department follow with their dates, never mixed in silently.
    """
    q = turn.q
    if "contact" not in q.intents:
        return None
    t = env.tuning
    doc_rank: dict[str, int] = {}
    for rank, hit in enumerate(turn.hits):
        doc_rank.setdefault(hit.item.chunk.source, rank)
    words = {w: v for w, v in q.weights.items() if w not in CONTACT_WORDS}
    index = env.desks
    if index is None or not index.desks:
        return None
    desks = index.desks
    cover = index.cover(q, words, t.desk_title_credit, t.desk_body_credit)
    prior = np.zeros(len(desks))
    for source, r in doc_rank.items():
        if source in index.of_source:
            prior[index.of_source[source]] = t.desk_rank_prior / (1 + r)
    named = np.array([bool(o) and _ministry_named(o, q.question) for o in index.offices])
    prior += named[index.office_of] * t.ministry_bonus  # "공동 보도자료에서 교육부 담당 부서는?"
    score = cover + prior
    # a part that follows another ("이 일을 담당하는 사무관 연락처도") gets the desk of the document the part
    # before it was answered from: a desk of any other document would be a wrong phone number
    scope = turn.relied if turn.follows and turn.relied else None
    citable = np.array([turn.may_cite(s) and (scope is None or s in scope) for s in index.sources])[index.source_of]
    # and, where that document lists a desk per section (a TF, an entry), the desk of the section it was
    # answered from ("⑤ AI 인재 TF" answered the target, so its desk is [AI인재 TF]'s, not another TF's)
    if scope is not None and turn.relied_sections:
        mine = np.array([citable[i] and _same_section(d.section, turn.relied_sections) for i, d in enumerate(desks)])
        if mine.any():
            citable = mine
    if not citable.any():
        if scope is not None:
            titles = ", ".join(f"「{env.corpus.items[env.corpus.by_source[s][0]].title}」" for s in sorted(scope)
                               if s in env.corpus.by_source)
            return Reply("routing", f"답변의 근거 문서({titles})에는 담당 부서와 연락처가 나오지 않습니다.", False, ())
        return None
    # the best: highest score to 3 decimals, then newest, then first listed
    near = [int(i) for i in np.flatnonzero(citable & (score >= score[citable].max() - 0.001))]
    top = max(round(float(score[i]), 3) for i in near)
    tied = [i for i in near if round(float(score[i]), 3) == top]
    newest = max(desks[i].date for i in tied)
    at = next(i for i in tied if desks[i].date == newest)
    at = _newest_listing(at, cover, citable, env, t.desk_tie)
    best, best_score = desks[at], float(score[at])
    if best_score < t.desk_min:
        return None
    # A document that lists a desk under each entry (a handbook) gives a desk only through the entry's own
    # words: its title and the rest of its text are about every other entry too.
    entries = len({desks[i].chunk_id for i in index.of_source[best.source]}) > 1
    if entries and not index.cover(q, words, 0.0, 0.0)[at] > 0:
        return None
    # A question naming a title the desk does not list ("심사위원장은 누구?") is not answered by it.
    asked = {re.sub(r"\s", "", m) for m in _ROLE_RX.findall(q.question)}
    if asked and not any(re.sub(r"\s", "", p.role) in asked for p in best.people):
        return None
    # "…문의는 어디로?" wants every desk the document lists (ministry and agency); "…과장은?" the best.
    routing = bool(ROUTING.search(q.question))
    # (every desk of its table: a handbook's desks under other entries are other topics' desks)
    chosen = [desks[i] for i in index.of_source[best.source] if citable[i] and (
              (routing and desks[i].chunk_id == best.chunk_id)
              or (score[i] >= best_score - t.desk_tie and not (entries and desks[i].chunk_id != best.chunk_id)))]
    cites = Citations()
    lines = [f"- {desk.describe()} {mark(cites.desk(desk))}" for desk in chosen]
    if routing:
        inquiry = _inquiry_line(turn, env, best.source, cites)
        if inquiry:
            lines.append(inquiry)
    listed = len(cites.items)
    notes: list[str] = []
    for desk in chosen:
        others = [o for o in env.facts.same_desk(desk) if o.source != desk.source and not _same_people(o, desk)
                  and turn.may_cite(o.source)]
        newer = [o for o in others if o.date > desk.date][:1]
        older = [o for o in others if o.date < desk.date][:1]
        for other, label in [(o, "더 최근 문서") for o in newer] + [(o, "이전 문서") for o in older]:
            if any(c.source == other.source for c in cites.items):
                continue
            n = cites.desk(other)
            people = ", ".join(p.label() for p in other.people)
            notes.append(f"- {label}({other.date}) 기준 {other.department}: {people} {mark(n)}")
    text = f"담당 부서 — 「{best.title}」({best.date}) 기준:\n" + "\n".join(lines)
    unlisted = _UNLISTED.search(q.question)
    if unlisted and not any(_UNLISTED.search(d.passage) or "@" in d.passage for d in chosen):
        text = f"제공된 문서에는 {unlisted.group(0)} 정보가 나오지 않습니다. 전화로 문의할 수 있는 " + text
        return Reply("routing", text, False, tuple(cites.items[:listed]))
    if notes:
        text += f"\n{VERSIONS}(날짜 확인 필요):\n" + "\n".join(notes)
    return Reply("routing", text, True, tuple(cites.items))


def _newest_listing(at: int, cover: np.ndarray, citable: np.ndarray, env: Env, tie: float) -> int:
    """The same department listed in a newer document, covering the question as well, is the one
    answered: which document retrieval ranks first must not choose between dated listings."""
    assert env.desks is not None
    desks, best = env.desks.desks, env.desks.desks[at]
    rivals = [i for i in env.desks.same_department(at) if citable[i] and desks[i].date > best.date
              and cover[i] >= cover[at] - tie]
    return max(rivals, key=lambda i: (desks[i].date, cover[i], -i)) if rivals else at


def _inquiry_line(turn: Turn, env: Env, source: str, cites: Citations) -> str:
    """An inquiry line in the text (an agency's 문의 안내, a help line): where citizens are sent too."""
    for i in env.corpus.by_source.get(source, ()):
        item = env.corpus.items[i]
        if item.chunk.kind == "contact":
            continue
        for line, page in zip(item.chunk.lines, item.chunk.pages):
            if _ANY_PHONE.search(line) and _INQUIRY.search(line):
                n = cites.chunk(item, page, item.chunk.text, line)
                return f"- 본문의 문의 안내: {line.strip()} {mark(n)}"
    return ""


def quote_reply(route: str, chosen: list[Candidate]) -> Reply:
    """Quote candidates verbatim, one line each with its citation."""
    from assistant.strategies.base import quoted

    cites = Citations()
    parts = []
    for c in chosen:
        passage = c.item.chunk.text if c.unit.kind == "sentence" else c.line
        n = cites.chunk(c.item, c.page, passage, c.text)
        parts.append(f"{quoted(c.text, c.item.date)} {mark(n)}")
    return Reply(route, "\n".join(parts), True, tuple(cites.items))


def _ministry_named(office: str, question: str) -> bool:
    """The desk's ministry (its office, when that is a ministry) is named in the question."""
    if not office.endswith(("부", "위원회", "처", "청")):
        return False
    flat = plain(question)
    return plain(office) in flat or any(alias in flat for alias in ministries().get(office, ()))


def _same_people(a: Desk, b: Desk) -> bool:
    return {p.name for p in a.people} == {p.name for p in b.people}


def _section_key(section: str) -> str:
    """A section's name without its numbering, brackets or spaces: "⑤ AI 인재 TF" and "[AI인재 TF]" meet."""
    return plain(re.sub(r"^\s*(?:[①-⑳]|\d{1,2}[.)]|[□■○◦▶-])\s*|[\[\]()<>〈〉]", "", section))


def _same_section(desk_section: str, sections: frozenset[str]) -> bool:
    """The desk's section is one of these text sections."""
    key = _section_key(desk_section) if desk_section else ""
    return bool(key) and any(_section_key(s) == key for s in sections)
