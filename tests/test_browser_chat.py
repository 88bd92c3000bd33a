"""The chat as a user meets it (issue 17), in real headless Chromium at a desktop and a phone width:
conversations, the viewer on a citation, plain-text copies, warnings in view, feedback on its answer,
Korean labels, examples that send, the filter chip."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from assistant.uitext import KOREAN_LABELS
from tests.servers import ask_page, open_filters, open_page, pick_publisher, screenshot

pytestmark = pytest.mark.browser
SIZES = {"desktop": (1400, 1000), "phone": (420, 900)}


@pytest.fixture(params=sorted(SIZES))
def sized(request: pytest.FixtureRequest, driver: Any) -> Any:
    driver.set_window_size(*SIZES[request.param])
    driver.size_name = request.param
    return driver


def _in_view(driver: Any, element: Any) -> bool:
    """The element's box lies inside the window, and inside every scrolled box around it."""
    return bool(driver.execute_script("""
        const el = arguments[0], r = el.getBoundingClientRect();
        if (r.height === 0 || r.top < 0 || r.bottom > window.innerHeight) return false;
        for (let p = el.parentElement; p; p = p.parentElement) {
          const s = getComputedStyle(p);
          if (/(auto|scroll)/.test(s.overflowY)) {
            const b = p.getBoundingClientRect();
            if (r.top < b.top - 1 || r.bottom > b.bottom + 1) return false;
          }
        }
        return true;""", element))


def _text(driver: Any, selector: str) -> str:
    """The text of the first element matching selector, read in the page (the chat re-renders under a wait)."""
    return str(driver.execute_script("return document.querySelector(arguments[0])?.innerText || ''", selector))


def _click(driver: Any, element: Any) -> None:
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element)


def test_a_new_conversation_does_not_carry_the_old_topic(app_url: str, driver: Any) -> None:
    from selenium.webdriver.common.by import By

    wait = open_page(driver, app_url)
    ask_page(driver, wait, "AI 중점학교는 몇 개교로 늘어나?", 1)
    _click(driver, driver.find_element(By.CSS_SELECTOR, "#new-chat"))
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#chat .answer"))
    ask_page(driver, wait, "그럼 담당자는?", 1)
    assert not driver.find_elements(By.CSS_SELECTOR, "#chat .resolved")  # nothing before it to lean on
    # The chat's own 🗑 starts a new conversation too.
    clear = driver.find_element(By.CSS_SELECTOR, f"#chat button[aria-label='{KOREAN_LABELS['Clear']}']")
    _click(driver, clear)
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#chat .answer"))
    ask_page(driver, wait, "AI 중점학교는 몇 개교로 늘어나?", 1)
    ask_page(driver, wait, "GPU는 언제까지 몇 장 확보하나요?", 2)  # a topic of its own: never rewritten
    assert not driver.find_elements(By.CSS_SELECTOR, "#chat .resolved")


def test_a_rewritten_follow_up_can_be_asked_again_as_typed(app_url: str, driver: Any) -> None:
    from selenium.webdriver.common.by import By

    wait = open_page(driver, app_url)
    ask_page(driver, wait, "AI 중점학교는 몇 개교로 늘어나?", 1)
    ask_page(driver, wait, "그럼 담당자는?", 2)
    resolved = driver.find_elements(By.CSS_SELECTOR, "#chat .resolved")
    assert len(resolved) == 1 and "AI 중점학교 담당자는?" in resolved[0].text
    _click(driver, resolved[0].find_element(By.CSS_SELECTOR, "a.reask"))
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#chat .answer")) >= 3)
    assert len(driver.find_elements(By.CSS_SELECTOR, "#chat .resolved")) == 1  # the third is read as typed
    users = driver.find_elements(By.CSS_SELECTOR, "#chat .message.user, #chat [data-testid='user']")
    assert any("그럼 담당자는?" in u.text for u in users[-1:])


