"""Fact extraction against hand-made gold lists (tests/data/, written by reading the documents)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from evals.facts_eval import DATA, contact_scores, target_scores
from ingest.chunker import chunk_document
from ingest.facts import extract_contacts
from tests.conftest import ROOT, load_doc


def test_msit_contact_table_golden() -> None:
    """All 14 people of the MSIT release, with TF label, department, role and phone."""
    gold = [json.loads(x) for x in (DATA / "contacts_gold.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    gold = [g for g in gold if g["source"] == "corpus/msit_2025-09-30_ai_core_project_tf.txt"]
    assert len(gold) == 14
    found = extract_contacts(chunk_document(load_doc("msit_2025-09-30_ai_core_project_tf.txt")))
    assert len(found) == 14
    got = {(c.name, c.phone): c for c in found}
    for g in gold:
        c = got[(g["name"], g["phone"])]
        assert c.role == g["role"]
        assert c.department == g["department"]
        assert c.position == g["position"]
        if g["section"]:
            assert c.section.replace(" ", "") == g["section"].replace(" ", "")
    split_row = got[("이하근", "044-202-6321")]
    assert (split_row.section, split_row.department) == ("AI인재 TF", "소프트웨어정책과")


def test_contacts_across_documents_precision_and_recall() -> None:
    scores = contact_scores()
    assert scores["documents"] >= 10
    joint = [s for s in scores["per_document"] if "105660" in s or "105966" in s or "105719" in s]
    assert joint, "the gold list covers joint MOE-MSIT releases"
    assert scores["precision"] >= 0.97 and scores["recall"] >= 0.97, scores
    assert scores["department_accuracy"] >= 0.9, scores


def test_msit_targets() -> None:
    scores = target_scores()
    assert scores["recall"] >= 0.9, scores
    assert scores["precision"] >= 0.8, scores
    assert scores["deadline_accuracy"] >= 0.8, scores


def test_facts_cli_json(corpus_index: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "facts", "--kind", "contacts", "--query", "소프트웨어정책과", "--json",
         "--index", str(corpus_index)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert {"name", "role", "department", "phone", "source", "date"} <= set(rows[0])
    names = [r["name"] for r in rows]
    assert names.index("김국현") < names.index("이상민")  # newest document first
    targets = json.loads(subprocess.run(
        [sys.executable, "-m", "assistant", "facts", "--kind", "targets", "--query", "GPU", "--json",
         "--index", str(corpus_index)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    ).stdout)
    assert any(t["quantity"] == "20만장 이상" and t["deadline"] == "2030" for t in targets)
