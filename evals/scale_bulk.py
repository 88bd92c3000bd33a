"""Bulk ingest on this machine (`python -m evals.scale --bulk`): what using both cores buys.

1. The embedder on fresh text: one process with 2 OpenMP threads (passive waiting, our default; and
   OpenMP's active default), one thread, two processes of one thread, and the HTTP path to the
   loopback stand-in server. Passages/s, characters/s and one question's latency, each in a fresh process.
2. Reader workers (`ingest_workers`): the corpus without its PDF ingested with 0, 1 and 2 reader
   processes, with cached vectors (reading is the whole cost) and cold (reading beside the embedder).
Every configuration runs twice, interleaved, so the spread shows how much the busy machine moves them.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from evals.measure import load_average, percentile

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CHARS = 24_000  # about 20-60 s of embedding here
COLD_DOCS = ["moe_2026-03-27_105734.hwpx", "moe_2026-04-24_105980.hwpx", "moe_2026-03-19_105660.hwpx",
             "moe_2026-04-28_106002.hwpx", "moe_2026-03-26_105719.hwpx", "moe_2026-04-24_105966.hwpx"]
EMBEDDERS: dict[str, dict[str, Any]] = {
    "1 process, 2 threads, passive wait (default)": {"env": {}},
    "1 process, 2 threads, active wait (OpenMP's default)": {"env": {"OMP_WAIT_POLICY": "ACTIVE"}},
    "1 process, 1 thread": {"env": {"OMP_NUM_THREADS": "1"}},
    "2 processes × 1 thread": {"env": {"OMP_NUM_THREADS": "1"}, "procs": 2},
    "HTTP to the loopback stand-in (2 threads, passive)": {"env": {}, "http": True},
}


def sample(seed: Path) -> list[str]:
    """Passages of the corpus (a chunk's lines), spread over its documents, up to SAMPLE_CHARS."""
    db = sqlite3.connect(f"file:{seed / 'index.sqlite'}?mode=ro", uri=True)
    rows = [" ".join(json.loads(lines)) for (lines,) in db.execute("SELECT lines FROM chunks ORDER BY id")]
    db.close()
    out: list[str] = []
    for text in rows:
        if sum(map(len, out)) >= SAMPLE_CHARS:
            break
        out.append(text[:1500])
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def embed_child(texts_file: str, procs: int, url: str) -> dict[str, Any]:
    """In a fresh process: passages/s over the sample and the latency of one question (ms)."""
    from core.embedder import BATCH, E5Embedding

    texts: list[str] = json.loads(Path(texts_file).read_text(encoding="utf-8"))
    embedder: Any
    if url:
        from core.remote_embedder import RemoteEmbedding

        embedder = RemoteEmbedding(url=url)
    else:
        embedder = E5Embedding()
    questions = ["AI 중점학교는 몇 개교인가요?", "디지털튜터 양성센터는 어디에 있나요?", "국가장학금 신청 기간은?"] * 7
    local = E5Embedding()
    local.get_query_embedding("준비")
    times = []
    for q in questions:
        start = time.perf_counter()
        local.get_query_embedding(q)
        times.append((time.perf_counter() - start) * 1000)
    embedder.get_text_embedding_batch(texts[:2])  # load the model / check the server
    start, cpu = time.perf_counter(), time.process_time()
    if procs > 1:
        import multiprocessing

        batches = [texts[i : i + BATCH] for i in range(0, len(texts), BATCH)]
        with multiprocessing.get_context("spawn").Pool(procs, initializer=_load) as pool:
            pool.map(_sleep, [1.0] * procs)  # every worker has loaded its model
            start, cpu = time.perf_counter(), time.process_time()
            pool.map(_embed_batch, batches, chunksize=1)
    else:
        embedder.get_text_embedding_batch(texts)
    wall = time.perf_counter() - start
    return {"passages_per_s": len(texts) / wall, "chars_per_s": sum(map(len, texts)) / wall, "wall_s": wall,
            "cpu_s_parent": time.process_time() - cpu, "query_ms_p50": percentile(times, 50),
            "query_ms_p95": percentile(times, 95)}


_worker: Any = None


def _load() -> None:
    global _worker
    from core.embedder import E5Embedding

    _worker = E5Embedding()
    _worker.get_text_embedding("준비")


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _embed_batch(texts: list[str]) -> int:
    return len(_worker.get_text_embedding_batch(texts))


def _child(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, *args], cwd=ROOT, env={**os.environ, **env}, capture_output=True,
                          text=True, check=True)
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def embedders(seed: Path, work: Path) -> dict[str, list[dict[str, Any]]]:
    """Each embedder configuration twice, interleaved."""
    texts_file = work / "bulk-sample.json"
    texts_file.write_text(json.dumps(sample(seed), ensure_ascii=False), encoding="utf-8")
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in EMBEDDERS}
    for _ in range(2):
        for name, cfg in EMBEDDERS.items():
            url, server = "", None
            if cfg.get("http"):
                port = _free_port()
                server = subprocess.Popen([sys.executable, "-m", "evals.embed_server", "--port", str(port)], cwd=ROOT,
                                          env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}, stdout=subprocess.DEVNULL)
                url = f"http://127.0.0.1:{port}"
                _wait(url)
            try:
                load = load_average()
                row = _child(["-m", "evals.scale_bulk", "embed", str(texts_file), str(cfg.get("procs", 1)), url],
                             dict(cfg["env"]))
            finally:
                if server:
                    server.terminate()
                    server.wait()
            out[name].append({**row, "load_average": load})
            print(f"bulk: {name}: {row['chars_per_s']:.0f} chars/s, question {row['query_ms_p50']:.0f} ms", flush=True)
    return out


