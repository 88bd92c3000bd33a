"""Are the eval numbers stable? Perturb every query vector with Gaussian noise and score again.

    python -m evals.stability --index .index --sigma 0.003 --seed 3

A CI machine's CPU may round the embedder's arithmetic differently; noise far larger than that
(0.003 per dimension of a unit vector) shows whether the gate's margin depends on it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from assistant.engine import Engine
from assistant.settings import load_settings
from core import embedder
from evals.scorers import citation_hit, fact_ok, load_cases

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default=".index")
    parser.add_argument("--gold", default=str(ROOT / "evals" / "gold.jsonl"))
    parser.add_argument("--sigma", type=float, default=0.003, help="standard deviation of the noise per dimension")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    exact = embedder.E5Embedding.get_query_embedding

    def noisy(self: Any, query: str) -> list[float]:
        vec = np.asarray(exact(self, query), dtype=np.float64) + rng.normal(0.0, args.sigma, 384)
        return (vec / np.linalg.norm(vec)).tolist()

    embedder.E5Embedding.get_query_embedding = noisy  # type: ignore[method-assign]
    engine = Engine(load_settings(index_dir=Path(args.index)))
    facts = hits = refusals = answerable = unanswerable = 0
    for case in load_cases([Path(args.gold)]):
        answer = engine.ask(case.question).to_dict()
        if case.answerable:
            answerable += 1
            facts += fact_ok(case, answer)
            hits += citation_hit(case, answer, ROOT)
        else:
            unanswerable += 1
            refusals += not answer["answerable"]
    print(f"sigma {args.sigma}, seed {args.seed}: fact {facts / answerable:.3f}, citation hit {hits / answerable:.3f}, "
          f"refusal {refusals / unanswerable:.3f} ({answerable} answerable, {unanswerable} unanswerable)")


if __name__ == "__main__":
    main()
