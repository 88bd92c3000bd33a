"""A message is cut into the sentences that ask; greetings and self-introductions are context."""

from __future__ import annotations

import pytest

from assistant.message import asks, split_message


def test_letter_parts_and_context() -> None:
    m = split_message("안녕하세요. 고3 딸을 둔 학부모입니다. 그 장학금은 몇 학년까지 받을 수 있나요? 신청은 어디서 하나요?")
    assert m.parts == ("그 장학금은 몇 학년까지 받을 수 있나요?", "신청은 어디서 하나요?")
    assert m.context == ("안녕하세요.", "고3 딸을 둔 학부모입니다.")


def test_lines_without_punctuation_and_a_request() -> None:
    m = split_message("수고 많으십니다\n저는 지방 거점국립대 재학생인데요\nAI 관련 장학금 있으면 얼마 주는지 궁금해요")
    assert m.parts == ("AI 관련 장학금 있으면 얼마 주는지 궁금해요",)
    assert m.context == ("수고 많으십니다", "저는 지방 거점국립대 재학생인데요")


def test_a_topic_announcement_is_context_when_questions_follow() -> None:
    m = split_message("국가장학금 관련해서 문의드립니다. 소득 기준이 어떻게 되나요? 신청 기간은 언제인가요?")
    assert m.parts == ("소득 기준이 어떻게 되나요?", "신청 기간은 언제인가요?")
    assert m.context == ("국가장학금 관련해서 문의드립니다.",)


def test_a_count_and_a_desk_in_one_sentence_are_two_parts() -> None:
    assert split_message("올해 선정된 AI 중점학교는 몇 곳이고, 담당 부서는 어디인가요?").parts == (
        "올해 선정된 AI 중점학교는 몇 곳", "담당 부서는 어디인가요?")
    # two things asked of one fact stay one part: one sentence usually answers both
    assert split_message("몇 명 뽑고 언제까지 신청해요?").parts == ("몇 명 뽑고 언제까지 신청해요?",)


@pytest.mark.parametrize("text", ["GPU 확보 목표", "디지털새싹 만족도?", "AI 인재 TF 담당 사무관 연락처는?",
                                  "What is the budget for the AI talent TF?"])
def test_a_staff_query_is_one_part(text: str) -> None:
    assert split_message(text).parts == (text,)


@pytest.mark.parametrize(("sentence", "asking"), [
    ("신청은 어디서 하나요", True), ("예산이 얼마인지 알려주세요", True), ("언제부터 시행돼요", True),
    ("저는 초등학교 교사입니다.", False), ("감사합니다.", False), ("안녕하세요?", False),
    ("작년에 뉴스에서 봤습니다.", False),
])
def test_asks(sentence: str, asking: bool) -> None:
    assert asks(sentence) is asking