def test_a_citation_scrolls_the_viewer_to_its_whole_quote(app_url: str, sized: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    driver = sized
    wait = open_page(driver, app_url)
    ask_page(driver, wait, "AI 중점학교는 몇 개교로 늘어나?", 1)
    link = driver.find_element(By.CSS_SELECTOR, "#chat a.cite")
    driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))", link)
    assert "2,000개교" in link.get_attribute("title")  # the quote, previewed on hover
    _click(driver, link)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#viewer .viewer mark"))
    time.sleep(0.5)
    mark = driver.find_element(By.CSS_SELECTOR, "#viewer .viewer mark")
    assert _in_view(driver, mark), driver.size_name
    quote = driver.find_element(By.CSS_SELECTOR, "#chat .card mark").text
    assert " ".join(quote.split()) in " ".join(driver.find_element(By.CSS_SELECTOR, "#viewer").text.split())
    assert "**" not in driver.find_element(By.CSS_SELECTOR, "#viewer").text
    screenshot(driver, tmp_path, f"viewer-{driver.size_name}.png")


def test_a_new_answer_opens_at_its_text(app_url: str, sized: Any) -> None:
    from selenium.webdriver.common.by import By

    driver = sized
    wait = open_page(driver, app_url)
    ask_page(driver, wait, "AI 중점학교는 몇 개교로 늘어나?", 1)
    ask_page(driver, wait, "AI 중점학교 관련 문의는 어디로 하나요?", 2)  # a second answer with its cards below
    time.sleep(0.5)
    last = driver.find_elements(By.CSS_SELECTOR, "#chat .answer")[-1]
    top = driver.execute_script("""
        const a = arguments[0]; let box = a.parentElement;
        while (box && !/(auto|scroll)/.test(getComputedStyle(box).overflowY)) box = box.parentElement;
        return a.getBoundingClientRect().top - box.getBoundingClientRect().top;""", last)
    assert 0 <= top <= 200, (driver.size_name, top)  # its first line near the top of the chat, not scrolled past


def test_a_copied_answer_is_plain_text_with_numbered_sources(app_url: str, driver: Any) -> None:
    from selenium.webdriver.common.by import By

    wait = open_page(driver, app_url)
    origin = app_url.rstrip("/")
    driver.execute_cdp_cmd("Browser.grantPermissions", {"origin": origin,
                                                        "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    ask_page(driver, wait, "AI 중점학교는 몇 개교로 늘어나?", 1)
    copy = driver.find_elements(By.CSS_SELECTOR, f"#chat button[aria-label='{KOREAN_LABELS['Copy message']}']")[-1]
    _click(driver, copy)
    time.sleep(0.5)
    text = driver.execute_async_script("navigator.clipboard.readText().then(arguments[0], (e) => arguments[0]('ERR ' + e))")
    assert "<" not in text and "class=" not in text, text[:300]
    assert "1,141개교" in text and "[1]" in text
    assert "\n출처\n[1] " in text and "moe_2026-03-09_105557.hwpx" in text, text


def test_warnings_show_next_to_their_box_with_particles_filled(app_url: str, sized: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = sized
    wait = open_page(driver, app_url)
    box = driver.find_element(By.CSS_SELECTOR, "#question textarea")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.send_keys(" ", Keys.ENTER)
    wait.until(lambda d: "질문을 입력해 주세요" in d.find_element(By.CSS_SELECTOR, "#status").text)
    assert _in_view(driver, driver.find_element(By.CSS_SELECTOR, "#status .notice")), driver.size_name
    open_filters(driver)
    since = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#since textarea, #since input"))
    since.send_keys("2025/13/45", Keys.TAB)
    wait.until(lambda d: "2025/13/45" in d.find_element(By.CSS_SELECTOR, "#filter-status").text)
    note = driver.find_element(By.CSS_SELECTOR, "#filter-status .notice")
    assert "시작일" in note.text and "올바른 날짜가 아닙니다" in note.text and "(는)" not in note.text
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", since)
    assert _in_view(driver, note)


def test_a_reason_for_a_dislike_is_stored_with_that_answer(app_url: str, driver: Any, corpus_index: Path) -> None:
    from selenium.webdriver.common.by import By

    wait = open_page(driver, app_url)
    ask_page(driver, wait, "LG AI대학원 박사과정 입학정원은?", 1)
    ask_page(driver, wait, "AI 중점학교는 몇 개교로 늘어나?", 2)
    assert not any(e.is_displayed() for e in driver.find_elements(By.CSS_SELECTOR, "#feedback"))  # opens on a rating
    dislikes = driver.find_elements(By.CSS_SELECTOR, f"#chat button[aria-label='{KOREAN_LABELS['Dislike']}']")
    _click(driver, dislikes[0])
    wait.until(lambda d: _text(d, "#chat .feedback-note"))
    comment = wait.until(lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, "#feedback")
                                         if e.is_displayed()), None))
    chat, question = (driver.find_element(By.CSS_SELECTOR, c) for c in ("#chat", "#question"))
    # in place: the comment box opens right under the chat (above the question box), and in view
    assert chat.location["y"] + chat.size["height"] <= comment.location["y"] < question.location["y"]
    wait.until(lambda d: _in_view(d, comment))
    answers = driver.find_elements(By.CSS_SELECTOR, "#chat .answer")
    notes = driver.find_elements(By.CSS_SELECTOR, "#chat .feedback-note")
    assert len(notes) == 1 and notes[0].location["y"] < answers[1].location["y"]  # under the first answer
    assert "입학정원" in driver.find_element(By.CSS_SELECTOR, "#feedback-comment").text  # says which answer
    from selenium.webdriver import ActionChains

    flag = driver.find_elements(By.CSS_SELECTOR, f"#chat button[aria-label='{KOREAN_LABELS['Feedback']}']")[0]
    ActionChains(driver).move_to_element(flag).perform()  # the reasons open on hover, as for a user
    reason = wait.until(lambda d: next((b for b in flag.find_elements(By.XPATH, "./following-sibling::div//button")
                                        if b.is_displayed() and b.text.strip() == "잘못된 출처"), None))
    ActionChains(driver).move_to_element(reason).click().perform()
    wait.until(lambda d: "사유(잘못된 출처)" in _text(d, "#chat .feedback-note"))
    with sqlite3.connect(corpus_index / "index.sqlite") as db:
        row = db.execute("SELECT rating, question, comment FROM feedback ORDER BY id DESC LIMIT 1").fetchone()
    assert row == (-1, "LG AI대학원 박사과정 입학정원은?", "[잘못된 출처]")


