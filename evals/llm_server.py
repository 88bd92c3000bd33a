"""A scripted server on loopback that speaks the OpenAI chat-completions protocol: it stands in for an LLM
server (off this machine) in the tests and in `python -m evals.adversarial`. Each request takes the next
step of the script: a reply (streamed as server-sent events when the request asks for a stream), a stream
cut in the middle, an HTTP error or a stall; or, with `respond`, a reply made from the request."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Step:
    """One scripted answer: text, or a cut stream (cut=True), an HTTP status, or seconds to stall first."""

    text: str = ""
    cut: bool = False
    status: int = 200
    stall: float = 0.0
    pace: float = 0.0  # seconds between two streamed pieces


@dataclass
class Script:
    """The steps still to play, the reply function after them, and what was requested."""

    steps: list[Step] = field(default_factory=list)
    respond: Callable[[dict[str, Any]], str] | None = None  # a reply made from the request, when no step is left
    template: str = ""  # free for a reply function to read
    pace: float = 0.0  # seconds between two streamed pieces of a reply made by `respond`
    requests: list[dict[str, Any]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)

    def say(self, *texts: str) -> None:
        self.steps += [Step(t) for t in texts]


def user_prompt(request: dict[str, Any]) -> str:
    """The user message of a chat request."""
    return str(next(m["content"] for m in request["messages"] if m["role"] == "user"))


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            script.paths.append(self.path)  # checked by the tests: an assertion here would fail only this thread
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            script.requests.append(body)
            step = (script.steps.pop(0) if script.steps
                    else Step(script.respond(body) if script.respond else "", pace=script.pace))
            if step.stall:
                time.sleep(step.stall)
            if step.status != 200:
                self._send(step.status, b'{"error": {"message": "scripted failure"}}', "application/json")
                return
            if body.get("stream"):
                self._stream(body, step)
                return
            payload = {"id": "x", "object": "chat.completion", "model": body["model"],
                       "choices": [{"index": 0, "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": step.text}}]}
            self._send(200, json.dumps(payload, ensure_ascii=False).encode(), "application/json")

        def _stream(self, body: dict[str, Any], step: Step) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            pieces = [step.text[i : i + 7] for i in range(0, len(step.text), 7)]
            if step.cut:
                pieces = pieces[: max(1, len(pieces) // 2)]
            for piece in pieces:
                event = {"id": "x", "object": "chat.completion.chunk", "model": body["model"],
                         "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
                self.wfile.flush()
                time.sleep(step.pace)
            if step.cut:  # the connection closes with no finish_reason and no [DONE]
                return
            last = {"id": "x", "object": "chat.completion.chunk", "model": body["model"],
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
            self.wfile.write(f"data: {json.dumps(last)}\n\ndata: [DONE]\n\n".encode())

        def _send(self, status: int, payload: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def scripted(script: Script) -> Iterator[str]:
    """Serve the script on a free loopback port; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def passages(request: dict[str, Any]) -> dict[int, str]:
    """The numbered passages of a generate prompt: n -> its text (the line under "[n] title (date)")."""
    import re

    sources = user_prompt(request).split("출처:\n", 1)[-1]
    out: dict[int, str] = {}
    for block in re.split(r"\n\n(?=\[\d+\] )", sources):
        m = re.match(r"\[(\d+)\] [^\n]*\n(.*)", block, re.S)
        if m:
            out[int(m.group(1))] = m.group(2)
    return out
