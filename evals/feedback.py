"""The eval report's last section: the latest 👎 ratings staff gave in the chat and the draft tab."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core import store


def bad_feedback_markdown(rows: list[dict[str, Any]]) -> str:
    """A Markdown section listing 👎 ratings (newest first) with question, answer, comment and sources."""
    lines = [f"## Latest 👎 feedback ({len(rows)})", ""]
    if not rows:
        return "\n".join([*lines, "No 👎 ratings yet.", ""])
    lines += ["| when | where | question | answer | comment | sources |", "|---|---|---|---|---|---|"]
    for r in rows:
        sources = "<br>".join(sorted({f"{c.get('source', '')} p{c.get('page')}" for c in r["citations"]}))
        lines.append(f"| {r['at']} | {r['kind']} | {_cell(r['question'][:200])} | {_cell(r['answer'][:300])} | "
                     f"{_cell(r['comment'])} | {sources} |")
    return "\n".join([*lines, ""])


def append_to_report(report: Path, index_dir: Path, limit: int = 10) -> None:
    """Add the latest 👎 ratings of the index's feedback table to the end of report.md."""
    db = store.connect(index_dir)
    try:
        section = bad_feedback_markdown(store.list_feedback(db, rating=-1, limit=limit))
    finally:
        db.close()
    with report.open("a", encoding="utf-8") as fh:
        fh.write("\n" + section)


def _cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", "<br>")
