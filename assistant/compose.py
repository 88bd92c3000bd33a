"""The extractive, grounded answer composer (the default engine: no LLM).

It reads the retrieved passages, picks the sentences, table rows or contact desks that answer
the question, quotes them verbatim with [n] after each, and says "not in the documents" (with
the most relevant desk to ask) when no unit covers the question well enough.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from assistant.answer import Answer, Citation
from assistant.facts import FactBook
from assistant.question import (
    HANGUL_ONLY,
    HAS_DATE,
    HAS_NUMBER,
    HAS_PLACE,
    MONEY,
    PERCENT,
    RELATIVE_YEAR,
    RELATIVE_YEARS,
    YEAR,
    YEAR_TOKEN,
    Analyzer,
    Query,
    ordinals,
)
from assistant.retrieval import Hit, Retriever, spellings
from core.dates import annotate
from core.lexicons import ministries
from core.patterns import ROLES, is_heading
from core.records import Contact, Desk, StoredChunk
from core.text import fold, plain, sentences, tokens

_PHONE = re.compile(r"0\d{1,2}-\d{3,4}-\d{4}")
_ANY_PHONE = re.compile(r"(?<![\d-])(?:0\d{1,2}|1\d{3})-\d{3,4}(?:-\d{4})?(?![\d-])")  # 044-203-6364, 1566-0562
# Words that ask for a contact: every desk has them, so they cannot tell desks apart.
_CONTACT_WORDS = frozenset({"담당", "담당자", "연락처", "전화", "전화번호", "번호", "문의", "부서", "연락", "누구", "어디"})
_SENTENCE_END = re.compile(r"(다|임|음|함)\.?\s*$|다\.")
_ROLE_RX = re.compile(rf"(?:{ROLES})(?!\S*[을를])")
_ROUTING = re.compile(r"어디로|어디에\s*(?:문의|연락)|문의처|문의는|문의하|연락하|who (?:should|do) i (?:ask|contact)", re.I)
_INQUIRY = re.compile(r"문의|전화|콜센터|고객센터|상담|안내")
_UNLISTED = re.compile(r"이메일|e-?mail|메일\s*주소|팩스|fax", re.I)  # contact details no 담당 부서 table gives
# "김철수 과장", "이영호 사무관님": a person asked for by name and title
_NAMED_ROLE = re.compile(rf"(?<![가-힣])([가-힣]{{2,4}})\s*({ROLES})(?:님)?(?![가-힣])")
_UNIT_END = re.compile(r"(?:과|관|팀|부|실|단|국|처|원|청|회|터|소|장|담당|위원회|센터|기관|학교|대학)$")
_RELEASE = re.compile(r"발표|배포|공개|보도|발간|나왔|나온|released|published", re.I)
# "다음과 같은 네 가지 방향을 중심으로 운영된다", "주요 내용:": the lines after it are the answer.
_ANNOUNCES = re.compile(r"다음과\s*같|아래와\s*같|[:：]\s*$")
_FIELD = re.compile(r"^\s*[◦○ㅇ•·\-–*]?\s*\([^)]{1,12}\)")  # "◦ (일시/장소) …", "- (대상) …": a field of a block
_BREAKDOWN = re.compile(r"[가-힣]{2,}별(?=\s|\(|$)")  # 학년별, 학교급별, 분야별: a breakdown, not a total
_GARBLED = re.compile(r"[\u0a80-\u0aff\u0a00-\u0a7f\ue000-\uf8ff]")  # PDF glyphs mapped to stray scripts
_FOCUS_ALIASES = {"학교": ("교당", "개교"), "대학": ("개교", "교당"), "학생": ("1인당",), "교사": ("교원",), "교원": ("교사",)}
_SUFFIX_UNITS = {"금": MONEY, "비": MONEY, "료": MONEY, "액": MONEY, "률": PERCENT, "율": PERCENT}
_ATTRIBUTES = ("기간", "일정", "장소", "규모", "금액", "인원", "예산", "목표", "기한", "시기", "날짜", "일시", "한도", "금리")
_ASKS_RESULTS = re.compile(r"결과|현황|성과|실적|규모")
_ATTACHMENT = re.compile(r"^[【\[]?\s*(?:붙임|별첨|참고)\s*\d*\s*[】\]]?")  # "【별첨】 … 기본계획": a list of attachments
# Table-of-contents lines, page footers and figure captions answer nothing.
_TOC = re.compile(r"[·…\.]{5,}|-\s?\d+\s?-$|^[<\[]\s*(?:그림|표)\s*\d")

UNIT_MIN = 0.5  # coverage the best unit needs; it must also name the focus and the anchor, in scope
ANSWER_MIN = 0.6  # coverage of the question's weighted tokens a unit needs to count as an answer
EXTRA_RATIO = 0.95  # a second or third unit joins when it scores this close to the best
MAX_UNITS = 3
NEXT_SENTENCE_MIN = 0.3  # coverage a sentence of the best unit's own paragraph needs to fill a gap
LIST_ITEMS = 4  # lines taken after a sentence that announces a list
DEFINES_BONUS = 0.15  # an open question prefers a sentence whose subject is the question's
SCOPE_MARGIN = 0.05  # an out-of-scope passage covering the question this much better than the best stops it
BREAKDOWN_PENALTY = 0.05  # a breakdown line ranks below the total when the question asks for no breakdown
ALL_NEEDS_BONUS = 0.1  # a unit with everything a several-part question asks
EACH_BONUS = 0.1  # "각각 몇": a unit giving a number beside two of the question's words
RESULTS_BONUS = 0.1  # "선정 결과는?" prefers a sentence with figures
MINISTRY_BONUS = 0.3  # a desk of the ministry the question names
NAMED_CREDIT = 0.8  # a word of a quoted name, said by the passage's name rather than its sentence
TOPIC_SLACK = 0.1  # a unit's document may cover this much less of the question than the best document
TITLE_DOCS = 5  # retrieved documents whose title passage joins the candidates
MAX_CORROBORATIONS = 2  # other passages of the same document cited for a quote's figures
FIGURE_WINDOW = 16  # characters before a figure searched for the question's words
CORROBORATION_PAIR_COVER = 0.4  # question cover a line with both figures of a pair needs
CORROBORATION_PAIR = 4  # two figures that must both be in the other line may be this short in all
CORROBORATION_KEY = 6  # figures this long in all ("3,000명", "1,000명" + "400명") are specific enough to match on
RARE_IDF = 5.0  # a word this rare names the same thing wherever it occurs (아이코어이앤씨)
SECTION_MIN = 0.75  # share of the question a section heading must cover to answer with that section
SECTION_SENTENCES = 3
LEAD_SENTENCES = 6  # opening sentences of a release an overview picks from


@dataclass
class _Unit:
    rank: int  # rank of the hit it came from
    hit: Hit
    text: str  # the sentence, row or desk rows quoted
    passage: str  # what the citation shows (the paragraph or rows, verbatim)
    page: int | None
    kind: str  # sentence | row
    toks: set[str] = field(default_factory=set)
    context: set[str] = field(default_factory=set)
    line_toks: set[str] = field(default_factory=set)  # tokens of the whole paragraph or row
    line: str = ""  # the paragraph or row the quote sits in
    coverage: float = 0.0
    score: float = 0.0
    met: frozenset[int] = frozenset()  # indices of the question's needs this unit has
    seq: int = 0  # position in the hits, in reading order
    defines: bool = False  # says "<the question's subject>는 …": a definition or a role


class Composer:
    """Builds Answers from retrieved hits and the facts of the index."""

    def __init__(self, retriever: Retriever, facts: FactBook) -> None:
        self.retriever = retriever
        self.facts = facts
        self._names = facts.names()
        self._desk_tokens = [
            (d, frozenset(tokens(f"{d.section} {d.unit} {d.passage}")), frozenset(tokens(d.title))) for d in facts.desks
        ]
        self._by_source: dict[str, list[StoredChunk]] = {}
        for it in retriever.items:
            if it.chunk.kind != "contact":
                self._by_source.setdefault(it.chunk.source, []).append(it)
        self._title_chunk: dict[str, StoredChunk] = {}
        for source, items in self._by_source.items():
            title = plain(items[0].title)
            found = next((it for it in items
                          if it.chunk.kind == "text" and any(plain(ln) == title for ln in it.chunk.lines)), None)
            if found is not None:
                self._title_chunk[source] = found
        self.analyzer = Analyzer(retriever)
        self._allowed: set[str] | None = None  # sources a filtered question may cite

    def analyse(self, question: str) -> Query:
        """The question analysed against this index (see question.py)."""
        return self.analyzer.analyse(question)

    def compose(self, question: str, hits: list[Hit], query: Query | None = None,
                allow: Callable[[StoredChunk], bool] | None = None) -> Answer:
        """Answer from the hits: a contact look-up, quoted units, or a grounded refusal."""
        q = query or self.analyse(question)
        self._allowed = None if allow is None else {it.chunk.source for it in self.retriever.items if allow(it)}
        # Specific routes first; each declines (None) when it has no grounded answer.
        every = self._units(q, [*hits, *self._title_hits(hits)])
        # "X는 어떤 역할을 하나요": a sentence saying "X는 …" answers before any section or summary.
        defined = any(u.defines and u.coverage >= ANSWER_MIN - 0.1 for u in every)
        routes = [
            (True, lambda: self._person_lookup(q, question)),
            ("contact" in q.intents and not _ROUTING.search(question), lambda: self._phone_in_text(q, every)),
            ("contact" in q.intents, lambda: self._contact_answer(q, hits)),
            (not q.intents & {"number", "date"} and not defined, lambda: self._section_answer(q, hits)),
            ("overview" in q.intents and not q.needs and not defined, lambda: self._overview_answer(q, hits)),
        ]
        for applies, route in routes:
            if applies and (answer := route()) is not None:
                return answer
        units = [u for u in every if u.met or not q.needs]
        elsewhen = [u for u in units if self._out_of_scope(q, u)]
        units = [u for u in units if u not in elsewhen]
        elsewhen = [u for u in elsewhen if self._other_ordinal(q, u)]
        # Answer from the documents about what is asked: a passage of a document that lacks
        # words of the question other retrieved documents have (디지털새싹) is about something else.
        topic = self._topic_cover(q, hits)
        units = [u for u in units if topic[u.hit.item.chunk.source] >= max(topic.values()) - TOPIC_SLACK]
        # A unit that has something asked (a number, a date, a place) and names the asked-about noun
        # answers; the best covered one must cover enough of the question. A question asking
        # several things ("몇 편 뽑고 시상 규모는 얼마") may have its focus in a later unit.
        several = len(q.needs) > 1
        firsts = [u for u in units if self._anchored(q, u) and (several or self._focus_met(q, u))]
        best = firsts[0] if firsts else None
        if best is None or best.coverage < UNIT_MIN - 0.1 * best.defines:
            return self._release_date(q, hits) or self._refusal(q, hits)
        if any(u.coverage > best.coverage + SCOPE_MARGIN for u in elsewhen):
            # the passages most about the question are about another year or another one (첫 회의
            # for "세 번째 회의"): a less related passage would answer a question nobody asked
            return self._refusal(q, hits)
        chosen = self._cover(q, best, units, every)
        if several and not (any(self._focus_met(q, u) for u in chosen) and any(self._anchored(q, u) for u in chosen)):
            return self._release_date(q, hits) or self._refusal(q, hits)
        return self._render(q, chosen)

    def _title_hits(self, hits: list[Hit]) -> list[Hit]:
        """The passage holding the title of each retrieved document, when retrieval missed it: a
        press release's title often states its main fact ("67개 대학이 함께 만드는 …")."""
        have = {hit.item.chunk.id for hit in hits}
        extra: list[Hit] = []
        for source in dict.fromkeys(hit.item.chunk.source for hit in hits[:TITLE_DOCS]):
            item = self._title_chunk.get(source)
            if item is not None and item.chunk.id not in have:
                extra.append(Hit(item, 0.0, None, None))
                have.add(item.chunk.id)
        return extra

    def _cover(self, q: Query, best: _Unit, units: list[_Unit], every: list[_Unit]) -> list[_Unit]:
        """The best unit, then units that add what it lacks: an asked thing it does not have
        (the date of "언제, 어디서"), or question words it does not cover; or that score as well.
        An open question ("무엇을 하나요") also gets the passage's other sentences that name
        what is asked about; a sentence announcing a list ("다음과 같은 네 가지") brings the list."""
        chosen = [best]
        missing = set(range(len(q.needs))) - best.met
        covered = {t for t in q.concepts if _names(best, t)}
        total = sum(q.concepts.values()) or 1.0

        def fresh(u: _Unit) -> bool:
            return not _caption(u.text) and all(u.text != c.text for c in chosen)

        # first what fills a gap, from the best unit's document; then units that score as well
        for near_pass in (False, True):
            for u in units:
                if len(chosen) >= MAX_UNITS:
                    break
                if u is best or not fresh(u) or u.score < best.score - 0.5:
                    continue
                new = {t for t in q.concepts if t not in covered and _names(u, t)}
                if near_pass:
                    take = u.score >= EXTRA_RATIO * best.score and u.coverage >= max(ANSWER_MIN, 0.9 * best.coverage)
                else:
                    same_doc = u.hit.item.chunk.source == best.hit.item.chunk.source
                    # the rest of the best unit's paragraph says more of the same: any new word of the
                    # question is enough; elsewhere a unit must add more and cover more
                    paragraph = u.hit is best.hit and u.line == best.line
                    gain = sum(q.concepts[t] for t in new) / total
                    fills = bool(u.met & missing) or gain >= (0.0001 if paragraph else 0.1)
                    floor = NEXT_SENTENCE_MIN if paragraph else ANSWER_MIN - 0.15
                    take = same_doc and fills and u.coverage >= floor and (self._focus_met(q, u) or bool(new))
                if take:
                    chosen.append(u)
                    missing -= u.met
                    covered |= new
        if not q.needs:
            for u in units:
                if len(chosen) >= MAX_UNITS:
                    break
                if u.hit is best.hit and fresh(u) and u.coverage >= best.coverage - 0.2 and self._focus_met(q, u):
                    chosen.append(u)
            if best.kind == "sentence":
                # what follows the best sentence in its passage says more of it
                after = sorted((u for u in units if u.hit is best.hit and u.seq > best.seq), key=lambda u: u.seq)
                chosen.extend(u for u in after[: MAX_UNITS - len(chosen)] if fresh(u))
        for c in list(chosen):
            if _ANNOUNCES.search(c.text):
                after = sorted((u for u in every if u.hit is c.hit and u.seq > c.seq), key=lambda u: u.seq)
                # the list's items may be headings ("① 인공지능 윤리 교육 강화"): only repeats are skipped
                chosen.extend(u for u in after[:LIST_ITEMS] if all(u.text != c.text for c in chosen))
        return [best, *sorted(chosen[1:], key=lambda u: u.seq)]

    # --- units --------------------------------------------------------------------------------

    def _units(self, q: Query, hits: list[Hit]) -> list[_Unit]:
        units: list[_Unit] = []
        for rank, hit in enumerate(hits):
            item = hit.item
            context = set(tokens(f"{item.title} {item.chunk.section}"))
            lines = item.chunk.lines
            if item.chunk.kind == "text":
                for line, page in zip(lines, item.chunk.pages):
                    line_toks = set(tokens(line, joined=False))
                    for sent in sentences(line):
                        # The citation shows the whole passage (the section piece), the quote marked in it.
                        units.append(_Unit(rank, hit, sent, item.chunk.text, page, "sentence", set(tokens(sent)),
                                           context, line_toks, line))
            elif item.chunk.kind == "table":
                header = lines[0]
                for line, page in zip(lines, item.chunk.pages):
                    ctx = context | (set(tokens(header)) if header and line != header else set())
                    row_toks = set(tokens(line))
                    units.append(_Unit(rank, hit, line, line, page, "row", row_toks, ctx, row_toks, line))
        total = sum(q.concepts.values()) or 1.0
        breakdown_free = not _BREAKDOWN.search(q.question)
        each = "각각" in q.question and bool(q.needs)
        results = not q.needs and bool(_ASKS_RESULTS.search(q.question))
        for seq, u in enumerate(units):
            u.seq = seq
            covered = 0.0
            if _FIELD.match(u.text):  # "◦ (장소) 한국장학재단 …" means what its block is about
                u.context = u.context | set(u.hit.item.tokens)
            doc = self.retriever.doc_tokens.get(u.hit.item.chunk.source, set())
            folded = plain(u.text)
            # the words of a quoted name the question uses (「에이아이디(AID) 전환 중점 전문대학 지원사업」)
            # are said by a passage under that name, though its sentences do not repeat it
            named = bool(q.names) and self._names_present(q, u)
            for t, w in q.concepts.items():
                spellings = (t, *q.alternatives.get(t, ()))
                # Containment too: Kiwi may cut "코어인재" as one noun in a passage, two in a question.
                if any(a in u.toks or (len(a) > 1 and a in folded) for a in spellings) or (
                        YEAR_TOKEN.match(t) and _short_year(t, folded)):
                    covered += w
                elif named and t in q.name_words:
                    covered += NAMED_CREDIT * w
                elif any(a in u.context for a in spellings):
                    covered += 0.6 * w
                elif any(a in doc for a in spellings):
                    covered += 0.3 * w
            u.coverage = covered / total
            u.met = frozenset(i for i, rx in enumerate(q.needs) if rx.search(u.text))
            # "X는 …" answers "X는 무엇?"; for a figure or a date, only "신청 기간은 …" answers
            # "신청 기간은 언제까지?" (an attribute as the subject), and with the figure or date
            subjects = q.subject if not q.needs else [x for x in q.subject if x.endswith(_ATTRIBUTES)] if u.met else []
            u.defines = any(_defines(subject, u.text) for subject in subjects)
            u.score = u.coverage + 0.1 / (1 + u.rank) + (0.1 * len(u.met) / len(q.needs) if q.needs else 0.0)
            u.score += DEFINES_BONUS * u.defines
            if results and HAS_NUMBER.search(u.text):
                u.score += RESULTS_BONUS  # "선정 결과는?": the figures are the result
            if len(q.needs) > 1 and len(u.met) == len(q.needs):
                u.score += ALL_NEEDS_BONUS  # "몇 년 동안 얼마": one sentence with both beats two halves
            if each and sum(1 for t in q.concepts if re.search(re.escape(t) + r"[\s(]{0,2}\d", folded)) >= 2:
                u.score += EACH_BONUS  # "바이오와 로봇은 각각 몇 개": "바이오(2개), 로봇(3개)"
            if breakdown_free and _BREAKDOWN.search(u.text):
                u.score -= BREAKDOWN_PENALTY  # "학년별 …" answers "by grade", not the total asked for
            title_only = folded in plain(u.hit.item.title) and not (HAS_NUMBER.search(u.text) or HAS_DATE.search(u.text))
            # "□ … 금액임" is a sentence; "3. 학생 1인당 … 45만 8천원으로 … 감소" is a summary line
            heading = is_heading(u.text) and not _SENTENCE_END.search(u.text) and len(u.text) < 60
            if len(u.text) < 12 or _TOC.search(u.text) or heading or title_only:
                u.score -= 0.3  # a heading, a label or a table-of-contents line answers nothing
        units.sort(key=lambda u: -u.score)
        return units

    @staticmethod
    def _focus_met(q: Query, u: _Unit) -> bool:
        """The asked-about noun must be in the quoted paragraph (or the row's table header)."""
        if not q.focus:
            return True
        # "학교는 몇 개교", "기관은 몇 곳" (446개 기관): the counted number names what is counted.
        for rx in q.needs:
            if rx not in (HAS_NUMBER, HAS_DATE, HAS_PLACE):
                if any(set(m.group(0)) & set(q.focus) - set("0123456789,. ") for m in rx.finditer(u.text)):
                    return True
        focus = q.focus[:-1] if q.focus.endswith("수") and len(q.focus) > 1 else q.focus  # 건수: 8.6만 건
        line = plain(u.line)
        if focus in u.line_toks or focus in line or (u.kind == "row" and focus in u.context):
            return True
        if any(alias in line for alias in _FOCUS_ALIASES.get(focus, ())):
            return True  # "학교당" is written "교당", "학교 수" "20개교"
        # "지원금" is "지원" with an amount of money (5억 원을 추가로 지원), "참여율" "참여" with a percentage
        stem, suffix = focus[:-1], focus[-1:]
        if len(stem) > 1 and stem in line and suffix in _SUFFIX_UNITS and _SUFFIX_UNITS[suffix].search(u.text):
            return True
        # a line under a heading that names it: "□ 개소식 개요" / "◦ (일시/장소) …"; a field line
        # "◦ (일시/장소) …" belongs to the block it sits in
        chunk = u.hit.item.chunk
        return len(focus) > 1 and (focus in plain(chunk.section) or (bool(_FIELD.match(u.text)) and focus in plain(chunk.text)))

    @staticmethod
    def _names_present(q: Query, u: _Unit) -> bool:
        """Every quoted name the question uses is in the unit's passage, section or title, in some
        spelling: "이아이콘(e-ICON) 세계대회" is also "이아이콘 세계대회"."""
        item = u.hit.item
        spelled = spellings(f"{item.title} {item.chunk.section} {u.passage}")
        return all(any(form in t for form in forms for t in spelled) for forms in q.names)

    def _anchored(self, q: Query, u: _Unit) -> bool:
        """The unit's passage, section or document title names what the question is about: its
        anchor noun and every quoted name of the corpus it uses."""
        if not self._names_present(q, u):
            return False  # 「모두의 한국어」 asked about; this passage is about another programme
        item = u.hit.item
        text = plain(f"{item.title} {item.chunk.section} {u.passage}")
        full = next((plain(f) for f, aliases in ministries().items() if q.anchor in aliases), None)
        return not q.anchor or q.anchor in u.context or q.anchor in text or (full is not None and full in text)

    def _topic_cover(self, q: Query, hits: list[Hit]) -> dict[str, float]:
        """Share of the question's weighted words each retrieved document has anywhere."""
        total = sum(q.concepts.values()) or 1.0
        cover: dict[str, float] = {}
        for hit in hits:
            source = hit.item.chunk.source
            if source not in cover:
                doc = self.retriever.doc_tokens.get(source, set())
                text = self.retriever.doc_text.get(source, "")
                cover[source] = sum(w for t, w in q.concepts.items() if t in doc or t in text) / total
        return cover

    @staticmethod
    def _other_ordinal(q: Query, u: _Unit) -> bool:
        """"두 번째 회의" against a passage about the 첫 회의: another ordinal of the same kind."""
        if not q.ordinals:
            return False
        item = u.hit.item
        found = ordinals(f"{item.title} {item.chunk.section} {u.passage}")
        kinds = {kind for kind, _ in found}
        return any(kind in kinds and (kind, n) not in found for kind, n in q.ordinals)

    def _out_of_scope(self, q: Query, u: _Unit) -> bool:
        """A year the question names ("2027년 결과") that neither the passage nor its document's
        title mentions, in a document of another year, or another ordinal of the same kind ("두 번째
        회의" against "첫 회의"): the passage is about another time or another one."""
        item = u.hit.item
        if self._other_ordinal(q, u):
            return True
        relative = [RELATIVE_YEARS[m] for m in RELATIVE_YEAR.findall(q.question)]
        if not q.years and not relative:
            return False
        text = plain(f"{item.title} {item.chunk.section} {u.passage}")
        named = {y or f"20{yy}" for y, yy in YEAR.findall(text)}
        line_years = {y or f"20{yy}" for y, yy in YEAR.findall(plain(u.line))}
        for offset in relative:
            # "올해 몇 개 지역": this year of the document; a line dated only by another year is not it
            if line_years and str(int(item.date[:4]) + offset) not in line_years:
                return True
        for y in q.years:
            if line_years and y not in line_years and not _short_year(y, plain(u.line)):
                return True  # the quoted line is about other years ("2025년 … 총액" for "2024년 총액")
            if y in named or y in text or _short_year(y, text):
                continue
            # the passage is dated by other years ("2025년 총액") or, naming none, by its document
            if named or y != item.date[:4]:
                return True
        return False

    def _section_answer(self, q: Query, hits: list[Hit]) -> Answer | None:
        """"What does X do": when the question names a section heading (⑤ AI 인재 TF, □ 추진 배경),
        answer with the opening sentences of that section."""
        total = sum(q.weights.values()) or 1.0
        best: tuple[float, Hit] | None = None
        for hit in hits:
            chunk = hit.item.chunk
            if chunk.kind != "text" or not chunk.section or len(chunk.lines) < 2:
                continue
            head = set(tokens(chunk.section))
            title = set(tokens(hit.item.title))
            own = sum(w for t, w in q.weights.items() if t in head) / total
            cover = sum(w if t in head else 0.6 * w if t in title else 0.0 for t, w in q.weights.items()) / total
            if q.focus and q.focus not in head and q.focus not in plain(chunk.section):
                continue  # "…의 비전은?" is not answered by a section whose heading lacks 비전
            if own >= 0.25 and (best is None or cover > best[0]):
                best = (cover, hit)
        if best is None or best[0] < SECTION_MIN:
            return None
        hit = best[1]
        chunk = hit.item.chunk
        start = 1 if chunk.lines[0] == chunk.section else 0
        picked: list[tuple[str, str, int | None]] = []
        for line, page in zip(chunk.lines[start:], chunk.pages[start:]):
            if _caption(line):
                continue  # "붙임2 … 현황", "< … >": labels, not content
            for sent in sentences(line):
                if len(picked) < SECTION_SENTENCES and not _TOC.search(sent):
                    picked.append((sent, chunk.text, page))
        if not any(_SENTENCE_END.search(sent) for sent, _, _ in picked):
            return None  # labels and table cells: not something to quote as the section's content
        return _quoted(q, hit.item, picked, f"「{hit.item.title}」({hit.item.date})의 '{chunk.section}' 부분입니다:")

    def _overview_answer(self, q: Query, hits: list[Hit]) -> Answer | None:
        """"What is this release about": the lead sentences of the document whose title the question names."""
        total = sum(q.concepts.values()) or 1.0
        best: tuple[float, Hit] | None = None
        for hit in hits:
            title = plain(hit.item.title)
            cover = sum(w for t, w in q.concepts.items() if t in title) / total
            if best is None or cover > best[0]:
                best = (cover, hit)
        if best is None or best[0] < ANSWER_MIN:
            return None
        source = best[1].item.chunk.source
        item = best[1].item
        lead: list[tuple[str, str, int | None]] = []
        for other in self._by_source.get(source, ()):
            if other.chunk.kind != "text":
                continue
            for line, page in zip(other.chunk.lines, other.chunk.pages):
                if len(line) < 40 or _TOC.search(line) or is_heading(line) or not _SENTENCE_END.search(line):
                    continue
                lead.extend((sent, other.chunk.text, page) for sent in sentences(line)[:2])
            if len(lead) >= LEAD_SENTENCES:
                break
        if not lead:
            return None
        # the lead sentence, then the first of the next ones that gives figures (how many, how much)
        figures = [x for x in lead[1:LEAD_SENTENCES] if HAS_NUMBER.search(x[0])]
        picked = [lead[0], *(figures or lead[1:2])[:1]]
        return _quoted(q, item, picked, f"「{item.title}」({item.date})의 주요 내용입니다:")

    def _release_date(self, q: Query, hits: list[Hit]) -> Answer | None:
        """"When was X published": the date line of the document whose title the question names."""
        if "date" not in q.intents or not _RELEASE.search(q.question):
            return None
        total = sum(q.concepts.values()) or 1.0
        for hit in hits:
            item = hit.item
            if sum(w for t, w in q.concepts.items() if t in plain(item.title)) / total < ANSWER_MIN:
                continue
            y, m, d = (int(x) for x in item.date.split("-"))
            date_rx = re.compile(rf"{y}\s*[.년]\s*{m}\s*[.월]\s*{d}")
            for other in self.retriever.items:
                if other.chunk.source != item.chunk.source:
                    continue
                for line, page in zip(other.chunk.lines, other.chunk.pages):
                    if date_rx.search(line):
                        cite = Citation(1, other.chunk.source, other.title, other.date, page, line, line)
                        text = f"「{item.title}」은(는) {item.date}에 나온 문서입니다: {line.replace(chr(9), ' · ')} [1]"
                        return Answer(q.question, text, True, (cite,))
        return None

    # --- contacts -----------------------------------------------------------------------------

    def _phone_in_text(self, q: Query, units: list[_Unit]) -> Answer | None:
        """"고객센터 번호": a number given in the text (a help line, an agency's inquiry line),
        not in a 담당 부서 table, when a sentence naming what is asked has one."""
        lines = [u for u in units if _ANY_PHONE.search(u.text) and u.coverage >= ANSWER_MIN
                 and self._focus_met(q, u) and self._anchored(q, u)]
        return self._render(q, lines[:1]) if lines else None

    def _person_lookup(self, q: Query, question: str) -> Answer | None:
        """Reverse look-up: a phone number or a known person's name in the question."""
        phone = _PHONE.search(question.replace(" ", ""))
        found: list[tuple[Desk, Contact]] = []
        if phone:
            found = self.facts.by_phone(phone.group(0))
        else:
            for name in self._names:
                if name in question and len(name) >= 3:
                    found.extend(self.facts.by_name(name))
        if self._allowed is not None:
            found = [(d, p) for d, p in found if d.source in self._allowed]
        if not found:
            asked = _NAMED_ROLE.search(question)
            if asked and not _UNIT_END.search(asked.group(1)) and plain(asked.group(1)) not in self.retriever.corpus_text:
                # "김철수 과장 연락처": a person no document names; never hand out another's number
                who = f"{asked.group(1)} {asked.group(2)}"
                return Answer(q.question, f"제공된 문서에 '{who}'은(는) 나오지 않습니다. 이름이나 부서명을 확인해 주세요.",
                              False, ())
            return None
        lines: list[str] = []
        cites: list[Citation] = []
        for desk, person in found:
            n = len(cites) + 1
            who = person.label()
            lines.append(f"{desk.date} {desk.title}: {desk.unit} {who} [{n}]")
            cites.append(_desk_citation(n, desk, person))
        head = "문서에 나온 담당자 정보입니다 (최신 문서부터):" if len(found) > 1 else "문서에 나온 담당자 정보입니다:"
        return Answer(q.question, head + "\n" + "\n".join(f"- {x}" for x in lines), True, tuple(cites))

    def _contact_answer(self, q: Query, hits: list[Hit]) -> Answer | None:
        """Route a "who / which desk / which phone" question to a desk, with its other versions.

        A desk scores by the question tokens its own rows and label cover (department, TF,
        role), then by how well its document's title covers the topic, then by retrieval rank.
        Among equal desks the newest document wins, so "소프트웨어정책과 과장" gives the newest
        listing first; older listings of the same department follow with their dates.
        """
        doc_rank: dict[str, int] = {}
        for rank, hit in enumerate(hits):
            doc_rank.setdefault(hit.item.chunk.source, rank)
        weights = {t: w for t, w in q.weights.items() if t not in _CONTACT_WORDS}
        total = sum(weights.values()) or 1.0
        scored: list[tuple[float, str, Desk]] = []
        for desk, own, topic in self._desk_tokens:
            if self._allowed is not None and desk.source not in self._allowed:
                continue
            # the desk's own rows, then its document's title, then anywhere in its document (a
            # programme the title does not name: "재직자 집중과정" in 「… 성인 누구나 …」)
            body = self.retriever.doc_tokens.get(desk.source, set())
            cover = sum(w if t in own else 0.5 * w if t in topic else 0.3 * w if t in body else 0.0
                        for t, w in weights.items()) / total
            doc_r = doc_rank.get(desk.source)
            prior = 0.25 / (1 + doc_r) if doc_r is not None else 0.0
            if desk.office and _ministry_named(desk.office, q.question):
                prior += MINISTRY_BONUS  # "공동 보도자료에서 교육부 담당 부서는?": that ministry's desk
            scored.append((cover + prior, desk.date, desk))
        scored.sort(key=lambda x: (round(x[0], 3), x[1]), reverse=True)
        if not scored:
            return None
        best_score, _, best = scored[0]
        if best_score < 0.3:
            return None
        # A question naming a title the desk does not list ("심사위원장은 누구?") is not answered by it.
        asked = {re.sub(r"\s", "", m) for m in _ROLE_RX.findall(q.question)}
        if asked and not any(re.sub(r"\s", "", p.role) in asked for p in best.people):
            return None
        # "…문의는 어디로?" wants every desk the document lists (ministry and agency); "…과장은?" the best.
        routing = bool(_ROUTING.search(q.question))
        chosen = [d for s, _, d in scored if d.source == best.source and (routing or s >= best_score - 0.05)]
        chosen.sort(key=lambda d: self.facts.desks.index(d))
        lines: list[str] = []
        cites: list[Citation] = []
        for desk in chosen:
            cites.append(_desk_citation(len(cites) + 1, desk, None))
            lines.append(f"- {desk.describe()} [{len(cites)}]")
        if routing:
            # an inquiry line in the text (an agency's 문의 안내, a help line) is where citizens are sent too
            for item in self._by_source.get(best.source, ()):
                line_page = next(((ln, pg) for ln, pg in zip(item.chunk.lines, item.chunk.pages)
                                  if _ANY_PHONE.search(ln) and _INQUIRY.search(ln)), None)
                if line_page:
                    cites.append(Citation(len(cites) + 1, item.chunk.source, item.title, item.date, line_page[1],
                                          item.chunk.text, line_page[0]))
                    lines.append(f"- 본문의 문의 안내: {line_page[0].strip()} [{len(cites)}]")
                    break
        notes: list[str] = []
        for desk in chosen:
            others = [o for o in self.facts.same_desk(desk) if o.source != desk.source and not _same_people(o, desk)
                      and (self._allowed is None or o.source in self._allowed)]
            newer = [o for o in others if o.date > desk.date][:1]
            older = [o for o in others if o.date < desk.date][:1]
            for other, label in [(o, "더 최근 문서") for o in newer] + [(o, "이전 문서") for o in older]:
                if any(c.source == other.source for c in cites):
                    continue
                cites.append(_desk_citation(len(cites) + 1, other, None))
                notes.append(f"- {label}({other.date}) 기준 {other.department}: "
                             f"{', '.join(p.label() for p in other.people)} [{len(cites)}]")
        text = f"담당 부서 — 「{best.title}」({best.date}) 기준:\n" + "\n".join(lines)
        unlisted = _UNLISTED.search(q.question)
        if unlisted and not any(_UNLISTED.search(d.passage) or "@" in d.passage for d in chosen):
            # "이메일 주소", "팩스": the documents give desks and phone numbers only
            text = (f"제공된 문서에는 {unlisted.group(0)} 정보가 나오지 않습니다. 전화로 문의할 수 있는 " + text)
            return Answer(q.question, text, False, tuple(cites[: len(lines)]))
        if notes:
            text += "\n같은 부서가 다른 날짜의 문서에는 다른 담당자로 나옵니다(날짜 확인 필요):\n" + "\n".join(notes)
        return Answer(q.question, text, True, tuple(cites))

    # --- rendering ----------------------------------------------------------------------------

    def _render(self, q: Query, chosen: list[_Unit]) -> Answer:
        cites: list[Citation] = []
        parts: list[str] = []
        extras = 0
        for u in chosen:
            item = u.hit.item
            existing = next((c for c in cites if c.source == item.chunk.source and c.text == u.passage), None)
            if existing is None:
                existing = Citation(len(cites) + 1, item.chunk.source, item.title, item.date, u.page,
                                    u.passage, u.text)
                cites.append(existing)
            marks = f"[{existing.n}]"
            also = self._corroborate(q, u, cites) if extras < MAX_CORROBORATIONS else None
            if also is not None:
                extras += 1
                cites.append(replace(also, n=len(cites) + 1))
                marks += f"[{len(cites)}]"
            text = u.text.replace("\t", " · ") if u.kind == "row" else u.text
            parts.append(f"{annotate(text, item.date)} {marks}")
        return Answer(q.question, "\n".join(parts), True, tuple(cites))

    @staticmethod
    def _asked_figures(q: Query, text: str) -> list[str]:
        """The figures of a quote that answer the question: those with the question's words just
        around them ("2029년까지 누적 1만 명", "12개 예선리그", not "총 11종"), and a year said with
        them; folded."""
        found: list[tuple[int, str, str]] = []
        for m in HAS_NUMBER.finditer(text):
            before = plain(text[max(0, m.start() - FIGURE_WINDOW) : m.start()])
            after = plain(text[m.end() : m.end() + FIGURE_WINDOW // 2])
            near = sum(1 for t in q.concepts if len(t) > 1 and (t in before or t in after))
            found.append((near, plain(m.group(0)), before))
        if not found:
            return []
        asked = [(fig, before) for n, fig, before in found if n > 0]
        if not asked:
            return []  # the quote's figures answer something else than the question
        keys = sorted({fig for fig, _ in asked}, key=len, reverse=True)[:2]
        if len(keys) == 1:
            # a figure listed with it in the same counter ("바이오(2개), 로봇(3개)"), or a year said
            # just before it, belongs to the statement
            counter = re.sub(r"[\d,.]", "", keys[0])
            keys += [fig for _, fig, _ in found if fig != keys[0] and re.sub(r"[\d,.]", "", fig) == counter][:1]
            keys += re.findall(r"20\d\d년", asked[0][1])[: 2 - len(keys)]
        return keys

    def _corroborate(self, q: Query, u: _Unit, cites: list[Citation]) -> Citation | None:
        """Another passage of the same document making the same statement (a summary bullet and
        the body paragraph behind it): one line of it has the quote's figures, or its rare names,
        and covers the question. Cited too, so a reader sees the statement in full."""
        keys = self._asked_figures(q, u.text)
        figures = bool(keys)
        if not figures and HAS_NUMBER.search(u.text):
            return None  # figures, none of them asked about: nothing to corroborate
        # one figure must be specific ("3,000명"); two that must share a line can be short ("9개", "12개")
        if keys and sum(map(len, keys)) < (CORROBORATION_KEY if len(keys) == 1 else CORROBORATION_PAIR):
            return None  # "18명" alone is in too many lines to mean the same statement
        if not keys:  # no figures: the quote's rare names (서울반도체, 캔버라)
            rare = {t for t in tokens(u.text, joined=False)
                    if len(t) > 2 and HANGUL_ONLY.match(t) and self.retriever.idf_of(t) >= RARE_IDF}
            keys = sorted(rare, key=self.retriever.idf_of, reverse=True)[:2]
        if not keys:
            return None
        total = sum(q.concepts.values()) or 1.0
        own = plain(u.text)

        def states(text: str) -> bool:
            flat_text = plain(text)
            if figures:  # all the figures; of rare names one is enough (each is in a handful of passages)
                return all(_figure_in(k, flat_text) for k in keys)
            return any(k in flat_text for k in keys)

        best: tuple[float, Citation] | None = None
        for other in self._by_source.get(u.hit.item.chunk.source, ()):
            chunk = other.chunk
            if any(c.text == chunk.text for c in cites):
                continue
            context: set[str] | None = None
            for line, page in zip(chunk.lines, chunk.pages):
                flat = plain(line)
                if not states(line) or _caption(line) or flat in own or own in flat or _GARBLED.search(line):
                    continue
                if not all(rx.search(line) for rx in q.needs):
                    continue  # it must state what is asked too (the date of "언제"), not only name the thing
                toks = set(tokens(line))
                if context is None:
                    context = set(tokens(f"{other.title} {chunk.section}"))
                cover = sum(w if t in toks or t in flat else 0.6 * w if t in context else 0.0
                            for t, w in q.concepts.items()) / total
                # two figures found together are strong evidence of the same statement: less cover will do
                need = CORROBORATION_PAIR_COVER if figures and len(keys) > 1 else ANSWER_MIN - 0.1
                if cover >= need and (best is None or cover > best[0]):
                    quote = next((x for x in sentences(line) if states(x)), line)
                    best = (cover, Citation(0, chunk.source, other.title, other.date, page, chunk.text, quote))
        return best[1] if best else None

    def _refusal(self, q: Query, hits: list[Hit]) -> Answer:
        msg = "제공된 문서에서 이 질문에 대한 답을 찾지 못했습니다."
        source = hits[0].item.chunk.source if hits else None
        desks = self.facts.desks_of(source) if source else []
        if not desks:
            return Answer(q.question, msg, False, ())
        desk = desks[0]
        cite = _desk_citation(1, desk, None)
        return Answer(
            q.question,
            f"{msg} 가장 관련 있는 문서(「{desk.title}」, {desk.date})의 담당 부서에 문의해 보세요: "
            f"{desk.describe()} [1]",
            False,
            (cite,),
        )


def _quoted(q: Query, item: StoredChunk, picked: list[tuple[str, str, int | None]], intro: str) -> Answer:
    """An answer quoting sentences of one document; sentences of one passage share a citation,
    which shows the whole passage (picked: sentence, passage, page)."""
    cites: list[Citation] = []
    parts: list[str] = []
    for sent, passage, page in picked:
        cite = next((c for c in cites if c.text == passage), None)
        if cite is None:
            cite = Citation(len(cites) + 1, item.chunk.source, item.title, item.date, page, passage, sent)
            cites.append(cite)
        parts.append(f"{annotate(sent, item.date)} [{cite.n}]")
    return Answer(q.question, intro + "\n" + "\n".join(parts), True, tuple(cites))


def _desk_citation(n: int, desk: Desk, person: Contact | None) -> Citation:
    quote = desk.passage
    if person is not None:
        quote = next((line for line in desk.passage.split("\n") if person.name in line), desk.passage)
    return Citation(n, desk.source, desk.title, desk.date, desk.page, desk.passage, quote)


def _short_year(year: str, text: str) -> bool:
    """The folded text writes the year short: 2020 as '20 ('20년, ’20.3.) or 20년 ((20년말))."""
    return f"'{year[2:]}" in text or re.search(rf"(?<![\d.]){year[2:]}년", text) is not None


def _figure_in(figure: str, text: str) -> bool:
    """The folded figure in the folded text as a whole number: "5명" is not in "25명"."""
    return re.search(rf"(?<![\d,.]){re.escape(figure)}", text) is not None


def _defines(subject: str, text: str) -> bool:
    """The sentence opens with the subject and a topic particle: "인공지능(AI) 사이버안전센터는 …"."""
    head = re.sub(r"[「」｢｣『』‘’“”'\"]", "", plain(text))[:40]  # "｢재직자 … 집중과정｣은"
    return any(f"{subject}{p}" in head for p in ("은", "는", "이란", "란", "이다", "이며"))




def _ministry_named(office: str, question: str) -> bool:
    """The desk's ministry (its office, when that is a ministry) is named in the question."""
    if not office.endswith(("부", "위원회", "처", "청")):
        return False
    q = plain(question)
    return plain(office) in q or any(alias in q for alias in ministries().get(office, ()))


def _caption(line: str) -> bool:
    """A heading, a figure or table caption, a short label, or a run of table figures flattened
    into text: says what follows (or nothing readable), not what is so."""
    text = line.strip()
    chars = re.sub(r"\s", "", text)
    if chars and sum(ch.isdigit() for ch in chars) > 0.4 * len(chars):
        return True  # "일반교과 사교육 56.5 56.9 44.5 48.1 …"
    return (len(text) < 20 or is_heading(text) or bool(_TOC.search(text)) or (text[:1] in "<[［" and text[-1:] in ">]］")
            or bool(_ATTACHMENT.match(text)))


def _names(u: _Unit, token: str) -> bool:
    """The unit's own text has the token (as a morpheme, or spelled inside a longer word)."""
    return token in u.toks or (len(token) > 1 and token in plain(u.text))


def _same_people(a: Desk, b: Desk) -> bool:
    return {p.name for p in a.people} == {p.name for p in b.people}


def supports(passage: str, claim: str) -> bool:
    """True when claim occurs in passage, ignoring whitespace and case."""
    return fold(claim) in fold(passage)
