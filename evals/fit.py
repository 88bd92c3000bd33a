"""Fit the answer ranker and the decision to answer, cross-validated by document; write a new ranker file.

    python -m evals.fit [--index .index] [--folds 5] [--out .fit/ranker.json] [--cache .fit/items.pkl]

1. Every question of the training sets (evals/train/*.jsonl) and the dev set (evals/gold.jsonl) is
   read by the engine's own loop (Engine.read: parts, topic carry-over, letter scope, fused searches,
   candidates, features), exactly as `ask` reads it.
2. Each part is matched to its labelled part; a candidate is labelled as answering when it holds every
   fact of the part, or holds the gold support (or lies inside it) and one of its facts, in the gold
   document.
3. Folds are grouped by document: no document of a held-out fold is in its training folds (and, for
   comparison, by question). In each fold a LambdaMART ranker (LightGBM) is fitted across each part's
   candidates and ranks the held-out parts.
4. The decision to answer is a logistic regression over each part's out-of-fold ranking (its best
   scores, margin, cover, retriever agreement), fitted on out-of-fold outcomes (does the best candidate
   answer?). Its own out-of-fold probabilities, by the same folds, choose the thresholds (answer, and
   let another candidate join) by running the real strategies and scorers; the cross-validated numbers
   use thresholds chosen without the fold being scored. They are chosen apart for one-part messages
   (objective: the worse of answered right and refused right, by message) and for messages that ask
   several things, letters above all (the same objective counted by asking part: one refused part
   leaves the whole reply short, so the balance is struck where it is paid).
5. The final ranker and decision are fitted on everything and written to --out with their thresholds
   and the CV table. The engine keeps loading assistant/data/ranker.json until that file is replaced
   (commit it to ship): `ask --ranker .fit/ranker.json` and `eval --ranker …` try a fit first.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from assistant.engine import Engine
from assistant.features import NAMES
from assistant.ranker import DECISION, Decision, Ranker, assign, decision_row
from assistant.settings import load_settings
from evals.labels import Item, answered, build
from evals.scorers import Case, load_cases
from evals.thresholds import Table, summary

TRAIN = "evals/train"
DEV = "evals/gold.jsonl"
LGB = {"objective": "lambdarank", "metric": "ndcg", "eval_at": [1, 3], "learning_rate": 0.05, "num_leaves": 15,
       "min_data_in_leaf": 20, "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1,
       "lambdarank_truncation_level": 10, "verbose": -1, "num_threads": 2, "seed": 7, "deterministic": True}
ROUNDS = 300


def matrix(items: list[Item], idx: list[int]) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Features, labels and the group sizes (one group a part) of the given items."""
    xs: list[list[float]] = []
    ys: list[int] = []
    sizes: list[int] = []
    for i in idx:
        for t, lab in zip(items[i].reading.turns, items[i].labels):
            if not t.cands:
                continue
            xs.extend([c.features.get(n, 0.0) for n in NAMES] for c in t.cands)
            ys.extend(lab.tolist())
            sizes.append(len(t.cands))
    return np.array(xs, dtype=np.float64), np.array(ys), sizes


def fit_booster(items: list[Item], idx: list[int]) -> Any:
    """A LambdaMART ranker over these items' parts (parts without an answering candidate teach nothing)."""
    import lightgbm

    keep = [i for i in idx if any(lab.any() for lab in items[i].labels)]
    x, y, sizes = matrix(items, keep)
    return lightgbm.train(LGB, lightgbm.Dataset(x, y, group=sizes, feature_name=list(NAMES)), num_boost_round=ROUNDS)


def rank(items: list[Item], idx: list[int], booster: Any) -> None:
    """Score and sort the parts of these items with one booster (in place). Each part's labels move with its
    candidates: a later fit reads them side by side (matrix), so a sort that left them behind would teach the
    next ranker another candidate's label."""
    ranker = Ranker(NAMES, booster, None, 0.0, 1.0)
    for i in idx:
        for j, t in enumerate(items[i].reading.turns):
            if t.cands:
                assign(t.cands, ranker.raw(ranker.matrix(t.cands)))
                order = sorted(range(len(t.cands)), key=lambda k: (-t.cands[k].score, t.cands[k].rank, t.cands[k].unit.seq))
                t.cands[:] = [t.cands[k] for k in order]
                items[i].labels[j] = items[i].labels[j][order]


def decision_rows(items: list[Item]) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]]]:
    """Each part's decision features (from its current ranking) and whether its best citable candidate answers."""
    rows, ys, where = [], [], []
    for i, it in enumerate(items):
        for j, (t, g) in enumerate(zip(it.reading.turns, it.golds)):
            cands = t.citable()
            rows.append(decision_row(cands))
            ys.append(answered(g, cands))
            where.append((i, j))
    return np.array(rows, dtype=np.float64), np.array(ys), where


