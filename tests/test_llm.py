"""The optional LLM path against a scripted local server that speaks the OpenAI chat protocol."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from assistant.engine import Engine
from assistant.settings import Settings


class _Script:
    replies: ClassVar[list[str]] = []
    requests: ClassVar[list[dict[str, Any]]] = []
    paths: ClassVar[list[str]] = []


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # the one endpoint a llama.cpp / vLLM server offers here
        _Script.paths.append(self.path)  # checked by the test: an assertion here would fail only this thread
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Script.requests.append(body)
        content = _Script.replies.pop(0)
        payload = json.dumps({"id": "x", "object": "chat.completion", "model": body["model"],
                              "choices": [{"index": 0, "finish_reason": "stop",
                                           "message": {"role": "assistant", "content": content}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def llm_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_grounded_llm_text_is_used_and_ungrounded_text_is_rejected(corpus_index: Path, embedder: Any,
                                                                   llm_url: str) -> None:
    engine = Engine(replace(Settings(index_dir=corpus_index), llm_url=llm_url, llm_model="test"), embedder)
    _Script.replies = [
        "정부는 2030년까지 GPU를 20만장 이상 확보할 계획입니다 [1].",
        "정부는 2030년까지 GPU를 30만장 확보할 계획입니다 [1].",  # a number no passage has
        "GPU를 많이 확보합니다.",  # no citation marker
    ]
    good = engine.ask("GPU는 언제까지 몇 장 확보하나요?")
    assert good.answer.startswith("정부는 2030년까지 GPU를 20만장 이상")
    assert _Script.paths == ["/v1/chat/completions"]
    assert _Script.requests[0]["model"] == "test"
    assert "20만장 이상" in _Script.requests[0]["messages"][1]["content"]
    bad = engine.ask("GPU는 언제까지 몇 장 확보하나요?")
    assert "30만장" not in bad.answer and "20만장 이상" in bad.answer
    unmarked = engine.ask("GPU는 언제까지 몇 장 확보하나요?")
    assert "[1]" in unmarked.answer


def test_unreachable_llm_keeps_the_extractive_answer(corpus_index: Path, embedder: Any) -> None:
    engine = Engine(replace(Settings(index_dir=corpus_index), llm_url="http://127.0.0.1:9", llm_timeout=2), embedder)
    answer = engine.ask("GPU는 언제까지 몇 장 확보하나요?")
    assert "20만장 이상" in answer.answer
