"""The Gradio app in real headless Chromium (Debian's chromium + chromedriver, driven by Selenium).

One server over the session's corpus index; each test drives what a person does in the page.
UPDATE_SCREENSHOT=1 copies the screenshots into docs/.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.servers import ask_page as _ask
from tests.servers import open_filters, pick_publisher
from tests.servers import open_page as _open
from tests.servers import screenshot as _shot

pytestmark = pytest.mark.browser
LETTER = ("안녕하세요. 중학생 자녀를 둔 학부모입니다.\n"
          "정부는 GPU를 언제까지 몇 장 확보하나요?\n"
          "그리고 LG AI대학원 박사과정 입학정원은 몇 명인가요?\n"
          "AI 인재 TF에 배정된 예산은 얼마인가요?\n"
          "답변 부탁드립니다.")


def test_chat_answers_with_cards_and_a_progress_indicator(app_url: str, driver: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    wait = _open(driver, app_url)
    # Shift+Enter breaks the line; Enter sends. A progress text shows while the answer is computed.
    driver.execute_script("""
        window.__sawProgress = false;
        new MutationObserver(() => { if (document.body.innerText.includes('문서를 찾는 중')) window.__sawProgress = true; })
          .observe(document.body, {subtree: true, childList: true, characterData: true});""")
    from selenium.webdriver.common.keys import Keys

    box = driver.find_element(By.CSS_SELECTOR, "#question textarea")
    box.send_keys("GPU는 언제까지")
    box.send_keys(Keys.SHIFT, Keys.ENTER)
    assert "\n" in box.get_attribute("value")  # still in the box, not sent
    answer = _ask(driver, wait, "몇 장 확보하나요?", 1)
    assert "20만장" in answer and "[1]" in answer
    assert driver.execute_script("return window.__sawProgress") is True
    card = driver.find_element(By.CSS_SELECTOR, "#chat .card")
    assert "msit_2025-09-30_ai_core_project_tf.txt" in card.text
    assert "20만장 이상" in card.find_element(By.TAG_NAME, "mark").text

    # The 담당자 찾기 view: reverse look-up by phone number.
    tab = next(b for b in driver.find_elements(By.CSS_SELECTOR, "button[role='tab']") if "담당자 찾기" in b.text)
    tab.click()
    query = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#contact-query textarea"))
    query.send_keys("044-202-6321")
    driver.find_element(By.CSS_SELECTOR, "#contact-find").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#contacts table.contacts td"))
    table = driver.find_element(By.CSS_SELECTOR, "#contacts").text
    assert "이하근" in table and "소프트웨어정책과" in table and "2025-09-30" in table


def test_follow_up_is_resolved_and_each_answer_keeps_its_cards(app_url: str, driver: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    wait = _open(driver, app_url)
    first = _ask(driver, wait, "AI 중점학교는 몇 개교로 늘어나?", 1)
    assert "1,141개교" in first
    _ask(driver, wait, "그럼 담당자는?", 2)
    chat = driver.find_element(By.CSS_SELECTOR, "#chat").text
    assert "이렇게 이해했습니다: AI 중점학교 담당자는?" in chat and "원래 질문으로 다시 묻기" in chat
    second = driver.find_elements(By.CSS_SELECTOR, "#chat .answer")[1].text
    assert "인공지능교육진흥과" in second and "044-203-" in second
    sources = driver.find_elements(By.CSS_SELECTOR, "#chat details.sources")
    assert len(sources) == 2  # the first answer kept its own cards
    assert "moe_2026-03-09_105557.hwpx" in sources[0].text
    _shot(driver, tmp_path, "screenshot.png")


def test_a_card_opens_its_page_and_the_original_file(app_url: str, driver: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    wait = _open(driver, app_url)
    _ask(driver, wait, "AI 중점학교는 몇 개교로 늘어나?", 1)
    driver.find_element(By.CSS_SELECTOR, "#chat a.cite").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#viewer .viewer mark"))
    viewer = driver.find_element(By.CSS_SELECTOR, "#viewer")
    assert "moe_2026-03-09_105557.hwpx" in viewer.text and "2쪽" in viewer.text
    assert "2028년에는 2,000개교" in viewer.find_element(By.TAG_NAME, "mark").text
    assert len(viewer.find_elements(By.CSS_SELECTOR, ".page p")) > 5  # the whole page, not just the passage
    _shot(driver, tmp_path, "viewer.png")
    button = driver.find_element(By.CSS_SELECTOR, "#viewer-file")
    assert "moe_2026-03-09_105557.hwpx" in button.text
    button.click()
    got = _downloaded(tmp_path / "downloads", ".hwpx")
    assert got.read_bytes() == (ROOT / "corpus" / "moe_2026-03-09_105557.hwpx").read_bytes()


def test_feedback_with_a_comment_lands_in_sqlite(app_url: str, driver: Any, corpus_index: Path) -> None:
    from selenium.webdriver.common.by import By

    wait = _open(driver, app_url)
    _ask(driver, wait, "LG AI대학원 박사과정 입학정원은?", 1)
    driver.find_element(By.CSS_SELECTOR, "#chat button[aria-label='싫어요']").click()
    wait.until(lambda d: "평가를 저장했습니다" in d.find_element(By.CSS_SELECTOR, "#chat .feedback-note").text)
    comment = f"시험 의견 {time.time_ns()}"
    box = wait.until(lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, "#feedback-comment textarea")
                                     if e.is_displayed()), None))  # the comment box opens on the rating
    box.send_keys(comment)
    driver.find_element(By.CSS_SELECTOR, "#feedback-send").click()
    wait.until(lambda d: "의견을 저장했습니다" in d.find_element(By.CSS_SELECTOR, "#feedback-note").text)
    with sqlite3.connect(corpus_index / "index.sqlite") as db:
        row = db.execute("SELECT kind, rating, question, answer, citations, index_version FROM feedback WHERE comment=?",
                         (comment,)).fetchone()
    assert row is not None
    kind, rating, question, answer, citations, version = row
    assert (kind, rating, question) == ("chat", -1, "LG AI대학원 박사과정 입학정원은?")
    assert "5명" in answer and "moe_2026-03-04_105494.hwp" in citations and version.startswith("schema")


def test_filters_restrict_the_sources(app_url: str, driver: Any) -> None:
    from selenium.webdriver.common.by import By

    wait = _open(driver, app_url)
    open_filters(driver)
    pick_publisher(driver, wait, "교육부")
    driver.find_element(By.CSS_SELECTOR, "#since input, #since textarea").send_keys("2026-03-01")
    _ask(driver, wait, "인공지능 인재 양성 담당 부서는 어디인가요?", 1)
    cards = driver.find_elements(By.CSS_SELECTOR, "#chat .card")
    assert cards
    for card in cards:
        meta = card.find_element(By.CSS_SELECTOR, ".meta").text
        assert "moe_" in meta, meta  # only 교육부 documents (moe_…) …
        date = next(part.strip() for part in meta.split("·") if part.strip()[:3] == "202")
        assert date >= "2026-03-01", meta  # … dated on or after the filter's start


def test_bad_questions_get_one_line_in_the_page(app_url: str, driver: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    wait = _open(driver, app_url)
    box = driver.find_element(By.CSS_SELECTOR, "#question textarea")
    for text, expected in (("   ", "입력해 주세요"), ("😀😀😀", "글자나 숫자가 없습니다"), ("가" * 100_000, "너무 깁니다")):
        driver.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));",
                              box, text)
        box.send_keys(Keys.END, Keys.ENTER)
        wait.until(lambda d, e=expected: e in d.find_element(By.CSS_SELECTOR, "#status").text)
        assert "(를)" not in driver.find_element(By.CSS_SELECTOR, "#status").text
        assert "Traceback" not in driver.find_element(By.TAG_NAME, "body").text
    assert not driver.find_elements(By.CSS_SELECTOR, "#chat .answer")


def test_a_letter_becomes_a_draft_that_downloads_as_docx(app_url: str, driver: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    wait = _open(driver, app_url)
    next(b for b in driver.find_elements(By.CSS_SELECTOR, "button[role='tab']") if "민원 답변 초안" in b.text).click()
    letter = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#letter textarea"))
    driver.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));",
                          letter, LETTER)
    driver.find_element(By.CSS_SELECTOR, "#make-draft").click()
    box = driver.find_element(By.CSS_SELECTOR, "#draft-text textarea")
    wait.until(lambda d: "참고 자료" in box.get_attribute("value"))
    draft = box.get_attribute("value")
    assert draft.startswith("안녕하십니까.")
    assert "20만장" in draft and "5명" in draft  # two answered parts, each quoting its document
    assert "현재 공개된 자료에서 확인되지 않습니다" in draft  # the budget part
    assert "문의처:" in draft and "044-" in draft
    # a reply's register: each answered paragraph opens by naming its document, headings are the bare asks,
    # each desk is listed once, and the closing points up at the desks above it
    lines = draft.split("\n")
    heads = [i for i, line in enumerate(lines) if line.startswith("□ ")]
    answered = [lines[i + 1] for i in heads if "확인되지 않습니다" not in lines[i + 1]]
    assert len(heads) == 3 and all(not lines[i].endswith("?") for i in heads)
    lead = re.compile(r"「[^」]+」\(\d{4}-\d\d-\d\d\)에 따르면, ")
    assert answered and all(lead.match(p) for p in answered), answered
    assert "문의하신 ‘AI 인재 TF에 배정된 예산은 얼마인가요’는 현재 공개된 자료에서 확인되지 않습니다." in lines
    desks = [line for line in lines if line.startswith("문의처:")]
    assert len(desks) == len({d.split(" (")[0] for d in desks}) == 2
    assert lines.index(desks[-1]) < next(i for i, line in enumerate(lines) if "위 문의처로" in line)
    cards = driver.find_element(By.CSS_SELECTOR, "#draft-sources").text
    assert "msit_2025-09-30_ai_core_project_tf.txt" in cards and "moe_2026-03-04_105494.hwp" in cards
    _shot(driver, tmp_path, "draft.png")
    # An edit in the page goes into the downloaded file.
    box.send_keys(" 담당자 메모")
    time.sleep(1.5)
    driver.find_element(By.CSS_SELECTOR, "#dl-docx").click()
    from docx import Document

    doc = Document(str(_downloaded(tmp_path / "downloads", ".docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "20만장" in text and "참고 자료" in text and "담당자 메모" in text


def _downloaded(folder: Path, suffix: str, timeout: float = 30) -> Path:
    deadline = time.time() + timeout
    while time.time() < deadline:
        done = [p for p in folder.iterdir() if p.suffix == suffix]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} file downloaded into {folder}: {list(folder.iterdir())}")
