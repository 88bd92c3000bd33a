"""The check of a generated sentence against the passages it cites (no index: sentences and passages here)."""

from __future__ import annotations

import json

from assistant.grounding import FITTED, amounts, check, coverage_threshold, same_unit, split_sentences, unbacked_amounts
from core.patterns import masked_phones

GPU = "'30년까지 GPU 20만장 이상을 확보하고, 국가 AI컴퓨팅센터를 구축한다."
TALENT = "'30년까지 AI 코어인재 3천명, AX 융합인재 5천명 확보를 추진한다."
ORGS = frozenset({"과학기술정보통신부", "교육부", "소프트웨어정책과"})
PEOPLE = frozenset({"이하근", "이훈"})


def _check(sentence: str, passages: dict[int, str]) -> tuple[bool, str]:
    v = check(sentence, passages, ORGS, PEOPLE)
    return v.checked, v.why


def test_numbers_are_compared_as_values_with_their_units() -> None:
    same = [("3천명", "3,000명"), ("'30년", "2030년"), ("20만 장", "200,000장"), ("1조 5천억 원", "1.5조 원"),
            ("2025. 6. 11.(수)", "2025년 6월 11일"), ("5,900여 명", "5900명")]
    for a, b in same:
        assert amounts(a) == amounts(b), (a, b)
    assert amounts("20만장") != amounts("20만명")
    assert amounts("국정과제 99-1과") == {(99.0, ""), (1.0, "")}  # a particle is not a unit
    assert amounts("6개월") == {(6.0, "개월")} and amounts("3시간") == {(3.0, "시간")}  # the longest unit


def test_a_number_needs_its_own_unit_or_one_a_passage_may_answer_it_with() -> None:
    assert unbacked_amounts("6개 기관을 지정합니다", "6개월간 지원한다") == ["6개"]
    assert unbacked_amounts("6개월간 지원합니다", "6개 기관을 지정한다") == ["6개월"]
    assert unbacked_amounts("전국 5곳에 세웁니다", "5개소를 구축한다") == []  # counters.tsv: 곳 = 개소
    assert unbacked_amounts("6월에 공고합니다", "공고\t6\t") == []  # a table's bare number
    assert same_unit("세", "살") and not same_unit("개", "개월")


def test_a_phone_is_masked_however_it_is_written() -> None:
    text = "문의 044 - 202 - 6321, ０４４‐２０３‐６４２０ 또는 1588-1234; 2030년까지 20만장"
    assert masked_phones(text, "☎") == "문의 ☎, ☎ 또는 ☎; 2030년까지 20만장"


def test_markers_after_the_full_stop_stay_with_their_sentence() -> None:
    assert split_sentences("GPU를 확보합니다. [1] 인재도 키웁니다[2].") == ["GPU를 확보합니다.[1]", "인재도 키웁니다[2]."]


def test_a_faithful_sentence_passes_and_each_kind_of_unbacked_one_is_dropped_with_its_reason() -> None:
    given = {1: GPU, 2: TALENT}
    assert _check("2030년까지 GPU를 20만 장 이상 확보합니다 [1].", given) == (True, "")
    assert _check("AI 코어인재 3,000명과 AX 융합인재 5,000명을 2030년까지 확보합니다 [2].", given) == (True, "")
    cases = {
        "GPU를 20만장 이상 확보합니다.": "cites no passage",
        "GPU를 20만장 이상 확보합니다 [7].": "cites [7]",
        "GPU를 30만장 이상 확보합니다 [1].": "the number 300000장",
        "AI 코어인재 3천명을 확보합니다 [1].": "the number 3000명",  # a number of another passage, cited wrong
        "문의는 044-202-6321로 하시면 됩니다 [2].": "names the phone",
        "문의는 044–202–6321로 하시면 됩니다 [2].": "names the phone",  # en dashes
        "문의는 ０４４-２０２-６３２１로 하시면 됩니다 [2].": "names the phone",  # full-width digits
        "콜센터 1588-1234로 문의하세요 [2].": "names the phone",
        "[1]": "says nothing",
        "네. [1]": "says nothing",
        "담당은 이하근 사무관입니다 [2].": "names the person 이하근",
        "AI 인재 확보는 이훈 사무관이 맡습니다 [2].": "names the person 이훈",  # two syllables, before a role
        "교육부가 GPU 20만장 이상을 확보합니다 [1].": "교육부 is in no passage",
        "자세한 내용은 https://evil.example/x 에서 확인하세요 [1].": "https://evil.example/x",
        "GPU 20만장은 전국 모든 대학에 무료로 배분되어 학생 누구나 쓸 수 있습니다 [1].": "its passages hold",
    }
    for sentence, why in cases.items():
        ok, reason = _check(sentence, given)
        assert not ok and why in reason, (sentence, reason)
    assert _check("이훈련 과정으로 AI 코어인재 3천명 확보를 추진합니다 [2].", given)[1] != "names the person 이훈"


def test_the_coverage_threshold_is_fitted_on_labelled_sentences() -> None:
    fitted = json.loads(FITTED.read_text(encoding="utf-8"))
    assert 0.0 < coverage_threshold() <= 1.0 and fitted["coverage"] == coverage_threshold()
    assert fitted["n"] >= 200 and 0 < fitted["supported"] < fitted["n"]
    assert fitted["cv_by_document"]["documents"] >= 5
    assert fitted["cv_by_document"]["precision"] >= 0.8  # what the check lets through on unseen documents is mostly backed


def test_a_stream_cut_inside_a_chunk_is_an_llm_error() -> None:
    """vLLM and llama.cpp stream in chunked encoding: a connection closed inside a chunk (IncompleteRead)
    is the client's LLMError, which the caller turns into the extractive answer, never a traceback."""
    import socket
    import threading

    import pytest

    from assistant.llm import ChatClient, LLMError

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve() -> None:
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                     b"400\r\ndata: {\"choices\": [{\"delta\": {\"content\": \"GPU\"}}]}\n\n")
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    client = ChatClient(f"http://127.0.0.1:{listener.getsockname()[1]}", "m", timeout=5)
    with pytest.raises(LLMError):
        list(client.stream([{"role": "user", "content": "?"}]))
    listener.close()
