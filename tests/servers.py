"""Helpers for tests that run the real app: `python -m assistant serve` on a free loopback port, and Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(index_dir: Path, log: Path, cwd: Path = ROOT, env: dict[str, str] | None = None,
            host: str = "127.0.0.1") -> Iterator[str]:
    """The app over index_dir until the block ends; yields its URL. cwd is where sources resolve."""
    port = free_port()
    full_env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONPATH": str(ROOT), **(env or {})}
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "serve", "--index", str(index_dir), "--host", host, "--port", str(port)],
            cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=full_env,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 180
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except urllib.error.HTTPError:
                break  # it answers (a login page or an error): it is up
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"the app did not start:\n{log.read_text()}") from None
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def chrome(profile: Path) -> Any:
    """Headless Debian Chromium that can reach only this machine (every other host fails to resolve)."""
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.fail("chromium/chromedriver missing: `make test` installs them (make browser-deps)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,1500", f"--user-data-dir={profile}",
                 "--lang=ko-KR", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def requested_hosts(driver: Any) -> set[str]:
    """Every host the page asked for anything (from Chromium's network log), loopback included."""
    import json
    from urllib.parse import urlparse

    hosts = set()
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            url = msg["params"]["request"]["url"]
            if url.startswith(("http:", "https:", "ws:", "wss:")):
                hosts.add(urlparse(url).hostname or "")
    return hosts


def open_page(driver: Any, url: str) -> Any:
    """Load the app and wait for its question box; returns a 60 s WebDriverWait."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    wait = WebDriverWait(driver, 60)
    wait.until(lambda d: d.find_elements("css selector", "#question textarea"))
    return wait


def ask_page(driver: Any, wait: Any, question: str, turn: int) -> str:
    """Type a question, press Enter, and return the text of the turn-th answer (1-based) once it is there."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = driver.find_element(By.CSS_SELECTOR, "#question textarea")
    box.send_keys(question)
    box.send_keys(Keys.ENTER)
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#chat .answer")) >= turn)
    return str(driver.find_elements(By.CSS_SELECTOR, "#chat .answer")[turn - 1].text)


def screenshot(driver: Any, tmp_path: Path, name: str) -> None:
    """Save a screenshot; UPDATE_SCREENSHOT=1 also copies it into docs/."""
    shot = tmp_path / name
    driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("UPDATE_SCREENSHOT"):
        shutil.copy(shot, ROOT / "docs" / name)


def open_filters(driver: Any) -> None:
    """Open the 검색 범위 panel (its header button)."""
    button = driver.find_element("css selector", "#filters button.label-wrap")
    if "open" not in (button.get_attribute("class") or ""):
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", button)


def pick_publisher(driver: Any, wait: Any, name: str) -> list[str]:
    """Choose name in the 부처 dropdown (by clicking its option, as a user does); returns every option shown."""
    box = wait.until(lambda d: d.find_element("css selector", "#publisher input"))
    box.click()
    options = wait.until(lambda d: d.find_elements("css selector", "ul.option-list li"))
    shown = [o.text.replace("✓", "").strip() for o in options]
    options[shown.index(name)].click()
    wait.until(lambda d: d.find_element("css selector", "#publisher input").get_attribute("value") == name)
    return shown
