"""`python -m assistant eval`: score ours and the baseline on the gold set; print or report."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tqdm import tqdm

from assistant.settings import Settings
from core.text import fold
from evals.scorers import KINDS, Case, Tally, load_cases
from evals.tables import table

# CI fails below these: regression guards a few points under the fitted engine's in-sample dev run on
# the 57-document index (fact 0.77, hit 0.78, refusal 0.84). They are lower than issue #4's floors
# (0.85 / 0.90), which an engine of hand rules tuned on these very questions met in sample (0.90 / 0.91)
# while scoring 0.56-0.74 on questions it had not seen; the honest numbers are the cross-validated and
# blind ones in the README, and this gate only catches a regression.
# The ranker of 2026-12-03 (dev in sample: fact 0.80, hit 0.85, refusal 0.64) answers more than the one
# before it and refuses less: its refusal guard is under that, and its cross-validated refusal (0.62 by
# document) is the honest number.
THRESHOLDS = {"fact_accuracy": 0.72, "citation_hit": 0.72, "refusal_accuracy": 0.60}


def score(cases: list[Case], ask: Any, root: Path,
          doc_text: Callable[[str], str] | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run every case through ask(question) -> contract dict; metrics overall and by kind (doc_text: also
    count answers showing a phone of a document the question is not about)."""
    overall = Tally()
    by_kind: dict[str, Tally] = {}
    records: list[dict[str, Any]] = []
    for case in tqdm(cases, desc="eval", unit="q", leave=False, disable=None):  # a bar on a terminal only
        start = time.perf_counter()
        answer = ask(case.question)
        ms = (time.perf_counter() - start) * 1000
        rec = overall.add(case, answer, root, ms, doc_text)
        by_kind.setdefault(case.kind, Tally()).add(case, answer, root, ms, doc_text)
        rec.update(question=case.question, answer=answer["answer"], answerable=answer["answerable"],
                   citations=[(c["source"], c["page"], c["text"][:160]) for c in answer["citations"]])
        records.append(rec)
    metrics: dict[str, Any] = overall.metrics()
    metrics["by_kind"] = {k: by_kind[k].metrics() for k in KINDS if k in by_kind}
    return metrics, records


def document_text(engine: Any) -> Callable[[str], str]:
    """A document's folded text by its file stem, from the engine's index."""
    by_stem = {Path(source).stem: fold(text) for source, text in engine.corpus.doc_text.items()}
    return lambda stem: by_stem.get(stem, "")


def failures(metrics: dict[str, Any]) -> list[str]:
    """Metrics under their CI threshold."""
    return [f"{k} {metrics[k]} < {v}" for k, v in THRESHOLDS.items() if metrics.get(k) is None or metrics[k] < v]


SPLITS = {
    "dev": ("evals/gold.jsonl",),  # tuned on: the composer's rules and the ranker's fit saw every question
    "blind": ("evals/blind/letters.jsonl", "evals/blind/staff.jsonl", "evals/blind/newdocs.jsonl"),
}


def split_files(split: str) -> list[Path]:
    """The gold files of a split ("dev", "blind" or "all")."""
    names = [*SPLITS["dev"], *SPLITS["blind"]] if split == "all" else list(SPLITS[split])
    return [Path(n) for n in names]


def _with_llm(engine: Any, cases: list[Case], root: Path, doc_text: Callable[[str], str]) -> dict[str, Any]:
    """The LLM engine's metrics, with the share of generated sentences the check dropped and of parts
    that fell back to the extractive answer (over these cases)."""
    stats = engine.generator.stats if engine.generator else None
    before = (stats.sentences, stats.dropped, stats.parts, stats.fell_back) if stats else (0, 0, 0, 0)
    metrics, _ = score(cases, lambda q: engine.ask(q).to_dict(), root, doc_text)
    if stats:
        sentences, dropped, parts, fell = (a - b for a, b in zip(
            (stats.sentences, stats.dropped, stats.parts, stats.fell_back), before))
        metrics["sentences_dropped"] = round(dropped / sentences, 3) if sentences else None
        metrics["parts_fell_back"] = round(fell / parts, 3) if parts else None
    return metrics


def run_eval(settings: Settings, files: list[Path], as_json: bool, report_dir: Path | None, baseline: bool,
             check: bool, apart: bool = False, mode: str = "extractive") -> int:
    """The eval command; exit code 1 when --check and a metric is under its threshold. With apart,
    each file is scored and reported on its own (the blind sets). With mode "llm", the LLM engine
    (settings.llm_mode, else generate) is scored beside the extractive one in the same run."""
    from dataclasses import replace

    from assistant.engine import Engine

    groups = {f.stem: [f] for f in files} if apart else {"all": files}
    loaded = {name: load_cases(fs) for name, fs in groups.items()}
    engine = Engine(replace(settings, llm_mode="off"))
    writing = None
    if mode == "llm":
        writing = Engine(replace(settings, llm_mode=settings.llm_mode if settings.llm_mode != "off" else "generate"),
                         engine.embedder)
    root = Path.cwd()
    base: Any = None
    if baseline:
        from evals.baseline import Baseline

        base = Baseline(settings.corpus_dir, root, Path(settings.index_dir) / "baseline", engine.retriever.embedder)
    results: dict[str, dict[str, Any]] = {}
    bad: list[str] = []
    for name, cases in loaded.items():
        ours, records = score(cases, lambda q: engine.ask(q).to_dict(), root, document_text(engine))
        result: dict[str, Any] = {"ours": ours}
        if writing is not None:
            result["ours (llm)"] = _with_llm(writing, cases, root, document_text(engine))
        base_records: list[dict[str, Any]] = []
        if base is not None:
            result["baseline"], base_records = score(cases, base.ask, root)
        if report_dir:
            from evals.report import write_report

            write_report(report_dir / name if apart else report_dir, result, records, base_records)
        results[name] = result
        bad += failures(ours)
    out: Any = results if apart else results["all"]
    if as_json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for name, result in results.items():
            print(f"## {name}\n" if apart else "", end="")
            print(table(result) + "\n")
    if check and bad:
        print("below threshold: " + "; ".join(bad), file=sys.stderr)
        return 1
    return 0
