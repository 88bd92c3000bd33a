"""The scale benchmark's measured steps still run against the code they measure (they wrap its functions
by name, so a rename would otherwise surface only hours into `make bench-scale`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _probe(*args: str) -> dict:
    proc = subprocess.run([sys.executable, "-m", "evals.scale_probe", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_ingest_and_ask_steps_measure_every_stage(small_corpus: Path, corpus_index: Path,
                                                  tmp_path_factory: pytest.TempPathFactory) -> None:
    work = tmp_path_factory.mktemp("scale")
    for copy in ("r000", "r001"):  # the benchmark's corpus: the same files again under new names
        shutil.copytree(small_corpus, work / "corpus" / copy)
    index = work / "ix"
    ingest = _probe("ingest", "ours", "--corpus", str(work / "corpus"), "--index", str(index),
                    "--seed", str(corpus_index / "index.sqlite"))
    assert ingest["files"] == 6 and ingest["chunks"] > 0 and not ingest["skipped"]  # each copy indexed
    assert ingest["texts_embedded"] == 0  # every text's vector came from the seed's cache
    assert ingest["stages_s"]["bm25 build"] > 0 and ingest["stages_s"]["read (load, cut, tokens, facts)"] > 0
    ask = _probe("ask", "ours", "--index", str(index), "--limit", "2")
    assert ask["questions"] == 2 and len(ask["wall_ms"]) == 2 and ask["chunks"] == ingest["chunks"]
    assert {"bm25", "query embedding", "chroma query"} <= set(ask["stages_ms"])
