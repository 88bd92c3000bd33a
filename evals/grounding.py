"""Fit the coverage threshold of the generated-sentence check (assistant/grounding.py) on labelled sentences.

    python -m evals.grounding                       # fit on evals/grounding/*.jsonl, write assistant/data/grounding.json
    python -m evals.grounding --out /tmp/g.json     # a fit to look at, the shipped one untouched

Each label is a reader's judgment (evals/grounding/*.brief.txt): an answer sentence, the passage it
cites, and whether the passage supports every claim of it (faithful, paraphrase, summary) or not
(added claim, wrong number, wrong entity, another passage's content, overreach). A sentence passes
when the rules pass (numbers, links, names) and its passage holds at least `coverage` of its content
words. The threshold maximises F0.5 of "supported" (a wrong sentence shown costs more than a good one
dropped, which falls back to the extractive answer); it is cross-validated grouped by document, the
headline number for a document the fit never saw.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from assistant.grounding import FITTED, check
from core.lexicons import ministries

LABELS = Path(__file__).with_name("grounding")
BETA = 0.5


def load(paths: list[Path]) -> list[dict[str, Any]]:
    out = []
    for p in paths:
        out += [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def scored(labels: list[dict[str, Any]]) -> list[tuple[bool, bool, float, str, str]]:
    """(supported, the rules pass, coverage, kind, document) of each label."""
    orgs = frozenset(m for m in ministries() if len(m) > 2)
    out = []
    for lab in labels:
        v = check(f"{lab['sentence']} [1]", {1: lab["passage"]}, orgs, frozenset(), threshold=0.0)
        out.append((bool(lab["supported"]), v.checked, v.coverage, lab["kind"], lab["source"]))
    return out


def _counts(rows: list[tuple[bool, bool, float, str, str]], t: float) -> dict[str, float]:
    tp = sum(1 for s, ok, c, *_ in rows if s and ok and c >= t)
    fp = sum(1 for s, ok, c, *_ in rows if not s and ok and c >= t)
    fn = sum(1 for s, ok, c, *_ in rows if s and not (ok and c >= t))
    tn = len(rows) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f = (1 + BETA**2) * precision * recall / (BETA**2 * precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f": f, "accuracy": (tp + tn) / len(rows) if rows else 0.0,
            "n": len(rows)}


def fit(rows: list[tuple[bool, bool, float, str, str]]) -> float:
    """The coverage threshold with the best F0.5 (ties: the stricter)."""
    grid = sorted({round(r[2], 4) for r in rows} | {0.0, 1.0})
    return max(grid, key=lambda t: (round(_counts(rows, t)["f"], 6), t))


def grouped_cv(rows: list[tuple[bool, bool, float, str, str]]) -> dict[str, Any]:
    """Leave one document out: the threshold fitted on the others, scored on it; pooled over documents."""
    docs = sorted({r[4] for r in rows})
    pooled: list[tuple[bool, bool]] = []  # (supported, passed)
    thresholds = []
    for doc in docs:
        t = fit([r for r in rows if r[4] != doc])
        thresholds.append(t)
        pooled += [(r[0], r[1] and r[2] >= t) for r in rows if r[4] == doc]
    tp = sum(s and p for s, p in pooled)
    fp = sum(p and not s for s, p in pooled)
    fn = sum(s and not p for s, p in pooled)
    return {"documents": len(docs), "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None,
            "accuracy": round(sum(s == p for s, p in pooled) / len(pooled), 3),
            "thresholds": [min(thresholds), max(thresholds)]}


def by_kind(rows: list[tuple[bool, bool, float, str, str]], t: float) -> dict[str, dict[str, Any]]:
    """Per kind: how many labels, and the share the check lets through at threshold t."""
    kinds: dict[str, list[bool]] = defaultdict(list)
    for _supported, ok, c, kind, _ in rows:
        kinds[kind].append(ok and c >= t)
    return {k: {"n": len(v), "passed": round(sum(v) / len(v), 3)} for k, v in sorted(kinds.items())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.grounding", description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", help="label files (default: evals/grounding/*.jsonl)")
    ap.add_argument("--out", default=str(FITTED), help="where the fitted threshold goes")
    args = ap.parse_args(argv)
    files = [Path(f) for f in args.files] or sorted(LABELS.glob("*.jsonl"))
    rows = scored(load(files))
    t = fit(rows)
    result = {"coverage": t, "objective": f"F{BETA:g} of supported", "labels": [f.name for f in files],
              "n": len(rows), "supported": sum(r[0] for r in rows),
              "in_sample": {k: round(v, 3) for k, v in _counts(rows, t).items()},
              "cv_by_document": grouped_cv(rows), "by_kind": by_kind(rows, t)}
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
