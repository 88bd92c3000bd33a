"""Follow-up questions: rewrite a message that leans on the conversation into a standalone question.

Pure functions over the text of the conversation and the corpus IDF. Each earlier user turn is
resolved against the ones before it, so a third turn sees the topic the first one named.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from core import text as core_text
from core.patterns import ROLES

# Words that lead a follow-up ("그럼 담당자는?") and words that point back at the previous topic ("그건 언제까지야?").
_CONNECTIVE = re.compile(r"^\s*(?:그러면|그럼|그렇다면|그리고|또|그런데|근데)\s*[,.]?\s*")
_POINTER = re.compile(r"^\s*(?:그건|그거는|그거|그게|그곳은|거기는|거기|이건|이거|해당|아까\s*그|그(?=\s))\s*[,.]?\s*")
# "전문대 쪽 담당자는?", "대학 측에서는": one side of the thing the previous turn was about.
_SIDE = re.compile(r"^\S+?\s*(?:쪽|측)(?:의|에서는?|에선|은|는|도)?(?:\s|$)")
# "이 사업", "그 학교는", "해당 프로그램": a part of a letter naming the thing of the part before it.
_DEMONSTRATIVE = re.compile(r"(?:^|\s)(?:그|이|해당|위|앞의|같은)\s*(?:사업|프로그램|학교|일|제도|과정|대회|행사|TF|tf|센터|"
                            r"지원|프로젝트|연수|정책|공고|과제|것|분야|기관|대학|곳|모집|시험|계획|전략|내용|교육|캠프|서비스|업무|방안|목표|사항)")
_YEAR = re.compile(r"(?:20\d\d|[’'‘]\d\d)\s*(?:년도?|학년도)|재작년|작년|지난해|전년도?|올해|금년|내년|이듬해")
_RELATIVE = {"재작년": -2, "작년": -1, "지난해": -1, "전년": -1, "전년도": -1, "올해": 0, "금년": 0, "내년": 1, "이듬해": 1}
_MINISTRY = re.compile(r"과학기술정보통신부|과기정통부|과기부|교육부|관계부처\s*합동")
# What is left of a follow-up once its scope word is taken: particles and "쪽/측/경우".
_ONLY_SCOPE = re.compile(
    r"^\s*(?:쪽|측|경우|때)?\s*(?:에는|에선|에서는|은|는|이|가|도|의|에|엔|요)?\s*(?:요|은요|는요)?\s*[?？.!]*\s*$")
_AND_WHAT = re.compile(r"(?:은|는|도)(?:요)?\s*[?？]?\s*$")  # "석사과정은?": and what about this one?
_NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "SH"})
_RUN_TAGS = _NOUN_TAGS | {"SN", "NNB", "XSN", "XPN"}
_ASK_TAGS = frozenset({"VV", "VA", "XSV", "XSA", "NP", "MM"})  # a predicate or a question word: a full question
_ASK_WORDS = frozenset({"무엇", "뭐", "어디", "누구", "얼마", "언제", "몇", "어떤", "어떻", "왜"})
_ROLE = re.compile(f"(?:{ROLES})")
# The last word of a topic that names an attribute of it (총액, 참여율, 입학정원): a bare follow-up replaces it.
_ATTRIBUTE = re.compile(r"(?:액|율|률|수|비|금|정원|규모|인원|기간|예산|목표|일정|대상|자격|현황|실적|비중|성과)$")
# Nouns that name what is asked of a topic, never the topic itself (trimmed from a topic's end).
_ASKED = re.compile(r"(?:총액|금액|액수|정원|규모|인원|기간|예산|목표|일정|자격|비율|율|률|주소|위치|장소)$")
TOPIC_IDF = 5.5  # summed IDF of a message's topic phrase from which it stands alone (담당자 0, 예산 3.3, GPU 6.3)
# From here a message names its own topic in full and is never read as a follow-up, even of the same document
# ("AI 인재 TF에 배정된 예산은?" 16.1). Set after the blind dialogues' first-sight score.
FULL_TOPIC_IDF = 14.0
ENTITY_IDF = 4.5  # a bare follow-up naming something this rare asks the previous question of it (석사과정 7.3)


@dataclass(frozen=True)
class _Morph:
    form: str
    tag: str
    start: int
    end: int


@lru_cache(maxsize=4096)
def _morphs(text: str) -> tuple[_Morph, ...]:
    """Kiwi's morphemes of text, cached: a message and its history are analysed several times a turn."""
    with core_text._lock:  # Kiwi is shared with the rest of the engine (see core/text.py)
        analysed = core_text.kiwi().tokenize(text)
    return tuple(_Morph(t.form, t.tag, t.start, t.start + t.len) for t in analysed)


