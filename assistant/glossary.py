"""English → Korean policy vocabulary (core/lexicon/glossary.tsv), so an English question can be matched word by word.

The embedder is multilingual, but lexical matching (BM25, coverage, the answerability check) needs
the Korean words the documents use. This is general vocabulary of MSIT/MOE press releases, not
a list of questions; an English word missing here still reaches the documents through the
dense retriever, it just cannot count toward coverage.
"""

from __future__ import annotations

import re
from functools import cache

from core.lexicons import glossary


@cache
def _rx() -> re.Pattern[str]:
    keys = sorted(glossary(), key=lambda k: (-len(k), k))
    # a plural or a third person ("selects", "programmes") is the term it inflects
    return re.compile(r"\b(" + "|".join(re.escape(k) for k in keys) + r")(?:s|es)?\b", re.I)


def korean_terms(question: str) -> str:
    """The Korean words for the English terms of a question, longest phrases first."""
    words = glossary()
    return " ".join(dict.fromkeys(words[m.group(1).lower()] for m in _rx().finditer(question)))


def synonym_groups(question: str) -> list[list[str]]:
    """The Korean alternatives of each English term with several ("website" -> 누리집, 홈페이지):
    a passage using any one of them has the term."""
    words = glossary()
    return [words[m.group(1).lower()].split() for m in _rx().finditer(question)
            if len(words[m.group(1).lower()].split()) > 1]