def fit_decision(x: np.ndarray, y: np.ndarray, c_reg: float = 0.5) -> Decision:
    """A standardised logistic regression."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c_reg, max_iter=5000)
    model.fit((x - mean) / scale, y)
    return Decision(mean, scale, model.coef_[0], float(model.intercept_[0]))


def folds_of(items: list[Item], k: int, by: str) -> np.ndarray:
    """The fold of each item: grouped by document (no document in two folds) or by question. A group's
    fold is a stable hash of its name, balanced by greedy size so that no fold is empty."""
    key = [it.document if by == "document" else it.case.id.split(".")[0] for it in items]
    size: dict[str, int] = defaultdict(int)
    for g in key:
        size[g] += 1
    load = [0] * k
    fold_of: dict[str, int] = {}
    for g in sorted(size, key=lambda g: (-size[g], hashlib.sha1(g.encode()).hexdigest())):
        f = min(range(k), key=lambda f: load[f])
        fold_of[g] = f
        load[f] += size[g]
    return np.array([fold_of[g] for g in key])


def cross_validate(engine: Engine, items: list[Item], fold: np.ndarray, k: int, log: Any) -> tuple[Table, np.ndarray]:
    """Out-of-fold rankings and decisions; the outcome table under them; the decision's OOF probabilities."""
    for f in range(k):
        start = time.perf_counter()
        train = [i for i in range(len(items)) if fold[i] != f]
        test = [i for i in range(len(items)) if fold[i] == f]
        rank(items, test, fit_booster(items, train))
        log(f"  fold {f}: ranker on {len(train)} questions, ranked {len(test)} ({time.perf_counter() - start:.0f} s)")
    x, y, where = decision_rows(items)
    part_fold = np.array([fold[i] for i, _ in where])
    prob = np.zeros(len(y))
    for f in range(k):
        model = fit_decision(x[part_fold != f], y[part_fold != f])
        prob[part_fold == f] = model.probability(x[part_fold == f])
    for (i, j), p in zip(where, prob):
        items[i].reading.turns[j].confidence = float(p)
    return Table(engine, items), prob


def cv_scores(items: list[Item], table: Table, fold: np.ndarray, k: int) -> dict[str, Any]:
    """Each fold scored with thresholds chosen on the other folds; the mean and spread, and per kind."""
    per_fold: list[dict[str, float]] = []
    chosen: list[dict[str, Any]] = [{} for _ in items]
    for f in range(k):
        inside = [i for i in range(len(items)) if fold[i] != f]
        held = [i for i in range(len(items)) if fold[i] == f]
        grids = table.best(items, inside)
        per_fold.append(summary([items[i] for i in held], [table.outcome(items, i, grids) for i in held]))
        for i in held:
            chosen[i] = table.outcome(items, i, grids)
    overall = summary(items, chosen)
    kinds: dict[str, dict[str, float]] = {}
    for kind in sorted({it.case.kind for it in items}):
        idx = [i for i, it in enumerate(items) if it.case.kind == kind]
        kinds[kind] = summary([items[i] for i in idx], [chosen[i] for i in idx])
    parts = [ok for o in chosen for ok in o.get("parts", [])]
    return {"overall": overall, "sd": {m: float(np.std([p[m] for p in per_fold])) for m in ("fact", "hit", "refusal")},
            "by_kind": kinds, "part_accuracy": float(np.mean(parts)) if parts else None, "chosen": chosen}


def calibration(prob: np.ndarray, y: np.ndarray, bins: int = 5) -> list[tuple[float, float, int]]:
    """(mean predicted, observed rate, count) per probability bin: a calibrated decision has them equal."""
    edges = np.quantile(prob, np.linspace(0, 1, bins + 1))
    out = []
    for lo, hi in zip(edges, edges[1:]):
        m = (prob >= lo) & (prob <= hi)
        if m.any():
            out.append((round(float(prob[m].mean()), 3), round(float(y[m].mean()), 3), int(m.sum())))
    return out


def read_all(engine: Engine, cases: list[Case], cache: Path | None, log: Any) -> list[Item]:
    """Every case read by the engine's loop. With a cache, a case read before on the same indexed files (same
    digests) and labelled the same is reused and only the others are read: adding a training file costs its
    own questions. A change of the engine's code needs a new cache (delete the file)."""
    index = sorted(engine.db.execute("SELECT source, digest FROM files").fetchall())
    saved: dict[str, Any] = {}
    if cache and cache.exists():
        saved = pickle.loads(cache.read_bytes())
        if not isinstance(saved, dict) or saved.get("index") != index:
            log(f"{cache} was read on other indexed files: every question is read again")
            saved = {}
    old: dict[Case, Item] = saved.get("items", {})
    todo = [c for c in cases if c not in old]
    fresh = dict(zip(todo, build(engine, todo)))
    items = [old.get(c) or fresh[c] for c in cases]
    if cache:
        log(f"{len(cases) - len(todo)} questions from {cache}, {len(todo)} read")
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(pickle.dumps({"index": index, "items": {**old, **fresh}}))
    return items


