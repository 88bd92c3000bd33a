"""Definition or section: a question naming a section heading ("⑤ AI 인재 TF의 역할"), a release's
overview ("보도자료의 주요 내용"), or a release's date, answered from that part of the document."""

from __future__ import annotations

import re

from assistant.coverage import CONTEXT_CREDIT, TOC, Layer, caption, coverage
from assistant.strategies.base import Citations, Env, Reply, Turn, mark, quoted
from core.patterns import is_heading
from core.records import StoredChunk
from core.text import particle, plain, sentences, tokens

_SENTENCE_END = re.compile(r"(다|임|음|함)\.?\s*$|다\.")
_RELEASE = re.compile(r"발표|배포|공개|보도|발간|나왔|나온|released|published", re.I)
HAS_NUMBER_HINT = re.compile(r"\d")


def _defined(turn: Turn, env: Env) -> bool:
    """A sentence saying "X는 …" about the question's subject answers before any section or summary."""
    return any(c.features["defines"] and c.features["cover"] >= env.tuning.defined_cover for c in turn.cands)


def section_answer(turn: Turn, env: Env) -> Reply | None:
    """"What does X do": when the question names a section heading (⑤ AI 인재 TF, □ 추진 배경),
    answer with the opening sentences of that section."""
    q = turn.q
    if q.intents & {"number", "date"} or _defined(turn, env):
        return None
    t = env.tuning
    best: tuple[float, StoredChunk] | None = None
    for hit in turn.hits:
        chunk = hit.item.chunk
        if chunk.kind != "text" or not chunk.section or len(chunk.lines) < 2:
            continue
        head = set(tokens(chunk.section))
        if q.focus and q.focus not in head and q.focus not in plain(chunk.section):
            continue  # "…의 비전은?" is not answered by a section whose heading lacks 비전
        own = coverage(q, [Layer(head)], q.weights)
        cover = coverage(q, [Layer(head), Layer(tokens(hit.item.title), "", CONTEXT_CREDIT)], q.weights)
        if own >= t.section_own and (best is None or cover > best[0]):
            best = (cover, hit.item)
    if best is None or best[0] < t.section_min:
        return None
    item = best[1]
    chunk = item.chunk
    start = 1 if chunk.lines[0] == chunk.section else 0
    picked: list[tuple[str, int | None]] = []
    for line, page in zip(chunk.lines[start:], chunk.pages[start:]):
        if caption(line):
            continue  # "붙임2 … 현황", "< … >": labels, not content
        for sent in sentences(line):
            if len(picked) < t.section_sentences and not TOC.search(sent):
                picked.append((sent, page))
    if not any(_SENTENCE_END.search(sent) for sent, _ in picked):
        return None  # labels and table cells: not something to quote as the section's content
    # the section is named only when it says no figure the cited passage lacks ("□ 신청기간 ※ 공고일 : 2025. 11. 24.")
    named = f"'{chunk.section}' " if chunk.section in chunk.text or not HAS_NUMBER_HINT.search(chunk.section) else "관련 "
    return _quoted("section", item, [(s, p, chunk.text) for s, p in picked],
                   f"「{item.title}」({item.date})의 {named}부분입니다:")


def overview_answer(turn: Turn, env: Env) -> Reply | None:
    """"What is this release about": the lead sentences of the document whose title the question names."""
    q = turn.q
    if "overview" not in q.intents or q.needs or _defined(turn, env):
        return None
    t = env.tuning
    best: tuple[float, StoredChunk] | None = None
    for hit in turn.hits:
        cover = coverage(q, [Layer((), plain(hit.item.title))])
        if best is None or cover > best[0]:
            best = (cover, hit.item)
    if best is None or best[0] < t.match_min:
        return None
    item = best[1]
    lead: list[tuple[str, int | None, str]] = []
    for i in env.corpus.by_source.get(item.chunk.source, ()):
        other = env.corpus.items[i].chunk
        if other.kind != "text":
            continue
        for line, page in zip(other.lines, other.pages):
            if len(line) < 40 or TOC.search(line) or is_heading(line) or not _SENTENCE_END.search(line):
                continue
            lead.extend((sent, page, other.text) for sent in sentences(line)[:2])
        if len(lead) >= t.lead_sentences:
            break
    if not lead:
        return None
    # the lead sentence, then the first of the next ones that gives figures (how many, how much)
    figures = [x for x in lead[1 : t.lead_sentences] if HAS_NUMBER_HINT.search(x[0])]
    picked = [lead[0], *(figures or lead[1:2])[:1]]
    return _quoted("overview", item, picked, f"「{item.title}」({item.date})의 주요 내용입니다:")


def release_date(turn: Turn, env: Env) -> Reply | None:
    """"When was X published": the date line of the document whose title the question names."""
    q = turn.q
    if "date" not in q.intents or not _RELEASE.search(q.question):
        return None
    for hit in turn.hits:
        item = hit.item
        if coverage(q, [Layer((), plain(item.title))]) < env.tuning.match_min:
            continue
        y, m, d = (int(x) for x in item.date.split("-"))
        date_rx = re.compile(rf"{y}\s*[.년]\s*{m}\s*[.월]\s*{d}")
        for i in env.corpus.by_source.get(item.chunk.source, ()):
            other = env.corpus.items[i]
            for line, page in zip(other.chunk.lines, other.chunk.pages):
                if date_rx.search(line):
                    cites = Citations()
                    n = cites.add(other.chunk.source, other.title, other.date, page, line, line)
                    said = f"「{item.title}」{particle(item.title, '은')} {item.date}에 나온 문서입니다"
                    text = f"{said}: {line.replace(chr(9), ' · ')} {mark(n)}"
                    return Reply("release_date", text, True, tuple(cites.items))
    return None


def _quoted(route: str, item: StoredChunk, picked: list[tuple[str, int | None, str]], intro: str) -> Reply:
    """Sentences of one document; sentences of one passage share a citation showing the whole passage."""
    cites = Citations()
    parts = []
    for sent, page, passage in picked:
        n = cites.chunk(item, page, passage, sent)
        parts.append(f"{quoted(sent, item.date)} {mark(n)}")
    return Reply(route, intro + "\n" + "\n".join(parts), True, tuple(cites.items))
