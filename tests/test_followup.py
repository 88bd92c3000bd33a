"""Follow-ups resolved against hand-made conversations (a hand-made IDF; Kiwi is real)."""

from __future__ import annotations

import pytest

from assistant.followup import resolve, topic_phrase

# Rare words score high, the words a follow-up asks with score low, as in the corpus IDF.
_IDF = {"중점": 4.0, "학교": 1.5, "중점학교": 4.0, "ai": 3.0, "사교육비": 1.7, "총액": 3.5, "초중고": 4.0,
        "석사": 6.0, "박사": 6.0, "과정": 2.0, "대학원": 3.0, "lg": 6.0, "입학정원": 5.7, "gpu": 6.5, "예산": 3.3,
        "참여율": 5.0, "sw": 4.0, "중심": 3.0, "대학": 1.1, "tf": 3.0, "인재": 1.2, "부서": 1.0, "늘봄학교": 7.0}


def idf(token: str) -> float:
    return _IDF.get(token, 2.0)


def talk(*questions: str) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for q in questions:
        out += [{"role": "user", "content": q}, {"role": "assistant", "content": "답변 [1]"}]
    return out


@pytest.mark.parametrize(("history", "question", "expected"), [
    (["AI 중점학교는 몇 개교로 늘어나?"], "그럼 담당자는?", "AI 중점학교 담당자는?"),
    (["AI 중점학교는 몇 개교로 늘어나?"], "그건 언제까지야?", "AI 중점학교 언제까지야?"),
    (["AI 중점학교는 몇 개교로 늘어나?"], "예산은 얼마야?", "AI 중점학교 예산은 얼마야?"),
    (["2025년 초중고 사교육비 총액은 얼마인가요?"], "작년에는?", "2024년 초중고 사교육비 총액은 얼마인가요?"),
    (["초중고 사교육비 총액은 얼마인가요?"], "작년에는?", "작년 초중고 사교육비 총액은 얼마인가요?"),
    (["2025년 초중고 사교육비 총액은 얼마인가요?"], "참여율은?", "2025년 초중고 사교육비 참여율은 얼마인가요?"),
    (["LG AI대학원 박사과정 입학정원은?"], "석사과정은?", "LG AI대학원 석사과정 입학정원은?"),
    (["AI 중점학교는 몇 개교로 늘어나?"], "SW 중심대학은?", "SW 중심대학은 몇 개교로 늘어나?"),
    (["AI 인재 TF 담당 사무관 연락처는?"], "그 TF의 과장은?", "AI 인재 TF의 과장은?"),
    (["AI 중점학교는 몇 개교로 늘어나?", "그럼 담당자는?"], "교육부 쪽은?", "교육부 AI 중점학교 담당자는?"),
    (["과기정통부 AI 중점학교 담당자는?"], "교육부 쪽은?", "교육부 AI 중점학교 담당자는?"),
])
def test_follow_ups_take_the_previous_topic(history: list[str], question: str, expected: str) -> None:
    assert resolve(question, talk(*history), idf) == expected


def test_a_question_with_its_own_topic_stands_alone() -> None:
    history = talk("AI 중점학교는 몇 개교로 늘어나?")
    assert resolve("GPU는 언제까지 몇 장 확보하나요?", history, idf) == "GPU는 언제까지 몇 장 확보하나요?"
    assert resolve("그럼 담당자는?", [], idf) == "그럼 담당자는?"  # no history: nothing to lean on


def test_three_turns_carry_the_first_topic() -> None:
    history = talk("AI 중점학교는 몇 개교로 늘어나?", "그럼 담당자는?")
    assert resolve("작년에는?", history, idf) == "작년 AI 중점학교 담당자는?"
    history = talk("AI 중점학교는 몇 개교로 늘어나?", "그럼 예산은?")
    assert resolve("그건 언제까지야?", history, idf) == "AI 중점학교 언제까지야?"


def test_only_user_turns_count_and_odd_turns_are_ignored() -> None:
    history = [{"role": "assistant", "content": "GPU 20만장"}, {"role": "user", "content": "AI 중점학교는 몇 개교?"},
               {"role": "system", "content": "늘봄학교"}, {"role": "user", "content": "   "}]
    assert resolve("그럼 담당자는?", history, idf) == "AI 중점학교 담당자는?"


