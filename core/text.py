"""Korean text processing on Kiwi: search tokens, sentence splitting, normalisation."""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

# Content morphemes: nouns, roots of verbs/adjectives, numbers, Latin, Hanja, roots.
_KEEP = frozenset({"NNG", "NNP", "NNB", "NR", "NP", "VV", "VA", "XR", "SL", "SH", "SN"})
_NOUNS = frozenset({"NNG", "NNP", "SL", "SH", "XR"})
# Words that carry no topic in a question.
_STOP = frozenset(
    {"것", "수", "등", "및", "알리", "주", "하", "되", "있", "없", "이", "그", "저", "뭐", "무엇", "어디", "누구",
     "어떻", "얼마", "몇", "어떤", "언제", "왜", "좀", "관련", "대하", "대한", "위하", "통하"}
)

_lock = threading.Lock()


@lru_cache(maxsize=1)
def kiwi() -> Kiwi:
    """The process-wide Kiwi analyser (built on first use; ~1 s)."""
    from kiwipiepy import Kiwi

    k = Kiwi()
    k.tokenize("초기화")  # the first call loads the model; pay it here, not in a user's query
    return k


# Particle pairs by the final syllable they follow: (after a final consonant, after a vowel).
_PARTICLES = {"을": ("을", "를"), "를": ("을", "를"), "은": ("은", "는"), "는": ("은", "는"), "이": ("이", "가"),
              "가": ("이", "가"), "과": ("과", "와"), "와": ("과", "와"), "으로": ("으로", "로"), "로": ("으로", "로")}


def particle(word: str, written: str) -> str:
    """The form of a particle that agrees with word's last syllable: particle("질문", "를") -> "을",
    particle("TF", "은") -> "는", particle("2030", "은") -> "은" (a digit as read aloud, a Latin letter as a
    vowel; 로 after ㄹ stays 로)."""
    closed_form, open_form = _PARTICLES[written]
    last = word.rstrip()[-1:] if word.strip() else ""
    if last.isdigit():  # read aloud: 영 일 삼 육 칠 팔 end in a consonant (일, 칠, 팔 in ㄹ)
        final = {"0": 21, "1": 8, "3": 16, "6": 1, "7": 8, "8": 8}.get(last, 0)
    elif not ("가" <= last <= "힣"):
        return open_form
    else:
        final = (ord(last) - 0xAC00) % 28
    if closed_form == "으로" and final == 8:  # ㄹ: "서울로"
        return open_form
    return closed_form if final else open_form


_PLAIN_ENDINGS = {"ᆫ다", "는다", "다"}  # the plain declarative (추진한다, 받는다, 계획이다, 있다, 밝혔다)


def polite(sentence: str) -> str:
    """The sentence with its plain declarative ending in the formal polite one a reply writes: "추진한다." ->
    "추진합니다.", "계획이다." -> "계획입니다.", "운영되었다" -> "운영됐습니다". Only the final verb changes (no
    digit is touched); any other ending (명사형 "높음", a noun, a question) is left as written."""
    toks = kiwi().tokenize(sentence)
    end = len(toks) - 1
    while end >= 0 and toks[end].tag in ("SF", "SP", "SS", "SE", "SO", "SW"):
        end -= 1
    if end < 1 or toks[end].tag != "EF" or toks[end].form not in _PLAIN_ENDINGS:
        return sentence
    first = end - 1  # back to the morpheme that opens its syllable (밝히+었 are written 혔 together)
    while first > 0 and toks[first - 1].start + toks[first - 1].len > toks[first].start:
        first -= 1
    stem, ending = toks[end - 1], toks[end]
    start, stop = toks[first].start, ending.start + ending.len
    if any(ch.isdigit() for ch in sentence[start:stop]) or sentence[stop:].strip(" .。!\"'”’)」』") != "":
        return sentence
    last = stem.form[-1]
    closed = stem.tag == "EP" or ("가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 != 0)
    morphs = [(t.form, t.tag.split("-")[0]) for t in toks[first:end]]
    joined = kiwi().join([*morphs, ("습니다" if closed else "ᆸ니다", "EF")])
    return sentence[:start] + joined + sentence[stop:]


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Normalise for matching: NFKC, lower case, no whitespace, unified dashes and quotes."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[‐‑‒–—―−]", "-", text)
    text = re.sub(r"[‘’`´']", "'", text)
    return re.sub(r"\s+", "", text)


