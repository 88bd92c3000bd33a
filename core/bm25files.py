"""The index's files beside SQLite: the BM25 index, published whole (built aside, then swapped in by
renaming a link) and checked against SQLite's rows by its fingerprint, and the writer's lock file."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from core.errors import UserError


def bm25s_module() -> Any:
    """bm25s, with the DEBUG level it sets on its own logger at import put back to WARNING."""
    import logging

    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def lock_for_writing(index_dir: Path) -> IO[str]:
    """An exclusive lock on the index for one writer (released on close, or by the OS if the process dies)."""
    import fcntl

    index_dir.mkdir(parents=True, exist_ok=True)
    handle = open(index_dir / ".ingest.lock", "a+", encoding="utf-8")  # held until close()
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "?"
        handle.close()
        raise UserError(f"another ingest (pid {holder}) is writing {index_dir}/; wait for it to finish") from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


BM25 = "bm25"  # a link to the current generation, bm25.<fingerprint>/ (a plain directory in older indexes)


def bm25_fingerprint(rows: Iterable[tuple[str, Sequence[str]]]) -> str:
    """SHA-256 over every chunk's id and BM25 tokens, in index order: what a BM25 index was built from."""
    text = json.dumps([[cid, list(toks)] for cid, toks in rows], ensure_ascii=False)  # unambiguous, and C-fast
    return hashlib.sha256(text.encode()).hexdigest()


def bm25_is_current(directory: Path, rows: Sequence[tuple[str, Sequence[str]]]) -> bool:
    """True when directory holds a complete BM25 index built from exactly these (id, tokens) rows."""
    try:
        fingerprint = (directory / "fingerprint").read_text(encoding="utf-8").strip()
        ids = json.loads((directory / "ids.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return ids == [cid for cid, _ in rows] and fingerprint == bm25_fingerprint(rows)


def bm25_build_dir(index_dir: Path) -> Path:
    """An empty private directory to build the next BM25 generation in."""
    build = index_dir / f".bm25-build-{os.getpid()}"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    return build


def publish_bm25(index_dir: Path, build: Path, ids: list[str], fingerprint: str) -> None:
    """Make the BM25 index in build/ current in one atomic step: its files, ids.json and then its
    fingerprint are flushed to disk, the directory is renamed to its generation's name, and the
    bm25 link is replaced by rename(2). A reader sees the old generation or the new one, never a mix."""
    (build / "ids.json").write_text(json.dumps(ids), encoding="utf-8")
    for f in build.iterdir():
        _fsync(f)
    (build / "fingerprint").write_text(fingerprint, encoding="utf-8")  # written last: marks it complete
    _fsync(build / "fingerprint")
    _fsync(build)
    final = index_dir / f"{BM25}.{fingerprint[:16]}"
    if final.exists() and (final / "fingerprint").exists() and (final / "ids.json").exists():
        shutil.rmtree(build)  # the same generation, complete, published by a run that died before its sweep
    else:
        shutil.rmtree(final, ignore_errors=True)  # absent, or damaged: no reader trusts it without both files
        os.rename(build, final)
    link = index_dir / BM25
    if link.is_dir() and not link.is_symlink():  # an older index keeps BM25 in a plain directory
        os.rename(link, index_dir / f".bm25-legacy-{os.getpid()}")
    staged = index_dir / f".bm25-link-{os.getpid()}"
    if staged.is_symlink() or staged.exists():
        staged.unlink()
    os.symlink(final.name, staged)
    os.replace(staged, link)
    _fsync(index_dir)
    sweep_bm25(index_dir)


def sync_bm25(index_dir: Path, rows: Sequence[tuple[str, Sequence[str]]],
              step: Callable[[str], object] = lambda _: None) -> None:
    """Build and publish the BM25 index of rows (chunk id, tokens) unless the current one was built from
    exactly these rows; step(name) is told each phase as it starts (the crash harness kills inside them)."""
    if bm25_is_current((index_dir / BM25).resolve(), rows):
        return
    step(f"build ({len(rows)} chunks)")
    retriever = bm25s_module().BM25()
    # an empty index still gets a loadable BM25 (one placeholder document no chunk id points at)
    retriever.index([list(t) or ["∅"] for _, t in rows] or [["∅"]], show_progress=False)
    build = bm25_build_dir(index_dir)
    retriever.save(str(build), show_progress=False)
    step("publish")
    publish_bm25(index_dir, build, [cid for cid, _ in rows], bm25_fingerprint(rows))
    step("done")


def sweep_bm25(index_dir: Path) -> None:
    """Remove what a BM25 publish left behind: build, link and legacy leftovers of dead runs, and
    generations other than the current one and the newest before it (a reader may be loading that)."""
    current = (index_dir / BM25).resolve() if (index_dir / BM25).is_symlink() else None
    for leftover in index_dir.glob(".bm25-*"):
        if leftover.is_symlink() or leftover.is_file():
            leftover.unlink()
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    older = sorted((d for d in index_dir.glob(f"{BM25}.*") if d.is_dir() and d.resolve() != current),
                   key=lambda d: d.stat().st_mtime, reverse=True)
    for d in older[1:]:
        shutil.rmtree(d, ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
