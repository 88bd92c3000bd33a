"""Precision and recall of fact extraction against the hand-made gold lists in tests/data/.

    python -m evals.facts_eval        # prints contact P/R over the gold documents, MSIT target P/R
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ingest.chunker import chunk_document
from ingest.facts import extract_contacts, extract_targets
from ingest.loaders import load, read_manifest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def _key(name: str, phone: str, role: str) -> tuple[str, str, str]:
    return name, re.sub(r"\D", "", phone), re.sub(r"\s", "", role)


def contact_scores(gold_path: Path = DATA / "contacts_gold.jsonl") -> dict[str, Any]:
    """Per-document and overall precision/recall of (name, phone, role) and department accuracy."""
    gold = _rows(gold_path)
    manifest = read_manifest(ROOT / "corpus")
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for g in gold:
        by_doc.setdefault(g["source"], []).append(g)
    tp = fp = fn = dept_ok = 0
    docs: dict[str, Any] = {}
    for source, rows in sorted(by_doc.items()):
        doc = load(ROOT / source, ROOT, manifest)
        found = extract_contacts(chunk_document(doc))
        want = {_key(g["name"], g["phone"], g["role"]): g for g in rows}
        got = {_key(c.name, c.phone, c.role): c for c in found}
        hit = set(want) & set(got)
        tp, fp, fn = tp + len(hit), fp + len(set(got) - hit), fn + len(set(want) - hit)
        dept_ok += sum(1 for k in hit if want[k]["department"] and want[k]["department"] in got[k].department)
        docs[source] = {"gold": len(want), "extracted": len(got), "missed": sorted(set(want) - hit),
                        "extra": sorted(set(got) - hit)}
    return {
        "documents": len(by_doc),
        "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 0.0,
        "department_accuracy": round(dept_ok / tp, 4) if tp else 0.0,
        "per_document": docs,
    }


def target_scores(gold_path: Path = DATA / "targets_gold_msit.jsonl") -> dict[str, Any]:
    """Precision and recall of MSIT targets: a match is the same quantity in the same sentence."""
    gold = _rows(gold_path)
    source = ROOT / "corpus" / "msit_2025-09-30_ai_core_project_tf.txt"
    doc = load(source, ROOT, read_manifest(ROOT / "corpus"))
    found = extract_targets(chunk_document(doc), doc.meta.date)

    def same(g: dict[str, Any], t: Any) -> bool:
        squash = lambda s: re.sub(r"\s", "", s)  # noqa: E731
        return squash(g["quantity"]) == squash(t.quantity) and squash(g["sentence_contains"]) in squash(t.sentence)

    matched = [t for t in found if any(same(g, t) for g in gold)]
    recalled = [g for g in gold if any(same(g, t) for t in found)]
    deadline_ok = sum(1 for g in gold for t in found if same(g, t) and g["deadline"] == t.deadline)
    return {
        "gold": len(gold), "extracted": len(found),
        "precision": round(len(matched) / len(found), 4) if found else 0.0,
        "recall": round(len(recalled) / len(gold), 4) if gold else 0.0,
        "deadline_accuracy": round(deadline_ok / len(recalled), 4) if recalled else 0.0,
        "extra": [(t.subject, t.quantity) for t in found if t not in matched],
        "missed": [(g["subject"], g["quantity"]) for g in gold if g not in recalled],
    }


def main() -> None:
    """Print the numbers the README reports."""
    c = contact_scores()
    t = target_scores()
    print(f"contacts over {c['documents']} documents: precision {c['precision']:.3f}, recall {c['recall']:.3f}, "
          f"department correct {c['department_accuracy']:.3f}")
    for source, d in c["per_document"].items():
        if d["missed"] or d["extra"]:
            print(f"  {source}: missed {d['missed']} extra {d['extra']}")
    print(f"MSIT targets: precision {t['precision']:.3f}, recall {t['recall']:.3f} "
          f"({t['extracted']} extracted, {t['gold']} gold), deadline correct {t['deadline_accuracy']:.3f}")
    if t["extra"] or t["missed"]:
        print(f"  extra {t['extra']} missed {t['missed']}")


if __name__ == "__main__":
    main()
