"""The answer pipeline of one part: candidates scored once, then the first strategy that answers.

Order: a phone or a person's name in the question (reverse look-up); a help line in the text; a
desk for a contact question; a section the question names, or a release's overview; the fitted
sentence selection; a release's date; otherwise a refusal naming the desk to ask. Each answer
logs (at debug level) the route that produced it and the scores of the top candidates.
"""

from __future__ import annotations

import logging

from assistant.candidates import ContextCache, candidates, title_hits
from assistant.features import featurize
from assistant.question import Query
from assistant.retrieval import Retrieved
from assistant.strategies import lookup, refusal, routing, section, selection
from assistant.strategies.base import Env, Reply, Strategy, Turn

log = logging.getLogger(__name__)

STRATEGIES: tuple[tuple[str, Strategy], ...] = (
    ("lookup", lookup.reverse_lookup),
    ("phone_in_text", routing.phone_in_text),
    ("routing", routing.contact_answer),
    ("section", section.section_answer),
    ("overview", section.overview_answer),
    ("selection", selection.select),
    ("release_date", section.release_date),
)


class Composer:
    """Builds one part's reply from its retrieval, the corpus and its facts."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.cache = ContextCache(env.corpus)

    def turn(self, q: Query, retrieved: Retrieved, allowed: set[str] | None = None, part: str = "",
             follows: bool = False, before: tuple[str, ...] = ()) -> Turn:
        """The part's candidates with their features and fitted scores, best first, and the decision's
        confidence that the best of them answers."""
        hits = retrieved.hits
        cands = candidates(self.env.corpus, self.cache, [*hits, *title_hits(self.env.corpus, hits)])
        featurize(q, self.env.corpus, cands, follows, before)
        turn = Turn(q, hits, cands, allowed, part or q.question, follows)
        self.rescore(turn)
        return turn

    def rescore(self, turn: Turn) -> None:
        """Score, sort and decide with the current ranker (the fit calls it with each fold's model)."""
        ranker = self.env.ranker
        ranker.score(turn.cands)
        turn.cands.sort(key=lambda c: (-c.score, c.rank, c.unit.seq))
        turn.confidence = ranker.confidence(turn.citable())

    def replies(self, turns: list[Turn]) -> list[Reply]:
        """Each part's reply in order; a part that follows another is answered from the documents that
        part's reply relied on (its desk, above all, is that document's desk)."""
        out: list[Reply] = []
        relied: tuple[str, ...] = ()
        sections: frozenset[str] = frozenset()
        for turn in turns:
            turn.several = len(turns) > 1
            turn.relied = relied if turn.follows else ()
            turn.relied_sections = sections if turn.follows else frozenset()
            reply = self.reply(turn)
            out.append(reply)
            if reply.answerable and reply.citations:
                relied = tuple(dict.fromkeys(c.source for c in reply.citations))
                first = reply.citations[0]  # the answer itself; the quotes after it complete it
                sections = frozenset(c.item.chunk.section for c in turn.cands if c.item.chunk.section
                                     and c.source == first.source and c.text in first.quote)
        # a part the documents do not answer names the desk of a document the answer relies on, if any
        answered = tuple(dict.fromkeys(c.source for r in out if r.answerable for c in r.citations))
        for i, (turn, reply) in enumerate(zip(turns, out)):
            if answered and reply.route == "refusal" and not turn.relied:
                turn.relied = answered
                out[i] = refusal.refuse(turn, self.env)
        return out

    def reply(self, turn: Turn) -> Reply:
        """The first strategy's answer, or the refusal."""
        for name, strategy in STRATEGIES:
            answer = strategy(turn, self.env)
            if answer is not None:
                self._log(name, turn)
                return answer
        self._log("refusal", turn)
        return refusal.refuse(turn, self.env)

    def _log(self, route: str, turn: Turn) -> None:
        if log.isEnabledFor(logging.DEBUG):
            top = ", ".join(f"{c.p:.2f} {c.text[:30]!r}" for c in turn.cands[:3])
            log.debug("route=%s question=%r top=[%s]", route, turn.q.question, top)