def respace(text: str) -> str:
    """Kiwi's word spacing for text typed without spaces ("사교육비참여율작년에" -> "사교육비 참여율 작년에")."""
    with _lock:
        return str(kiwi().space(text))


@lru_cache(maxsize=1 << 16)
def plain(text: str) -> str:
    """fold, and without middle dots: "국내·외" meets "국내외", "AI·디지털" meets "AI디지털" (for matching
    a question against passages; the eval scorers keep fold)."""
    return re.sub(r"[·‧・･]", "", fold(text))


@lru_cache(maxsize=4096)
def analyse(text: str) -> tuple[Any, ...]:
    """Kiwi's morphemes of text (NFKC), cached: a question's words, roots, focus and subject all
    come from one analysis."""
    with _lock:  # Kiwi is not documented as thread-safe; Gradio serves from threads
        return tuple(kiwi().tokenize(unicodedata.normalize("NFKC", text)))


def tokens(text: str, joined: bool = True) -> list[str]:
    """BM25 tokens: content morphemes, plus joined runs of adjacent nouns (소프트웨어+정책).

    Joined runs let "소프트웨어정책과" typed without spaces meet "소프트웨어 정책과" and back;
    every sub-run of 2-4 nouns is emitted, so "AI인재TF담당자" still meets "(AI인재 TF)".
    """
    return _content(analyse(text), joined)


def sentence_tokens(text: str) -> list[tuple[str, list[str]]]:
    """The sentences of a paragraph (as `sentences` cuts them, verbatim) with their tokens, from one
    Kiwi pass over the paragraph where the text is already in NFKC (ingest's hot path)."""
    if len(text) < 40:
        return [(text, tokens(text))]
    if unicodedata.normalize("NFKC", text) != text:  # Kiwi must see what a question's analysis sees
        return [(s, tokens(s)) for s in sentences(text)]
    with _lock:
        parts = kiwi().split_into_sents(text, return_tokens=True)
    out = []
    for part in parts:
        piece = text[part.start : part.end]
        sentence = piece.strip()
        if sentence:
            out.append((sentence, _content(tuple(part.tokens))))
    return out


def _content(analysed: tuple[Any, ...], joined: bool = True) -> list[str]:
    out: list[str] = []
    run: list[str] = []
    for tok in analysed:
        form = tok.form.lower()
        if tok.tag in _KEEP and form not in _STOP:
            out.append(form)
        if tok.tag in _NOUNS:
            run.append(form)
            continue
        if joined:
            out.extend(_subruns(run))
        run = []
    if joined:
        out.extend(_subruns(run))
    return out


def _subruns(run: list[str]) -> list[str]:
    return ["".join(run[i : i + n]) for n in range(2, min(4, len(run)) + 1) for i in range(len(run) - n + 1)]


# Nouns that ask rather than name: never the focus of a question.
_NOT_FOCUS = frozenset({"무엇", "뭐", "어디", "누구", "얼마", "언제", "내용", "미션", "역할", "정보", "질문", "답", "것",
                        "관련", "경우", "때", "곳", "분", "문의", "연락처", "전화", "전화번호", "번호", "담당", "담당자",
                        "목표", "계획", "예정", "수치", "규모", "개수", "보도자료", "문서", "자료", "요약", "개요",
                        "정의", "의미", "뜻", "기간", "시기", "일정", "날짜", "일시", "장소", "금액", "액수", "인원",
                        "연간", "수준", "현황", "핵심", "정도", "방향", "동안", "전체", "이상", "이하", "최대", "최소",
                        "대비", "각각", "모두", "작년", "전년", "전년도", "지난해", "올해", "금년", "내년", "현재",
                        "이번", "지금", "기준", "도시", "나라", "시점", "마감", "마감일", "시작일", "종료일", "개최일",
                        "발표일", "분야", "종류", "방법", "방식", "이름", "명칭", "주소", "자격", "대상",
                        "퍼센트", "프로", "퍼센트포인트", "포인트"})