def _idf(m: _Morph, idf: Callable[[str], float]) -> float:
    """A noun's IDF as the index spells it (Kiwi's one-morpheme "부트 캠프" is the index's word 부트캠프)."""
    return idf(m.form.lower().replace(" ", ""))


def _topic_nouns(morphs: Sequence[_Morph]) -> list[_Morph]:
    return [m for m in morphs if m.tag in _NOUN_TAGS and (len(m.form) > 1 or m.tag == "SL")
            and m.form not in core_text._NOT_FOCUS and not _MINISTRY.fullmatch(m.form)]


def _proper(phrase: str) -> bool:
    """The topic is a proper name (an agency, a region: "대교협", "한국산업기술진흥원"), which a conversation names
    as a detail of the thing it is about more often than as a new topic."""
    nouns = _topic_nouns(_morphs(phrase))
    return bool(nouns) and nouns[0].tag == "NNP"


# Inside one message a determiner before any word points at what an earlier ask named ("이 대출을 담당하는
# 부서", "그 연수는"): the message's own asks share a topic, so the list of nouns above is not needed there.
_DETERMINER = re.compile(r"(?:^|\s)(?:그|이|해당|위|앞의|같은)\s+(?=[가-힣A-Za-z])")


def leans_back(part: str) -> bool:
    """A later ask of a message leans on an earlier one: it points back, or a determiner opens a phrase."""
    return points_back(part) or bool(_DETERMINER.search(_CONNECTIVE.sub("", part, count=1)))


def points_back(text: str) -> bool:
    """The text leans on what came before it: "그건 언제까지야?", "이 일을 담당하는 사무관", "해당 사업은"."""
    connected = _CONNECTIVE.sub("", text, count=1)
    return bool(_POINTER.match(connected)) or bool(_DEMONSTRATIVE.search(connected))


def topic_weight(question: str, idf: Callable[[str], float]) -> float:
    """The summed IDF of the nouns that name what a message is about (0 for "그럼 담당자는?")."""
    return sum(_idf(m, idf) for m in _topic_nouns(_morphs(question)))


def topic_phrase(question: str, idf: Callable[[str], float]) -> str:
    """The noun run of a question that names its topic, as written ("AI 중점학교는 몇 개교로?" -> "AI 중점학교"),
    without question words, years, ministries and trailing attribute nouns (담당자, 목표, 기간)."""
    morphs = _morphs(question)
    runs: list[list[_Morph]] = []
    run: list[_Morph] = []
    for m in morphs:
        if m.tag in _RUN_TAGS and m.form not in _ASK_WORDS:
            run.append(m)
        else:
            if run:
                runs.append(run)
            run = []
    if run:
        runs.append(run)
    best: tuple[float, str] = (0.0, "")
    for r in runs:
        while r and (r[-1].form in core_text._NOT_FOCUS or r[-1].tag in ("NNB", "SN") or _MINISTRY.fullmatch(r[-1].form)
                     or _ROLE.fullmatch(r[-1].form)):
            r = r[:-1]
        while r and (r[0].tag in ("SN", "NNB") or _MINISTRY.fullmatch(r[0].form) or r[0].form in core_text._NOT_FOCUS):
            r = r[1:]
        glued = False
        while len(_topic_nouns(r)) > 1 and _ASKED.search(r[-1].form):  # "박사 입학정원": the 입학정원 is asked
            glued = r[-1].start == r[-2].end  # 입학+정원 is one word: drop all of it
            r = r[:-1]
        weight = sum(_idf(m, idf) for m in _topic_nouns(r))
        if r and weight > best[0]:
            start = r[0].start
            while start > 0 and not question[start - 1].isspace():  # the whole word: Kiwi reads 늘봄학교 as 늘+봄학교
                start -= 1
            phrase = question[start : r[-1].end]
            best = (weight, phrase.rsplit(" ", 1)[0] if glued and " " in phrase else phrase)
    return best[1]




def _shift_year(previous: str, year_word: str) -> str:
    """previous with its year scope replaced: "작년" after "2025년 …" is "2024년 …"."""
    found = _YEAR.search(previous)
    word = year_word.strip()
    if found and word in _RELATIVE:
        digits = re.search(r"20\d\d", found.group(0))
        if digits:
            word = f"{int(digits.group(0)) + _RELATIVE[word]}년"
    if found:
        return previous[: found.start()] + word + previous[found.end() :]
    return f"{word} {previous}"


