"""kill -9 of `python -m assistant ingest` at seeded points, and what must hold after each (issue #10).

Real documents from corpus/ (copied to a temp dir), the real CLI in a new process, SIGKILL from here.
A seed picks the scenario and the point:
- scenario: "warm" (the update below; every vector already in the embedding cache, so the run is
  all reading and writing), "cold" (the same update with its vectors to compute), "double" (a kill
  during the update, then another during the recovery run), "fresh" (the first ingest into no index);
- point: a moment drawn uniformly over the run's measured length, or the n-th time the run logs a
  given step (`-v` prints "step vectors|rows|stale|done|remove|bm25 build|bm25 publish ..."), which
  places the kill inside that step's write.

The update: A unchanged, B's manifest title changed (same chunk ids, new vectors), C deleted,
D to G added. After each kill the index must open and answer (or, with nothing committed yet, say
"ingest first"), and every chunk SQLite holds must have its vector; the next ingest must finish
with exit 0 and an index equal to a clean ingest of the same files: the same chunk ids in all
three stores, each once, and the same rows, vectors and BM25.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import CORPUS, ROOT

A, B, C = "msit_2025-09-30_ai_core_project_tf.txt", "moe_2026-04-24_105980.hwpx", "moe_2026-03-04_105494.hwp"
ADDED = ["moe_2026-03-27_105734.hwpx", "moe_2026-03-19_105660.hwpx", "moe_2026-04-28_106002.hwpx",
         "moe_2026-04-24_105966.hwpx"]
BASE = [A, B, C]
UPDATE = [A, B, *ADDED]
QUESTION = "GPU는 언제까지 몇 장 확보하나요?"  # answered from A alone: the same in every state that holds A
SCENARIOS = ("warm", "cold", "double", "fresh")
STEPS = ("step vectors", "step rows", "step stale", "step done", "step remove", "step bm25 build", "step bm25 publish")


def write_corpus(docs: Path, names: list[str], retitle: bool) -> None:
    """docs/ holding copies of the named corpus files and their manifest rows (B's title changed if retitle)."""
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)
    lines = (CORPUS / "manifest.tsv").read_text(encoding="utf-8").splitlines()
    rows = [lines[0]]
    for name in names:
        shutil.copy(CORPUS / name, docs / name)
        row = next(ln for ln in lines if ln.startswith(name + "\t")).split("\t")
        if retitle and name == B:
            row[1] += " (제목 수정본)"
        rows.append("\t".join(row))
    (docs / "manifest.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")


@dataclass
class Kill:
    """One SIGKILL: where it landed and what the index looked like right after."""

    scenario: str
    trigger: str  # "after 3.2 s" or "at the 2nd 'step rows'"
    killed: bool  # False when the run ended before the trigger
    phase: str  # the last step the run logged before it died
    seconds: float
    opens: bool = False
    answer_same: bool = False
    served_ok: bool = False  # every chunk in SQLite has its vector; BM25 is current or rebuilt by the reader
    exact: bool = False  # on disk the three stores already held the same ids
    notes: list[str] = field(default_factory=list)


@dataclass
class SeedResult:
    """A seed's kills and whether the next ingest completed to the reference index."""

    seed: int
    scenario: str
    kills: list[Kill]
    completed: bool = False
    notes: list[str] = field(default_factory=list)


def ingest_cmd() -> list[str]:
    """The command under test."""
    return [sys.executable, "-m", "assistant", "-v", "ingest", "docs", "--index", "ix", "--quiet"]