def test_controls_are_labelled_in_korean(app_url: str, driver: Any) -> None:
    wait = open_page(driver, app_url)
    ask_page(driver, wait, "AI 중점학교는 몇 개교로 늘어나?", 1)
    time.sleep(0.5)
    english = driver.execute_script("""
        const words = new Set(arguments[0]);
        const out = [];
        document.querySelectorAll('[title], [aria-label]').forEach((n) => {
          for (const a of ['title', 'aria-label']) if (words.has(n.getAttribute(a))) out.push(n.getAttribute(a));
        });
        document.querySelectorAll('button, a, label, span').forEach((n) => {
          if (n.children.length === 0 && words.has(n.textContent.trim())) out.push(n.textContent.trim());
        });
        return out;""", list(KOREAN_LABELS))
    assert english == []


def test_an_example_sends_and_a_filter_shows_a_chip(app_url: str, sized: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    driver = sized
    wait = open_page(driver, app_url)
    example = next(b for b in driver.find_elements(By.CSS_SELECTOR, "button") if "GPU는 언제까지" in b.text)
    _click(driver, example)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chat .answer"))
    box = driver.find_element(By.CSS_SELECTOR, "#question textarea")
    width = driver.execute_script("return arguments[0].getBoundingClientRect().width", box)
    assert width >= min(SIZES[driver.size_name][0] * 0.6, 700), width  # the box takes the width on a phone
    open_filters(driver)
    options = pick_publisher(driver, wait, "교육부")
    assert "과학기술정보통신부" in options and not any("(" in o or "·" in o for o in options), options  # short names
    wait.until(lambda d: "필터 적용 중" in d.find_element(By.CSS_SELECTOR, "#filter-chip").text)
    assert "교육부" in driver.find_element(By.CSS_SELECTOR, "#filter-chip").text
    screenshot(driver, tmp_path, f"chat-{driver.size_name}.png")
