"""Checks on what a user sends (a question, a letter, a history) before the engine sees it.

Every shell (CLI, --jsonl, the chat, the API) calls these, so bad input gets the same one-line
Korean message everywhere and never a traceback.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from core.errors import UserError
from core.text import particle

MAX_QUESTION = 2_000  # characters of a chat question
MAX_LETTER = 20_000  # characters of a citizen's letter (draft mode)
MAX_TURNS = 20  # earlier turns a follow-up is resolved against (older ones are dropped)
# C0 and C1 controls but tab and line breaks, zero-width and direction marks, bidi overrides, BOM
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # bytes that were not UTF-8, kept by surrogateescape
_WORD = re.compile(r"[0-9A-Za-z\u3131-\u318e\uac00-\ud7a3\u4e00-\u9fff]")


class BadInput(UserError):
    """A question, letter or history that cannot be answered; the message says why, in Korean."""


def clean_text(text: Any, limit: int = MAX_QUESTION, what: str = "질문") -> str:
    """text as NFC without control or direction-override characters; BadInput when empty, too long or wordless."""
    if not isinstance(text, str):
        raise BadInput(f"{what}{particle(what, '은')} 문자열이어야 합니다(받은 값: {_kind(text)}).")
    if _SURROGATE.search(text):
        raise BadInput(f"{what}에 UTF-8이 아닌 바이트가 있습니다. UTF-8 글자로 다시 입력해 주세요.")
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", text.replace("\r\n", "\n")))
    if not text.strip():
        raise BadInput(f"{what}{particle(what, '을')} 입력해 주세요.")
    if len(text) > limit:
        raise BadInput(f"{what}{particle(what, '이')} 너무 깁니다({len(text):,}자). {limit:,}자 이내로 줄여 주세요.")
    if not _WORD.search(text):
        raise BadInput(f"{what}에 글자나 숫자가 없습니다. 궁금한 내용을 글로 적어 주세요.")
    return text.strip()


def clean_question(text: Any) -> str:
    """A chat question on one line (runs of whitespace become one space)."""
    return " ".join(clean_text(text).split())


def clean_letter(text: Any) -> str:
    """A letter for the draft, its line breaks kept."""
    lines = [" ".join(line.split()) for line in clean_text(text, MAX_LETTER, "민원 내용").split("\n")]
    return "\n".join(lines).strip()


def clean_history(history: Any) -> list[dict[str, str]]:
    """A history as a list of {"role": "user"|"assistant", "content": str}; BadInput for any other shape."""
    if history is None or history == "":
        return []
    if not isinstance(history, list):
        raise BadInput('history는 [{"role": "user", "content": "…"}, …] 형태의 목록이어야 합니다.')
    out: list[dict[str, str]] = []
    for i, turn in enumerate(history):
        if not (isinstance(turn, dict) and turn.get("role") in ("user", "assistant")
                and isinstance(turn.get("content"), str)):
            raise BadInput(f'history의 {i + 1}번째 항목은 {{"role": "user" 또는 "assistant", "content": 문자열}}이어야 합니다.')
        content = " ".join(_CONTROL.sub(" ", _SURROGATE.sub("", turn["content"])).split())[:MAX_LETTER]
        out.append({"role": turn["role"], "content": content})
    return out[-MAX_TURNS:]


def parse_line(line: str) -> tuple[str, list[dict[str, str]]]:
    """One `ask --jsonl` line: plain text, a JSON string, or {"question": str, "history"?: [...]}."""
    text = line.strip().lstrip("\ufeff")
    try:
        value = json.loads(text)
    except ValueError as exc:
        if text.startswith("{"):
            raise BadInput(f"JSON 객체를 읽을 수 없습니다({exc.args[0] if exc.args else exc}). "
                           '{"question": "…"} 형태로 보내 주세요.') from None
        return clean_question(text), []  # plain text ("[교육부] 담당자는?" is a question, not JSON)
    if isinstance(value, str):
        return clean_question(value), []
    if not isinstance(value, dict):
        raise BadInput(f'각 줄은 질문 문장이거나 {{"question": "…"}} 형태의 JSON 객체여야 합니다(받은 값: {_kind(value)}).')
    if "question" not in value:
        raise BadInput('JSON 객체에 "question" 항목이 없습니다.')
    return clean_question(value["question"]), clean_history(value.get("history"))


def shown(text: str, limit: int = 200) -> str:
    """Text as echoed back in an error: control characters out, at most `limit` characters."""
    flat = " ".join(_SURROGATE.sub("\ufffd", _CONTROL.sub(" ", text)).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _kind(value: Any) -> str:
    names = {list: "배열", dict: "객체", str: "문자열", bool: "참/거짓", int: "숫자", float: "숫자", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def clean_dates(since: str, until: str) -> tuple[str, str]:
    """A date range as YYYY-MM-DD strings ("" leaves an end open); BadInput for other spellings or a reversed range."""
    import datetime as dt

    out = []
    for label, value in (("시작일", since), ("종료일", until)):
        value = (value or "").strip()
        if value:
            m = re.fullmatch(r"(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?", value)
            try:
                if not m:
                    raise ValueError(value)
                value = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
            except ValueError:
                shown = value[:20]
                raise BadInput(f"{label} '{shown}'{particle(shown, '은')} 올바른 날짜가 아닙니다. "
                               "YYYY-MM-DD 형식으로 적어 주세요(예: 2025-09-30).") from None
        out.append(value)
    if out[0] and out[1] and out[0] > out[1]:
        raise BadInput(f"시작일({out[0]})이 종료일({out[1]})보다 늦습니다.")
    return out[0], out[1]