def run_until(work: Path, trigger: tuple[str, float | str, int]) -> tuple[bool, list[str], float, int]:
    """Run the ingest in work and SIGKILL it at the trigger ("time", seconds, 0) or ("step", text, n);
    returns (killed, the steps it logged, seconds, exit code)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.Popen(ingest_cmd(), cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, errors="replace")
    steps: list[str] = []
    hit = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            m = re.search(r"ingest\.indexer: (step [a-z0-9 ]+?)(?: docs/| \(|$)", line.rstrip())
            if m:
                steps.append(m.group(1))
                if trigger[0] == "step" and steps.count(str(trigger[1])) >= trigger[2]:
                    hit.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if trigger[0] == "time":
        deadline = start + float(trigger[1])
        while proc.poll() is None and time.perf_counter() < deadline:
            time.sleep(0.01)
    else:
        while proc.poll() is None and not hit.wait(0.01):
            pass
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    code = proc.wait()
    reader.join(timeout=10)
    return killed, steps, time.perf_counter() - start, code


def check(work: Path) -> dict[str, Any]:
    """The index snapshot and the engine's answer, from a new process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "tests.indexcheck", "ix", "--ask", QUESTION], cwd=work, env=env,
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        return {"crashed": proc.stderr[-2000:]}
    return dict(json.loads(proc.stdout))


@dataclass
class Harness:
    """Templates (base indexes, the reference) made once, and the measured length of each scenario."""

    root: Path
    embedder: Any
    reference: dict[str, Any]
    answer: dict[str, Any]
    lengths: dict[str, float] = field(default_factory=dict)
    step_counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def start(self, scenario: str, work: Path) -> None:
        """work/ix as the scenario starts it, work/docs holding the update."""
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        if scenario in ("warm", "double"):
            shutil.copytree(self.root / "warm" / "ix", work / "ix", symlinks=True)
        elif scenario == "cold":
            if not (self.root / "cold").exists():  # built on first use: its vectors cost minutes
                _ingest(self.root / "cold", BASE, False, self.embedder)
            shutil.copytree(self.root / "cold" / "ix", work / "ix", symlinks=True)
        write_corpus(work / "docs", UPDATE, retitle=True)

    def measure(self, scenario: str) -> None:
        """Length and step counts of an uninterrupted run of the scenario (once per scenario)."""
        kind = "warm" if scenario == "double" else scenario  # a double starts as a warm run
        if kind not in self.lengths:
            work = self.root / f"measure-{kind}"
            self.start(kind, work)
            killed, steps, seconds, code = run_until(work, ("step", "never", 1))
            assert not killed and code == 0, f"the uninterrupted {kind} run failed (exit {code})"
            self.lengths[kind] = seconds
            self.step_counts[kind] = {step: steps.count(step) for step in STEPS}
            shutil.rmtree(work)
        self.lengths[scenario] = self.lengths[kind]
        self.step_counts[scenario] = self.step_counts[kind]

    def trigger(self, rng: random.Random, scenario: str) -> tuple[str, float | str, int]:
        """A seeded point: a moment in the run, or the n-th occurrence of a step."""
        self.measure(scenario)
        if rng.random() < 0.5:
            return ("time", round(rng.uniform(0.0, self.lengths[scenario]), 2), 0)
        steps = [s for s, n in self.step_counts[scenario].items() if n]
        step = rng.choice(steps)
        return ("step", step, rng.randint(1, self.step_counts[scenario][step]))

    def after_kill(self, work: Path, kill: Kill) -> None:
        """What must hold right after a kill: the index opens and answers; nothing partial is served."""
        from tests.indexcheck import disagreements, served_disagreements

        got = check(work)
        if "crashed" in got:
            kill.notes.append(f"the check crashed: {got['crashed']}")
            return
        snap = got["snapshot"]
        nothing_yet = not snap["sqlite_ids"]
        error = got.get("open_error", "")
        kill.opens = not error or (nothing_yet and "IndexMissing" in error)
        holds_a = f"docs/{A}" in snap["files"]  # a fresh run killed before A was written cannot answer from it
        kill.answer_same = got.get("answer") == self.answer if holds_a else kill.opens
        kill.served_ok = not served_disagreements(snap) and _bm25_link_ok(work / "ix")
        kill.exact = not disagreements(snap)
        if error and not kill.opens:
            kill.notes.append(error)

    def complete(self, work: Path, result: SeedResult) -> None:
        """The next ingest must exit 0 and leave an index equal to the reference, answering the same."""
        from tests.indexcheck import differences, disagreements

        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "assistant", "ingest", "docs", "--index", "ix", "--quiet"]
        proc = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=900)
        got = check(work)
        snap = got.get("snapshot")
        problems = [] if proc.returncode == 0 else [f"exit {proc.returncode}: {proc.stderr[-500:]}"]
        if snap is None:
            problems.append(f"the check crashed: {got.get('crashed')}")
        else:
            problems += disagreements(snap) + differences(snap, self.reference)
            if got.get("answer") != self.answer:
                problems.append("the answer differs from the reference")
        result.notes += problems
        result.completed = not problems


