"""What an ingest run tells: its report when it ends, and its progress after each document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.discovery import shown


@dataclass
class Report:
    """What one ingest run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, one-line reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (manifest, one-line problem)
    repaired: int = 0  # vectors deleted or restored so that Chroma holds exactly SQLite's chunks
    chunks_embedded: int = 0  # chunks whose text was not in the embedding cache
    texts_embedded: int = 0  # texts sent to the embedder (each distinct text once)
    chunks_total: int = 0

    def skip(self, path: Path | str, reason: str) -> None:
        """Record a file that was not indexed, with its reason on one line."""
        self.skipped.append((shown(path), one_line(reason)))


@dataclass
class Progress:
    """How far an ingest run is: documents and bytes to read, done so far, and the last document."""

    total: int
    bytes_total: int
    done: int = 0
    bytes_done: int = 0
    source: str = ""  # the last document written (or skipped)
    chunks: int = 0  # its chunks
    seconds: float = 0.0  # the time it took
    chunks_total: int = 0
    elapsed: float = 0.0

    def step(self, source: str, size: int, chunks: int, seconds: float) -> None:
        """Count one more document: its name, bytes, chunks (0 if skipped) and seconds."""
        self.done += 1
        self.bytes_done += size
        self.source = source
        self.chunks = chunks
        self.seconds = seconds
        self.elapsed += seconds
        self.chunks_total += self.chunks

    def line(self) -> str:
        """The log line of the last document (for a run with no terminal to show the bar)."""
        return (f"ingest {self.done}/{self.total} {self.source}: {self.chunks} chunks, {self.seconds:.1f} s "
                f"(about {self.eta / 60:.0f} min left)")

    @property
    def eta(self) -> float:
        """Seconds left, at the rate so far in bytes read (documents differ a hundredfold in size)."""
        if not self.bytes_done:
            return 0.0
        return self.elapsed * (self.bytes_total - self.bytes_done) / self.bytes_done


OnDocument = Callable[[Progress], None]


def one_line(text: str) -> str:
    flat = " ".join(str(text).split())  # a reason on one line of at most 300 characters
    return flat if len(flat) <= 300 else flat[:299] + "…"
