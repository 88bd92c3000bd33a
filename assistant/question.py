"""What a question asks: its weighted words, the kind of answer it needs, and its scope.

The analysis is done once per question, against the vocabulary of one index (IDF, the words and
quoted names of its documents). The composer (compose.py) matches it against passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from assistant.corpus import PAREN, Corpus
from assistant.glossary import korean_terms, synonym_groups
from core.lexicons import asking, counter_answers, question_counters, slang
from core.patterns import ROLES
from core.text import analyse, focus_noun, plain, respace, subject_of, tokens, topic_nouns, verb_roots

# What the question asks for.
_INTENTS = {
    # "담당교원", "누가 지정했나" are not contact questions: a desk, a role or a way to reach one is.
    "contact": re.compile(
        rf"담당자|담당\s*부서|담당\s*과|담당은|담당이|연락처|연락하|전화|문의|부서|책임자|어디로\s*(?:문의|연락|전화)|{ROLES}|"
        r"contact|phone|in charge|responsible|department",
        re.I,
    ),
    # a count or an amount: "몇", "얼마", "대학 수와", "지원금은", "한도는"
    "number": re.compile(
        r"몇|얼마|규모|인원|정원|비율|금액|예산|액수|수치|지원금|지원액|상금|수당|한도|금리|비용|등록금|참가비|수수료|"
        r"\s수(?:와|과|는|가|를|도|\s*\?|$)|how many|how much|number of|percent",
        re.I,
    ),
    # who did it: "누가 지정했어", "어느 기관이 운영해" (not "누가 받을 수 있나": eligibility)
    "agent": re.compile(r"누가(?!\s*(?:받|신청|참여|지원|이용|참가|들))|누구(?!나)|어느\s*기관|어떤\s*기관|"
                        r"주관\s*기관|운영\s*기관|어디서\s*(?:지정|선정|주관|운영|맡)|어디가|who", re.I),
    "place": re.compile(r"어디서|어디에서|장소|개최지|어느\s*(?:도시|지역|나라|곳)|누리집|홈페이지|사이트|where|website", re.I),
    # "누가 받을 수 있나", "신청 자격": who may take part
    "eligible": re.compile(
        r"누가\s*(?:받|신청|참여|지원|이용|참가|들)|누구나|신청\s*자격|지원\s*자격|자격\s*요건|대상은|대상이", re.I
    ),
    "overview": re.compile(r"주요\s*내용|무슨\s*내용|어떤\s*내용|핵심\s*내용|요약|개요|골자|what is .* about|summar", re.I),
    "date": re.compile(
        r"언제|날짜|일시|기간|(?<!얼마)(?<!누구)(?<!어디)까지|몇\s*월|며칠|연도|시점|기한|일정|발표일|개최일|시행일|마감|"
        r"when|date|deadline|by when|which year",
        re.I,
    ),
}
# Finer kinds of answer than the intents: features of the ranker, which learns what answers each.
_ASKS = {
    "until": re.compile(r"언제\s*까지|마감|기한|until|deadline|by when", re.I),
    "money": re.compile(r"얼마|예산|금액|비용|지원금|지원액|상금|수당|한도|억|how much|budget|funding", re.I),
    "percent": re.compile(r"몇\s*(?:퍼센트|프로|%)|비율|율은|률은|percent|rate", re.I),
    "url": re.compile(r"누리집|홈페이지|사이트|주소|url|website|온라인|어디서\s*신청|접수\s*(?:는|처)", re.I),
    # yes or no: an ending that asks, and no word asking what, when, where, who or how much (_WH)
    "yesno": re.compile(r"(?:나요|가요|까요|있나|되나|맞나|인가|니)\??\s*$|(?:할|될)\s*수\s*있|^(?:is|are|can|does|do|will)\b",
                        re.I),
    "list": re.compile(r"무엇무엇|어떤\s*것들|종류|분야|목록|항목|과제|들은|들이|what are|which .*s\b", re.I),
    "person": re.compile(r"누구|담당자|과장|사무관|주무관|연구관|책임자|who", re.I),
}
_WH = re.compile(r"몇|얼마|언제|어디|누구|누가|무엇|뭐|무슨|어떻게|어떤|어느|왜|\b(?:what|when|where|who|how|which)\b", re.I)
_DATE_WORDS = re.compile(r"언제|날짜|일시|기간|몇\s*월|며칠|연도|시점|기한|일정|발표일|개최일|시행일|마감|when|date", re.I)
# A quantity: a number with a counter or unit (37개교, 1만 명, 27조 5천억원, 95%), not a date or time.
HAS_NUMBER = re.compile(
    r"\d[\d,.]*\s?(?:[만천백억조]\s?){0,3}(?:여\s?)?(?:명|개|곳|교|%|원|장|건|회|배|가지|학급|종|대|팀|과목|시간|주|위|호|석|㎡|km|점|권|세|살|편|차시|개월|년간)"
)
# "몇 개교", "몇 곳": the counter a question asks with, and the counters a passage may answer with.
_ASKED_NUMBER = re.compile(r"몇\s*(개교|개소|개월|차시|개|명|곳|건|편|팀|종|회|차례|번|살|세|배|시간|퍼센트|프로|점|년|%)?|얼마")
YEAR_TOKEN = re.compile(r"^20\d\d$")  # "2030" in a question is "'30년" in a passage
YEAR = re.compile(r"(20\d\d)\s*(?:년|학년도)|[’'‘](\d\d)(?:\s*년|(?=[).]))")  # 2026년, ’25년, (’25), ’26.4.
RELATIVE_YEAR = re.compile(r"올해|금년|작년|지난해|내년")
RELATIVE_YEARS = {"올해": 0, "금년": 0, "작년": -1, "지난해": -1, "내년": 1}
# A place, or where to go to do something: a venue, or a website ("누리집(newsac.kosac.re.kr)").
# A place, or where to go to do something: a venue ("…대회의실에서", "(장소) …"), a city, or a website
# ("누리집(newsac.kosac.re.kr)"). "…회의에서 논의" is not a place: the noun before 에서 must be one.
_VENUE = (r"(?:실|관|센터|홀|회관|청사|학교|대학교|캠퍼스|호텔|광장|사무소|연수원|컨벤션|경기장|공원|도서관|박물관|"
          r"미술관|청|본부|서울|세종|부산|대전|광주|대구|인천|울산|제주|코엑스|킨텍스|벡스코)")
HAS_VENUE = re.compile(rf"장소|개최지|소재지|{_VENUE}\s?에서|{_VENUE}\s?\S{{0,4}}\s?\(|{_VENUE}\s?\d+층|"
                       r"[가-힣A-Za-z]{2,}에서\s[^.]{0,60}?(?:개최|열었|열린|열렸|열리|진행|출범|개소|체결|협약식)")
HAS_PLACE = re.compile(rf"{HAS_VENUE.pattern}|누리집|홈페이지|https?://|www\.|\w\.(?:kr|com|net|org)\b|온라인")
# "어디서 열리나", "개최 장소": where an event is held (a venue; a website does not answer it)
_ASKS_VENUE = re.compile(r"(?:어디서|어디에서|장소)\s*(?:\S{0,3}\s*)?(?:열|개최|하는|해|했|진행|치러)|개최지|개최\s*장소|"
                         r"where .*(?:held|take place)", re.I)
HAS_DATE = re.compile(
    r"연말|연초|상반기|하반기|분기|[초중하]순|신학기|\d{1,2}\s*월|\d{4}\s*[.년]|\d{1,2}\s*일|까지|올해|내년|연내|"
    r"[’'‘]\d{2}\s?년|\d{1,2}\.\s?\d{1,2}\."
)
_ASKS_UNTIL = re.compile(r"언제\s*까지|마감|기한|until|deadline", re.I)
UNTIL_DATE = re.compile(r"^(?=[\s\S]*(?:까지|마감|[~∼～]))[\s\S]*?(?:" + HAS_DATE.pattern + ")")
_LATIN = re.compile(r"[A-Za-z]")
_HANGUL = re.compile(r"[가-힣]")
_UNSPACED = re.compile(r"[가-힣A-Za-z]{9,}")
_HANGUL_RUN = re.compile(r"[가-힣]{3,}")
_KOREAN_WORDS = re.compile(r"[가-힣][가-힣0-9·]*")
HANGUL_ONLY = re.compile(r"^[가-힣]+$")
MONEY = re.compile(r"\d[\d,.]*\s?(?:[만천백억조]\s?){0,3}원")
PERCENT = re.compile(r"\d[\d,.]*\s?%")
_MONEY_WORDS = re.compile(r"예산|비용|금액|지급|대출|상금|빌리|빌릴|투자|재정|지원금|등록금|참가비|수수료|수당|한도")
_COUNT_WORDS = re.compile(r"인원|명|수는|수가|수를|수와|비율|율|률|규모|점수|건수|개수|퍼센트|%|몇")
HAS_AGENT = re.compile(r"[가-힣A-Za-z]{2,}(?:부|청|처|원|위원회|재단|공단|기관|대학교|대학|센터|협회|학회|기업|공사)"
                       r"(?:[은는이가의와과]|\s|\(|$)|㈜")
HAS_ELIGIBILITY = re.compile(r"대상|자격|요건|이하|이상|누구나|재학생|학부생|청년|교원|학생")
_ORDINAL = re.compile(r"(첫)(?:\s*번째|째)?|(두|둘|세|셋|네|넷|다섯)\s*(?:번째|째)|(\d+)\s*번째|제\s*(\d+)\s*(회|차)(?!관)")
_ORDINAL_WORDS = {"첫": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4, "넷": 4, "다섯": 5}


SCOPE_MAX_DF = 0.1  # a context noun in more than this share of passages is too common to narrow a search


@dataclass(frozen=True)
class Query:
    """A question analysed once: its tokens with weights, and what it asks for."""

    question: str  # as asked
    text: str  # with typos repaired: what retrieval searches for
    toks: tuple[str, ...]
    weights: dict[str, float]  # every token, joined noun runs included (phrase matching)
    concepts: dict[str, float]  # single morphemes only: what coverage and answerability count
    focus: str  # the last content noun: what is asked about ("…의 예산은?" -> 예산); "" if none
    needs: tuple[re.Pattern[str], ...]  # one pattern per thing asked: "몇 편 … 얼마" -> 편-count, amount
    years: tuple[str, ...]  # years the question names ("2027년" -> "2027"): the answer's scope
    anchor: str  # the rarest known noun besides the focus: what the question is about
    alternatives: dict[str, tuple[str, ...]]  # a concept's other spellings (English glossary terms)
    subject: tuple[str, ...]  # the noun phrases before the question's 은/는 ("사이버안전센터는 …?"), folded
    names: tuple[frozenset[str], ...]  # quoted names of the corpus the question uses, each with its spellings
    name_words: frozenset[str]  # the question's words that belong to those names
    ordinals: frozenset[tuple[str, int]]  # ("번째", 2) for "두 번째 회의", ("회", 8) for "제8회"
    intents: frozenset[str]
    english: bool
    counter: re.Pattern[str] | None = None  # the count the question asks with ("몇 개교" -> 37개교, 20개 학교)
    asks: frozenset[str] = frozenset()  # the kinds of answer it wants: intents, and until, money, url, yesno, list …
    scope: str = ""  # words of the message's context or of an earlier part: searched for, never required

    @property
    def search_text(self) -> str:
        """What retrieval searches for: the repaired question and its scope words."""
        return f"{self.text} {self.scope}".strip()


class Analyzer:
    """Analyses questions against one index: typo repair, weights, intents, needs and scope."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._by_len: dict[int, list[str]] = {}
        for tok in corpus.idf:
            if len(tok) >= 3 and HANGUL_ONLY.match(tok):
                self._by_len.setdefault(len(tok), []).append(tok)

    def analyse(self, question: str) -> Query:
        """Tokens (typos repaired against the index vocabulary), their IDF weights and intents."""
        letters = _LATIN.findall(question)
        english = len(letters) > 2 * len(_HANGUL.findall(question))
        # typed without spaces ("교육공공데이터AI활용대회 작품제출마감이언제까지임?"): Kiwi puts them back
        spaced = respace(question) if _UNSPACED.search(question) else question
        # words citizens type that the documents do not use (core/lexicon/slang.tsv): 고딩 -> 고등학생
        spaced = _slang_rx().sub(lambda m: slang()[m.group(0)], spaced)
        repaired = self.decompound(self.repair(spaced))
        source, extra = repaired, []
        if english:
            # Match the Korean words of the glossary and acronyms (GPU, AI, TF); English function
            # words and numbers written differently ("2030" vs "'30년") are not evidence.
            # and the Korean the question writes itself ("… Autonomous Lab (AI-네이티브 첨단바이오 자율실험실)")
            source = " ".join([korean_terms(question), *_KOREAN_WORDS.findall(question)]).strip()
            repaired = f"{question} {source}".strip()
            extra = [a.lower() for a in re.findall(r"\b([A-Z][A-Z0-9]+)s?\b", question)]
        single = set(tokens(source, joined=False)) | set(extra)
        # A joined noun run the index never saw ("사교육비조사결과발표") is an artefact of a
        # question typed without spaces, not a missing concept; its parts carry the meaning.
        toks = [t for t in dict.fromkeys([*tokens(source), *extra])
                if (t in single or t in self.corpus.idf) and asking().get(t) != "ask" and t not in question_counters()]
        verbs, predicates = verb_roots(source)
        # An English question's head noun is a guess through the glossary: not a requirement.
        focus = "" if english else focus_noun(repaired)
        weights = {t: self.corpus.idf_of(t) * (0.5 if t in verbs else 0.75 if t in predicates else 1.0) for t in toks}
        # A word the index never saw ("머야", a slip like "총엑") cannot be matched: it does not
        # count against a passage, unless it is what is asked about (팩스 -> the documents lack it).
        known = self.corpus.idf
        concepts = {t: w for t, w in weights.items()
                    if t in single and (t in known or t == focus or (len(t) > 1 and t in self.corpus.corpus_text))}
        # An English term with several Korean words counts once: the first stands for the others.
        alternatives: dict[str, tuple[str, ...]] = {}
        for group in synonym_groups(question) if english else []:
            words = [w.lower() for w in group if w.lower() in concepts]
            if len(words) > 1:
                alternatives[words[0]] = tuple(words[1:])
                concepts[words[0]] = max(concepts.pop(w) if w != words[0] else concepts[w] for w in words)
        # The anchor: the rarest noun the index knows, besides what is asked about: what the
        # question is about ("디지털새싹 … 만족도는" -> 새싹). A passage that lacks it is about something else.
        named = topic_nouns(source)
        nouns = [t for t in concepts if t in named and t in self.corpus.idf and t not in predicates and t != focus]
        anchor = "" if english else max(nouns, key=lambda t: concepts[t], default="")
        intents = frozenset(k for k, rx in _INTENTS.items() if rx.search(question))
        if "date" in intents and "number" in intents and not _DATE_WORDS.search(question):
            intents -= {"date"}  # "몇 살까지", "몇 개 시도까지": 까지 bounds a number, not a date
        # One generic pattern per thing asked ("몇 편 … 얼마" -> a count, an amount): the counter the question
        # asks with ("몇 개" against "6대", "몇 곳" against "446개 기관") is a feature the ranker weighs
        # (counter), never a requirement.
        needs: list[re.Pattern[str]] = []
        counters: list[re.Pattern[str]] = []
        if "number" in intents:
            for m in _ASKED_NUMBER.finditer(question):
                counter = m.group(1)
                if counter:
                    unit = counter_answers().get(counter, re.escape(counter))
                    counters.append(re.compile(rf"(?<![\d,.])(?!(?:19|20)\d\d\s?년)\d[\d,.]*\s?(?:만|천|백)?\s?(?:여\s?)?(?:{unit})"))
                    needs.append(PERCENT if counter in ("퍼센트", "프로", "%") else HAS_NUMBER)
                elif m.group(0) == "얼마" and not question[m.end():].startswith("나") and (
                        _MONEY_WORDS.search(question) or not _COUNT_WORDS.search(question)):
                    needs.append(MONEY)  # "얼마의 재정 지원", "얼마까지 빌릴": an amount of money
                else:
                    needs.append(HAS_NUMBER)
            needs = needs or [HAS_NUMBER]
        # "언제까지", "마감": the end of a period, not its start
        date_need = UNTIL_DATE if _ASKS_UNTIL.search(question) else HAS_DATE
        place_need = HAS_VENUE if _ASKS_VENUE.search(question) else HAS_PLACE
        needs += [date_need] * ("date" in intents) + [place_need] * ("place" in intents)
        needs += [HAS_ELIGIBILITY] * ("eligible" in intents)
        needs += [HAS_AGENT] * ("agent" in intents and "contact" not in intents)
        years = tuple(dict.fromkeys(y or f"20{yy}" for y, yy in YEAR.findall(question)))
        names = self._names_in(question)
        name_words = frozenset(t for t in concepts if any(t in form for forms in names for form in forms))
        asks = frozenset(k for k, rx in _ASKS.items() if rx.search(question)) | intents
        if _WH.search(question):
            asks -= {"yesno"}
        return Query(question, repaired, tuple(toks), weights, concepts, focus, tuple(needs), years, anchor, alternatives,
                     subject_of(source), names, name_words, ordinals(question), intents, english,
                     counter=counters[0] if counters else None, asks=asks)

    def with_scope(self, q: Query, context: str) -> Query:
        """The query with the specific nouns of the message's context as search-only scope words
        ("고3 딸", "거점국립대 재학생"): they narrow retrieval but never count against an answer."""
        if not context:
            return q
        common = len(self.corpus.items) * SCOPE_MAX_DF
        df = self.corpus.df
        words = [t for t in topic_nouns(context) if 0 < df.get(t, 0) <= common and t not in q.weights]
        return replace(q, scope=" ".join(dict.fromkeys(words)))

    def _names_in(self, question: str) -> tuple[frozenset[str], ...]:
        """The corpus's quoted names in the question, longest first, none inside another."""
        spelled = (plain(question), plain(PAREN.sub(r"\1", question)))  # "에이아이디(AID) 전환 …" too
        found = sorted({f for f in self.corpus.names if any(f in x for x in spelled)}, key=lambda f: (-len(f), f))
        kept: list[str] = []
        for form in found:
            if not any(form in k for k in kept):
                kept.append(form)
        return tuple(self.corpus.names[f] for f in kept)

    def decompound(self, question: str) -> str:
        """Split a Hangul word the index never saw, and no document spells, into words the index
        knows: "청년도약부트캠프" -> "청년도약 부트캠프" (the documents write 청년도약 인재양성 부트캠프), so
        BM25 and coverage can match its parts. The split with the fewest parts wins; none, no change.
        A word with a verb's or a copula's ending is a predicate, not a compound: "확보하나요" is 확보+하+나요,
        never 확보 + 하나 (one) + 요, and "몇 개인가요" never holds 개인 (a person)."""
        out = question
        for word in set(_HANGUL_RUN.findall(question)):
            if len(word) < 4 or word in self.corpus.idf or word in self.corpus.corpus_text:
                continue
            if any(t.tag.startswith("E") for t in analyse(word)):
                continue
            parts = self._split(word)
            if parts and len(parts) > 1:
                out = out.replace(word, " ".join(parts))
        return out

    def _split(self, word: str) -> list[str] | None:
        """The fewest known words (two syllables or more) that spell word, a particle allowed at its end."""
        known = self.corpus.idf
        best: list[list[str] | None] = [[]] + [None] * len(word)
        for end in range(2, len(word) + 1):
            for start in range(max(0, end - 8), end - 1):
                prev = best[start]
                if prev is not None and word[start:end] in known and (best[end] is None or len(prev) + 1 < len(best[end] or [])):
                    best[end] = [*prev, word[start:end]]
        if best[-1] is not None:
            return best[-1]
        cut = next((n for n in (1, 2) if best[len(word) - n] is not None), None)  # 부트캠프가, 부트캠프는요
        return [*(best[len(word) - cut] or []), word[len(word) - cut :]] if cut else None

    def repair(self, question: str) -> str:
        """Fix one-syllable typos: a Hangul word the index never saw, one syllable away from a
        word it did see (사교욱비 -> 사교육비), is replaced; particles after it are kept."""
        vocab = self._by_len
        out = question
        for word in set(_HANGUL_RUN.findall(question)):
            if all(t in self.corpus.idf for t in tokens(word, joined=False)):
                continue  # every morpheme is known: 발표일 is 발표+일, not a typo of 발표회
            stems = [word[:cut] for cut in range(len(word), max(1, len(word) - 3), -1)]  # without 0-2 particles
            if any(st in self.corpus.idf or (len(st) > 2 and st in self.corpus.corpus_text) for st in stems):
                continue  # a word the documents use (참여율, 마감+이) is not a typo, however Kiwi cuts it
            if any(word.startswith(c) for c in question_counters() if len(c) > 1):
                continue  # "몇 프로임": a counter and a colloquial ending, not a slip for 프레임
            for stem in stems:
                if len(stem) < 3:
                    break
                fix = next((c for c in vocab.get(len(stem), ()) if _one_off(c, stem)), None)
                if fix:
                    out = out.replace(stem, fix)
                    break
        return out


@cache
def _slang_rx() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, slang())))


def ordinals(text: str) -> frozenset[tuple[str, int]]:
    """Ordinals in text by kind: "첫 회의" -> ("번째", 1); "제8회" -> ("회", 8); "제7차" -> ("차", 7)."""
    found: set[tuple[str, int]] = set()
    for first, word, digits, n, kind in _ORDINAL.findall(text):
        if first or word:
            found.add(("번째", _ORDINAL_WORDS[first or word]))
        elif digits:
            found.add(("번째", int(digits)))
        else:
            found.add((kind, int(n)))
    return frozenset(found)


def _one_off(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1
