"""The chunk vectors in Chroma: embedded under the index directory, or a Chroma server (client/server
mode), always with our own vectors (no embedding function of Chroma's)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core.errors import IndexMissing, UserError

COLLECTION = "policy_chunks"
# The HNSW graph. e5 vectors sit in a narrow cone (cosine 0.84-0.91 between unrelated texts), where
# Chroma's defaults (16 neighbours, ef 100/100) missed 195 of the exact top-30 chunks of the 337 gold
# questions on the 3,147-chunk corpus, and 4 exact top-1s; these settings missed 1 (build 2x slower,
# query the same ~3 ms). `python -m evals.hnsw --index DIR` measures it. An index built before keeps
# its graph and gets the wider search.
HNSW = {"space": "cosine", "max_neighbors": 48, "ef_construction": 400, "ef_search": 400}


@dataclass(frozen=True)
class ChromaTarget:
    """Where the chunk vectors live: embedded under the index dir (url empty), or a Chroma server."""

    url: str = ""  # http(s)://host:port of `chroma run`; empty for the embedded PersistentClient
    collection: str = COLLECTION  # one per index when several indexes share a server

    def describe(self, index_dir: Path) -> str:
        """Where, for messages: the server and collection, or the local directory."""
        return f"collection '{self.collection}' at {self.url}" if self.url else f"{index_dir / 'chroma'}/"


def chroma_client(index_dir: Path, target: ChromaTarget) -> Any:
    """A Chroma client: HttpClient for a server URL, else a PersistentClient under index_dir/chroma."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if not target.url:
        # an absolute path: chromadb caches one client per path string
        return chromadb.PersistentClient(path=str((index_dir / "chroma").resolve()), settings=settings)
    url = urlsplit(target.url)
    if url.scheme not in ("http", "https") or not url.hostname or url.path not in ("", "/"):
        raise UserError(f"chroma_url {target.url!r} is not http(s)://host:port (POLICY_CHROMA_URL or policy.toml)")
    try:
        return chromadb.HttpClient(host=url.hostname, port=url.port or (443 if url.scheme == "https" else 8000),
                                   ssl=url.scheme == "https", settings=settings)
    except ValueError as exc:  # chromadb's way of saying nothing answered
        raise UserError(f"no Chroma server answers at {target.url} — start one (`make chroma`) "
                        "or unset POLICY_CHROMA_URL for the embedded store") from exc


def chroma_collection(index_dir: Path, target: ChromaTarget | None = None, create: bool = True,
                      expect: int = 0) -> Any:
    """The Chroma collection (cosine space, no embedding function of its own: we pass our vectors).

    create=False is the reading side: a missing collection, or an empty one while the index has
    expect chunks (a wrong chroma_url or collection), is an IndexMissing error rather than an engine
    that silently answers from BM25 alone.
    """
    from chromadb.errors import ChromaError, NotFoundError

    target = target or ChromaTarget()
    client = chroma_client(index_dir, target)
    try:
        if create:
            collection = client.get_or_create_collection(
                target.collection, embedding_function=None, configuration={"hnsw": HNSW})
            if (collection.configuration.get("hnsw") or {}).get("ef_search", 0) < HNSW["ef_search"]:
                # built before the settings above: the graph stays, the search widens
                collection.modify(configuration={"hnsw": {"ef_search": HNSW["ef_search"]}})
            return collection
        collection = client.get_collection(target.collection, embedding_function=None)
    except NotFoundError as exc:
        raise IndexMissing(f"no Chroma {target.describe(index_dir)} — ingest with the same chroma_url and "
                           "chroma_collection first") from exc
    except ChromaError as exc:  # a bad collection name, mostly
        raise UserError(f"Chroma {target.describe(index_dir)}: {exc}") from exc
    if expect and collection.count() == 0:
        raise IndexMissing(f"Chroma {target.describe(index_dir)} is empty but the index has {expect} chunks — "
                           "wrong chroma_url or chroma_collection, or ingest again with them")
    return collection


def chroma_ids(collection: Any) -> set[str]:
    """Ids of every vector in the Chroma collection."""
    ids: set[str] = set()
    offset, page = 0, 5000
    while True:
        batch = collection.get(include=[], limit=page, offset=offset)["ids"]
        ids.update(batch)
        if len(batch) < page:
            return ids
        offset += page
