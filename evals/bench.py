"""Benchmarks that print numbers: cold ingest, unchanged re-ingest, `ask --jsonl` latency.

    python evals/bench.py                 # all three, cold ingest into a fresh temp dir
    python evals/bench.py --index .index  # latency only, over an existing index
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ingest(index: Path) -> tuple[float, str]:
    """Run the ingest CLI; return wall seconds and its summary line."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "assistant", "ingest", "corpus", "--index", str(index), "--quiet"],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, proc.stdout.strip()


def ask_latency(index: Path, questions: list[str]) -> list[float]:
    """Per-question wall milliseconds inside one `ask --jsonl` process (models loaded once)."""
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "ask", "--jsonl", "--index", str(index)], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    assert proc.stdin and proc.stdout
    # The first answer also waits for the process to start and load the index: not timed.
    proc.stdin.write("준비\n")
    proc.stdin.flush()
    json.loads(proc.stdout.readline())
    times = []
    for q in questions:
        start = time.perf_counter()
        proc.stdin.write(q + "\n")
        proc.stdin.flush()
        json.loads(proc.stdout.readline())
        times.append((time.perf_counter() - start) * 1000)
    proc.stdin.close()
    proc.wait()
    return times


def main() -> None:
    """Print the numbers the README reports."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", help="measure latency over this index instead of a fresh cold ingest")
    parser.add_argument("--gold", default=str(ROOT / "evals" / "gold.jsonl"))
    args = parser.parse_args()
    questions = [json.loads(x)["question"] for x in Path(args.gold).read_text(encoding="utf-8").splitlines() if x.strip()]
    if args.index:
        index = Path(args.index)
    else:
        index = Path(tempfile.mkdtemp(prefix="bench-index-"))
        cold, summary = ingest(index)
        print(f"cold ingest: {cold:.1f} s — {summary}")
        warm, summary = ingest(index)
        print(f"unchanged re-ingest: {warm:.1f} s — {summary}")
    times = ask_latency(index, questions)
    times.sort()
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    print(f"ask --jsonl over {len(times)} questions: p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, "
          f"max {times[-1]:.0f} ms")


if __name__ == "__main__":
    main()
