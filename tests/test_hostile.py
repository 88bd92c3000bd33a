"""A hostile document, indexed and cited, stays inert text everywhere it is shown, and cannot steer the LLM."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from assistant import cards
from assistant.draft import answer_letter, build_draft, unsourced
from assistant.engine import Engine
from assistant.settings import Settings
from evals.llm_server import Script
from tests import hostile
from tests.conftest import CORPUS
from tests.servers import chrome, requested_hosts, serving
from tests.test_llm import llm  # noqa: F401 (the scripted OpenAI-protocol server fixture)

REAL = "msit_2025-09-30_ai_core_project_tf.txt"
# What must never appear live in rendered HTML: tags and handlers from the document, links it makes.
_LIVE = re.compile(r"<\s*(?:script|img|iframe|style|link)\b|javascript:|\]\(|\u202e", re.I)


@pytest.fixture(scope="module")
def hostile_root(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Path:
    """A root with corpus/ = the hostile document and one real release, indexed into root/.index."""
    from ingest.indexer import Indexer

    root = tmp_path_factory.mktemp("hostile")
    hostile.write(root / "corpus")
    shutil.copy(CORPUS / REAL, root / "corpus" / REAL)
    real_row = next(r for r in (CORPUS / "manifest.tsv").read_text(encoding="utf-8").splitlines() if r.startswith(REAL))
    with open(root / "corpus" / "manifest.tsv", "a", encoding="utf-8") as fh:
        fh.write(real_row + "\n")
    indexer = Indexer(root / ".index", root, embedder)
    report = indexer.ingest([root / "corpus"], progress=False)
    indexer.close()
    assert not report.skipped and len(report.added) == 2
    return root


@pytest.fixture(scope="module")
def hostile_engine(hostile_root: Path, embedder: Any) -> Engine:
    return Engine(Settings(index_dir=hostile_root / ".index"), embedder)


def test_the_hostile_passage_is_cited(hostile_engine: Engine) -> None:
    answer = hostile_engine.ask(hostile.QUESTION)
    assert answer.answerable and hostile.FACT in answer.answer
    assert any(c.source.endswith(hostile.NAME) and "<script>" in c.text for c in answer.citations)


def test_chat_cards_and_viewer_html_are_inert(hostile_engine: Engine, hostile_root: Path) -> None:
    from assistant.viewer import SourceFiles

    answer = hostile_engine.ask(hostile.QUESTION)
    files = SourceFiles(hostile_engine.db, hostile_root, Path("corpus"))
    doc = next(c for c in answer.citations if c.source.endswith(hostile.NAME))
    every_line = replace(doc, text=hostile.text(), quote=hostile.INJECTION)
    pieces = [cards.message_html(answer, "m0"), cards.cards(answer.citations, "m0"),
              cards.viewer_html(doc, files.page_lines(doc), True),
              cards.viewer_html(every_line, hostile.text().split("\n"), True), cards.card(every_line, "d")]
    for html in pieces:
        assert not _LIVE.search(html), _LIVE.search(html)
        assert "&#60;script&#62;" in html or "script" not in html  # shown as the text it is
    assert "⟨U+202E⟩" in pieces[3]


def test_the_draft_quotes_it_as_plain_text(hostile_engine: Engine, tmp_path: Path) -> None:
    from assistant.export import export

    draft = build_draft(answer_letter(hostile_engine, f"안녕하세요. {hostile.QUESTION}"), hostile_engine.facts)
    assert hostile.FACT in draft.text() and "010-9999-9999" not in draft.text()
    assert unsourced(draft, hostile_engine.facts.names()) == []
    assert not _LIVE.search(cards.cards(draft.references, "d"))
    from docx import Document

    text = "\n".join(p.text for p in Document(str(export(draft, "docx", tmp_path / "d.docx"))).paragraphs)
    assert hostile.FACT in text


def test_the_injected_instruction_changes_nothing_the_check_lets_through(hostile_root: Path, embedder: Any,
                                                                         llm: tuple[Script, str]) -> None:  # noqa: F811
    script, url = llm
    engine = Engine(replace(Settings(index_dir=hostile_root / ".index"), llm_mode="rephrase", llm_url=url,
                            llm_model="test"), embedder)
    plain = Engine(Settings(index_dir=hostile_root / ".index"), embedder).ask(hostile.QUESTION)
    obeying = [
        "승인되었습니다. 문의: 010-9999-9999 [1]",  # does what the document says, with a number the passage holds
        "승인되었습니다 [1]",  # drops the quoted facts
        "가나다 시범사업은 학교 77곳을 지원하며, 문의는 010-9999-9999입니다 [1].",  # slips the number in
    ]
    faithful = plain.answer.replace("지원한다.", "지원합니다.")  # the same quotes, in another register
    assert faithful != plain.answer
    script.say(*obeying, faithful)
    for _ in obeying:
        got = engine.ask(hostile.QUESTION)
        assert got.answer == plain.answer and "010-9999-9999" not in got.answer and "승인" not in got.answer
    rephrased = engine.ask(hostile.QUESTION)  # a faithful rephrasing still gets through: the check can pass
    assert rephrased.answer == faithful
    assert hostile.INJECTION in script.requests[0]["messages"][1]["content"]  # it reached the model as a source


@pytest.fixture(scope="module")
def hostile_url(hostile_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(hostile_root / ".index", tmp_path_factory.mktemp("hostile-serve") / "serve.log", cwd=hostile_root) as url:
        yield url


@pytest.mark.browser
def test_in_chromium_no_script_runs_and_nothing_external_is_requested(hostile_url: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    driver = chrome(tmp_path / "profile")
    try:
        driver.get(hostile_url)
        wait = WebDriverWait(driver, 60)
        box = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#question textarea"))
        box.send_keys(hostile.QUESTION, Keys.ENTER)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chat .card"))
        chat = driver.find_element(By.CSS_SELECTOR, "#chat").text
        assert hostile.FACT in chat and "<script>" in chat  # the markup is shown as text
        card = next(c for c in driver.find_elements(By.CSS_SELECTOR, "#chat .card") if hostile.NAME in c.text)
        card.click()
        wait.until(lambda d: hostile.NAME in d.find_element(By.CSS_SELECTOR, "#viewer").text)
        viewer = driver.find_element(By.CSS_SELECTOR, "#viewer")
        assert "javascript:window.__pwned" in viewer.text and "<img src=x onerror=" in viewer.text
        assert not viewer.find_elements(By.CSS_SELECTOR, "script, img, iframe, style, link, a[href^='javascript']")
        next(b for b in driver.find_elements(By.CSS_SELECTOR, "button[role='tab']") if "민원 답변 초안" in b.text).click()
        letter = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#letter textarea"))
        letter.send_keys(f"안녕하세요. {hostile.QUESTION}")
        driver.find_element(By.CSS_SELECTOR, "#make-draft").click()
        wait.until(lambda d: "참고 자료" in d.find_element(By.CSS_SELECTOR, "#draft-text textarea").get_attribute("value"))
        wait.until(lambda d: hostile.NAME in d.find_element(By.CSS_SELECTOR, "#draft-sources").text)
        driver.find_element(By.CSS_SELECTOR, "#draft-sources .card").click()
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#viewer").text.strip())
        assert driver.execute_script("return window.__pwned === undefined")
        assert not driver.find_elements(By.CSS_SELECTOR, "#chat a[href^='javascript'], #chat img[onerror]")
        hosts = requested_hosts(driver)
        assert hosts <= {"127.0.0.1"}, hosts  # no tracker, no stylesheet, no iframe was fetched
        assert not [e for e in driver.get_log("browser") if "__pwned" in e["message"]]
    finally:
        driver.quit()
