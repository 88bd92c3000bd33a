"""The engine the chat asks while documents are indexed beside it.

`make run` serves the page at once and indexes the corpus in a thread of the same process (so the
embedded Chroma is one client for both). After each document the ingest reports its progress; at
most every REFRESH seconds, and once when it ends, a fresh Engine is built over what the index holds
and swapped in, so answers come from every document indexed so far, with no restart. The indexer is
the one `ingest` runs: a crash or kill -9 in the middle leaves what its crash tests guarantee.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import IndexMissing

if TYPE_CHECKING:
    from assistant.engine import Engine
    from assistant.settings import Settings
    from core.embedder import E5Embedding

log = logging.getLogger(__name__)
Run = Callable[[bool, Callable[[Any], None]], Any]  # (bar, on_document(progress)) -> report (.skipped)
REFRESH = 20.0  # seconds between two engine rebuilds while an ingest runs (a rebuild takes a few seconds)


class NotReady(Exception):
    """No document is searchable yet."""


@dataclass(frozen=True)
class Status:
    """What the page's banner says while documents are indexed."""

    indexing: bool
    done: int = 0
    total: int = 0
    eta_s: float = 0.0
    searchable: int = 0  # documents the current engine answers from
    waiting: tuple[str, ...] = ()  # documents of this run not yet searchable (file names)
    error: str = ""

    def banner(self) -> str:
        """One line in Korean ("" when nothing is being indexed)."""
        if self.error:
            return f"문서 색인이 중단되었습니다: {self.error}"
        if not self.indexing:
            return ""
        left = f", 약 {max(1, round(self.eta_s / 60))}분 남음" if self.done else ""
        return (f"문서 색인 중: {self.done}/{self.total} 문서{left}. 지금은 색인된 {self.searchable}개 문서에서 답합니다"
                f" (아직 검색되지 않는 문서 {len(self.waiting)}개).")


class Live:
    """An Engine that is rebuilt as an ingest beside it lands documents."""

    def __init__(self, settings: Settings, embedder: E5Embedding | None = None, engine: Engine | None = None) -> None:
        self.settings = settings
        self._embedder = embedder if embedder is not None else (engine.embedder if engine is not None else None)
        self._engine = engine
        self._lock = threading.Lock()
        self._progress: Any = None
        self._indexing = False
        self._error = ""
        self._refreshed = 0.0
        self._waiting: tuple[str, ...] = ()
        self._rebuilding = threading.Lock()

    @classmethod
    def fixed(cls, engine: Engine) -> Live:
        """An engine that is never rebuilt (tests, an index built beforehand)."""
        return cls(engine.settings, engine=engine)

    @property
    def current(self) -> Engine | None:
        """The current engine, or None."""
        return self._engine

    @property
    def engine(self) -> Engine:
        """The current engine; NotReady while no document is searchable."""
        engine = self._engine
        if engine is None:
            raise NotReady(self.status().banner() or "문서 색인을 기다리는 중입니다.")
        return engine

    def refresh(self) -> bool:
        """Build an engine over what the index holds now and swap it in; False while it holds nothing."""
        from assistant.engine import Engine

        if self._embedder is None:
            from core.embedder import E5Embedding

            self._embedder = E5Embedding()
        start = time.perf_counter()
        try:
            engine = Engine(self.settings, self._embedder)
        except IndexMissing:
            return False
        except Exception as exc:  # the chat keeps the engine it has; the banner says what went wrong
            self._error = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
            log.error("engine rebuild failed: %s", self._error)
            return False
        with self._lock:
            self._engine = engine
            self._refreshed = time.monotonic()
        searchable = set(engine.corpus.by_source)
        self._waiting = tuple(w for w in self._waiting if w not in searchable)
        log.info("engine rebuilt over %d documents in %.1f s", len(searchable), time.perf_counter() - start)
        return True

    def status(self) -> Status:
        """The banner's numbers."""
        p = self._progress
        searchable = len(self._engine.corpus.by_source) if self._engine is not None else 0
        waiting = tuple(Path(w).name for w in self._waiting)
        if p is None:
            return Status(self._indexing, searchable=searchable, waiting=waiting, error=self._error)
        return Status(self._indexing, p.done, p.total, p.eta, searchable, waiting, self._error)

    def index(self, waiting: list[str], run: Run, progress: bool | None = None) -> threading.Thread:
        """Run an ingest in a thread (the bar on stderr when it is a terminal); the engine follows.
        waiting: the documents it indexes, as cited; run(bar, on_document) -> its report (the shell that
        serves builds it: the ingest layer is not this one's to import)."""
        self._waiting = tuple(waiting)
        if self._engine is not None:
            have = set(self._engine.corpus.by_source)
            self._waiting = tuple(w for w in self._waiting if w not in have)
        self._indexing = True
        bar = sys.stderr.isatty() if progress is None else progress
        thread = threading.Thread(target=self._run, args=(run, bar), name="ingest", daemon=True)
        thread.start()
        return thread

    def _run(self, run: Run, bar: bool) -> None:
        try:
            report = run(bar, self._landed)
            for path, reason in report.skipped:
                log.warning("skipped %s: %s", path, reason)
        except Exception as exc:  # the chat goes on with what is indexed; the banner says why it stopped
            self._error = " ".join(str(exc).split())[:200]
            log.error("ingest stopped: %s", self._error)
        finally:
            with self._rebuilding:
                self._indexing = False
                self.refresh()

    def _landed(self, p: Any) -> None:  # ingest's Progress: done, total, eta, line()
        self._progress = p
        if not sys.stderr.isatty():
            print(p.line(), file=sys.stderr, flush=True)
        due = self._engine is None or time.monotonic() - self._refreshed >= REFRESH
        if due and not self._rebuilding.locked():  # rebuilt beside the ingest, which does not wait for it
            threading.Thread(target=self._rebuild, name="engine-rebuild", daemon=True).start()

    def _rebuild(self) -> None:
        with self._rebuilding:
            self.refresh()
