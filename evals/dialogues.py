"""Score follow-up dialogues: each turn is asked with the earlier turns as history, scored like a gold question.

python -m evals.dialogues evals/blind/dialogues.jsonl --index .index [--json] [--misses]
python -m evals.dialogues --standalone evals/blind/staff.jsonl evals/blind/newdocs.jsonl … --index .index

History is what a user of the chat would have: the earlier questions as typed and the assistant's
actual answers. Fact accuracy, citation hit and refusal accuracy are reported overall and by turn
position (turn 1 stands alone; turns 2 and 3 lean on the conversation).

--standalone counts the questions of question sets (one question a line, each standing alone) that the
engine reads as follow-ups (Engine.read) when they are asked right after an unrelated question: the next question of the
sets about another document. A question with a topic of its own must never be rewritten.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.errors import UserError
from evals.scorers import Case, Tally

Ask = Callable[[str, list[dict[str, str]]], dict[str, Any]]


def load_dialogues(path: Path) -> list[dict[str, Any]]:
    """Dialogue items of a JSONL file; a malformed line is a UserError naming the file and line."""
    out = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            turns = obj["turns"]
            if not isinstance(turns, list) or not turns:
                raise TypeError("turns must be a non-empty list")
            out.append(obj)
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise UserError(f"{path}:{i}: not a dialogue ({type(exc).__name__}: {exc})") from exc
    return out


def _case(dialogue: str, position: int, turn: dict[str, Any]) -> Case:
    return Case(f"{dialogue}#{position}", "dialogue", turn["question"], bool(turn["answerable"]),
                tuple(tuple(g) for g in turn.get("facts", [])), turn.get("support", ""), turn.get("source_hint", ""),
                turn.get("page"))


def score(dialogues: list[dict[str, Any]], ask: Ask, root: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Metrics overall and by turn position, and one record per turn."""
    overall = Tally()
    by_turn: dict[int, Tally] = {}
    records: list[dict[str, Any]] = []
    for d in dialogues:
        history: list[dict[str, str]] = []
        for position, turn in enumerate(d["turns"], start=1):
            case = _case(str(d["id"]), position, turn)
            answer = ask(case.question, list(history))
            rec = overall.add(case, answer, root, 0.0)
            by_turn.setdefault(position, Tally()).add(case, answer, root, 0.0)
            rec.update(question=case.question, resolved=answer.get("resolved", ""), answer=answer["answer"],
                       answerable=answer["answerable"], citations=[(c["source"], c["page"]) for c in answer["citations"]])
            records.append(rec)
            history += [{"role": "user", "content": case.question}, {"role": "assistant", "content": answer["answer"]}]
    keys = ("n", "fact_accuracy", "citation_hit", "refusal_accuracy", "false_refusal_rate")
    metrics: dict[str, Any] = {k: v for k, v in overall.metrics().items() if k in keys}
    metrics["dialogues"] = len(dialogues)
    metrics["by_turn"] = {str(p): {k: v for k, v in t.metrics().items() if k in keys} for p, t in sorted(by_turn.items())}
    return metrics, records


def standalone_pairs(cases: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(previous, question) pairs: each question after the next question of the list about another document."""
    pairs = []
    for i, case in enumerate(cases):
        others = [c for c in cases[i + 1 :] + cases[:i] if c.get("source_hint") != case.get("source_hint")]
        if others and "\n" not in case["question"]:
            pairs.append((str(others[0]["question"]), str(case["question"])))
    return pairs


def rewritten(pairs: list[tuple[str, str]], resolve: Callable[[str, list[dict[str, str]]], str]) -> list[dict[str, str]]:
    """The pairs whose question the follow-up reader changed, with what it made of them."""
    out = []
    for previous, question in pairs:
        history = [{"role": "user", "content": previous}, {"role": "assistant", "content": "…"}]
        resolved = resolve(question, history)
        if resolved != " ".join(question.split()):
            out.append({"previous": previous, "question": question, "resolved": resolved})
    return out


def missed(rec: dict[str, Any]) -> bool:
    """True when a turn was scored wrong (a wrong fact or citation, or a refusal the other way)."""
    if "refused" in rec:
        return not rec["refused"]
    return not (rec.get("fact") and rec.get("hit"))


def main(argv: list[str] | None = None) -> int:
    """Score the dialogue files with the engine over --index; print a table or JSON."""
    p = argparse.ArgumentParser(prog="python -m evals.dialogues", description=__doc__.splitlines()[0])
    p.add_argument("files", nargs="+")
    p.add_argument("--index", default=".index")
    p.add_argument("--json", action="store_true")
    p.add_argument("--misses", action="store_true", help="also list every turn scored wrong")
    p.add_argument("--standalone", action="store_true",
                   help="the files are question sets: count those rewritten after an unrelated question")
    args = p.parse_args(argv)
    from assistant.engine import Engine
    from assistant.settings import load_settings

    if args.standalone:
        from evals.scorers import load_cases

        try:
            cases = [{"question": c.question, "source_hint": c.source_hint} for c in load_cases([Path(f) for f in args.files])]
            engine = Engine(load_settings(index_dir=args.index))
        except UserError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        pairs = standalone_pairs(cases)
        changed = rewritten(pairs, lambda q, h: engine.read(q, h).message)
        print(f"standalone questions after an unrelated one: {len(pairs)}, rewritten: {len(changed)}")
        for r in changed:
            print(f"- {r['question']} → {r['resolved']}  (after: {r['previous']})")
        return 1 if changed else 0

    try:
        dialogues = [d for f in args.files for d in load_dialogues(Path(f))]
        engine = Engine(load_settings(index_dir=args.index))
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    metrics, records = score(dialogues, lambda q, h: engine.ask(q, history=h).to_dict(), Path.cwd())
    if args.json:
        print(json.dumps({"metrics": metrics, **({"misses": [r for r in records if missed(r)]} if args.misses else {})},
                         ensure_ascii=False, indent=2))
        return 0
    print("| turn | n | fact | citation hit | refusal |\n|---|---|---|---|---|")
    for name, m in [("all", metrics), *metrics["by_turn"].items()]:
        print(f"| {name} | {m['n']} | {m['fact_accuracy']} | {m['citation_hit']} | {m['refusal_accuracy']} |")
    if args.misses:
        for r in records:
            if missed(r):
                print(f"- {r['id']} {r['question']} → {r['resolved'] or '(as typed)'} :: {r['answer'][:120]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
