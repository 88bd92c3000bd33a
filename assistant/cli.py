"""Command line: ingest, ask, facts, eval, serve. The only place errors become messages."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from assistant.settings import Settings, load_settings
from core.errors import UserError

log = logging.getLogger(__name__)


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
            ranker=getattr(args, "ranker", None),
            **{f"llm_{k}": getattr(args, f"llm_{k}", None) for k in ("mode", "url", "model")},
        )
        result: int = args.func(args, settings)
        return result
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`ask --jsonl ... | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # a bug must still be one line, not a traceback (-v shows it)
        if args.verbose:
            raise
        print(f"error: unexpected {type(exc).__name__}: {' '.join(str(exc).split())[:300]} "
              "(run with -v for the traceback)", file=sys.stderr)
        return 1


def _llm_flags(p: argparse.ArgumentParser) -> None:
    """The LLM settings as flags (over policy.toml and POLICY_LLM_*)."""
    p.add_argument("--llm-mode", choices=["off", "rephrase", "generate"],
                   help="off (default): extractive answers; generate: an LLM writes them, each sentence checked")
    p.add_argument("--llm-url", help="OpenAI-compatible chat-completions server, e.g. http://127.0.0.1:8080")
    p.add_argument("--llm-model", help="model name sent to that server")


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
    _llm_flags(ask)
    ask.add_argument("--ranker", help="a fitted ranker file to try (default: assistant/data/ranker.json)")
    _filter_flags(ask)
    ask.set_defaults(func=cmd_ask)

    draft = sub.add_parser("draft", help="draft a reply to a citizen's letter (민원 답변 초안)")
    draft.add_argument("file", help="the letter: a text file, or - for stdin")
    draft.add_argument("--json", action="store_true", help="print one JSON object (text, sections, citations)")
    draft.add_argument("--out", help="also write the draft to this .txt, .docx or .hwpx file")
    draft.add_argument("--index", help="index directory")
    _llm_flags(draft)
    _filter_flags(draft)
    draft.set_defaults(func=cmd_draft)

    fb = sub.add_parser("feedback", help="list 👍/👎 ratings given in the chat and the draft tab")
    fb.add_argument("--csv", action="store_true", help="print CSV (all columns) instead of a summary")
    fb.add_argument("--bad", action="store_true", help="only 👎")
    fb.add_argument("--index", help="index directory")
    fb.set_defaults(func=cmd_feedback)

    hp = sub.add_parser("hash-password", help="print a user:hash line for POLICY_AUTH_FILE (reads the password from stdin)")
    hp.add_argument("user")
    hp.set_defaults(func=cmd_hash_password)

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
    _llm_flags(ev)
    ev.add_argument("--mode", choices=["extractive", "llm"], default="extractive",
                    help="llm: also score the LLM engine (--llm-url; generate unless --llm-mode rephrase), same run")
    ev.add_argument("--ranker", help="a fitted ranker file to try (default: assistant/data/ranker.json)")
    ev.set_defaults(func=cmd_eval)

    srv = sub.add_parser("serve", help="start the Gradio chat")
    srv.add_argument("--host", help="bind address (default 127.0.0.1)")
    srv.add_argument("--port", type=int, help="port (default 7860)")
    srv.add_argument("--index", help="index directory")
    _llm_flags(srv)
    srv.add_argument("--ingest", nargs="*", metavar="PATH",
                     help="index these files or directories (none given: the corpus) beside the chat, which answers "
                          "from what is indexed so far")
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
    if settings.index_dir.exists() and not settings.index_dir.is_dir():
        raise UserError(f"{settings.index_dir} is not a directory (--index and POLICY_INDEX_DIR name the index directory)")
    start = time.perf_counter()
    embedder = None
    if settings.embed_url:
        from core.remote_embedder import RemoteEmbedding

        embedder = RemoteEmbedding(url=settings.embed_url, model_name=settings.embed_model)
    # sources are cited relative to where the command runs
    indexer = Indexer(settings.index_dir, Path.cwd(), embedder, settings.chroma, settings.ingest_workers,
                      max_file_mb=settings.max_file_mb)
    bar = not args.quiet and sys.stderr.isatty()
    try:
        report = indexer.ingest(paths, progress=bar, on_document=None if bar or args.quiet else _log_document)
    finally:
        indexer.close()
    for path, reason in report.skipped:
        print(f"skipped {path}: {reason}", file=sys.stderr)
    for where, problem in report.warnings:
        print(f"warning {where}: {problem}", file=sys.stderr)
    repaired = f", {report.repaired} vectors repaired after an interrupted run" if report.repaired else ""
    print(
        f"indexed {len(report.added)} new, {len(report.updated)} changed, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed, {len(report.skipped)} skipped; "
        f"{report.chunks_embedded} chunks embedded, {report.chunks_total} in the index{repaired} "
        f"({time.perf_counter() - start:.1f} s)"
    )
    return 1 if report.skipped or report.warnings else 0


def _log_document(p: Any) -> None:
    """One line a document when no terminal shows the progress bar (a log, a supervisor, CI)."""
    print(p.line(), flush=True)  # stdout: stderr is for the one-line errors


def _filter_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--publisher", help="only documents of this publisher (e.g. 교육부, 과학기술정보통신부)")
    p.add_argument("--since", help="only documents dated on or after YYYY-MM-DD")
    p.add_argument("--until", help="only documents dated on or before YYYY-MM-DD")


def _filters(args: argparse.Namespace) -> Any:
    from assistant.filters import Filters
    from assistant.inputs import clean_dates

    since, until = clean_dates(args.since or "", args.until or "")
    return Filters((args.publisher or "").strip(), since, until)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question, or every line of stdin with --jsonl (exit 1 if a line got an error object)."""
    from assistant.contract import answer_line, render_text
    from assistant.engine import Engine
    from assistant.inputs import clean_question

    if args.jsonl and args.question is not None:
        raise UserError("give a question or --jsonl (questions on stdin), not both")
    if not args.jsonl and args.question is None:
        raise UserError("give a question, or --jsonl to read questions from stdin")
    filters = _filters(args)
    question = None if args.jsonl else clean_question(args.question)  # before the engine loads: a bad one costs nothing
    engine = Engine(settings)
    if args.jsonl:
        failed = 0
        for raw in sys.stdin.buffer:
            obj = answer_line(engine, raw, filters)
            if obj is None:
                continue
            failed += "error" in obj
            print(json.dumps(obj, ensure_ascii=False), flush=True)
        return 1 if failed else 0
    answer = engine.ask(question or "", filters=filters, trace=args.verbose)
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


