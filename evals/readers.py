"""The readers' view of the corpus, and the check of what they write.

    python -m evals.readers export corpus /work/readers      # one .txt a document, SCHEMA.md, validate.py
    python -m evals.readers validate FILE.jsonl [--docs /work/readers/docs]

Readers (the helpers who write training, dev and blind question sets) see each document as the
loaders read it: a header (file, title, date, publisher), one block a line, table cells joined by
" | ", and `=== page N ===` where the file has pages. They never see the code. The validator checks
that every fact and support is copied from the document named, on the page given, so that a label is
a reader's judgment and never a typo.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from core.text import fold
from evals.scorers import KINDS

HEADER_END = "=" * 20
SCHEMA = Path(__file__).with_name("SCHEMA.md")
SUPPORT_CHARS = (10, 200)


def reader_lines(doc: Any) -> list[str]:
    """A loaded document as the readers see it: header, then one block a line, pages marked."""
    lines = [f"file: {doc.source}", f"title: {doc.meta.title}", f"date: {doc.meta.date}",
             f"publisher: {doc.meta.publisher}", HEADER_END]
    page = None
    for b in doc.blocks:
        if doc.paged and b.page != page:
            page = b.page
            lines.append(f"=== page {page} ===")
        lines.append(b.text.replace("\t", " | "))
    return lines


def export(corpus: Path, out: Path) -> int:
    """Write every document of corpus/ as the readers see it; the number written."""
    from ingest.discovery import discover
    from ingest.loaders import load, read_manifest

    docs = out / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(corpus)
    root = corpus.resolve().parent
    n = 0
    for path in discover([corpus]).files:
        lines = reader_lines(load(path, root, manifest))
        (docs / f"{path.stem}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        n += 1
    shutil.copy(SCHEMA, out / "SCHEMA.md")
    (out / "validate.py").write_text(
        "import os, sys\n"
        # readers run it with any python3: it re-runs itself with the project's, which has the loaders
        f"if sys.executable != {sys.executable!r}:\n"
        f"    os.execv({sys.executable!r}, [{sys.executable!r}, *sys.argv])\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})\n"
        "from evals.readers import main\n"
        f"sys.exit(main(['validate', *sys.argv[1:], '--docs', {str(docs.resolve())!r}]))\n", encoding="utf-8")
    return n


class Doc:
    """One reader document: its lines with their pages."""

    def __init__(self, text: str) -> None:
        body = text.split(HEADER_END + "\n", 1)[-1]
        self.lines: list[tuple[int | None, str]] = []
        page = None
        for line in body.splitlines():
            if line.startswith("=== page ") and line.endswith(" ==="):
                page = int(line[9:-4])
                continue
            for cell in line.split(" | "):
                self.lines.append((page, fold(cell)))
        self.paged = page is not None
        self.folded = fold(body)

    def pages_of(self, support: str) -> set[int | None]:
        """Pages of the lines (table cells) that hold the support."""
        want = fold(support)
        return {p for p, line in self.lines if want in line}


def check_case(o: dict[str, Any], docs: dict[str, Doc], where: str) -> list[str]:
    """Problems of one question (or one part of a message)."""
    problems = []
    for key in ("question", "answerable", "facts", "support", "source_hint"):
        if key not in o:
            problems.append(f"{where}: no '{key}'")
    if problems:
        return problems
    if not isinstance(o["question"], str) or not o["question"].strip():
        problems.append(f"{where}: empty question")
    if not isinstance(o["facts"], list) or not all(isinstance(g, list) and g and all(isinstance(a, str) and a.strip()
                                                                                     for a in g) for g in o["facts"]):
        return [*problems, f"{where}: facts must be a list of non-empty lists of strings"]
    if not o["answerable"]:
        if o["facts"] or o["support"]:
            problems.append(f"{where}: an unanswerable question has facts [] and support \"\"")
        return problems
    doc = docs.get(o["source_hint"])
    if doc is None:
        return [*problems, f"{where}: source_hint '{o['source_hint']}' is not a document stem"]
    support = o["support"]
    if not (SUPPORT_CHARS[0] <= len(support) <= SUPPORT_CHARS[1]):
        problems.append(f"{where}: support has {len(support)} characters (want {SUPPORT_CHARS[0]}-{SUPPORT_CHARS[1]})")
    pages = doc.pages_of(support)
    if not pages:
        problems.append(f"{where}: support is not copied from one line (or one table cell) of {o['source_hint']}")
    elif doc.paged and o.get("page") not in pages:
        problems.append(f"{where}: page {o.get('page')} but the support is on page(s) {sorted(p for p in pages if p)}")
    elif not doc.paged and o.get("page") is not None:
        problems.append(f"{where}: the document has no pages: page must be null")
    for g in o["facts"]:
        if not any(fold(a) in doc.folded for a in g):
            problems.append(f"{where}: fact {g} is not in {o['source_hint']} as written")
    return problems


def read_docs(docs_dir: Path) -> dict[str, Doc]:
    """The reader documents of a directory, by stem."""
    return {p.stem: Doc(p.read_text(encoding="utf-8")) for p in sorted(docs_dir.glob("*.txt"))}


def validate(path: Path, docs: dict[str, Doc], kinds: tuple[str, ...] = KINDS) -> list[str]:
    """Every problem of a question file, one line each, naming the line."""
    problems: list[str] = []
    seen: set[str] = set()
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name}:{i}"
        try:
            o = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not JSON ({exc})")
            continue
        if not isinstance(o, dict):
            problems.append(f"{where}: not a JSON object")
            continue
        qid = o.get("id")
        if not qid or qid in seen:
            problems.append(f"{where}: id missing or repeated ({qid!r})")
        seen.add(str(qid))
        if o.get("kind") not in kinds:
            problems.append(f"{where}: kind {o.get('kind')!r} is not one of {', '.join(kinds)}")
        if o.get("kind") == "dialogue":
            for t, turn in enumerate(o.get("turns") or [], start=1):
                problems += check_case(turn, docs, f"{where} turn {t}")
            continue
        problems += check_case(o, docs, where)
        parts = o.get("parts") or []
        for p, part in enumerate(parts, start=1):
            problems += check_case(part, docs, f"{where} part {p}")
        if parts:
            facts = [a for g in o.get("facts", []) for a in g]
            want = [a for part in parts if part.get("answerable") for g in part.get("facts", []) for a in g]
            if sorted(facts) != sorted(want):
                problems.append(f"{where}: the message's facts must be those of its answerable parts")
            if bool(o.get("answerable")) != any(part.get("answerable") for part in parts):
                problems.append(f"{where}: answerable must be true when any part is answerable")
    return problems


def main(argv: list[str] | None = None) -> int:
    """The two commands; exit 1 when a file has problems."""
    parser = argparse.ArgumentParser(prog="python -m evals.readers")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("export", help="write the documents as the readers see them")
    ex.add_argument("corpus", type=Path)
    ex.add_argument("out", type=Path)
    va = sub.add_parser("validate", help="check a question file against the documents")
    va.add_argument("file", type=Path)
    va.add_argument("--docs", type=Path, default=Path("/work/readers/docs"))
    args = parser.parse_args(argv)
    if args.command == "export":
        print(f"{export(args.corpus, args.out)} documents written to {args.out / 'docs'}")
        return 0
    problems = validate(args.file, read_docs(args.docs), (*KINDS, "dialogue"))
    for p in problems:
        print(p)
    n = sum(1 for line in args.file.read_text(encoding="utf-8").splitlines() if line.strip())
    print(f"{args.file}: {n} lines, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
