"""A generated answer in real headless Chromium (issue 18): the LLM's text streams in, each sentence judged as
soon as it is complete; then only the sentences the check lets through are shown, marked, with the passage
words that back them on hover. The LLM is a scripted OpenAI-protocol server on loopback (off this machine)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evals.llm_server import Script, passages, scripted
from tests.servers import open_page, serving

pytestmark = pytest.mark.browser


def _gpu_answer(request: dict[str, Any]) -> str:
    """A backed sentence citing the passage that holds it, an amount no passage has, and a sentence citing nothing."""
    n = next(k for k, text in passages(request).items() if "20만장" in text)
    return (f"2030년까지 GPU를 20만장 이상 확보합니다 [{n}]. 이를 위해 예산 9,999억 원을 투입합니다 [{n}]. "
            "이 계획은 관계 부처가 함께 추진하며, 세부 내용과 일정은 부처 간 협의를 거쳐 추후 별도로 발표될 예정이라고 "
            "안내되어 있습니다.")


@pytest.fixture(scope="module")
def generating_url(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    script = Script(respond=_gpu_answer, pace=0.12)
    with scripted(script) as llm:
        env = {"POLICY_LLM_MODE": "generate", "POLICY_LLM_URL": llm, "POLICY_LLM_MODEL": "scripted"}
        with serving(corpus_index, tmp_path_factory.mktemp("serve-llm") / "serve.log", env=env) as url:
            yield url


def test_a_streamed_answer_checks_each_sentence_as_it_comes_and_shows_only_the_checked_one(
        generating_url: str, driver: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    wait = open_page(driver, generating_url)
    box = driver.find_element(By.CSS_SELECTOR, "#question textarea")
    box.send_keys("GPU는 언제까지 몇 장 확보하나요?")
    box.send_keys(Keys.ENTER)
    streamed, live = "", ""
    deadline = time.time() + 60
    while time.time() < deadline and not driver.find_elements(By.CSS_SELECTOR, "#chat .answer .checked"):
        now = str(driver.execute_script("return document.querySelector('#chat .answer.streaming')?.innerText || ''"))
        streamed = streamed or now
        if not live:  # the streaming answer's text read in the same call as its dropped-sentence notice
            live = str(driver.execute_script(
                "const a = document.querySelector('#chat .answer.streaming');"
                "return a && a.querySelector('.dropped-live') ? a.innerText : ''"))
        time.sleep(0.05)
    assert streamed.startswith("2030년까지"), "the text was not shown while it was written"
    assert "20만장 이상 확보합니다" in live and "✓" in live and "근거가 확인되지 않은 문장을 뺍니다" in live, (
        "each sentence's check was not shown as it completed")
    assert "9,999억" not in live
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chat .answer .checked"))
    answer = driver.find_element(By.CSS_SELECTOR, "#chat .answer")
    assert "20만장 이상" in answer.text and "9,999억" not in answer.text
    checked = answer.find_element(By.CSS_SELECTOR, ".checked")
    assert "GPU" in checked.text and "gpu" in str(checked.get_attribute("title"))
    assert "2개는 뺐습니다" in driver.find_element(By.CSS_SELECTOR, "#chat .checks").text
    assert not driver.find_elements(By.CSS_SELECTOR, "#chat .answer.streaming")
