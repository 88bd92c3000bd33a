"""Each answer strategy on small hand-made passages (tests/data/synthetic: invented test documents),
indexed for real (Chroma, SQLite, the bundled embedder) into a temp dir."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

from assistant.engine import Engine
from assistant.message import split_message
from assistant.ranker import load as load_ranker
from assistant.settings import Settings
from core.text import fold
from ingest.indexer import Indexer
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "synthetic"
PHONE = re.compile(r"\d{2,4}-\d{3,4}-\d{4}")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Engine:
    """An engine over the two synthetic documents only."""
    index = tmp_path_factory.mktemp("small-index")
    indexer = Indexer(index, ROOT, embedder)
    report = indexer.ingest([DATA / "test_release.txt", DATA / "test_handbook.md"], progress=False)
    indexer.close()
    assert not report.skipped and len(report.added) == 2
    return Engine(Settings(index_dir=index), embedder)


def _grounded(answer: Any) -> None:
    """Every phone and every number with a unit in the answer is in a cited passage."""
    cited = fold(" ".join(c.text for c in answer.citations))
    for phone in PHONE.findall(answer.answer):
        assert fold(phone) in cited, phone
    for figure in re.findall(r"\d[\d,.]*\s?(?:만|천)?\s?(?:명|곳|원|개)", answer.answer):
        assert fold(figure) in cited, figure


def test_reverse_lookup_by_phone_and_unknown_person(small: Engine) -> None:
    a = small.ask("099-123-4568은 누구 번호인가요?")
    assert a.route == "lookup" and a.answerable and "라마바" in a.answer
    none = small.ask("홍길순 과장 연락처 알려줘")
    assert not none.answerable and not PHONE.search(none.answer)


def test_routing_picks_the_entry_desk_not_the_first_desk(small: Engine) -> None:
    a = small.ask("가상 자격시험 응시료 인하는 어느 부서 담당인가요?")
    assert a.route == "routing" and a.answerable
    assert "자격관리과" in a.answer and "099-300-2222" in a.answer
    assert "가상바우처과" not in a.answer  # the file's first desk belongs to another entry
    _grounded(a)


def test_routing_of_a_release_desk_lists_its_people(small: Engine) -> None:
    a = small.ask("가상 인재 양성 계획 담당 사무관 연락처는?")
    assert a.route == "routing" and "라마바" in a.answer and "099-123-4568" in a.answer


def test_routing_of_a_department_goes_to_its_newest_listing(small: Engine) -> None:
    # The handbook (2026-01-05) and the release (2026-05-04) both list 가상인재정책과; a question naming
    # only the department gets the newer listing, whichever document retrieval ranks first.
    a = small.ask("테스트부 가상인재정책과 연락처 알려줘")
    assert a.route == "routing" and a.answerable
    assert a.answer.index("099-123-4568") < a.answer.find("099-123-4560") or "099-123-4560" not in a.answer
    assert "2026-05-04" in a.answer.splitlines()[0]
    _grounded(a)


def test_section_answer_quotes_the_named_section(small: Engine) -> None:
    a = small.ask("가상 인재 양성 계획의 추진 배경은 무엇인가요?")
    assert a.route == "section" and "전문 인력이 부족" in a.answer


def test_selection_quotes_the_sentence_with_the_asked_number(small: Engine) -> None:
    a = small.ask("가상 코어인재는 언제까지 몇 명 양성하나요?")
    assert a.answerable and "7천명" in a.answer and "2030년" in a.answer  # '30년 shown with its year
    _grounded(a)


def test_selection_answers_a_pipe_table_row(small: Engine) -> None:
    a = small.ask("가상 바우처 지원 대상은 어떻게 바뀌나요?")
    assert a.answerable and "만 18세 이상" in a.answer
    assert "응시료" not in a.answer  # another entry of the handbook is not part of this answer
    _grounded(a)


def test_a_list_announced_by_its_sentence_comes_with_it(small: Engine) -> None:
    # What is tested is the list joining its sentence, not where the fitted threshold lies today.
    lenient = Engine(small.settings, small.embedder, replace(load_ranker(), answer_min=0.05))
    a = lenient.ask("가상 인재 양성 계획의 향후 추진 과제는 무엇인가요?")
    assert a.route == "selection"
    assert "교육과정 개편" in a.answer and "현장 실습 확대" in a.answer


def test_refusal_names_a_desk_and_no_number(small: Engine) -> None:
    # The refusal itself, whatever the fitted threshold lets through today.
    strict = Engine(small.settings, small.embedder, replace(load_ranker(), answer_min=1.01))
    a = strict.ask("가상 연구센터 연구원의 평균 연봉은 얼마인가요?")
    assert not a.answerable and a.route.endswith("refusal")
    assert "찾지 못했습니다" in a.answer
    assert not re.search(r"\d+\s?만?\s?원", a.answer)


def test_a_letter_is_answered_part_by_part(small: Engine) -> None:
    letter = ("안녕하세요. 대학원생 자녀를 둔 학부모입니다.\n가상 연구센터는 몇 곳을 지정하나요? "
              "센터 연구원 평균 연봉은 얼마인가요?")
    assert split_message(letter).parts == ("가상 연구센터는 몇 곳을 지정하나요?", "센터 연구원 평균 연봉은 얼마인가요?")
    a = small.ask(letter)
    assert a.answerable and len(a.parts) == 2
    assert a.parts[0].answerable and "12곳" in a.parts[0].answer
    assert not a.parts[1].answerable and "확인되지 않습니다" in a.parts[1].answer
    assert set(a.parts[0].citations) <= {c.n for c in a.citations}
    _grounded(a)


def test_a_part_without_a_topic_takes_the_earlier_parts(small: Engine) -> None:
    a = small.ask("가상 연구센터는 몇 곳을 지정하나요? 그리고 신청은 언제까지인가요?")
    assert len(a.parts) == 2 and a.parts[1].answerable and "6월 30일" in a.parts[1].answer


def test_verbose_trace_names_the_route_and_scores(small: Engine) -> None:
    a = small.ask("가상 연구센터는 센터당 얼마를 지원받나요?", trace=True)
    assert a.route == "selection" and a.trace
    assert {"p", "text", "features"} <= set(a.trace[0]) and 0.0 <= a.trace[0]["p"] <= 1.0


def test_a_part_of_a_several_part_message_uses_the_several_part_thresholds(small: Engine) -> None:
    # The shipped file's thresholds are fitted apart for both shapes; here each shape is given one that
    # answers everything or nothing, so the test shows which one a part reads.
    question = "가상 연구센터는 몇 곳을 지정하나요?"
    letter = f"안녕하세요. {question} 센터 연구원 평균 연봉은 얼마인가요?"
    shipped = load_ranker()
    strict_one = Engine(small.settings, small.embedder, replace(shipped, answer_min=1.01, several=(0.0, 1.0, 1)))
    assert not strict_one.ask(question).answerable
    a = strict_one.ask(letter)
    assert len(a.parts) == 2 and a.parts[0].answerable and "12곳" in a.parts[0].answer
    strict_many = Engine(small.settings, small.embedder, replace(shipped, answer_min=0.0, several=(1.01, 1.0, 1)))
    assert strict_many.ask(question).answerable
    assert not strict_many.ask(letter).parts[0].answerable


def test_the_ranker_file_keeps_both_shapes_thresholds() -> None:
    from assistant.ranker import Ranker

    shipped = load_ranker()
    fitted = replace(shipped, several=(0.2, 0.05, 2))
    again = Ranker.from_dict(fitted.to_dict({"note": "round trip"}))
    assert again.thresholds(True) == (0.2, 0.05, 2)
    assert again.thresholds(False) == (shipped.answer_min, shipped.extra_min, shipped.units)
