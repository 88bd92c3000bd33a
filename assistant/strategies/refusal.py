"""Refusal: the documents do not answer; name the desk of the most relevant document to ask."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.strategies.base import Citations, Env, Reply, Turn, mark
from assistant.strategies.routing import CONTACT_WORDS
from core.records import Desk
from core.text import plain, tokens

NOT_FOUND = "제공된 문서에서 이 질문에 대한 답을 찾지 못했습니다."
FITTED = Path(__file__).resolve().parent.parent / "data" / "refusal_desk.json"


def desk_bar() -> float:
    """The fitted confidence under which a refusal on its own names no desk (evals/refusal_desks.py --fit)."""
    return float(json.loads(FITTED.read_text(encoding="utf-8"))["bar"]) if FITTED.exists() else 0.0


def refuse(turn: Turn, env: Env) -> Reply:
    """"Not in the documents", with the desk of the document the answer relies on (a part that follows
    another, or beside parts that were answered), else of the best-ranked document, when it lists one."""
    if not turn.relied and turn.confidence < env.desk_bar:  # the best-ranked document is a guess: no phone from it
        return Reply("refusal", NOT_FOUND, False, ())
    ranked = [*turn.relied, *(h.item.chunk.source for h in turn.hits)]
    source = next((s for s in ranked if turn.may_cite(s)), None)
    desk = _desk(env.facts.desks_of(source), {h.item.chunk.id for h in turn.hits}, turn.q.text) if source else None
    if desk is None:
        return Reply("refusal", NOT_FOUND, False, ())
    cites = Citations()
    n = cites.desk(desk)
    where = f"가장 관련 있는 문서(「{desk.title}」, {desk.date})의 담당 부서에 문의해 보세요"
    text = f"{NOT_FOUND} {where}: {desk.describe()} {mark(n)}"
    return Reply("refusal", text, False, tuple(cites.items))


def _desk(desks: list[Desk], hit_chunks: set[str], question: str) -> Desk | None:
    """The document's desk for this question: the one under a retrieved passage (a handbook lists a desk
    under each entry), else the document's own table when it has one; never another entry's desk. In a
    table with a row per section ([총괄], [AI인재 TF] …), the row of the section the question names."""
    under = [d for d in desks if d.chunk_id in hit_chunks]
    if len({d.chunk_id for d in desks}) > 1:  # a desk under each entry: only an entry sharing a word of the question
        words = {w for w in tokens(question) if len(w) > 1 and w not in CONTACT_WORDS}
        under = [d for d in under if words & set(tokens(f"{d.section} {d.passage}"))]
    elif not under:
        under = desks
    asked = plain(question)
    named = [d for d in under if d.section and len(plain(d.section)) > 2 and plain(d.section) in asked]
    return max(named, key=lambda d: len(d.section)) if named else (under[0] if under else None)
