"""The scale benchmark (#11): ingest rate, ask p50/p95, peak memory and size on disk at 1k, 10k and 100k
chunks, for our pipeline with embedded Chroma, with a Chroma server, and for the naive llama-index
pipeline (VectorStoreIndex + SentenceSplitter defaults), in one run on the same generated corpus.

    python -m evals.scale                        # every size and pipeline (hours at 100k); `make bench-scale`
    python -m evals.scale --sizes 1000,10000     # quicker
    python -m evals.scale --bulk                 # bulk ingest: embedder threads, processes, reader workers, HTTP

Each step runs in a fresh process (evals/scale_probe.py) whose process tree's memory is sampled from
here. Results accumulate in docs/scale/results.json (a step already measured is kept unless --fresh);
the table and plot are rewritten after each step. How the corpus grows: evals/scalecorpus.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from evals.measure import PeakRSS, dir_bytes, load_average, percentile
from evals.scalecorpus import build

ROOT = Path(__file__).resolve().parents[1]
PIPELINES = ("embedded", "server", "naive")
MB = 2**20


def chunks_per_file(seed: Path) -> dict[str, int]:
    """Chunks each corpus file makes, read from the seed index."""
    db = sqlite3.connect(f"file:{seed / 'index.sqlite'}?mode=ro", uri=True)
    try:
        return {Path(s).name: n for s, n in db.execute("SELECT source, COUNT(*) FROM chunks GROUP BY source")}
    finally:
        db.close()


def probe(args: list[str], *watch: int, env: dict[str, str] | None = None) -> tuple[dict[str, Any], float, list[float]]:
    """Run evals.scale_probe with args; its JSON, the peak RSS (MB) of its tree, and of each watched pid."""
    proc = subprocess.Popen([sys.executable, "-m", "evals.scale_probe", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True, env=env)
    with ExitStack() as stack:
        mine = stack.enter_context(PeakRSS(proc.pid))
        others = [stack.enter_context(PeakRSS(pid)) for pid in watch]
        out, _ = proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"scale_probe {' '.join(args)} failed ({proc.returncode})")
    return json.loads(out.strip().splitlines()[-1]), mine.peak / MB, [o.peak / MB for o in others]


class ChromaServer:
    """`chroma run` on a free loopback port with its data under path, for one size."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        chroma = Path(sys.executable).parent / "chroma"
        self.log = (path.parent / f"{path.name}.log").open("wb")
        self.proc = subprocess.Popen([str(chroma), "run", "--host", "127.0.0.1", "--port", str(self.port),
                                      "--path", str(path)], stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(600):
            try:
                with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=2):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.2)
        raise RuntimeError(f"chroma run did not start; see {self.log.name}")

    def stop(self) -> None:
        """Terminate the server."""
        self.proc.terminate()
        self.proc.wait(timeout=60)
        self.log.close()


def summary(ask: dict[str, Any]) -> dict[str, Any]:
    """Percentiles of an ask step's per-question lists."""
    out = {k: v for k, v in ask.items() if k not in ("wall_ms", "cpu_ms", "stages_ms")}
    for key in ("wall_ms", "cpu_ms"):
        out[key] = {"p50": percentile(ask[key], 50), "p95": percentile(ask[key], 95), "max": max(ask[key])}
    out["stages_ms"] = {k: {"p50": percentile(v, 50), "p95": percentile(v, 95), "mean": sum(v) / len(v)}
                        for k, v in ask["stages_ms"].items()}
    return out


