"""The fitted answer ranker and the separate decision to answer.

- The ranker orders one part's candidate units: gradient-boosted trees fitted across each part's
  candidates (LightGBM's LambdaMART), over the features of features.py. Its scores compare candidates
  of one part only; each candidate's `p` is its softmax share of the part.
- The decision says whether the best candidate answers at all: a logistic regression over the part's
  best scores, the margin between them, how much of the question the best unit and its passage cover,
  and whether the retrievers agree. It is fitted on out-of-fold rankings and outcomes, so its output is
  a probability of being right; the part is answered from the best candidate when it reaches `answer`.
- The thresholds are fitted twice: for a one-part message, and for a part of a message that asks several
  things (a letter), where a refused part leaves the whole reply short (`several`).

Both are data (assistant/data/ranker.json), written by `python -m evals.fit` with cross-validation
grouped by document; no weight or threshold here is set by hand.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.candidates import Candidate

MODEL = Path(__file__).with_name("data") / "ranker.json"
# Features of the best candidate the decision reads, beside the part-level ones (decision_row).
TOP_FEATURES = ("cover", "cover_unit", "cover_line", "chars_unit", "chars_line", "needs_frac", "no_needs", "counter",
                "focus", "anchor", "names", "other_year", "chunk_dense", "chunk_bm25", "hit_rank", "dense_rel",
                "title_cover", "topic_cover", "caption", "heading", "row", "q_len", "english", "scoped", "follows",
                "ask_number", "ask_date", "ask_contact", "ask_overview", "ask_yesno", "ask_list", "miss_doc", "miss_line",
                "prev_doc", "scope_doc", "local", "r_local")
PART_FEATURES = ("s1", "margin", "share1", "share2", "s1_minus_mean", "same_doc_top5", "both_retrievers", "n_cands")
DECISION = (*PART_FEATURES, *(f"top_{n}" for n in TOP_FEATURES))


def decision_row(cands: list[Candidate]) -> list[float]:
    """The decision's features of one part, from its candidates sorted best first (scores set)."""
    if not cands:
        return [0.0] * len(DECISION)
    s = [c.score for c in cands]
    top = cands[0]
    second = s[1] if len(s) > 1 else s[0] - 5.0
    share2 = cands[1].p if len(cands) > 1 else 0.0
    same = sum(1 for c in cands[:5] if c.source == top.source) / min(5, len(cands))
    both = float(top.hit.dense_rank is not None and top.hit.bm25_rank is not None)
    part = [s[0], s[0] - second, top.p, share2, s[0] - float(np.mean(s)), same, both, math.log(1 + len(cands))]
    return part + [top.features.get(n, 0.0) for n in TOP_FEATURES]


@dataclass(frozen=True)
class Decision:
    """P(the best candidate answers the part): a standardised logistic regression."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def probability(self, rows: np.ndarray) -> np.ndarray:
        """The probability of each row (one row a part)."""
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_dict(self) -> dict[str, Any]:
        """Its JSON form."""
        return {"features": list(DECISION), "mean": self.mean.round(6).tolist(), "scale": self.scale.round(6).tolist(),
                "coef": self.coef.round(6).tolist(), "intercept": round(self.intercept, 6)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Decision:
        """From its JSON form (the feature list must be this code's)."""
        if tuple(d["features"]) != DECISION:
            raise ValueError("the decision model was fitted on other features: refit with python -m evals.fit")
        return cls(np.asarray(d["mean"], float), np.asarray(d["scale"], float), np.asarray(d["coef"], float),
                   float(d["intercept"]))


@dataclass(frozen=True)
class Ranker:
    """The candidate ranker (a LightGBM booster over `features`), the decision, and its thresholds."""

    features: tuple[str, ...]
    booster: Any  # lightgbm.Booster; None ranks by cover (before any fit: the fit's own first pass)
    decision: Decision | None
    answer_min: float  # the decision's probability from which the best candidate answers
    extra_min: float  # another candidate joins the answer with at least this share of the best one's p
    units: int = 3  # quotes one part's answer may join
    several: tuple[float, float, int] | None = None  # (answer, extra, units) for a part of a several-part message

    def thresholds(self, several: bool) -> tuple[float, float, int]:
        """(answer, extra, units) for a part of a one-part message, or of a message that asks several things."""
        if several and self.several is not None:
            return self.several
        return self.answer_min, self.extra_min, self.units

    def matrix(self, cands: list[Candidate]) -> np.ndarray:
        """The candidates' features in the model's order."""
        return np.array([[c.features.get(n, 0.0) for n in self.features] for c in cands], dtype=np.float64)

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Ranking scores of feature rows."""
        if self.booster is None:
            return x[:, self.features.index("cover")] if "cover" in self.features else np.zeros(len(x))
        return np.asarray(self.booster.predict(x, num_threads=1), dtype=np.float64)

    def score(self, cands: list[Candidate]) -> None:
        """Set each candidate's score and its softmax share p of the part (in place)."""
        if not cands:
            return
        assign(cands, self.raw(self.matrix(cands)))

    def confidence(self, cands: list[Candidate]) -> float:
        """The decision's probability that the best of these (sorted) candidates answers."""
        if not cands:
            return 0.0
        if self.decision is None:
            return cands[0].p
        return float(self.decision.probability(np.array([decision_row(cands)]))[0])

    def contributions(self, c: Candidate, top: int = 5) -> list[tuple[str, float]]:
        """The features that moved one candidate's score most (SHAP values of the trees, for `ask -v`)."""
        if self.booster is None:
            return []
        shap = self.booster.predict(self.matrix([c]), pred_contrib=True, num_threads=1)[0][:-1]
        parts = sorted(zip(self.features, shap), key=lambda kv: -abs(kv[1]))
        return [(n, round(float(v), 2)) for n, v in parts[:top]]

    def to_dict(self, fitted_on: dict[str, Any]) -> dict[str, Any]:
        """Its JSON form, with what it was fitted on."""
        assert self.booster is not None and self.decision is not None
        return {"features": list(self.features),
                "thresholds": {"answer": self.answer_min, "extra": self.extra_min, "units": self.units,
                               **({"several": dict(zip(("answer", "extra", "units"), self.several))} if self.several else {})},
                "decision": self.decision.to_dict(), "fitted_on": fitted_on, "booster": self.booster.model_to_string()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Ranker:
        """A ranker from its JSON form."""
        import lightgbm

        t = d["thresholds"]
        booster = lightgbm.Booster(model_str=d["booster"])
        m = t.get("several")
        several = (float(m["answer"]), float(m["extra"]), int(m["units"])) if m else None
        return cls(tuple(d["features"]), booster, Decision.from_dict(d["decision"]), float(t["answer"]), float(t["extra"]),
                   int(t["units"]), several)

    @classmethod
    def untrained(cls, features: tuple[str, ...]) -> Ranker:
        """Ranks by cover and never decides: what the fit featurises with."""
        return cls(features, None, None, 1.01, 1.0)


def assign(cands: list[Candidate], scores: np.ndarray) -> None:
    """Give candidates their scores and softmax shares."""
    z = np.exp(scores - scores.max())
    shares = z / z.sum()
    for c, s, p in zip(cands, scores, shares):
        c.score = float(s)
        c.p = float(p)


@cache
def load(path: Path = MODEL) -> Ranker:
    """The shipped model (or another file, e.g. a fit not yet committed), read once."""
    return Ranker.from_dict(json.loads(path.read_text(encoding="utf-8")))
