"""Markdown eval report with a bar chart per kind (matplotlib, PNG) and a table of every miss."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def write_report(out: Path, result: dict[str, Any], ours: list[dict[str, Any]],
                 baseline: list[dict[str, Any]]) -> Path:
    """Write report.md and by_kind.png into out; return the Markdown path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from evals.tables import table

    out.mkdir(parents=True, exist_ok=True)
    kinds = list(result["ours"]["by_kind"])
    systems = list(result)
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    for ax, metric, label in ((axes[0], "fact_accuracy", "fact accuracy (refusal accuracy for unanswerable)"),
                              (axes[1], "citation_hit", "citation hit")):
        width = 0.8 / len(systems)
        for i, s in enumerate(systems):
            vals = []
            for k in kinds:
                m = result[s]["by_kind"].get(k, {})
                v = m.get("refusal_accuracy") if k == "unanswerable" and metric == "fact_accuracy" else m.get(metric)
                vals.append(v or 0.0)
            ax.bar([x + i * width for x in range(len(kinds))], vals, width, label=s)
        ax.set_xticks([x + width * (len(systems) - 1) / 2 for x in range(len(kinds))])
        ax.set_xticklabels(kinds, rotation=45, ha="right")
        ax.set_ylim(0, 1.05)
        ax.set_title(label)
        ax.legend()
    fig.tight_layout()
    fig.savefig(out / "by_kind.png", dpi=110)
    plt.close(fig)

    lines = ["# Eval report", "", table(result), "", "![by kind](by_kind.png)", ""]
    for name, records in (("ours", ours), ("baseline", baseline)):
        misses = [r for r in records if _missed(r)]
        if not records:
            continue
        lines += [f"## Misses — {name} ({len(misses)} of {len(records)})", "",
                  "| id | kind | question | answer | citations |", "|---|---|---|---|---|"]
        for r in misses:
            cites = "<br>".join(f"{s} p{p}: {_cell(t[:80])}" for s, p, t in r["citations"])
            lines.append(f"| {r['id']} | {r['kind']} | {_cell(r['question'])} | {_cell(r['answer'][:300])} | {cites} |")
        lines.append("")
    path = out / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _missed(r: dict[str, Any]) -> bool:
    if r["kind"] == "unanswerable" or "refused" in r:
        return not r.get("refused", False)
    return not (r.get("fact") and r.get("hit"))


def _cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", "<br>")