def measure(size: int, pipeline: str, corpus: Path, work: Path, seed: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Ingest then ask with one pipeline at one size; every number of the table for that row.
    With args.ask_only the index kept by an earlier --keep run is asked again (its ingest row is kept)."""
    index = work / f"index-{pipeline}-{size}"
    if args.ask_only and not index.is_dir():
        raise SystemExit(f"{index}: no kept index to ask again (run with --keep first)")
    if not args.ask_only:
        shutil.rmtree(index, ignore_errors=True)
    common = ["--index", str(index), "--questions", args.questions, "--limit", str(args.limit)]
    server = None
    extra: list[str] = []
    watch: list[int] = []
    if pipeline == "server":
        if not args.ask_only:
            shutil.rmtree(work / f"chroma-{size}", ignore_errors=True)
        server = ChromaServer(work / f"chroma-{size}")
        extra, watch = ["--chroma-url", server.url, "--collection", f"scale-{size}"], [server.proc.pid]
    kind = "naive" if pipeline == "naive" else "ours"
    source = ["--cache", str(work / "naive-cache.sqlite")] if kind == "naive" else ["--seed", str(seed / "index.sqlite")]
    row: dict[str, Any] = {"size": size, "pipeline": pipeline, "when": dt.datetime.now().isoformat(timespec="seconds")}
    try:
        if not args.ask_only:
            load_before = load_average()
            ingest, rss, server_rss = probe(["ingest", kind, "--corpus", str(corpus), *common, *source, *extra], *watch)
            row["ingest"] = {**ingest, "peak_rss_mb": rss, "server_peak_rss_mb": server_rss[0] if server_rss else None,
                             "load_average": [load_before, load_average()]}
        load_before = load_average()
        ask, rss, server_rss = probe(["ask", kind, *common, *source, *extra], *watch)
        row["ask"] = {**summary(ask), "peak_rss_mb": rss, "server_peak_rss_mb": server_rss[0] if server_rss else None,
                      "load_average": [load_before, load_average()]}
        row["disk_mb"] = dir_bytes(index, *([server.path] if server else [])) / MB
    finally:
        if server:
            server.stop()
    if not args.keep and not args.ask_only:
        shutil.rmtree(index, ignore_errors=True)
        if server:
            shutil.rmtree(server.path, ignore_errors=True)
    return row


def _save(results: dict[str, Any], out: Path) -> None:
    from evals.scale_report import write_report

    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    write_report(results, out)


def main() -> None:
    """Measure what is asked, keep results as they come, and rewrite the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000,100000", help="target chunk counts, comma-separated")
    parser.add_argument("--pipelines", default=",".join(PIPELINES))
    parser.add_argument("--work", default=".index-scale", help="generated corpora and indexes (large)")
    parser.add_argument("--seed", default=".index", help="an index of corpus/: chunk counts and the vector cache")
    parser.add_argument("--questions", default="evals/gold.jsonl")
    parser.add_argument("--limit", type=int, default=0, help="ask only the first N questions")
    parser.add_argument("--out", default="docs/scale")
    parser.add_argument("--keep", action="store_true", help="keep the indexes after measuring")
    parser.add_argument("--fresh", action="store_true", help="measure again what results.json already has")
    parser.add_argument("--ask-only", action="store_true",
                        help="ask again over the indexes a --keep run left (new engine code, an idle machine)")
    parser.add_argument("--bulk", action="store_true", help="measure the bulk-ingest options instead")
    args = parser.parse_args()
    work, seed, out = (ROOT / args.work).resolve(), (ROOT / args.seed).resolve(), ROOT / args.out
    work.mkdir(parents=True, exist_ok=True)
    results_path = out / "results.json"
    results = json.loads(results_path.read_text(encoding="utf-8")) if results_path.exists() else {}
    results.setdefault("runs", {})
    # The seed must index corpus/ as it is now: its chunk counts size the copies, its cache holds the vectors.
    subprocess.run([sys.executable, "-m", "assistant", "ingest", "corpus", "--index", str(seed), "--quiet"],
                   cwd=ROOT, check=True)
    if args.bulk:
        from evals.scale_bulk import bulk

        results["bulk"] = bulk(seed, work)
        _save(results, out)
        return
    counts = chunks_per_file(seed)
    pipelines = [p for p in args.pipelines.split(",") if p]
    if "naive" in pipelines and not (work / "naive-cache.sqlite").exists():
        print("naive pipeline: embedding its node texts of corpus/ once (not timed)", flush=True)
        probe(["ingest", "naive", "--corpus", "corpus", "--index", str(work / "naive-warm"),
               "--cache", str(work / "naive-cache.sqlite")])
        shutil.rmtree(work / "naive-warm", ignore_errors=True)
    for size in [int(s) for s in args.sizes.split(",")]:
        corpus = build(ROOT / "corpus", work / f"corpus-{size}", counts, size)
        for pipeline in pipelines:
            key = f"{size}/{pipeline}"
            if args.ask_only:
                if key not in results["runs"]:
                    print(f"{key}: not measured yet; nothing to ask again", flush=True)
                    continue
                print(f"{key}: asking again over the kept index ...", flush=True)
                again = measure(size, pipeline, corpus.root, work, seed, args)
                results["runs"][key].update(ask=again["ask"], disk_mb=again["disk_mb"], asked=again["when"])
                _save(results, out)
                continue
            if key in results["runs"] and not args.fresh:
                print(f"{key}: measured already (--fresh to redo)", flush=True)
                continue
            print(f"{key}: {corpus.files} files, ~{corpus.chunks} chunks, {corpus.copies} copies ...", flush=True)
            results["runs"][key] = {**measure(size, pipeline, corpus.root, work, seed, args),
                                    "corpus": {"files": corpus.files, "copies": corpus.copies}}
            run = results["runs"][key]
            print(f"{key}: ingest {run['ingest']['wall_s']:.0f} s, ask p50 {run['ask']['wall_ms']['p50']:.0f} ms "
                  f"p95 {run['ask']['wall_ms']['p95']:.0f} ms, ask RSS {run['ask']['peak_rss_mb']:.0f} MB, "
                  f"disk {run['disk_mb']:.0f} MB", flush=True)
            _save(results, out)


if __name__ == "__main__":
    main()
