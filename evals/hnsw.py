"""Dense recall of Chroma's HNSW graph against the exact (brute-force) cosine top k, per configuration.

    python -m evals.hnsw --index .index [--questions 150] [--k 30]

The index's own vectors are copied into a fresh embedded collection per configuration (Chroma's
defaults, a narrower one, then ours from core.vectors.HNSW); questions of evals/gold.jsonl (dev) are
embedded once. A "miss" is a chunk of the exact top k that the collection did not return although it
scores above the worst chunk it did return (ties between identical vectors are not misses).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from core import vectors
from core.embedder import E5Embedding

ROOT = Path(__file__).resolve().parents[1]
CONFIGS: dict[str, Any] = {
    "chroma default": {"space": "cosine"},
    "narrower": {"space": "cosine", "max_neighbors": 32, "ef_construction": 400, "ef_search": 200},
    "ours (core.vectors.HNSW)": vectors.HNSW,
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=ROOT / ".index")
    ap.add_argument("--questions", type=int, default=150)
    ap.add_argument("--k", type=int, default=30)
    args = ap.parse_args()
    import chromadb

    got = vectors.chroma_collection(args.index, create=False).get(include=["embeddings"])
    ids, raw = list(got["ids"]), np.asarray(got["embeddings"], dtype=np.float32)
    unit = raw / np.linalg.norm(raw, axis=1, keepdims=True)
    rows = [json.loads(line) for line in (ROOT / "evals" / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    questions = [r["question"] for r in rows][: args.questions]  # gold.jsonl is the dev split
    embedder = E5Embedding()
    queries = [np.asarray(embedder.get_query_embedding(q), dtype=np.float32) for q in questions]
    exact = [(unit @ q) for q in queries]
    at = {cid: i for i, cid in enumerate(ids)}
    print(f"{len(ids)} vectors, {len(queries)} dev questions, exact top {args.k}")
    print("| configuration | build s | query ms | misses | top-1 missing |\n|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n, (name, hnsw) in enumerate(CONFIGS.items()):
            client = chromadb.PersistentClient(path=f"{tmp}/{n}")
            col = client.create_collection("bench", embedding_function=None, configuration={"hnsw": hnsw})
            start = time.perf_counter()
            for i in range(0, len(ids), 1000):
                col.add(ids=ids[i : i + 1000], embeddings=raw[i : i + 1000].tolist())
            build = time.perf_counter() - start
            misses = top1 = 0
            start = time.perf_counter()
            for q, scores in zip(queries, exact):
                found = col.query(query_embeddings=[q.tolist()], n_results=args.k, include=[])["ids"][0]
                worst = min(scores[at[c]] for c in found)
                best = np.argsort(-scores)[: args.k]
                misses += sum(1 for i in best if ids[i] not in found and scores[i] > worst + 1e-6)
                top1 += ids[best[0]] not in found
            ms = (time.perf_counter() - start) / len(queries) * 1000
            print(f"| {name} | {build:.1f} | {ms:.1f} | {misses} of {len(queries) * args.k} | {top1} |")


if __name__ == "__main__":
    main()
