"""The fitted answer ranker: a logistic regression over the candidate features, and the thresholds
that decide whether the best candidate answers and which others join it.

Weights and thresholds are data (assistant/data/ranker.json), written by `python -m evals.fit`
from the dev split of the gold set with k-fold cross-validation; none is set by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from assistant.candidates import Candidate

MODEL = Path(__file__).with_name("data") / "ranker.json"


@dataclass(frozen=True)
class Ranker:
    """Standardised features · coefficients + intercept, through the logistic function."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    answer_min: float  # the best candidate answers only with at least this probability
    extra_min: float  # another candidate joins the answer with at least this share of the best one's probability

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> Ranker:
        """A ranker from its JSON form."""
        t = d["thresholds"]
        assert isinstance(t, dict)
        return cls(tuple(d["features"]), np.asarray(d["mean"], dtype=np.float64),  # type: ignore[arg-type]
                   np.asarray(d["scale"], dtype=np.float64), np.asarray(d["coef"], dtype=np.float64),  # type: ignore[arg-type]
                   float(d["intercept"]), float(t["answer"]), float(t["extra"]))  # type: ignore[arg-type]

    def matrix(self, cands: list[Candidate]) -> np.ndarray:
        """The candidates' features in the model's order."""
        return np.array([[c.features.get(n, 0.0) for n in self.features] for c in cands], dtype=np.float64)

    def score(self, cands: list[Candidate]) -> None:
        """Set each candidate's probability (in place)."""
        if not cands:
            return
        z = ((self.matrix(cands) - self.mean) / self.scale) @ self.coef + self.intercept
        for c, p in zip(cands, 1.0 / (1.0 + np.exp(-z))):
            c.p = float(p)

    def contributions(self, c: Candidate, top: int = 5) -> list[tuple[str, float]]:
        """The features that moved one candidate's score most (for `ask -v`)."""
        x = (np.array([c.features.get(n, 0.0) for n in self.features]) - self.mean) / self.scale
        parts = sorted(zip(self.features, x * self.coef), key=lambda kv: -abs(kv[1]))
        return [(n, round(float(v), 2)) for n, v in parts[:top]]


@cache
def load(path: Path = MODEL) -> Ranker:
    """The shipped model, read once."""
    return Ranker.from_dict(json.loads(path.read_text(encoding="utf-8")))
