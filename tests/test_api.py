"""The documented `ask` API through gradio_client, bad input through it, login, and a reduced load run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.servers import serving


@pytest.fixture(scope="module")
def app_url(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(corpus_index, tmp_path_factory.mktemp("api") / "serve.log") as url:
        yield url


def test_ask_endpoint_returns_the_contract(app_url: str, engine: Any) -> None:
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    info = client.view_api(print_info=False, return_format="dict")
    assert "/ask" in info["named_endpoints"]
    got = client.predict("GPU는 언제까지 몇 장 확보하나요?", None, api_name="/ask")
    assert got == engine.ask("GPU는 언제까지 몇 장 확보하나요?").to_dict()  # the same JSON as `ask --json`
    history = [{"role": "user", "content": "AI 중점학교는 몇 개교로 늘어나?"}, {"role": "assistant", "content": "1,141개교 [1]"}]
    follow = client.predict("그럼 담당자는?", history, api_name="/ask")
    assert follow["resolved"] == "AI 중점학교 담당자는?" and "044-203-" in follow["answer"]
    filtered = client.predict("AI 인재 양성 담당 부서는?", None, "교육부", "2026-03-01", "", api_name="/ask")
    assert filtered["citations"] and all(c["date"] >= "2026-03-01" for c in filtered["citations"])


@pytest.mark.parametrize(("question", "history", "message"), [
    ("", None, "입력해 주세요"), ("   ", None, "입력해 주세요"), ("가" * 100_000, None, "너무 깁니다"),
    ("🙂🙂", None, "글자나 숫자"), ("\x00\x1b\x07", None, "입력해 주세요"),
    ("그럼 담당자는?", "not a list", "history"), ("그럼 담당자는?", [{"role": "bot", "content": 1}], "history"),
])
def test_bad_input_through_the_api_is_a_message(app_url: str, question: str, history: Any, message: str) -> None:
    from gradio_client import Client

    got = Client(app_url, verbose=False).predict(question, history, api_name="/ask")
    assert message in got["error"] and got["answerable"] is False and got["citations"] == []


def test_sql_and_path_like_questions_are_just_questions(app_url: str) -> None:
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    for q in ("'; DROP TABLE chunks; --", "../../../../etc/passwd", "<script>alert(1)</script>"):
        got = client.predict(q, None, api_name="/ask")
        assert "error" not in got and got["question"] == q
    assert client.predict("GPU는 언제까지 몇 장 확보하나요?", None, api_name="/ask")["answerable"]  # index intact


def test_reduced_load_run_has_no_errors_and_same_answers(app_url: str) -> None:
    from evals.load import run

    result = run(app_url, None, users=8, seconds=15, n_questions=12)
    assert result["requests"] >= 8
    assert result["errors"] == 0, result["error_samples"]
    assert result["mismatches"] == 0, result["mismatch_samples"]


def test_with_login_neither_page_nor_api_answers_without_it(corpus_index: Path, tmp_path: Path) -> None:
    import urllib.error
    import urllib.request

    from gradio_client import Client

    with serving(corpus_index, tmp_path / "serve.log", env={"POLICY_AUTH": "desk:pw-1234"}) as url:
        page = urllib.request.urlopen(url, timeout=10).read().decode()
        assert '"auth_required":true' in page and '"components":[]' in page  # a login form, none of the app
        for path in ("config", "gradio_api/info", "gradio_api/file=corpus/moe_2026-03-09_105557.hwpx"):
            with pytest.raises(urllib.error.HTTPError) as info:
                urllib.request.urlopen(url + path, timeout=10).read()
            assert info.value.code == 401, path
        for path in ("gradio_api/call/ask", "gradio_api/queue/join"):
            body = json.dumps({"data": ["GPU는?", None, "", "", ""], "fn_index": 0, "session_hash": "x"}).encode()
            request = urllib.request.Request(url + path, data=body, headers={"Content-Type": "application/json"})
            with pytest.raises(urllib.error.HTTPError) as info:
                urllib.request.urlopen(request, timeout=10).read()
            assert info.value.code == 401, path
        with pytest.raises(Exception):  # noqa: B017 (gradio_client raises its own kinds)
            Client(url, verbose=False).predict("GPU는?", None, api_name="/ask")
        with pytest.raises(Exception):  # noqa: B017
            Client(url, auth=("desk", "wrong"), verbose=False)
        got = Client(url, auth=("desk", "pw-1234"), verbose=False).predict("GPU는 언제까지 몇 장 확보하나요?", None,
                                                                            api_name="/ask")
        assert "20만장" in got["answer"]
    assert "login required" in (tmp_path / "serve.log").read_text()


def test_non_loopback_bind_without_login_warns(corpus_index: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    # --host 0.0.0.0 with an invalid port: the warning is printed before anything binds or loads.
    proc = subprocess.run([sys.executable, "-m", "assistant", "serve", "--host", "0.0.0.0", "--port", "1",
                           "--index", str(tmp_path / "none")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "without a login" in proc.stderr and proc.returncode == 2