def _bm25_link_ok(index: Path) -> bool:
    """The bm25 link, when there is one, names a complete generation (its fingerprint file is written last)."""
    link = index / "bm25"
    if not link.exists():
        return True  # not built yet: the reader builds it in memory from SQLite
    return (link.resolve() / "fingerprint").is_file() and (link.resolve() / "ids.json").is_file()


def _ingest(where: Path, names: list[str], retitle: bool, embedder: Any) -> None:
    """The named documents into where/ix with the real indexer (in this process)."""
    from ingest.indexer import Indexer

    write_corpus(where / "docs", names, retitle)
    indexer = Indexer(where / "ix", where, embedder)
    report = indexer.ingest([where / "docs"], progress=False)
    indexer.close()
    assert not report.skipped and not report.warnings, report


def make_harness(root: Path, embedder: Any, vectors_from: Path | None = None) -> Harness:
    """The warm base index (the update's vectors already cached) and the reference: the update ingested
    without interruption from it. vectors_from: an index of the real corpus whose embedding cache the
    warm index starts with (the same texts, so only B's retitled passages are embedded here)."""
    from assistant.engine import Engine
    from assistant.settings import Settings
    from tests.indexcheck import copy_vector_cache, snapshot

    if vectors_from is not None:
        copy_vector_cache(vectors_from, root / "warm" / "ix")
    _ingest(root / "warm", UPDATE, True, embedder)  # fills the embedding cache with the update's vectors,
    _ingest(root / "warm", BASE, False, embedder)  # then goes back to the base documents
    shutil.copytree(root / "warm", root / "reference", symlinks=True)
    _ingest(root / "reference", UPDATE, True, embedder)
    reference = snapshot(root / "reference" / "ix")
    answer = Engine(Settings(index_dir=root / "reference" / "ix"), embedder).ask(QUESTION).to_dict()
    assert "20만장" in answer["answer"], answer
    return Harness(root, embedder, reference, {k: answer[k] for k in ("answer", "answerable", "citations")})


def run_seed(h: Harness, seed: int) -> SeedResult:
    """One seed: its scenario, its kill (two for "double"), the checks, the completing ingest."""
    rng = random.Random(seed)
    scenario = SCENARIOS[seed % len(SCENARIOS)]
    work = h.root / f"seed-{seed}"
    h.start(scenario, work)
    result = SeedResult(seed, scenario, [])
    for _ in range(2 if scenario == "double" else 1):
        trigger = h.trigger(rng, scenario)
        killed, steps, seconds, code = run_until(work, trigger)
        text = f"after {trigger[1]} s" if trigger[0] == "time" else f"at '{trigger[1]}' #{trigger[2]}"
        kill = Kill(scenario, text, killed, steps[-1] if steps else "startup", seconds)
        if not killed and code != 0:
            kill.notes.append(f"the run ended with exit {code} before the kill")
        h.after_kill(work, kill)
        result.kills.append(kill)
    h.complete(work, result)
    shutil.rmtree(work, ignore_errors=True)
    return result


def table(results: list[SeedResult]) -> str:
    """A Markdown table of every kill and the completion of its seed."""
    rows = ["| seed | scenario | kill point | killed in | opens | same answer | nothing partial served | "
            "stores equal on disk | next ingest = reference |", "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        for k in r.kills:
            where = k.phase if k.killed else "(run ended first)"
            rows.append(f"| {r.seed} | {r.scenario} | {k.trigger} | {where} | {_yes(k.opens)} | {_yes(k.answer_same)} | "
                        f"{_yes(k.served_ok)} | {_yes(k.exact)} | {_yes(r.completed)} |")
    return "\n".join(rows)


def _yes(ok: bool) -> str:
    return "yes" if ok else "**no**"
