"""Running a bad-input kind (tests/badinputs.py) through the real CLI or in process, and checking
what the user saw: the one-line reason, the exit code, and an index unchanged that still answers.

`python -m tests.badrun ingest KIND ARGS...` is the CLI with a kind's fault injection (what the subprocess runs use).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.badinputs import Kind, kind
from tests.conftest import CORPUS

# --- running a kind and checking what the user saw -------------------------------------------

ROOT = CORPUS.parent
NOCAPS = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search"]


@dataclass(frozen=True)
class Run:
    """What one ingest printed and returned."""

    code: int
    out: str
    err: str
    seconds: float


def ingest_args(k: Kind, work: Path) -> list[str]:
    """The command line of the kind's ingest, run in work (which holds docs/ and ix/)."""
    index = "ix/not-a-dir" if k.needs == "index-file" else "ix"
    return ["ingest", "docs", *k.extra_args(Path("docs")), "--index", index, "--quiet"]


def prepare(k: Kind, work: Path) -> None:
    """Make the kind's bad input in work/docs (and what its `needs` asks for around it)."""
    k.make(work / "docs")
    if k.needs == "index-file":
        (work / "ix" / "not-a-dir").write_text("합성: 색인 자리에 놓인 파일\n", encoding="utf-8")


def run_subprocess(k: Kind, work: Path) -> Run:
    """The kind's ingest through the real CLI in a new process (`python -m assistant ingest ...`)."""
    import subprocess
    import sys
    import time

    args = ingest_args(k, work)
    hooked = k.needs.startswith("vanish") or k.needs == "locked"
    module = ["tests.badrun", "ingest", k.name] if hooked else ["assistant"]
    cmd = [sys.executable, "-m", *module, *args]
    if k.needs == "nocaps" and os.geteuid() == 0:
        cmd = [*NOCAPS, *cmd]  # root reads any file: drop the capability that lets it
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=900, errors="replace")
    return Run(proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start)


def run_in_process(k: Kind, work: Path, embedder: Any) -> Run:
    """The kind's ingest through assistant.cli.main in this process, with the session's real embedder."""
    import contextlib
    import time

    import ingest.indexer as indexer

    out, err = io.StringIO(), io.StringIO()
    saved = indexer.E5Embedding
    indexer.E5Embedding = lambda: embedder  # type: ignore[assignment,misc]  # the same real model, loaded once
    start = time.perf_counter()
    try:
        with _hooks(k, work), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            from assistant.cli import main

            code = main(ingest_args(k, work))
    finally:
        indexer.E5Embedding = saved  # type: ignore[misc]
    return Run(code, out.getvalue(), err.getvalue(), time.perf_counter() - start)


@contextmanager
def _hooks(k: Kind, work: Path) -> Iterator[None]:
    """Fault injection around a run: delete a file mid-run, or hold the index's writer lock."""
    import ingest.indexer as indexer
    import ingest.prepare as prepare
    from core import bm25files

    real_discover, real_load = indexer.discover, prepare.load
    lock = None
    if k.needs == "vanish-listed":
        def discover(paths: Any) -> Any:
            found = real_discover(paths)
            (work / "docs" / "vanish.txt").unlink()  # listed, then gone before its bytes are read
            return found
        indexer.discover = discover  # type: ignore[assignment]
    elif k.needs == "vanish-reading":
        def load(path: Path, *args: Any) -> Any:
            if path.name == "vanish.txt":
                path.unlink()  # digested, then gone before the loader opens it
            return real_load(path, *args)
        prepare.load = load  # type: ignore[assignment]
    elif k.needs == "locked":
        lock = bm25files.lock_for_writing(work / "ix")  # another writer, for the length of the run
    try:
        yield
    finally:
        indexer.discover, prepare.load = real_discover, real_load  # type: ignore[assignment]
        if lock:
            lock.close()


def verify(k: Kind, work: Path, run: Run, base: dict[str, Any]) -> list[str]:
    """Everything wrong with what the user saw and what the index holds after the kind's run."""
    from tests.indexcheck import disagreements, snapshot

    problems: list[str] = []
    want = {"skipped": 1, "warning": 1, "ingested": 0, "nothing": 0, "refused": 2}[k.outcome]
    if run.code != want:
        problems.append(f"exit {run.code}, expected {want}")
    lines = [ln for ln in run.err.splitlines() if ln.strip()]
    if "Traceback" in run.err:
        problems.append("a traceback on stderr")
    stray = [ln for ln in lines if not ln.startswith(("skipped ", "warning ", "error: "))]
    if stray:
        problems.append(f"stray stderr lines: {stray[:3]}")
    named = [ln for ln in lines if k.reason and k.reason in ln and k.target in ln]
    if k.outcome == "skipped" and not any(ln.startswith("skipped ") for ln in named):
        problems.append(f"no 'skipped' line names {k.target!r} with {k.reason!r}: {lines}")
    if k.outcome == "warning" and not any(ln.startswith("warning ") for ln in named):
        problems.append(f"no 'warning' line names {k.target!r} with {k.reason!r}: {lines}")
    if k.outcome == "refused" and not (len(lines) == 1 and lines[0].startswith("error: ") and k.reason in lines[0]):
        problems.append(f"not one 'error:' line with {k.reason!r}: {lines}")
    if k.outcome in ("ingested", "nothing") and lines:
        problems.append(f"unexpected stderr: {lines[:3]}")
    snap = snapshot(work / "ix")
    problems += disagreements(snap)
    if k.text:  # the file was read: its line is in the index verbatim, and nothing indexed before changed
        if not set(base["sqlite_ids"]) <= set(snap["sqlite_ids"]):
            problems.append("chunks indexed before the run are gone")
        problems += _holds(work / "ix", k)
    elif snap["tables"] != base["tables"] or snap["sqlite_ids"] != base["sqlite_ids"]:
        problems.append("the index changed")
    return problems


def _holds(index: Path, k: Kind) -> list[str]:
    import json
    import sqlite3

    db = sqlite3.connect(index / "index.sqlite")
    try:
        rows = db.execute("SELECT c.source, c.lines, f.date FROM chunks c JOIN files f ON f.source = c.source").fetchall()
    finally:
        db.close()
    hits = [(source, date) for source, lines, date in rows if k.text in json.loads(lines)]
    if not hits:
        return [f"the index does not hold the line {k.text!r}"]
    if k.date and hits[0][1] != k.date:
        return [f"{hits[0][0]} is dated {hits[0][1]!r}, not {k.date!r} from its header"]
    return []


def main(argv: list[str]) -> int:
    """`ingest KIND ARGS...`: run the CLI with the kind's fault injection (for the subprocess runs)."""
    if len(argv) >= 2 and argv[0] == "ingest":
        k = kind(argv[1])
        from assistant.cli import main as cli_main

        with _hooks(k, Path.cwd()):
            return cli_main(argv[2:])
    print("usage: python -m tests.badrun ingest KIND ARGS...")
    return 2


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
