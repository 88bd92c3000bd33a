"""An answer does not depend on the process: two `ask --jsonl` runs with different string-hash seeds
(Python randomises set order per process) give the same JSON for every citizen's letter of the eval."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from core.vectors import ChromaTarget
from tests.conftest import ROOT, chroma_env

LETTERS = [json.loads(line)["question"] for line in
           (ROOT / "evals" / "blind" / "letters.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def _answers(index: Path, seed: str) -> list[dict[str, object]]:
    env = {**chroma_env(ChromaTarget()), "PYTHONHASHSEED": seed}
    lines = "".join(json.dumps({"question": q}, ensure_ascii=False) + "\n" for q in LETTERS)
    proc = subprocess.run([sys.executable, "-m", "assistant", "ask", "--jsonl", "--index", str(index)], input=lines,
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=900, check=True)
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_answers_do_not_depend_on_the_hash_seed(corpus_index: Path) -> None:
    first, second = _answers(corpus_index, "1"), _answers(corpus_index, "2")
    assert len(first) == len(LETTERS) > 40
    assert sum(1 for a in first if a["citations"]) > 20  # the letters are answered, not all refused
    for q, a, b in zip(LETTERS, first, second):
        assert a == b, q