def _wait(url: str) -> None:
    import urllib.error
    import urllib.request

    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/", timeout=1)
        except urllib.error.HTTPError:
            return  # it answers (404 for GET /)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the stand-in server at {url} did not start")


def readers(seed: Path, work: Path) -> dict[str, list[dict[str, Any]]]:
    """Ingest of corpus/ without PDFs, cached and cold, with 0, 1 and 2 reader workers."""
    from ingest.loaders import MANIFEST

    corpus = work / "bulk-corpus"
    cold = work / "bulk-cold"
    for d, names in ((corpus, [p.name for p in (ROOT / "corpus").iterdir() if p.suffix in (".hwpx", ".hwp", ".txt", ".md")]),
                     (cold, COLD_DOCS)):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        for name in names:
            shutil.copy(ROOT / "corpus" / name, d / name)
        shutil.copy(ROOT / "corpus" / MANIFEST, d / MANIFEST)
    out: dict[str, list[dict[str, Any]]] = {}
    for _ in range(2):
        for label, src, seeded in (("cached vectors", corpus, True), ("cold (embedding fresh text)", cold, False)):
            for workers in (0, 1, 2) if seeded else (0, 2):
                index = work / "bulk-index"
                shutil.rmtree(index, ignore_errors=True)
                seeding = ["--seed", str(seed / "index.sqlite")] if seeded else []
                args = ["-m", "evals.scale_probe", "ingest", "ours", "--corpus", str(src), "--index", str(index),
                        "--workers", str(workers), "--keep-token-cache", *seeding]
                load = load_average()
                row = _child(args, {})
                key = f"{label}, {workers} reader workers"
                out.setdefault(key, []).append({"wall_s": row["wall_s"], "cpu_s_main": row["cpu_s"], "files": row["files"],
                                                "chunks": row["chunks"], "texts_embedded": row["texts_embedded"],
                                                "load_average": load})
                print(f"bulk: {key}: {row['wall_s']:.1f} s", flush=True)
                shutil.rmtree(index, ignore_errors=True)
    return out


def bulk(seed: Path, work: Path) -> dict[str, Any]:
    """Both measurements."""
    return {"embedders": embedders(seed, work), "readers": readers(seed, work)}


def bulk_report(b: dict[str, Any]) -> str:
    """Markdown tables of the bulk measurements (both runs of each configuration)."""
    def both(rows: list[dict[str, Any]], key: str, fmt: str) -> str:
        return " / ".join(format(r[key], fmt) for r in rows)

    lines = ["Each cell gives both runs (run 1 / run 2); the load average at each start is in results.json. "
             "Questions are always embedded in-process (the HTTP row's question column is the local model's).\n",
             "| embedder | chars/s | passages/s | one question, p50 ms |", "|---|---|---|---|"]
    for name, rows in b["embedders"].items():
        lines.append(f"| {name} | {both(rows, 'chars_per_s', '.0f')} | {both(rows, 'passages_per_s', '.1f')} | "
                     f"{both(rows, 'query_ms_p50', '.0f')} |")
    lines += ["", "| ingest | files | chunks | texts embedded | wall s |", "|---|---|---|---|---|"]
    for name, rows in b["readers"].items():
        lines.append(f"| {name} | {rows[0]['files']} | {rows[0]['chunks']} | {rows[0]['texts_embedded']} | "
                     f"{both(rows, 'wall_s', '.1f')} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1:2] == ["embed"]:
        print(json.dumps(embed_child(sys.argv[2], int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else "")), flush=True)
