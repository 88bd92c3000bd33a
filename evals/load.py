"""Load benchmark: simulated users ask through the `ask` API with gradio_client, on loopback only.

python -m evals.load --index .index [--users 50] [--seconds 120] [--concurrency 2] [--json]

It starts `python -m assistant serve` on a free 127.0.0.1 port (or uses --url), takes each question's
answer from one user alone, then lets the users ask in a loop until the time is up. It reports errors,
answers that differ from the single-user answer, latency percentiles, throughput and the server's RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FOLLOW_UP = ("그럼 담당자는?", [{"role": "user", "content": "AI 중점학교는 몇 개교로 늘어나?"},
                             {"role": "assistant", "content": "1,141개교 [1]"}])


def questions(n: int) -> list[tuple[str, list[dict[str, str]]]]:
    """n gold questions spread over the set, and one follow-up with a history."""
    lines = [json.loads(x) for x in (ROOT / "evals" / "gold.jsonl").read_text(encoding="utf-8").splitlines() if x]
    step = max(1, len(lines) // max(1, n - 1))
    return [(o["question"], []) for o in lines[::step][: n - 1]] + [FOLLOW_UP]


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (Linux /proc)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@contextmanager
def server(index: str, concurrency: int, env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """The app on a free loopback port; yields (url, pid)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "GRADIO_ANALYTICS_ENABLED": "False",
                "POLICY_CONCURRENCY": str(concurrency), **(env or {})}
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--index", index, "--host", "127.0.0.1",
                             "--port", str(port)], cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        import urllib.request

        deadline = time.time() + 180
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("the app did not start") from None
                time.sleep(0.5)
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def run(url: str, pid: int | None, users: int, seconds: float, n_questions: int = 40) -> dict[str, Any]:
    """Single-user answers first, then users asking in a loop for seconds; the measured numbers."""
    from gradio_client import Client

    asks = questions(n_questions)
    solo = Client(url, verbose=False)
    reference = [solo.predict(q, h, api_name="/ask") for q, h in asks]
    rss_start = rss_mb(pid) if pid else 0.0
    latencies: list[float] = []
    errors: list[str] = []
    mismatches: list[str] = []
    lock = threading.Lock()
    rss_max = [rss_start]
    stop = time.time() + seconds
    clients = [Client(url, verbose=False) for _ in range(users)]
    start_line = threading.Barrier(users + 1)

    def user(k: int) -> None:
        start_line.wait()
        i = k
        while time.time() < stop:
            q, h = asks[i % len(asks)]
            t0 = time.perf_counter()
            try:
                got = clients[k].predict(q, h, api_name="/ask")
            except Exception as exc:  # every failure counts; the run goes on
                with lock:
                    errors.append(f"{q[:30]}: {type(exc).__name__}: {str(exc)[:120]}")
            else:
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    latencies.append(ms)
                    if got != reference[i % len(asks)]:
                        mismatches.append(q[:40])
            i += 1

    threads = [threading.Thread(target=user, args=(k,), daemon=True) for k in range(users)]
    for t in threads:
        t.start()
    began = time.time()
    start_line.wait()
    while any(t.is_alive() for t in threads):
        if pid:
            rss_max[0] = max(rss_max[0], rss_mb(pid))
        time.sleep(0.5)
    elapsed = time.time() - began
    lat = sorted(latencies)

    def pct(p: float) -> float | None:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))], 1) if lat else None

    return {"users": users, "seconds": round(elapsed, 1), "requests": len(lat) + len(errors), "errors": len(errors),
            "mismatches": len(mismatches), "p50_ms": round(statistics.median(lat), 1) if lat else None,
            "p95_ms": pct(0.95), "max_ms": pct(1.0), "per_second": round(len(lat) / elapsed, 1),
            "rss_start_mb": round(rss_start), "rss_max_mb": round(rss_max[0]), "error_samples": errors[:5],
            "mismatch_samples": mismatches[:5]}


def main(argv: list[str] | None = None) -> int:
    """Start the server (unless --url), run the load, print the numbers; exit 1 on any error or mismatch."""
    p = argparse.ArgumentParser(prog="python -m evals.load", description=__doc__.splitlines()[0])
    p.add_argument("--index", default=".index")
    p.add_argument("--url", help="an app that is already running (loopback)")
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--seconds", type=float, default=120)
    p.add_argument("--concurrency", type=int, default=4, help="the server's queue concurrency (POLICY_CONCURRENCY)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    if args.url:
        result = run(args.url, None, args.users, args.seconds)
    else:
        with server(args.index, args.concurrency) as (url, pid):
            result = run(url, pid, args.users, args.seconds)
    result["concurrency"] = args.concurrency
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for k, v in result.items():
            print(f"{k:>16}: {v}")
    return 1 if result["errors"] or result["mismatches"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