def cmd_draft(args: argparse.Namespace, settings: Settings) -> int:
    """Draft a reply to a letter (assistant/commands.py)."""
    from assistant.commands import draft

    return draft(args, settings, _filters(args))


def cmd_feedback(args: argparse.Namespace, settings: Settings) -> int:
    """List the stored ratings (assistant/commands.py)."""
    from assistant.commands import feedback

    return feedback(args, settings)


def cmd_hash_password(args: argparse.Namespace, settings: Settings) -> int:
    """Print a user:hash line for POLICY_AUTH_FILE (assistant/commands.py)."""
    from assistant.commands import hash_password

    return hash_password(args)


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
    apart = args.split != "dev" and not args.files
    code = run_eval(settings, files, as_json=args.json, report_dir=Path(args.report) if args.report else None,
                    baseline=not args.no_baseline, check=args.check, apart=apart, mode=args.mode)
    if args.report and not apart:
        from evals.feedback import append_to_report

        append_to_report(Path(args.report) / "report.md", Path(settings.index_dir))
    return code


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Start the Gradio chat on host:port."""
    import os
    from dataclasses import replace

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from assistant.auth import checker, exposure_warning
    from assistant.engine import Engine
    from assistant.live import Live
    from assistant.ui import serve

    settings = replace(settings, host=args.host or settings.host, port=args.port or settings.port)
    login = checker(os.environ)
    warning = exposure_warning(settings.host, login)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    engine: Engine | Live
    if args.ingest is not None:  # the page first; the documents are indexed beside it
        paths = [Path(p) for p in args.ingest] or [settings.corpus_dir]
        for p in paths:
            if not p.exists():
                raise UserError(f"{p}: no such file or directory")
        from core.embedder import E5Embedding
        from ingest.beside import runner, waiting

        embedder = E5Embedding()
        engine = Live(settings, embedder)
        engine.refresh()  # what an earlier run indexed answers at once
        engine.index(waiting(paths, Path.cwd()), runner(paths, Path.cwd(), settings.index_dir, embedder, settings.chroma,
                                                        settings.ingest_workers, settings.max_file_mb))
    else:
        engine = Engine(settings)
    print(f"정책 비서: http://{settings.host}:{settings.port}" + (" (login required)" if login else ""), flush=True)
    try:
        concurrency = int(os.environ.get("POLICY_CONCURRENCY", "0")) or None
    except ValueError:
        raise UserError("POLICY_CONCURRENCY must be a whole number (answers computed at once)") from None
    serve(engine, settings.host, settings.port, auth=login, **({"concurrency": concurrency} if concurrency else {}))
    return 0
