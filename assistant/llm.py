"""The on-premises LLM: a client of any OpenAI-compatible chat-completions server (vLLM, llama.cpp's
server, Ollama's /v1, TGI), in the plain protocol, streamed or not; and the `rephrase` mode on top of it.

`rephrase` only rewrites the extractive answer: its text is kept only when every number, phone
number and [n] marker in it is backed by the cited passages (and guard.drift finds it adds nothing
to the quotes). `generate` (assistant/generate.py) writes answers from the passages and checks each
sentence (assistant/grounding.py). A server that fails, times out or cuts its stream raises LLMError:
the caller keeps the extractive answer.
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

from assistant.answer import Answer
from assistant.grounding import unbacked_amounts

log = logging.getLogger(__name__)

MODES = ("off", "rephrase", "generate")
SYSTEM = (
    "당신은 과학기술정보통신부·교육부 정책 문서 도우미입니다. 아래 번호 붙은 출처 문단만 근거로 질문에 한국어로 "
    "간결하게 답하세요. 숫자·이름·전화번호·날짜는 출처에 적힌 그대로 쓰고, 각 문장 끝에 근거 출처 번호를 [1]처럼 "
    "붙이세요. 출처에 없는 내용은 쓰지 마세요."
)
# A number with the unit glued to it ("30만장", "95%", "2030년"): the unit must match too.
_MARKER = re.compile(r"\[(\d+)\]")


class LLMError(Exception):
    """The server could not give a whole answer: unreachable, an HTTP error, a timeout, a cut or malformed stream."""


class ChatClient:
    """POST /v1/chat/completions, with `stream` false or true (server-sent events)."""

    def __init__(self, url: str, model: str, key: str = "", timeout: float = 60.0, max_tokens: int = 600) -> None:
        base = url.rstrip("/")
        self.url = base if base.endswith("/chat/completions") else base.removesuffix("/v1") + "/v1/chat/completions"
        self.model = model
        self.key = key
        self.timeout = timeout
        self.max_tokens = max_tokens

    def complete(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> str:
        """The whole reply's text."""
        with self._open(messages, max_tokens, stream=False) as resp:
            try:
                return str(json.loads(resp.read())["choices"][0]["message"]["content"]).strip()
            except (KeyError, IndexError, TypeError, ValueError) as exc:
                raise LLMError(f"malformed reply from {self.url} ({type(exc).__name__})") from exc
            except (TimeoutError, OSError, http.client.HTTPException) as exc:  # a body cut short: IncompleteRead
                raise LLMError(f"{self.url}: {type(exc).__name__} {exc}") from exc

    def stream(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> Iterator[str]:
        """The reply's text as it comes, piece by piece. A stream that ends before the server says it is
        done (`[DONE]` or a finish_reason), a malformed event or the timeout (for the whole reply) raise."""
        deadline = time.monotonic() + self.timeout
        finished = False
        with self._open(messages, max_tokens, stream=True) as resp:
            try:
                for raw in resp:
                    if time.monotonic() > deadline:
                        raise LLMError(f"{self.url}: no whole reply within {self.timeout:g} s")
                    line = raw.decode("utf-8").strip()
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        finished = True
                        break
                    choice = json.loads(data)["choices"][0]
                    piece = (choice.get("delta") or {}).get("content") or ""
                    if piece:
                        yield piece
                    if choice.get("finish_reason"):
                        finished = True
            except (KeyError, IndexError, TypeError, ValueError, UnicodeDecodeError) as exc:
                raise LLMError(f"malformed stream from {self.url} ({type(exc).__name__})") from exc
            except (TimeoutError, OSError, http.client.HTTPException) as exc:  # a chunked stream cut: IncompleteRead
                raise LLMError(f"{self.url}: {type(exc).__name__} {exc}") from exc
        if not finished:
            raise LLMError(f"the stream from {self.url} stopped before its end")

    def _open(self, messages: list[dict[str, str]], max_tokens: int | None, stream: bool) -> Any:
        body = {"model": self.model, "temperature": 0, "max_tokens": max_tokens or self.max_tokens, "stream": stream,
                "messages": messages}
        headers = {"Content-Type": "application/json"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        req = urllib.request.Request(self.url, data=json.dumps(body).encode(), method="POST", headers=headers)
        try:
            return urllib.request.urlopen(req, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            raise LLMError(f"{self.url} answered HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as exc:
            raise LLMError(f"{self.url}: {getattr(exc, 'reason', exc)}") from exc


class LLMWriter:
    """The `rephrase` mode: a fluent version of the extractive answer, kept only when it is grounded."""

    def __init__(self, client: ChatClient) -> None:
        self.client = client

    def rewrite(self, answer: Answer) -> Answer:
        """A fluent version of an answerable answer, or the answer itself when it cannot be trusted."""
        if not answer.answerable or not answer.citations:
            return answer
        sources = "\n\n".join(f"[{c.n}] {c.title} ({c.date})\n{c.text}" for c in answer.citations)
        messages = [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"질문: {answer.question}\n\n출처:\n{sources}\n\n초안(인용문): {answer.answer}"},
        ]
        try:
            text = self.client.complete(messages)
        except LLMError as exc:
            log.warning("LLM failed (%s); keeping the extractive answer", exc)
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
    missing = unbacked_amounts(_MARKER.sub("", text), " ".join(c.text for c in answer.citations) + " " + answer.answer)
    return f"'{missing[0]}' is in no cited passage" if missing else ""
