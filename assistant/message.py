"""A message cut into the parts that ask something, and the context around them.

Citizens write letters: a greeting, who they are, then one to three questions. Staff ask two
things in one line. Each asking sentence becomes a part that is answered on its own; the
sentences that ask nothing ("고3 딸을 둔 학부모입니다") are context: they never count against an
answer's coverage, but their words may narrow the search (a year, a school level, a programme).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.text import analyse, sentence_spans

# Sentence endings and phrases that ask: "…나요?", "…인가요", "알려주세요", "궁금합니다".
_ASKS = re.compile(
    r"[?？]\s*$|(?:나요|가요|까요|니까|는지요|은지요|인지요|던가요|래요|건가요|을까|ㄹ까|할까|는지|은지|인지|"
    r"되나|있나|없나|하나|인가|는가|냐|니|죠|지요|나|까)[\s.!~…]*$|"
    r"알려\s*주|알고\s*싶|궁금|문의\s*(?:드립|합니|해요|드려요|드리고)|여쭙|여쭤|안내\s*(?:부탁|바랍|해\s*주)|"
    r"부탁\s*드립니다|부탁해요|확인\s*(?:부탁|해\s*주)|^(?:what|when|where|who|how|which|why|is|are|do|does|can)\b",
    re.I,
)
# Interrogative words: a sentence holding one and ending in a polite 요 asks ("신청은 어디서 해요").
_QUESTION_WORD = re.compile(r"몇|얼마|언제|어디|누구|누가|무엇|뭐|무슨|어떻게|어떤|어느|왜")
# "…관련해서 문의드립니다", "…에 대해 여쭙고 싶습니다": a topic announced, not a question asked.
_ANNOUNCES = re.compile(r"(?:관련|관하여|관해|대해|대하여).{0,8}(?:문의|여쭙|여쭤|질문|궁금)")
# Greetings and thanks: context even when they end in a way that looks like asking.
# "답변 부탁드립니다", "빠른 회신 바랍니다": a request for the reply itself asks nothing.
_COURTESY = re.compile(r"^(?:안녕|수고|감사|고맙|좋은\s*하루|늘\s*고생|바쁘신|(?:빠른\s*)?(?:답변|회신|답장))")


@dataclass(frozen=True)
class Message:
    """The asking parts of a message in order, and the context sentences around them."""

    parts: tuple[str, ...]
    context: tuple[str, ...]


def split_message(text: str) -> Message:
    """Parts that ask something; a message with no recognisable question is one part."""
    text = text.strip()
    sentences = [s for s in _sentences(text) if s]
    asking = [s for s in sentences if asks(s)]
    if not asking:
        return Message((text,), ())
    # "국가장학금 관련해서 문의드립니다." before the questions names the topic; it asks nothing itself
    asking = [s for s in asking if not (_ANNOUNCES.search(s) and not _QUESTION_WORD.search(s) and len(asking) > 1)]
    context = tuple(s for s in sentences if s not in asking)
    return Message(tuple(c for s in asking for c in _clauses(s)), context)


def asks(sentence: str) -> bool:
    """True for a sentence that asks something (a question or a request for information)."""
    s = sentence.strip()
    if _COURTESY.match(s) and not _QUESTION_WORD.search(s):
        return False
    if _ASKS.search(s):
        return True
    return bool(_QUESTION_WORD.search(s)) and bool(re.search(r"요[\s.!~…]*$|[가-힣]$", s)) and _has_predicate(s)


def _has_predicate(sentence: str) -> bool:
    """A verb or adjective ending the sentence: "예산은 얼마" is a question, "얼마 전 뉴스에서 봤어요" is
    caught by the ending too, so this only rules out bare noun lists."""
    return any(t.tag.startswith(("V", "E")) for t in analyse(sentence)[-3:])


_CONTACT = re.compile(r"담당|부서|연락처|전화|문의처|어디로\s*문의")
_JOIN = re.compile(r"(?<=[가-힣])(?:이고|이며|고|며)\s*,?\s+|,\s*(?:그리고\s+)?")
# "…얼마를 지원받는지, 자녀가 몇 살까지인 직원이 대상인지 궁금합니다": two asks joined by "-지,"
_ASK_JOIN = re.compile(r"(?<=[는은인할일있없될았었했])지\s*(?:,|와|랑|하고|또)\s*")


def _clauses(sentence: str) -> list[str]:
    """"몇 곳이고, 담당 부서는 어디인가요?": a question and a contact question joined in one sentence
    are two parts (a desk and a count are answered from different places); so are two embedded questions
    ("얼마인지, 언제까지인지 궁금합니다")."""
    for m in _JOIN.finditer(sentence):
        head, tail = sentence[: m.start()].strip(), sentence[m.end() :].strip()
        if (_QUESTION_WORD.search(head) and _QUESTION_WORD.search(tail)
                and bool(_CONTACT.search(head)) != bool(_CONTACT.search(tail))):
            return [head, tail]
    for m in _ASK_JOIN.finditer(sentence):  # two embedded questions, each with its own question word
        head, tail = sentence[: m.start() + 1].strip(), sentence[m.end() :].strip()
        if _QUESTION_WORD.search(head) and _QUESTION_WORD.search(tail):
            return [head, *_clauses(tail)]
    return [sentence]


def _sentences(text: str) -> list[str]:
    """Lines, then Kiwi's sentences within a line, then question marks within a sentence."""
    out: list[str] = []
    for line in text.splitlines():
        for start, end in sentence_spans(line):
            piece = line[start:end]
            out.extend(p.strip() for p in re.split(r"(?<=[?？])\s+", piece) if p.strip())
    return out