def _swap_ministry(previous: str, ministry: str) -> str:
    if _MINISTRY.search(previous):
        return _MINISTRY.sub(ministry, previous, count=1)
    return f"{ministry} {previous}"


def _is_bare(question: str) -> bool:
    """Only nouns and a closing topic particle, the last naming a thing ("석사과정은?", "SW 중심대학은요?"): it
    asks the previous question of another thing. "접속 주소는?" and "담당자는?" ask for an attribute instead, and
    a keyword query without the particle ("ITRC 창의자율과제 팀당 지원금") is a question of its own."""
    if not _AND_WHAT.search(question):
        return False
    morphs = _morphs(question)
    nouns = [m for m in morphs if m.tag in _RUN_TAGS]
    if not nouns or nouns[-1].form in core_text._NOT_FOCUS or _ASKED.search(nouns[-1].form) \
            or _ROLE.fullmatch(nouns[-1].form):
        return False
    return len(_topic_nouns(morphs)) <= 3 and not any(m.tag in _ASK_TAGS or m.form in _ASK_WORDS for m in morphs)


def _asked_attribute(question: str) -> bool:
    """Only an attribute noun and particles ("참여율은?", "정원은?")."""
    morphs = _morphs(question)
    nouns = [m for m in morphs if m.tag in _RUN_TAGS]
    return len(nouns) == 1 and bool(_ASKED.search(nouns[0].form)) and all(
        m.tag in _RUN_TAGS or m.tag.startswith(("J", "S")) for m in morphs)


def _swap_attribute(previous: str, noun: str) -> str:
    """previous with its last asked-for noun (총액, 정원) replaced by noun; "" when it has none."""
    words = previous.split()
    for i in range(len(words) - 1, -1, -1):
        stem = _word(words[i])
        if stem and _ASKED.search(stem) and stem != noun:
            head = " ".join(words[:i])
            return (f"{head} " if head else "") + _replace(" ".join(words[i:]), stem, noun)
    return ""


def _word(text: str) -> str:
    return re.sub(r"(?:은요|는요|이요|은|는|이|가|도|의|요)?[?？.!]*$", "", text)


def _substitute(previous: str, phrase: str, idf: Callable[[str], float]) -> str:
    """previous asked again of phrase: a word sharing its ending is replaced (박사과정 -> 석사과정); an attribute
    at the end of the previous topic is replaced (총액 -> 참여율); else the previous topic is."""
    bare = _word(phrase.strip())
    words = previous.split()
    for new in bare.split():
        for i, old in enumerate(words):
            stem = _word(old)
            if stem != new and len(stem) >= 3 and len(new) >= 3 and stem[-2:] == new[-2:]:
                words[i] = new + old[len(stem):]
                return " ".join(words)
    topic = topic_phrase(previous, idf)
    if not topic or not bare:
        return phrase
    last = topic.split()[-1]
    if " " in topic and " " not in bare and _ATTRIBUTE.search(last):
        return _replace(previous, topic, topic[: -len(last)] + bare)
    return _replace(previous, topic, bare)


def _replace(previous: str, old: str, new: str) -> str:
    """old replaced by new in previous, its particle (은/는, 이/가, 을/를) agreeing with new's last syllable."""
    at = previous.find(old)
    if at < 0:
        return f"{new} {previous}"
    rest = previous[at + len(old) :]
    if rest[:1] in "은는이가을를" and rest[:1] and (len(rest) == 1 or not ("가" <= rest[1] <= "힣")):
        rest = core_text.particle(new, rest[0]) + rest[1:]
    return previous[:at] + new + rest


def _join(topic: str, rest: str) -> str:
    """topic + rest, without saying the topic's last word twice ("AI 인재 TF" + "TF의 과장은?")."""
    last = topic.split()[-1]
    first = rest.split()[0] if rest.split() else ""
    if first.startswith(last):
        return f"{topic[: -len(last)]}{rest}"
    return f"{topic} {rest}"


