"""The Gradio app in real headless Chromium (Debian's chromium + chromedriver, driven by Selenium)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def app_url(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m assistant serve` on a free loopback port, over the session's index."""
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "serve", "--index", str(corpus_index), "--host", "127.0.0.1",
             "--port", str(port)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 120
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"the app did not start:\n{log.read_text()}") from None
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_chat_answers_with_a_citation_card(app_url: str, tmp_path: Path) -> None:
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.fail("chromium/chromedriver missing: `make test` installs them (make browser-deps)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,1500", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.get(app_url)
        wait = WebDriverWait(driver, 60)
        box = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#question textarea")))
        box.send_keys("GPU는 언제까지 몇 장 확보하나요?")
        driver.find_element(By.CSS_SELECTOR, "#ask").click()
        card = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#sources .card")))
        chat = driver.find_element(By.CSS_SELECTOR, "#chat").text
        assert "20만장" in chat and "[1]" in chat
        assert "msit_2025-09-30_ai_core_project_tf.txt" in card.text
        assert "20만장 이상" in card.find_element(By.TAG_NAME, "mark").text
        shot = tmp_path / "chat.png"
        driver.save_screenshot(str(shot))
        assert shot.stat().st_size > 10_000
        if os.environ.get("UPDATE_SCREENSHOT"):
            shutil.copy(shot, ROOT / "docs" / "screenshot.png")

        # The 담당자 찾기 view: reverse look-up by phone number.
        tab = next(b for b in driver.find_elements(By.CSS_SELECTOR, "button[role='tab']") if "담당자 찾기" in b.text)
        tab.click()
        query = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#contact-query textarea")))
        query.send_keys("044-202-6321")
        driver.find_element(By.CSS_SELECTOR, "#contact-find").click()
        row = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#contacts table.contacts td")))
        table = driver.find_element(By.CSS_SELECTOR, "#contacts").text
        assert row.text and "이하근" in table and "소프트웨어정책과" in table and "2025-09-30" in table
    finally:
        driver.quit()