_SUFFIXES = frozenset({"률", "율", "생", "자", "료", "비", "금", "액", "량", "권"})


def verb_roots(text: str) -> tuple[set[str], set[str]]:
    """Roots of the verbs and adjectives in text, and nouns made verbs by 하다/되다 ("마련하고"):
    a question's predicates paraphrase more than its nouns."""
    analysed = analyse(text)
    verbs = {t.form.lower() for t in analysed if t.tag in ("VV", "VA")}
    predicates = {t.form.lower() for t, nxt in zip(analysed, [*analysed[1:], None])
                  if t.tag == "NNG" and nxt is not None and nxt.tag in ("XSV", "XSA")}
    return verbs, predicates


def topic_nouns(question: str) -> dict[str, None]:
    """Nouns that name things (not 올해, 정도, 일시, 2030): candidates for what a question is about, in the
    order they are written (an ordered set: scope words built from them must not depend on hashing)."""
    analysed = analyse(question)
    return dict.fromkeys(t.form.lower() for t in analysed
                         if t.tag in ("NNG", "NNP", "SL") and len(t.form) > 1 and t.form not in _NOT_FOCUS
                         and t.form.lower() != "ai")


def subject_of(question: str) -> tuple[str, ...]:
    """The noun runs before a question's first topic particle, folded, each conjunct on its own
    ("…사이버안전센터는 어떤 역할" -> ("사이버안전센터",); "첨단인재형과 실전인재형은" -> both), and
    the last two nouns of a longer run."""
    analysed = analyse(question)
    runs: list[str] = []
    run: list[str] = []
    for t in analysed:
        if t.tag in _NOUNS or t.tag == "SN" or (t.tag == "XSN" and run):  # 인재+형
            run.append(t.form)
        elif t.tag == "JC" and run:  # 와/과: another subject follows
            runs.append(plain("".join(run[-3:])))
            run = []
        elif t.tag == "JX" and t.form in ("은", "는") and run:
            # the whole run and its last two nouns: "학자금대출 신청 기간은" is also "신청 기간은"
            tail = [plain("".join(run[-2:]))] if len(run) > 2 else []
            return tuple(dict.fromkeys([*runs, plain("".join(run[-3:])), *tail]))
        elif t.tag not in ("SSO", "SSC", "SW", "SP"):
            run, runs = [], []
    return ()


def focus_noun(question: str) -> str:
    """The last content noun of a question, lower-cased: what it asks about ("…의 예산은?" -> 예산)."""
    analysed = analyse(question)
    nouns = [
        # a derived noun keeps its suffix: 취업+률 asks about 취업률, not 취업
        t.form.lower() + (nxt.form if nxt and nxt.tag == "XSN" and nxt.form in _SUFFIXES else "")
        for t, nxt in zip(analysed, [*analysed[1:], None])
        # "추진하나요": a noun made a verb by 하다 is the predicate, not what is asked about; a
        # one-syllable noun (일, 수, 점) is too generic to be what is asked about; so is "AI"
        if ((t.tag in ("NNG", "NNP") and len(t.form) > 1) or (t.tag == "SL" and t.form.lower() not in ("ai", "tf")))
        and t.form not in _NOT_FOCUS and not (nxt and nxt.tag in ("XSV", "XSA"))
    ]
    return nouns[-1] if nouns else ""


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences with Kiwi; the pieces are verbatim substrings."""
    if len(text) < 40:
        return [text]
    with _lock:
        parts = kiwi().split_into_sents(text)
    out = [text[s.start : s.end].strip() for s in parts]
    return [s for s in out if s]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence Kiwi finds in text, however short the text."""
    if not text.strip():
        return []
    with _lock:
        return [(s.start, s.end) for s in kiwi().split_into_sents(text)]