def _rarest(text: str, idf: Callable[[str], float], documents: Sequence[set[str]]) -> str:
    """The rarest search word of text that some document has (joined noun runs count: 기본교육과정)."""
    with core_text._lock:
        analysed = core_text.kiwi().tokenize(text)
    skip = {m.form.lower() for m in analysed if m.form in core_text._NOT_FOCUS or _MINISTRY.fullmatch(m.form)}
    words = [t for t in dict.fromkeys(core_text.tokens(text))
             if t not in skip and len(t) > 1 and any(t in d for d in documents)]
    return max(words, key=idf, default="")


def _same_document(previous: str, question: str, idf: Callable[[str], float], documents: Sequence[set[str]]) -> bool:
    """Some document has both the rarest word of the previous topic and of the question's ("대교협" in the
    release the previous turn was about; not "사업문의", a joined run of the question's asking words): the
    question may go on about that document."""
    if not documents:
        return False
    old, new = (_rarest(topic_phrase(text, idf) or text, idf, documents) for text in (previous, question))
    return bool(old and new and old != new) and any(old in words and new in words for words in documents)


def resolve_one(question: str, previous: str, idf: Callable[[str], float], documents: Sequence[set[str]] = ()) -> str:
    """question made standalone against the previous (already standalone) question; unchanged when it stands
    alone. It leans on the previous one only when it points back (그건, 그 TF, 그럼 …), swaps a scope (작년에는?,
    교육부 쪽은?), names another thing or attribute bare (석사과정은?, 참여율은?) or has no topic of its own
    (담당자는?): a message naming its own topic is never rewritten.

    documents (the words of each indexed document) asks for the other reading instead: a message with a
    topic of its own that a document shares with the previous topic ("대교협 담당 팀장은?" after a question on
    the programme 대교협 runs) is read as a follow-up; "" when that reading is the same as the strict one.
    The engine answers both and keeps the one its decision trusts more (Engine.read)."""
    question = " ".join(unicodedata.normalize("NFC", question).split())
    if not previous or not question:
        return question
    connected = _CONNECTIVE.sub("", question, count=1).strip()
    stripped = _POINTER.sub("", connected, count=1).strip()
    pointing = stripped != connected
    year = _YEAR.match(stripped)
    if year and _ONLY_SCOPE.match(stripped[year.end() :]):
        return _shift_year(previous, year.group(0))
    ministry = _MINISTRY.match(stripped)
    if ministry and _ONLY_SCOPE.match(stripped[ministry.end() :]):
        return _swap_ministry(previous, ministry.group(0))
    if ministry:  # "과기정통부 쪽 담당 부서는?": the rest read against the previous turn, in that ministry
        rest = re.sub(r"^\s*(?:쪽|측)?\s*(?:의|에서|은|는)?\s*", "", stripped[ministry.end() :])
        resolved = resolve_one(rest, previous, idf, documents)
        if resolved != rest:
            return _swap_ministry(resolved, ministry.group(0))
    if not pointing and _is_bare(stripped) and topic_weight(stripped, idf) >= ENTITY_IDF:
        return _substitute(previous, stripped, idf)
    if not pointing and _asked_attribute(stripped):
        swapped = _swap_attribute(previous, _word(stripped))
        if swapped:
            return swapped  # "참여율은?" after "… 총액은 얼마인가요?": the same question of another attribute
    phrase = topic_phrase(stripped, idf)
    weight = topic_weight(phrase, idf) if phrase else 0.0
    pointing = pointing or bool(_SIDE.match(stripped))
    if not pointing and weight >= TOPIC_IDF and (not documents or not _proper(phrase) or weight >= FULL_TOPIC_IDF
                                                 or not _same_document(previous, stripped, idf, documents)):
        return question  # a topic of its own
    topic = topic_phrase(previous, idf)
    if not topic or topic.replace(" ", "") in stripped.replace(" ", ""):
        return stripped or question
    year = _YEAR.search(previous)
    if year and not _YEAR.search(stripped) and year.group(0) not in topic:  # the previous year scope stays
        topic = f"{year.group(0)} {topic}"
    return _join(topic, stripped)


def resolve(question: str, history: list[dict[str, str]], idf: Callable[[str], float],
            documents: Sequence[set[str]] = ()) -> str:
    """A standalone question for the message: the user turns of history are resolved in order (strictly), and
    the message against the last of them; with documents, the message's same-document reading (resolve_one).
    history holds {"role": "user"|"assistant", "content": str}."""
    previous = ""
    for turn in history:
        if turn.get("role") == "user" and str(turn.get("content", "")).strip():
            previous = resolve_one(str(turn["content"]), previous, idf, documents)
    return resolve_one(question, previous, idf, documents)
