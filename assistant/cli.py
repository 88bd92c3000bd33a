"""Command line: ingest, ask, facts, eval, serve. The only place errors become messages."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from assistant.settings import Settings, load_settings
from core.errors import UserError

log = logging.getLogger("assistant")


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m assistant`; returns the process exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("bm25s", "chromadb", "httpx", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING if not args.verbose else logging.INFO)
    try:
        settings = load_settings(
            Path(args.config) if args.config else None,
            index_dir=getattr(args, "index", None),
        )
        result: int = args.func(args, settings)
        return result
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m assistant", description="정책 비서: cited answers over policy documents")
    p.add_argument("--config", help="settings file (default: ./policy.toml if present)")
    p.add_argument("-v", "--verbose", action="store_true", help="log debug details and tracebacks")
    sub = p.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="index documents (incremental)")
    ing.add_argument("paths", nargs="*", help="files or directories (default: the corpus directory)")
    ing.add_argument("--index", help="index directory (default: .index, or POLICY_INDEX_DIR)")
    ing.add_argument("--quiet", action="store_true", help="no progress bar")
    ing.set_defaults(func=cmd_ingest)

    ask = sub.add_parser("ask", help="answer a question with cited sources")
    ask.add_argument("question", nargs="?", help="the question (omit with --jsonl)")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--jsonl", action="store_true", help="read questions from stdin, one a line; print JSON lines")
    ask.add_argument("--index", help="index directory")
    ask.set_defaults(func=cmd_ask)

    facts = sub.add_parser("facts", help="list extracted contacts and targets")
    facts.add_argument("--kind", choices=["contacts", "targets", "dates"], default="contacts")
    facts.add_argument("--query", help="filter: text that must appear in the fact")
    facts.add_argument("--json", action="store_true", help="print a JSON list")
    facts.add_argument("--index", help="index directory")
    facts.set_defaults(func=cmd_facts)

    ev = sub.add_parser("eval", help="score the assistant (and the baseline) on a gold set")
    ev.add_argument("files", nargs="*", help="gold JSONL files (default: the --split's files)")
    ev.add_argument("--split", choices=["dev", "blind", "all"], default="dev",
                    help="dev: evals/gold.jsonl (tuned on); blind: evals/blind/*.jsonl, each reported apart")
    ev.add_argument("--json", action="store_true", help="print the metrics as one JSON object")
    ev.add_argument("--report", help="write a Markdown report with charts into this directory")
    ev.add_argument("--no-baseline", action="store_true", help="skip the plain llama-index baseline")
    ev.add_argument("--check", action="store_true", help="exit 1 when a metric is under its threshold")
    ev.add_argument("--index", help="index directory")
    ev.set_defaults(func=cmd_eval)

    srv = sub.add_parser("serve", help="start the Gradio chat")
    srv.add_argument("--host", help="bind address (default 127.0.0.1)")
    srv.add_argument("--port", type=int, help="port (default 7860)")
    srv.add_argument("--index", help="index directory")
    srv.set_defaults(func=cmd_serve)
    return p


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Index the given paths (default: the corpus) and report what changed."""
    import time

    from ingest.indexer import Indexer

    paths = [Path(p) for p in args.paths] or [settings.corpus_dir]
    for p in paths:
        if not p.exists():
            raise UserError(f"{p}: no such file or directory")
    start = time.perf_counter()
    indexer = Indexer(settings.index_dir, Path.cwd())  # sources are cited relative to where the command runs
    try:
        report = indexer.ingest(paths, progress=not args.quiet and sys.stderr.isatty())
    finally:
        indexer.close()
    for path, reason in report.skipped:
        print(f"skipped {path}: {reason}", file=sys.stderr)
    print(
        f"indexed {len(report.added)} new, {len(report.updated)} changed, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed, {len(report.skipped)} skipped; "
        f"{report.chunks_embedded} chunks embedded, {report.chunks_total} in the index "
        f"({time.perf_counter() - start:.1f} s)"
    )
    return 1 if report.skipped else 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question, or every line of stdin with --jsonl."""
    from assistant.engine import Engine

    if not args.jsonl and not args.question:
        raise UserError("give a question, or --jsonl to read questions from stdin")
    engine = Engine(settings)
    if args.jsonl:
        for line in sys.stdin:
            question = _question_of(line)
            if question is None:
                continue
            try:
                obj = engine.ask(question).to_dict()
            except Exception:  # one bad question must not end an evaluator's run
                log.exception("failed to answer %r", question)
                obj = {"question": question, "answer": "처리 중 오류가 발생해 답하지 못했습니다.", "answerable": False,
                       "citations": []}
            print(json.dumps(obj, ensure_ascii=False), flush=True)
        return 0
    answer = engine.ask(args.question, trace=args.verbose)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_text(answer.to_dict()))
    if args.verbose:
        print(f"\n[route] {answer.route}", file=sys.stderr)
        for t in answer.trace:
            feats = ", ".join(f"{k} {v:+.2f}" for k, v in t["features"].items())
            print(f"[candidate] p={t['p']:.3f} {t['text']!r} ({t['source']}) — {feats}", file=sys.stderr)
    return 0


def _question_of(line: str) -> str | None:
    line = line.strip()
    if not line:
        return None
    if line.startswith("{"):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            return line
        if isinstance(obj, dict) and isinstance(obj.get("question"), str):
            return str(obj["question"])
    return line


def render_text(answer: dict[str, Any]) -> str:
    """A readable answer with numbered sources for the terminal."""
    out = [answer["answer"], ""]
    if answer["citations"]:
        out.append("출처:")
    for c in answer["citations"]:
        page = f", {c['page']}쪽" if c["page"] else ""
        out.append(f"[{c['n']}] {c['title']} ({c['date']}{page}) — {c['source']}")
        out.append("    " + c["quote"].replace("\t", " · ").replace("\n", "\n    "))
    return "\n".join(out)


def cmd_facts(args: argparse.Namespace, settings: Settings) -> int:
    """List contacts, targets or resolved dates, optionally filtered by text."""
    from assistant.facts import FactBook, fact_rows
    from core import store

    db = store.connect(settings.index_dir)
    rows = fact_rows(FactBook(db), args.kind, args.query, db)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            print("  ".join(str(v) for k, v in row.items() if k not in ("passage", "sentence") and v not in ("", None)))
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Run the gold set through `ask` and the baseline; print or write the scores."""
    from evals.runner import run_eval, split_files

    files = [Path(f) for f in args.files] or split_files(args.split)
    return run_eval(settings, files, as_json=args.json, report_dir=Path(args.report) if args.report else None,
                    baseline=not args.no_baseline, check=args.check, apart=args.split != "dev" and not args.files)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Start the Gradio chat on host:port."""
    import os
    from dataclasses import replace

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from assistant.engine import Engine
    from assistant.ui import serve

    settings = replace(settings, host=args.host or settings.host, port=args.port or settings.port)
    engine = Engine(settings)
    print(f"정책 비서: http://{settings.host}:{settings.port}", flush=True)
    serve(engine, settings.host, settings.port)
    return 0
