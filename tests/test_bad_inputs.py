"""Issue #10, bad inputs: every SYNTHETIC kind of tests/badinputs.py through the real CLI, into a real
index (real Chroma, BM25 and SQLite in a temp dir, the real embedder, a real corpus document).

For each kind the user sees a one-line reason naming the file (or a manifest warning), the exit code
says whether the run failed, and the index holds exactly what it held (or that plus the file that was
read correctly) and gives the same answer to a real question as before.

`make test` runs each kind through `assistant.cli.main` in this process (the two permission kinds in
a new process without root's override); `make reliability` runs each through `python -m assistant
ingest` in a new process, reads a 200 MB PDF with the size limit raised, and writes the README table.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ingest.indexer import Indexer
from tests.badfiles import BASE_DOC, QUESTION, write_pdf
from tests.badinputs import KINDS, Kind, base_corpus
from tests.badrun import Run, prepare, run_in_process, run_subprocess, verify
from tests.conftest import ROOT
from tests.indexcheck import copy_vector_cache, disagreements, snapshot


@dataclass(frozen=True)
class Base:
    """The index every kind starts from: one real document, its snapshot and its answer to QUESTION."""

    dir: Path
    snap: dict[str, Any]
    answer: dict[str, Any]


def _answer(index: Path, embedder: Any) -> dict[str, Any]:
    from assistant.engine import Engine
    from assistant.settings import Settings

    out = Engine(Settings(index_dir=index), embedder).ask(QUESTION).to_dict()
    return {"answer": out["answer"], "citations": out["citations"]}


@pytest.fixture(scope="session")
def bad_base(tmp_path_factory: pytest.TempPathFactory, embedder: Any, corpus_index: Path) -> Base:
    """The real document indexed once (its vectors from the session corpus index's cache); each kind works on a copy."""
    d = tmp_path_factory.mktemp("bad-base")
    base_corpus(d)
    copy_vector_cache(corpus_index, d / "ix")
    indexer = Indexer(d / "ix", d, embedder)
    report = indexer.ingest([d / "docs"], progress=False)
    indexer.close()
    assert report.added == [f"docs/{BASE_DOC}"] and not report.skipped and not report.warnings
    snap = snapshot(d / "ix")
    assert not disagreements(snap) and len(snap["sqlite_ids"]) > 3
    answer = _answer(d / "ix", embedder)
    assert "044-202-6321" in answer["answer"], answer
    return Base(d, snap, answer)


@pytest.fixture()
def work(bad_base: Base, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the base corpus and index in a fresh directory, which is the working directory."""
    shutil.copytree(bad_base.dir / "docs", tmp_path / "docs", symlinks=True)
    shutil.copytree(bad_base.dir / "ix", tmp_path / "ix", symlinks=True)
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    for p in tmp_path.rglob("*"):  # the permission kinds leave unreadable entries behind
        if not p.is_symlink():
            p.chmod(0o755)


def _check(kind: Kind, work: Path, run: Run, base: Base, embedder: Any) -> list[str]:
    problems = verify(kind, work, run, base.snap)
    if _answer(work / "ix", embedder) != base.answer:
        problems.append("the answer to the real question changed")
    return problems


def test_there_are_at_least_thirty_kinds() -> None:
    assert len({k.name for k in KINDS}) == len(KINDS) >= 30
    assert {k.outcome for k in KINDS} == {"skipped", "warning", "ingested", "nothing", "refused"}


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_bad_input(kind: Kind, work: Path, bad_base: Base, embedder: Any) -> None:
    prepare(kind, work)
    run = run_subprocess(kind, work) if kind.needs == "nocaps" else run_in_process(kind, work, embedder)
    problems = _check(kind, work, run, bad_base, embedder)
    assert not problems, (problems, run.err)


def test_a_killed_writer_leaves_the_lock_free(work: Path) -> None:
    """The writer lock is an flock: the OS drops it when the holder dies, so no stale lock blocks the next run."""
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pathlib import Path; from core import bm25files; "
                               "held = bm25files.lock_for_writing(Path('ix')); print('locked', flush=True); time.sleep(600)"],
                              cwd=work, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    from core import bm25files
    from core.errors import UserError

    with pytest.raises(UserError, match=f"another ingest \\(pid {holder.pid}\\)"):
        bm25files.lock_for_writing(work / "ix")
    holder.kill()
    holder.wait()
    bm25files.lock_for_writing(work / "ix").close()


# --- the full counts: `make reliability` ---------------------------------------------------------

TABLE: list[str] = []


@pytest.fixture(scope="module")
def table() -> Iterator[list[str]]:
    """Rows of the README table, written to reports/bad_inputs.md when the module ends."""
    yield TABLE
    if TABLE:
        out = ROOT / "reports" / "bad_inputs.md"
        out.parent.mkdir(exist_ok=True)
        head = "| kind | input (synthetic) | what the user sees | exit |\n|---|---|---|---|\n"
        out.write_text(head + "\n".join(TABLE) + "\n", encoding="utf-8")


@pytest.mark.reliability
@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_bad_input_through_a_new_process(kind: Kind, work: Path, bad_base: Base, embedder: Any,
                                         table: list[str]) -> None:
    prepare(kind, work)
    run = run_subprocess(kind, work)
    problems = _check(kind, work, run, bad_base, embedder)
    seen = [ln for ln in run.err.splitlines() if kind.target in ln and kind.reason in ln] or run.err.splitlines()
    shown = (seen[0] if seen else "(nothing: " + run.out.strip().splitlines()[-1].split(";")[0] + ")")
    shown = shown.replace(str(work) + "/", "").replace("|", "\\|")
    TABLE.append(f"| {kind.name} | {kind.what} | `{shown}` | {run.code} |")
    assert not problems, (problems, run.err)


@pytest.mark.reliability
def test_a_200_mb_pdf_is_read_when_the_limit_allows(work: Path) -> None:
    """With max_file_mb raised, the 200 MB PDF is read: its time and the process's peak memory are printed."""
    with open(work / "docs" / "huge.pdf", "wb") as fh:
        write_pdf(fh, ["Synthetic big report"], filler=200 * 2**20)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "POLICY_MAX_FILE_MB": "300"}
    start = time.perf_counter()
    with open(work / "out.txt", "w") as out, open(work / "err.txt", "w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "assistant", "ingest", "docs", "--index", "ix", "--quiet"],
                                cwd=work, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    print(f"\n200 MB PDF read with the limit raised: {seconds:.1f} s, peak RSS {usage.ru_maxrss / 1024:.0f} MB")
    assert os.waitstatus_to_exitcode(status) == 0, (work / "err.txt").read_text()
    assert "1 new" in (work / "out.txt").read_text()
