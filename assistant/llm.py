"""Optional: an LLM on an OpenAI-compatible server (llama.cpp, vLLM …) rewrites the extractive answer.

The LLM only rephrases what the composer already found; its text is kept only when every
number, phone number and [n] marker in it is backed by the cited passages. Otherwise, or
when the server fails, the extractive answer stands. Off unless `llm_url` is set.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request

from assistant.answer import Answer
from core.text import fold

log = logging.getLogger(__name__)

SYSTEM = (
    "당신은 과학기술정보통신부·교육부 정책 문서 도우미입니다. 아래 번호 붙은 출처 문단만 근거로 질문에 한국어로 "
    "간결하게 답하세요. 숫자·이름·전화번호·날짜는 출처에 적힌 그대로 쓰고, 각 문장 끝에 근거 출처 번호를 [1]처럼 "
    "붙이세요. 출처에 없는 내용은 쓰지 마세요."
)
# A number with the unit glued to it ("30만장", "95%", "2030년"): the unit must match too.
_NUMBER = re.compile(r"\d(?:[\d,.\-]*\d)?(?:\s?[만천억조])?\s?[가-힣%]?")
_MARKER = re.compile(r"\[(\d+)\]")


class LLMWriter:
    """Client of /v1/chat/completions with a grounding check on what comes back."""

    def __init__(self, url: str, model: str, timeout: float) -> None:
        self.url = url.rstrip("/") + "/v1/chat/completions"
        self.model = model
        self.timeout = timeout

    def rewrite(self, answer: Answer) -> Answer:
        """A fluent version of an answerable answer, or the answer itself when it cannot be trusted."""
        if not answer.answerable or not answer.citations:
            return answer
        sources = "\n\n".join(f"[{c.n}] {c.title} ({c.date})\n{c.text}" for c in answer.citations)
        body = {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": f"질문: {answer.question}\n\n출처:\n{sources}\n\n초안(인용문): {answer.answer}"},
            ],
        }
        try:
            req = urllib.request.Request(self.url, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                text = json.loads(resp.read())["choices"][0]["message"]["content"].strip()
        except (urllib.error.URLError, TimeoutError, KeyError, IndexError, ValueError, OSError) as exc:
            log.warning("LLM at %s failed (%s); keeping the extractive answer", self.url, exc)
            return answer
        problem = ungrounded(text, answer)
        if problem:
            log.warning("LLM answer rejected: %s", problem)
            return answer
        return Answer(answer.question, text, True, answer.citations)


def ungrounded(text: str, answer: Answer) -> str:
    """Why text cannot stand in for answer ("" when it can): bad markers or unbacked numbers."""
    numbers = {c.n for c in answer.citations}
    markers = {int(m) for m in _MARKER.findall(text)}
    if not markers:
        return "no [n] citation markers"
    if not markers <= numbers:
        return f"markers {sorted(markers - numbers)} cite nothing"
    backing = fold(" ".join(c.text for c in answer.citations) + " " + answer.answer)
    bare = _MARKER.sub("", text)
    for num in _NUMBER.findall(bare):
        if fold(num) not in backing:
            return f"'{num}' is in no cited passage"
    return ""
