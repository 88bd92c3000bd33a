"""Relative dates resolved against the document's date."""

from __future__ import annotations

import pytest

from core.dates import annotate, resolve


@pytest.mark.parametrize(
    ("text", "doc_date", "resolved"),
    [
        ("'30년까지 20만장 이상 확보", "2025-09-30", "2030"),
        ("’27년까지 고도화", "2025-09-30", "2027"),
        ("올해 국민체감 10대 AI 서비스를 발굴", "2025-09-30", "2025"),
        ("내년부터 과제 착수", "2025-09-30", "2026"),
        ("연내 추진한다", "2025-09-30", "2025-12-31"),
        ("AI 인재 양성·확보 방안을 11월까지 마련한다", "2025-09-30", "2025-11"),
        ("작년 9월 발표한", "2026-03-12", "2025"),
        ("지난해 1월 제도가 시행된", "2026-03-04", "2025"),
        ("3월까지 접수", "2025-12-20", "2026-03"),  # a December document's "3월까지" is next March
        ("금년 중 시행", "2019-10-29", "2019"),
        ("* (’27.3.) 서울반도체고등학교 개교 예정", "2026-06-17", "2027-03"),
        ("◦ (일시/장소) ’26.4.29.(수), 10:00", "2026-04-28", "2026-04-29"),
        ("신청 기간(’26.7월~11월)", "2026-05-28", "2026-07"),
        ("왕중왕전(’26.12)까지", "2026-03-27", "2026-12"),
    ],
)
def test_resolve(text: str, doc_date: str, resolved: str) -> None:
    assert [m.resolved for m in resolve(text, doc_date)] == [resolved]


def test_annotate_shows_the_absolute_year_beside_the_original_words() -> None:
    text = "이를 위해 올해 국민체감 10대 AI 서비스를 발굴하고, 내년부터 과제 착수에 나선다."
    assert annotate(text, "2025-09-30") == (
        "이를 위해 올해(2025년) 국민체감 10대 AI 서비스를 발굴하고, 내년(2026년)부터 과제 착수에 나선다."
    )
    assert annotate("GPU를 '30년까지 확보", "2025-09-30") == "GPU를 '30년(2030년)까지 확보"
    assert annotate("(’27.3.) 개교 예정", "2026-06-17") == "(’27.3.(2027년 3월)) 개교 예정"


def test_no_resolution_without_a_document_date_or_for_absolute_years() -> None:
    assert resolve("올해 추진", "") == []
    assert annotate("올해 2026년 추진", "2026-01-01") == "올해 2026년 추진"
    assert resolve("전년 대비 5.7% 감소", "2026-03-12") == []  # 전년 compares with the surveyed year
