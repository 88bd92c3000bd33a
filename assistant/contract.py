"""The ask contract at the command line: a `--jsonl` line answered (or an object whose "error" says why,
never an exception, so one bad line does not end an evaluator's run) and the readable rendering."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def answer_line(engine: Any, raw: bytes, filters: Any) -> dict[str, Any] | None:
    """One --jsonl line answered, or an object whose "error" says why not; None for a blank line. Never raises."""
    from assistant.inputs import BadInput, parse_line, shown

    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        return error_line(raw.decode("utf-8", "replace"), "UTF-8이 아닌 줄입니다. 질문을 UTF-8로 보내 주세요.")
    if not line.strip():
        return None
    try:
        question, history = parse_line(line)
    except BadInput as exc:
        return error_line(shown(line), str(exc))
    try:
        return dict(engine.ask(question, history=history, filters=filters).to_dict())
    except Exception as exc:  # one bad question must not end an evaluator's run
        log.error("failed to answer %r: %s: %s", shown(question), type(exc).__name__, exc,
                  exc_info=log.isEnabledFor(logging.DEBUG))
        return error_line(question, "처리 중 오류가 발생해 답하지 못했습니다.")


def error_line(question: str, message: str) -> dict[str, Any]:
    from assistant.inputs import shown

    return {"question": shown(question), "answer": message, "answerable": False, "citations": [], "error": message}


def render_text(answer: dict[str, Any]) -> str:
    """A readable answer with numbered sources for the terminal."""
    out = [answer["answer"], ""]
    if answer["citations"]:
        out.append("출처:")
    for c in answer["citations"]:
        page = f", {c['page']}쪽" if c["page"] else ""
        out.append(f"[{c['n']}] {c['title']} ({c['date']}{page}) — {c['source']}")
        out.append("    " + c["quote"].replace("\t", " · ").replace("\n", "\n    "))
    return "\n".join(out)
