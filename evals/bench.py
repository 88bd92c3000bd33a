"""Benchmarks that print numbers: a cold ingest by stage beside its embedding floor, and ask latency beside
the naive llama-index pipeline, in the same run.

    python evals/bench.py                      # cold ingest into a fresh temp dir, then ask latency on it
    python evals/bench.py --index .index       # ask latency over an existing index only
    python evals/bench.py --no-naive           # without the naive pipeline (it embeds the corpus once more)

Each step runs in a process of its own (evals/scale_probe.py), as the scale benchmark does. The cold
ingest's stage table is written to docs/ingest.md.
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "docs" / "ingest.md"


def probe(*args: str) -> dict[str, Any]:
    """One step of evals/scale_probe.py; its JSON line."""
    proc = subprocess.run([sys.executable, "-m", "evals.scale_probe", *args], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def percentiles(ms: list[float]) -> tuple[float, float]:
    """p50 and p95 of a list of milliseconds."""
    ms = sorted(ms)
    return statistics.median(ms), ms[min(len(ms) - 1, int(0.95 * len(ms)))]


def stage_table(result: dict[str, Any]) -> str:
    """The cold ingest's seconds by stage, as Markdown."""
    stages: dict[str, float] = result["stages_s"]
    wall = result["wall_s"]
    embed = stages["embed (cache look-up + model)"]
    lines = ["| stage | seconds | share |", "|---|---|---|"]
    for name, sec in stages.items():
        lines.append(f"| {name} | {sec:.1f} | {sec / wall:.0%} |")
    lines += [f"| **all** | **{wall:.1f}** | 100% |", "",
              f"Embedding alone (the floor): {embed:.0f} s for {result['texts_embedded']} texts; every other stage: "
              f"{wall - embed:.0f} s ({result['files']} files, {result['chunks']} chunks)."]
    return "\n".join(lines)


def main() -> None:
    """Print the numbers the README reports."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", help="measure latency over this index instead of a fresh cold ingest")
    parser.add_argument("--gold", default="evals/gold.jsonl")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive llama-index pipeline")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    if args.index:
        index = Path(args.index)
    else:
        index = work / "index"
        cold = probe("ingest", "ours", "--corpus", "corpus", "--index", str(index))
        table = stage_table(cold)
        TABLE.write_text("# Cold ingest of corpus/ by stage\n\nMeasured by `make bench` (evals/bench.py) on "
                         f"{time.strftime('%Y-%m-%d')}, one process, this machine (2 cores).\n\n{table}\n",
                         encoding="utf-8")
        print(table)
        start = time.perf_counter()
        warm = probe("ingest", "ours", "--corpus", "corpus", "--index", str(index))
        print(f"unchanged re-ingest: {time.perf_counter() - start:.1f} s ({warm['files']} files re-read)")
    ours = probe("ask", "ours", "--index", str(index), "--questions", args.gold)
    p50, p95 = percentiles(ours["wall_ms"])
    print(f"ask, ours over {ours['questions']} questions: p50 {p50:.0f} ms, p95 {p95:.0f} ms (load {ours['load_s']:.1f} s)")
    if not args.no_naive:
        naive_index, cache = work / "naive", work / "naive-cache"
        built = probe("ingest", "naive", "--corpus", "corpus", "--index", str(naive_index), "--cache", str(cache))
        naive = probe("ask", "naive", "--index", str(naive_index), "--cache", str(cache), "--questions", args.gold)
        n50, n95 = percentiles(naive["wall_ms"])
        print(f"ask, naive llama-index (VectorStoreIndex + SentenceSplitter, top 3) over {naive['questions']} questions: "
              f"p50 {n50:.0f} ms, p95 {n95:.0f} ms (its ingest {built['wall_s']:.0f} s, {built['chunks']} chunks)")


if __name__ == "__main__":
    main()
