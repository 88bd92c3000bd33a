"""The optional LLM path (llm_mode rephrase) against a scripted local server that speaks the OpenAI chat protocol."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from assistant.engine import Engine
from assistant.settings import Settings
from evals.llm_server import Script, scripted


@pytest.fixture()
def llm() -> Iterator[tuple[Script, str]]:
    script = Script()
    with scripted(script) as url:
        yield script, url


def test_grounded_llm_text_is_used_and_ungrounded_text_is_rejected(corpus_index: Path, embedder: Any,
                                                                   llm: tuple[Script, str]) -> None:
    script, url = llm
    engine = Engine(replace(Settings(index_dir=corpus_index), llm_mode="rephrase", llm_url=url, llm_model="test"),
                    embedder)
    script.say(
        "정부는 2030년까지 GPU를 20만장 이상 확보할 계획입니다 [1].",
        "정부는 2030년까지 GPU를 30만장 확보할 계획입니다 [1].",  # a number no passage has
        "GPU를 많이 확보합니다.",  # no citation marker
    )
    good = engine.ask("GPU는 언제까지 몇 장 확보하나요?")
    assert good.answer.startswith("정부는 2030년까지 GPU를 20만장 이상")
    assert script.paths == ["/v1/chat/completions"]
    assert script.requests[0]["model"] == "test"
    assert "20만장 이상" in script.requests[0]["messages"][1]["content"]
    bad = engine.ask("GPU는 언제까지 몇 장 확보하나요?")
    assert "30만장" not in bad.answer and "20만장 이상" in bad.answer
    unmarked = engine.ask("GPU는 언제까지 몇 장 확보하나요?")
    assert "[1]" in unmarked.answer


def test_unreachable_llm_keeps_the_extractive_answer(corpus_index: Path, embedder: Any) -> None:
    engine = Engine(replace(Settings(index_dir=corpus_index), llm_mode="rephrase", llm_url="http://127.0.0.1:9",
                            llm_timeout=2), embedder)
    answer = engine.ask("GPU는 언제까지 몇 장 확보하나요?")
    assert "20만장 이상" in answer.answer
