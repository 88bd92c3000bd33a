"""The desk's commands: `draft` (a reply to a letter), `feedback` (ratings given in the app), `hash-password`.

cli.py parses the flags and turns UserError into a message; these do the work.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.filters import Filters
from assistant.settings import Settings
from core.errors import UserError


def draft(args: argparse.Namespace, settings: Settings, filters: Filters) -> int:
    """Draft a reply to the letter in FILE (or stdin) and print it, or its JSON; optionally write a file."""
    from assistant.draft import answer_letter, build_draft
    from assistant.engine import Engine
    from assistant.export import FORMATS, export
    from assistant.inputs import clean_letter

    if args.file == "-":
        raw = sys.stdin.read()
    else:
        try:
            raw = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"{args.file}: cannot read the letter ({exc}); give a UTF-8 text file") from exc
    letter = clean_letter(raw)
    out = Path(args.out) if args.out else None
    if out and out.suffix.lstrip(".") not in FORMATS:
        raise UserError(f"{out}: the draft can be written as {', '.join('.' + f for f in FORMATS)}")
    engine = Engine(settings)
    draft = build_draft(answer_letter(engine, letter, filters), engine.facts)
    if out:
        export(draft, out.suffix.lstrip("."), out)
    print(json.dumps(draft.to_dict(), ensure_ascii=False, indent=2) if args.json else draft.text())
    return 0


def feedback(args: argparse.Namespace, settings: Settings) -> int:
    """List the stored ratings, newest first (CSV with --csv)."""
    import csv

    from core import store

    rows = store.list_feedback(store.connect(settings.index_dir), rating=-1 if args.bad else None)
    if args.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(store.FEEDBACK_COLUMNS))
        writer.writeheader()
        for r in rows:
            writer.writerow({**r, "citations": json.dumps(r["citations"], ensure_ascii=False)})
        return 0
    if not rows:
        print("no feedback yet")
    for r in rows:
        mark = "👍" if r["rating"] > 0 else "👎"
        comment = f" — {r['comment']}" if r["comment"] else ""
        print(f"{r['id']:>4} {r['at']} {mark} [{r['kind']}] {r['question'][:60]}{comment}")
    return 0


def hash_password(args: argparse.Namespace) -> int:
    """Print user:bcrypt-hash for the password read from stdin (one line)."""
    from assistant.auth import hash_line

    password = sys.stdin.readline().rstrip("\n")
    print(hash_line(args.user, password))
    return 0
