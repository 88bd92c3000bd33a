"""Score follow-up dialogues: each turn is asked with the earlier turns as history, scored like a gold question.

python -m evals.dialogues evals/blind/dialogues.jsonl --index .index [--json] [--misses]

History is what a user of the chat would have: the earlier questions as typed and the assistant's
actual answers. Fact accuracy, citation hit and refusal accuracy are reported overall and by turn
position (turn 1 stands alone; turns 2 and 3 lean on the conversation).
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
    args = p.parse_args(argv)
    from assistant.engine import Engine
    from assistant.settings import load_settings

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
