"""Every hand-set number of the answer strategies, in one place, with why it is what it is.

The sentence-selection strategy has none: its weights and thresholds are fitted (ranker.json).
These remain for the routes that answer without the ranker (contacts, sections, overviews,
corroboration); each was chosen on the dev split and is covered by a unit test of its strategy.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tuning:
    """Numbers of the rule-based strategies."""

    list_items: int = 4  # lines taken after a sentence that announces a list ("다음과 같은 네 가지")
    match_min: float = 0.6  # share of the question a title, heading or line must cover to be "the one asked"
    section_min: float = 0.75  # share of the question a section heading (and title) must cover
    section_own: float = 0.25  # share the heading alone must cover
    section_sentences: int = 3  # opening sentences of a section quoted
    lead_sentences: int = 6  # opening sentences of a release an overview picks from
    desk_min: float = 0.3  # score a desk needs to be routed to
    desk_tie: float = 0.05  # desks this close to the best are listed with it
    desk_title_credit: float = 0.5  # a question word in the desk's document title
    desk_body_credit: float = 0.3  # a question word elsewhere in the desk's document
    desk_rank_prior: float = 0.25  # prior of the best-ranked document's desks, divided by 1 + rank
    ministry_bonus: float = 0.3  # a desk of the ministry the question names
    max_corroborations: int = 2  # other passages of the same document cited for a quote's figures
    figure_window: int = 16  # characters before a figure searched for the question's words
    corroboration_pair_cover: float = 0.4  # question cover a line with both figures of a pair needs
    corroboration_cover: float = 0.5  # question cover another line needs otherwise
    corroboration_pair: int = 4  # two figures that must both be in the other line may be this short in all
    corroboration_key: int = 6  # figures this long in all ("3,000명") are specific enough to match on
    rare_idf: float = 5.0  # a word this rare names the same thing wherever it occurs (아이코어이앤씨)
    defined_cover: float = 0.5  # a "X는 …" sentence covering this much answers before any section


TUNING = Tuning()
