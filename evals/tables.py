"""The eval's Markdown tables: one row per metric, a column per system; then one row per kind."""

from __future__ import annotations

from typing import Any


def table(result: dict[str, Any]) -> str:
    """Markdown table: one row per metric, a column per system; then one row per kind."""
    systems = list(result)
    keys = ["fact_accuracy", "citation_hit", "citation_precision", "refusal_accuracy", "false_refusal_rate",
            "page_accuracy", "part_accuracy", "stray_phone_answers", "latency_p50_ms", "latency_p95_ms", "n",
            *(k for k in ("sentences_dropped", "parts_fell_back") if any(k in result[s] for s in systems))]
    lines = ["| metric | " + " | ".join(systems) + " |", "|---|" + "---|" * len(systems)]
    for k in keys:
        lines.append(f"| {k} | " + " | ".join(_fmt(result[s].get(k)) for s in systems) + " |")
    lines += ["", "| kind | n | " + " | ".join(f"{s} fact / hit / refusal" for s in systems) + " |",
              "|---|---|" + "---|" * len(systems)]
    for kind in result[systems[0]]["by_kind"]:
        row = [kind, str(result[systems[0]]["by_kind"][kind]["n"])]
        for s in systems:
            m = result[s]["by_kind"].get(kind, {})
            row.append(" / ".join(_fmt(m.get(x)) for x in ("fact_accuracy", "citation_hit", "refusal_accuracy")))
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    return f"{v:.2f}" if isinstance(v, float) and v <= 1 else str(v)
