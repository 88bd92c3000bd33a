"""Chroma server mode against a real `chroma run` on loopback: the same answers as embedded, clear errors
for a wrong URL or collection, and a new collection filled from the cache for a release."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from assistant.engine import Engine
from assistant.settings import Settings, load_settings
from core import store, vectors
from core.errors import IndexMissing, UserError
from core.vectors import ChromaTarget
from ingest.indexer import Indexer
from tests.conftest import ROOT, chroma_env


def _gold(n: int) -> list[str]:
    rows = (ROOT / "evals" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(x)["question"] for x in rows if x.strip()][:n]


def test_server_mode_gives_the_embedded_mode_s_answers(engine: Any, corpus_index_server: tuple[Path, ChromaTarget],
                                                        embedder: Any) -> None:
    index, target = corpus_index_server
    served = Engine(Settings(index_dir=index, chroma_url=target.url, chroma_collection=target.collection), embedder)
    # HNSW is approximate and two separately built graphs can rank a few questions' neighbours differently;
    # where the retrieved passages are the same, the answer must be the same.
    same = 0
    for question in _gold(60):
        hits = [h.item.chunk.id for h in engine.retriever.search(question).hits]
        if [h.item.chunk.id for h in served.retriever.search(question).hits] != hits:
            continue
        same += 1
        assert served.ask(question).to_dict() == engine.ask(question).to_dict(), question
    assert same >= 50, same


def test_settings_read_the_server_from_env_and_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "policy.toml").write_text('chroma_url = "http://127.0.0.1:8000"\nchroma_collection = "prod_v2"\n')
    assert load_settings(tmp_path / "policy.toml").chroma == ChromaTarget("http://127.0.0.1:8000", "prod_v2")
    monkeypatch.setenv("POLICY_CHROMA_URL", "http://10.0.0.5:9000")
    assert load_settings(tmp_path / "policy.toml").chroma.url == "http://10.0.0.5:9000"
    assert load_settings(tmp_path / "none.toml").chroma.collection == vectors.COLLECTION


def test_a_wrong_collection_or_server_is_a_one_line_error(corpus_index_server: tuple[Path, ChromaTarget],
                                                          embedder: Any, chroma_server: str) -> None:
    index, target = corpus_index_server
    with pytest.raises(IndexMissing, match="no Chroma collection 'no_such_collection'"):
        Engine(Settings(index_dir=index, chroma_url=target.url, chroma_collection="no_such_collection"), embedder)
    # An empty collection while SQLite has chunks: the wrong collection, not an index to answer from BM25 alone.
    vectors.chroma_collection(index, ChromaTarget(chroma_server, "empty_one"))
    with pytest.raises(IndexMissing, match=r"is empty but the index has \d+ chunks"):
        Engine(Settings(index_dir=index, chroma_url=chroma_server, chroma_collection="empty_one"), embedder)
    with pytest.raises(UserError, match="not http"):
        vectors.chroma_client(index, ChromaTarget("chroma:8000"))
    for env, expected in [({"POLICY_CHROMA_URL": "http://127.0.0.1:9"}, "no Chroma server answers at http://127.0.0.1:9"),
                          ({"POLICY_CHROMA_URL": target.url, "POLICY_CHROMA_COLLECTION": "x"}, "Chroma collection 'x'")]:
        proc = subprocess.run([sys.executable, "-m", "assistant", "ask", "질문", "--index", str(index)], cwd=ROOT,
                              capture_output=True, text=True, timeout=300, env={**chroma_env(ChromaTarget()), **env})
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and expected in proc.stderr, proc.stderr


def test_a_new_collection_is_filled_from_the_cache(tmp_path: Path, small_corpus: Path, embedder: Any,
                                                   chroma_server: str) -> None:
    index = tmp_path / "index"
    first = ChromaTarget(chroma_server, "release_one")
    ix = Indexer(index, tmp_path, embedder, first)
    report = ix.ingest([small_corpus], progress=False)
    ix.close()
    assert report.texts_embedded > 0
    # The next release: same index directory, a new collection. Nothing is embedded; every vector is written.
    second = replace(first, collection="release_two")
    ix = Indexer(index, tmp_path, embedder, second)
    again = ix.ingest([small_corpus], progress=False)
    ix.close()
    assert again.texts_embedded == 0 and len(again.unchanged) == 3 and again.repaired == again.chunks_total
    ids = set(store.all_chunk_ids(store.connect(index)))
    for target in (first, second):
        assert set(vectors.chroma_collection(index, target, create=False).get(include=[])["ids"]) == ids
    engine = Engine(Settings(index_dir=index, chroma_url=chroma_server, chroma_collection="release_two"), embedder)
    assert engine.retriever.dense(engine.retriever.embed("GPU 확보"), 3)
