"""Records of a loaded document, shared by the loaders, the chunker and the indexer."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.records import DocMeta


@dataclass(frozen=True)
class Block:
    """One paragraph, or one table row whose cells are joined by tabs."""

    text: str
    page: int | None = None
    table: int | None = None  # index of the table within the document; None for a paragraph
    heading: bool = False  # marked as a heading by the format itself (Markdown "#", a bold title line)


@dataclass(frozen=True)
class Document:
    """A loaded document: its repo-relative source path, metadata and blocks in reading order."""

    source: str
    meta: DocMeta
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    paged: bool = False  # True when page numbers come from the file's own layout

    @property
    def text(self) -> str:
        """The whole extracted text, one block a line."""
        return "\n".join(b.text for b in self.blocks)


class LoadError(Exception):
    """A file that cannot be ingested; the message names the reason."""
