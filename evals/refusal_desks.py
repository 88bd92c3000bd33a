"""How often a refusal's desk is the desk of the document the part is about, by the decision's confidence.

    python -m evals.refusal_desks --index .index [FILE ...]     # default: the training letters, several-part
                                                                 # and unanswerable messages

A refusal names the desk of the document the answer relied on, else of the best-ranked one; a desk of
another document is a wrong phone. For each refused part this counts whether the desk's document is the
part's labelled document (source_hint), split by whether the part follows an answered one and by the
decision's confidence, to choose (on training data) when a refusal should name no desk.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from evals.scorers import load_cases

KINDS = ("letter", "multipart", "unanswerable")
BINS = (0.0, 0.05, 0.1, 0.2, 0.3, 1.01)


def refused_parts(engine: Any, files: list[Path]) -> list[dict[str, Any]]:
    """One row per refused part: its confidence, whether it relied on an answered part, its desk's document
    and the labelled one."""
    rows = []
    cases = [c for c in load_cases(files) if c.kind in KINDS]
    for case in cases:
        reading = engine.read(case.question)
        golds = list(case.parts) or [case]
        for i, (turn, reply) in enumerate(zip(reading.turns, engine.composer.replies(list(reading.turns)))):
            if reply.route != "refusal" or i >= len(golds):
                continue
            desk = Path(reply.citations[0].source).stem if reply.citations else None
            rows.append({"confidence": turn.confidence, "relied": bool(turn.relied), "desk": desk,
                         "gold": golds[i].source_hint})
    return rows


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    named = [r for r in rows if r["desk"]]
    right = [r for r in named if r["desk"] == r["gold"]]
    out: dict[str, Any] = {"refusals": len(rows), "naming_a_desk": len(named), "right_document": len(right)}
    for relied in (True, False):
        part = [r for r in named if r["relied"] == relied]
        out["after an answered part" if relied else "on its own"] = {
            "n": len(part), "right": sum(r["desk"] == r["gold"] for r in part)}
    alone = [r for r in named if not r["relied"]]
    out["on its own, by confidence"] = {
        f"{lo:g}-{hi:g}": {"n": len(b), "right": round(sum(r["desk"] == r["gold"] for r in b) / len(b), 2)}
        for lo, hi in zip(BINS, BINS[1:]) if (b := [r for r in alone if lo <= r["confidence"] < hi])}
    return out


def main(argv: list[str] | None = None) -> int:
    from assistant.engine import Engine
    from assistant.settings import load_settings

    ap = argparse.ArgumentParser(prog="python -m evals.refusal_desks", description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", help="question sets (default: evals/train/*.jsonl)")
    ap.add_argument("--index", default=".index")
    args = ap.parse_args(argv)
    files = [Path(f) for f in args.files] or sorted(Path("evals/train").glob("*.jsonl"))
    engine = Engine(load_settings(index_dir=Path(args.index)))
    print(json.dumps(summary(refused_parts(engine, files)), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
