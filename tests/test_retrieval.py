"""Hybrid retrieval finds the right document: plain, colloquial, no-space, typo'd and English questions.

Questions written from the documents; each expects its source among the top three hits.
"""

from __future__ import annotations

from typing import Any

import pytest

CASES = [
    ("초·중등 인공지능 교육을 이끄는 AI 중점학교는 어떻게 운영되나요?", "moe_2026-03-09_105557"),
    ("발달장애 학생을 위한 맞춤형 인공지능 학습 지원", "moe_2026-03-11_105568"),
    ("교육 공공데이터 AI 활용대회 접수는 언제부터야?", "moe_2026-03-11_105569"),
    ("디지털튜터 양성센터 몇 곳 새로 뽑았어?", "moe_2026-05-28_106305"),
    ("AI 학업장려 학자금대출이 뭔가요", "moe_2026-05-28_106308"),
    ("새로 지정된 마이스터고는 몇 개교인가요?", "moe_2026-06-16_106475"),
    ("모두의 한국어 시스템 개방 일정", "moe_2026-04-08_105835"),
    ("교육 데이터 안심구역 지정", "moe_2026-07-23_106761"),
    ("키오스크 쓰는 법 같은 성인 문해교육도 지원해줘?", "moe_2026-04-09_105836"),
    ("한미 반도체 전공 학생 교류 행사", "moe_2026-05-27_106282"),
    ("LG AI대학원 입학정원", "moe_2026-03-04_105494"),
    ("디지털 정부혁신 우선 추진과제는 무엇인가", "gov_2019-10-29_digital_gov_innovation_plan"),
    ("GPU몇장확보하기로했어", "msit_2025-09-30_ai_core_project_tf"),  # no spaces
    ("AI인재TF담당사무관전화번호", "msit_2025-09-30_ai_core_project_tf"),  # no spaces
    ("초중고 사교육비 총엑은 얼마", "moe_2026-03-12_105597"),  # typo: 총엑
    ("과기정통부 국민효능감 AI 서비스 TP 미션", "msit_2025-09-30_ai_core_project_tf"),  # typo: TP
    ("AI teacher exchange and Korean language education cooperation with Australia", "moe_2026-04-28_106002"),
    ("How much did households spend on private education for school students in 2025?", "moe_2026-03-12_105597"),
]


@pytest.mark.parametrize(("question", "stem"), CASES, ids=[c[1][-12:] + ":" + c[0][:12] for c in CASES])
def test_right_document_in_top_three(engine: Any, question: str, stem: str) -> None:
    query = engine.analyzer.analyse(question)
    hits = engine.retriever.search(query.search_text, k=3).hits
    sources = [h.item.chunk.source for h in hits]
    assert f"corpus/{stem}" in {s.rsplit(".", 1)[0] for s in sources}, sources


def test_both_retrievers_contribute(engine: Any) -> None:
    hits = engine.retriever.search("AI 유니콘 기업 10개 확보", k=5).hits
    assert any(h.dense_rank is not None for h in hits)
    assert any(h.bm25_rank is not None for h in hits)


def test_quoted_names_are_known_in_every_spelling() -> None:
    from assistant.corpus import quoted_names

    names = quoted_names(["교육부는 ‘인공지능(AI) 중점학교’를 운영한다.", "「모두의 한국어」 개방", "‘OK’"])
    assert names["ai중점학교"] == names["인공지능(ai)중점학교"] == names["인공지능중점학교"]
    assert "모두의한국어" in names
    assert "ok" not in names  # no Hangul word: not a name


def test_ordinals_by_kind() -> None:
    from assistant.question import ordinals

    assert ordinals("전담팀 첫 회의를 개최") == {("번째", 1)}
    assert ordinals("두 번째 회의는 언제") == {("번째", 2)}
    assert ordinals("제8회 교육 공공데이터 대회, 제7차 공동위원회") == {("회", 8), ("차", 7)}
    assert ordinals("1차 서면 심사") == frozenset()


@pytest.mark.parametrize(("question", "spurious"), [
    ("GPU는 언제까지 몇 장 확보하나요?", "하나"),  # 확보+하+나요, not 확보 + 하나 (one) + 요
    ("지정된 마이스터고는 몇 개인가요?", "개인"),  # 개+이+ㄴ가요, not 개인 (a person)
    ("AI 인재 TF는 무엇을 추진할 계획인가요?", "인가"),  # 계획+이+ㄴ가요, not 인가 (a licence)
])
def test_a_predicate_is_not_split_into_words_it_does_not_hold(engine: Any, question: str, spurious: str) -> None:
    """Words the index knows that a question's verb ending happens to spell are not its words (they pulled
    "객체 하나당" rows above the GPU sentence); a noun compound the index never saw is still split."""
    assert spurious not in engine.analyzer.analyse(question).toks
    assert {"청년", "도약"} <= set(engine.analyzer.analyse("청년도약부트캠프는 언제 하나요?").toks)


def test_words_of_asking_and_courtesy_are_not_what_a_question_is_about(engine: Any) -> None:
    """core/lexicon/asking.tsv holds Kiwi's token forms (궁금하, 알, 드리), so they are dropped as written."""
    toks = engine.analyzer.analyse("반도체 부트캠프 모집 인원이 궁금합니다. 알고 싶습니다. 부탁드립니다.").toks
    assert {"반도체", "모집", "인원"} <= set(toks) and not {"궁금하", "알", "드리", "부탁"} & set(toks)

