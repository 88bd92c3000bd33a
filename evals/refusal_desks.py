"""How often a refusal's desk is the desk of the document the part is about, by the decision's confidence.

    python -m evals.refusal_desks --index .index [FILE ...]     # default: the training letters, several-part
                                                                 # and unanswerable messages
    python -m evals.refusal_desks --index .index --fit          # also write assistant/data/refusal_desk.json

A refusal names the desk of the document the answer relied on, else of the best-ranked one; a desk of
another document is a wrong phone. For each refused part this counts whether the desk's document is the
part's labelled document (source_hint), split by whether the part follows an answered one and by the
decision's confidence, to choose (on training data) when a refusal should name no desk.

--fit chooses the confidence under which a refusal on its own names no desk: the bar that maximises
right desks minus COST wrong ones. COST is the product's judgment that a wrong phone costs twice a missing
one (the worst failure of this product, against a refusal that says only "not in the documents").
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from evals.scorers import load_cases

KINDS = ("letter", "multipart", "unanswerable")
COST = 2.0
FITTED = Path(__file__).resolve().parent.parent / "assistant" / "data" / "refusal_desk.json"
BINS = (0.0, 0.05, 0.1, 0.2, 0.3, 1.01)


def refused_parts(engine: Any, files: list[Path]) -> list[dict[str, Any]]:
    """One row per refused part: its confidence, whether it relied on an answered part, its desk's document
    and the labelled one."""
    rows = []
    engine.composer.env.desk_bar = 0.0  # every refusal names the desk it would, to measure them all
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


def _value(rows: list[dict[str, Any]], bar: float) -> float:
    kept = [r for r in rows if r["confidence"] >= bar]
    right = sum(r["desk"] == r["gold"] for r in kept)
    return right - COST * (len(kept) - right)


def _best(rows: list[dict[str, Any]]) -> float:
    """The bar among the bins' edges: a search over every confidence fits the rows' noise (left one document
    out at a time, it lost 1 on the scale where these edges gain 14, 2026-12-04)."""
    return max(BINS[:-1], key=lambda b: (_value(rows, b), -b))


def fit(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The bar (a confidence) under which a refusal on its own names no desk, what it drops, and its gain
    (right minus COST wrong desks, against naming every desk) left one document out at a time."""
    alone = [r for r in rows if r["desk"] and not r["relied"]]
    bar = _best(alone)
    dropped = [r for r in alone if r["confidence"] < bar]
    gain = 0.0
    for doc in {r["gold"] for r in alone}:
        held = [r for r in alone if r["gold"] == doc]
        gain += _value(held, _best([r for r in alone if r["gold"] != doc])) - _value(held, 0.0)
    return {"bar": bar, "cost": COST, "refusals_on_their_own": len(alone), "desks_dropped": len(dropped),
            "of_them_right": sum(r["desk"] == r["gold"] for r in dropped), "gain_by_document_cv": gain}


def main(argv: list[str] | None = None) -> int:
    from assistant.engine import Engine
    from assistant.settings import load_settings

    ap = argparse.ArgumentParser(prog="python -m evals.refusal_desks", description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", help="question sets (default: evals/train/*.jsonl)")
    ap.add_argument("--index", default=".index")
    ap.add_argument("--fit", action="store_true", help=f"write the fitted bar to {FITTED.name}")
    args = ap.parse_args(argv)
    files = [Path(f) for f in args.files] or sorted(Path("evals/train").glob("*.jsonl"))
    engine = Engine(load_settings(index_dir=Path(args.index)))
    rows = refused_parts(engine, files)
    out = summary(rows)
    if args.fit:
        out["fit"] = fit(rows)
        FITTED.write_text(json.dumps(out["fit"], indent=1) + "\n", encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
