"""Answer units: the sentences of a text chunk and the rows of a table, each quotable on its own.

The answer engine scores units, not chunks; cutting them at ingest (Kiwi's sentence split)
means a question pays no sentence splitting and no tokenising of passages.
"""

from __future__ import annotations

from core.records import Chunk, Unit
from core.text import sentence_tokens, tokens


def units_of(chunk: Chunk) -> list[Unit]:
    """Sentences of each line of a text chunk (cut and tokenised in one Kiwi pass a line), or each row
    of a table; none for a contact table."""
    out: list[Unit] = []
    if chunk.kind == "contact":
        return out
    for line_no, line in enumerate(chunk.lines):
        pieces = sentence_tokens(line) if chunk.kind == "text" else [(line, tokens(line))]
        for piece, toks in pieces:
            kind = "sentence" if chunk.kind == "text" else "row"
            out.append(Unit(chunk.id, len(out), line_no, kind, piece, tuple(toks)))
    return out
