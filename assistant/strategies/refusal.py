"""Refusal: the documents do not answer; name the desk of the most relevant document to ask."""

from __future__ import annotations

from assistant.strategies.base import Citations, Env, Reply, Turn, mark

NOT_FOUND = "제공된 문서에서 이 질문에 대한 답을 찾지 못했습니다."


def refuse(turn: Turn, env: Env) -> Reply:
    """"Not in the documents", with the desk of the best-ranked document (when it lists one)."""
    # a part that follows another is about the document that part was answered from
    ranked = [*sorted(turn.relied), *(h.item.chunk.source for h in turn.hits)] if turn.follows else \
        [h.item.chunk.source for h in turn.hits]
    source = next((s for s in ranked if turn.may_cite(s)), None)
    desks = env.facts.desks_of(source) if source else []
    if not desks:
        return Reply("refusal", NOT_FOUND, False, ())
    desk = desks[0]
    cites = Citations()
    n = cites.desk(desk)
    where = f"가장 관련 있는 문서(「{desk.title}」, {desk.date})의 담당 부서에 문의해 보세요"
    text = f"{NOT_FOUND} {where}: {desk.describe()} {mark(n)}"
    return Reply("refusal", text, False, tuple(cites.items))
