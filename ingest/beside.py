"""An ingest for a process that serves while it runs (`serve --ingest`): which documents are still
waiting, and the run itself, with its own Indexer (one writer, as every ingest)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from llama_index.core.embeddings import BaseEmbedding

from core import vectors
from ingest.discovery import discover
from ingest.indexer import Indexer
from ingest.limits import MAX_FILE_MB
from ingest.loaders import relative_source
from ingest.report import OnDocument, Report

Run = Callable[[bool, OnDocument], Report]  # (show a bar, called after each document) -> the report


def waiting(paths: list[Path], root: Path) -> list[str]:
    """How the documents under paths are cited (corpus/x.hwpx), in the order they are indexed."""
    return [relative_source(f, root) for f in discover(paths).files]


def runner(paths: list[Path], root: Path, index_dir: Path, embedder: BaseEmbedding,
           chroma: vectors.ChromaTarget | None = None, workers: int = 0, max_file_mb: int = MAX_FILE_MB) -> Run:
    """The ingest of paths, to be run once in a thread beside the server."""
    def run(bar: bool, on_document: OnDocument) -> Report:
        indexer = Indexer(index_dir, root, embedder, chroma, workers, max_file_mb=max_file_mb)
        try:
            return indexer.ingest(paths, progress=bar, on_document=on_document)
        finally:
            indexer.close()
    return run