def main(argv: list[str] | None = None) -> None:
    """Read, cross-validate both ways, fit on everything, write the ranker file and its report."""
    parser = argparse.ArgumentParser(prog="python -m evals.fit")
    parser.add_argument("--index", default=".index")
    parser.add_argument("--train", default=TRAIN, help="directory of training sets (every *.jsonl)")
    parser.add_argument("--dev", default=DEV)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", default=".fit/ranker.json", help="the new ranker file (the shipped one is untouched)")
    parser.add_argument("--cache", help="pickle of the read questions: those read on the same index are reused")
    parser.add_argument("--report", default="docs/eval/fit.json", help="the CV tables, as JSON")
    args = parser.parse_args(argv)
    from sklearn.metrics import roc_auc_score

    def log(msg: str) -> None:
        print(msg, flush=True)

    engine = Engine(load_settings(index_dir=args.index), ranker=Ranker.untrained(NAMES))
    files = [*sorted(Path(args.train).glob("*.jsonl")), Path(args.dev)]
    cases = [c for c in load_cases(files) if c.kind != "dialogue"]
    items = read_all(engine, cases, Path(args.cache) if args.cache else None, log)
    n_parts = sum(len(it.labels) for it in items)
    with_answer = sum(1 for it in items for lab in it.labels if lab.any())
    docs = len({it.document for it in items if not it.document.startswith("(none)")})
    log(f"{len(items)} questions ({len(files)} files, {docs} documents), {n_parts} parts, "
        f"{with_answer} with an answering candidate among theirs")
    report: dict[str, Any] = {"questions": len(items), "parts": n_parts, "documents": docs,
                              "files": [str(f) for f in files], "lgb": LGB, "rounds": ROUNDS}
    final_table: Table | None = None
    for by in ("question", "document"):
        log(f"cross-validation grouped by {by}, {args.folds} folds")
        fold = folds_of(items, args.folds, by)
        table, prob = cross_validate(engine, items, fold, args.folds, log)
        _, y, _ = decision_rows(items)
        cv = cv_scores(items, table, fold, args.folds)
        auc = float(roc_auc_score(y, prob)) if 0 < y.sum() < len(y) else None
        o = cv["overall"]
        log(f"  {by}-grouped CV: fact {o['fact']:.3f} ± {cv['sd']['fact']:.3f}, hit {o['hit']:.3f}, "
            f"refusal {o['refusal']:.3f}; decision AUC {auc}; parts {cv['part_accuracy']}")
        report[by] = {"overall": o, "sd": cv["sd"], "by_kind": cv["by_kind"], "part_accuracy": cv["part_accuracy"],
                      "decision_auc": auc, "calibration": calibration(prob, y)}
        final_table = table  # the document-grouped one (last): what the shipped thresholds are chosen on
    assert final_table is not None
    grids = final_table.best(items, list(range(len(items))))
    (answer_min, extra, units) = grids[False]
    m = summary(items, [final_table.outcome(items, i, grids) for i in range(len(items))])
    booster = fit_booster(items, list(range(len(items))))
    x, y, _ = decision_rows(items)  # the document-grouped out-of-fold rankings
    decision = fit_decision(x, y)
    ranker = Ranker(NAMES, booster, decision, answer_min, extra, units, grids[True])
    fitted_on = {"files": report["files"], "questions": len(items), "parts": n_parts, "folds": args.folds,
                 "cv_document": {k: round(v, 4) for k, v in report["document"]["overall"].items()},
                 "cv_question": {k: round(v, 4) for k, v in report["question"]["overall"].items()},
                 "date": time.strftime("%Y-%m-%d")}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(ranker.to_dict(fitted_on), ensure_ascii=False) + "\n", encoding="utf-8")
    report["thresholds"] = {"answer": answer_min, "extra": extra, "units": units, "several": grids[True], "on_oof": m}
    gain = booster.feature_importance("gain")
    report["importance"] = sorted(((n, round(float(g), 1)) for n, g in zip(NAMES, gain)), key=lambda kv: -kv[1])[:25]
    report["decision_features"] = list(DECISION)
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    log(f"thresholds: answer {answer_min:.2f}, extra {extra:.2f}, units {units}; a part of a several-part message "
        f"{grids[True]} (on document-grouped out-of-fold scores: "
        f"fact {m['fact']:.3f}, hit {m['hit']:.3f}, refusal {m['refusal']:.3f})")
    log("largest gains: " + ", ".join(f"{n} {g:.0f}" for n, g in report["importance"][:12]))
    log(f"wrote {out} and {args.report}; ship it with: cp {out} assistant/data/ranker.json")


if __name__ == "__main__":  # run as evals.fit, so that the pickled cache names its classes there
    from evals.fit import main as fit_main

    fit_main()