def test_topic_phrase_drops_years_ministries_and_asked_attributes() -> None:
    assert topic_phrase("AI 인재 TF 담당 사무관 연락처는?", idf) == "AI 인재 TF"
    assert topic_phrase("2025년 교육부 늘봄학교 담당자는?", idf) == "늘봄학교"


@pytest.mark.parametrize(("previous", "question"), [
    # the three rewrites of issue 17: each names its own topic, so none takes the previous one
    ("AI 인재 TF 담당 사무관 연락처는?", "과기부 gpu 목표"),
    ("GPU는 언제까지 몇 장 확보하나요?", "노벨상급 성과는 언제까지 내겠다는 거야?"),
    ("GPU는 언제까지 몇 장 확보하나요?", "AI 인재 TF 담당 사무관 연락처는?"),
    ("대학 AI 기본교육과정 지원사업에 몇 곳이 뽑혔어?", "대교협 담당 팀장은 누구야?"),
])
def test_a_message_with_a_topic_of_its_own_is_never_rewritten(previous: str, question: str) -> None:
    rare = {**_IDF, "노벨상급": 9.0, "노벨상": 8.0, "대교협": 7.0, "기본교육과정": 7.0, "사무관": 2.5}
    assert resolve(question, talk(previous), lambda t: rare.get(t, 2.0)) == question


def test_a_ministry_with_more_words_keeps_them() -> None:
    history = talk("인공지능 인재양성 전담팀(TF) 첫 회의는 언제 했어?")
    assert resolve("과기정통부 쪽 담당 부서랑 담당자는?", history, idf) == \
        "과기정통부 인공지능 인재양성 전담팀 담당 부서랑 담당자는?"


def test_an_asked_attribute_is_not_a_new_topic() -> None:
    history = talk("교육 데이터 안심구역 운영 기관으로 지정된 곳은 어디야?")
    assert resolve("접속 주소는?", history, idf) == "교육 데이터 안심구역 운영 기관 접속 주소는?"
    history = talk("LG AI대학원 박사과정 입학정원은 몇 명이야?")
    assert resolve("거기 위치는 어디야?", history, idf) == "LG AI대학원 박사과정 위치는 어디야?"  # not 입학정원


def test_the_previous_year_scope_stays() -> None:
    history = talk("2026년 디지털새싹은 학생 몇 명을 지원해?")
    assert resolve("그럼 담당자는?", history, idf) == "2026년 디지털새싹 담당자는?"


def test_one_side_of_the_previous_topic_is_a_follow_up() -> None:
    rare = {**_IDF, "전문대": 5.5, "부트캠프": 7.6}
    history = talk("2026년 청년도약 부트캠프 운영대학은 몇 곳이야?")
    assert resolve("전문대 쪽 담당자 연락처는?", history, lambda t: rare.get(t, 2.0)) == \
        "2026년 청년도약 부트캠프 운영대학 전문대 쪽 담당자 연락처는?"


def test_an_agency_on_the_previous_topics_document_may_be_read_as_a_follow_up() -> None:
    # 대교협 is rare enough to stand alone; given the documents, the reading on the release that names both
    # is offered too (the engine keeps whichever its decision trusts more).
    docs = [{"기본교육과정", "대교협", "팀장"}, {"gpu", "확보"}]
    rare = {**_IDF, "기본교육과정": 7.0, "대교협": 7.0, "팀장": 2.0}

    def rare_idf(token: str) -> float:
        return rare.get(token, 2.0)

    history = talk("대학 AI 기본교육과정 지원사업에 몇 곳이 뽑혔어?")
    assert resolve("대교협 담당 팀장은 누구야?", history, rare_idf) == "대교협 담당 팀장은 누구야?"
    assert resolve("대교협 담당 팀장은 누구야?", history, rare_idf, docs) == \
        "대학 AI 기본교육과정 지원사업 대교협 담당 팀장은 누구야?"
    assert resolve("GPU는 언제까지 몇 장 확보하나요?", history, rare_idf, docs) == \
        "GPU는 언제까지 몇 장 확보하나요?"  # no document has both: a new topic
