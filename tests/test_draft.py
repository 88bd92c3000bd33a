"""Draft replies: their shape, their files, and no number, name or phone that no cited passage has."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from assistant.answer import Answer, Citation, Part
from assistant.draft import Contact, Draft, Section, answer_letter, build_draft, unsourced
from assistant.export import export
from assistant.message import split_message
from tests.conftest import ROOT

LETTER = ("안녕하세요. 중학생 자녀를 둔 학부모입니다.\n"
          "정부는 GPU를 언제까지 몇 장 확보하나요? 그리고 LG AI대학원 박사과정 입학정원은 몇 명인가요?\n"
          "AI 인재 TF에 배정된 예산은 얼마인가요?\n"
          "답변 부탁드립니다.")


def _items_with_parts() -> list[dict[str, Any]]:
    """Every letter-kind item (one with "parts") of the eval sets, evals/*.jsonl and evals/blind/*.jsonl."""
    out = []
    for path in sorted([*ROOT.glob("evals/*.jsonl"), *ROOT.glob("evals/blind/*.jsonl")]):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                obj = json.loads(line)
                if isinstance(obj, dict) and obj.get("parts"):
                    out.append(obj)
    return out


def _gold_questions() -> list[str]:
    lines = (ROOT / "evals" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(x)["question"] for x in lines if x.strip()]


def test_question_sentences_of_a_letter() -> None:
    assert list(split_message(LETTER).parts) == [
        "정부는 GPU를 언제까지 몇 장 확보하나요?", "그리고 LG AI대학원 박사과정 입학정원은 몇 명인가요?",
        "AI 인재 TF에 배정된 예산은 얼마인가요?"]
    assert list(split_message("담당자 연락처를 알려 주세요. 감사합니다.").parts) == ["담당자 연락처를 알려 주세요."]


def test_a_letter_gets_a_paragraph_per_part_references_and_a_contact(engine: Any) -> None:
    draft = build_draft(answer_letter(engine, LETTER), engine.facts)
    answered = [s for s in draft.sections if s.answered]
    assert len(draft.sections) == 3 and len(answered) == 2
    assert "20만장" in answered[0].text and "[" in answered[0].text
    assert "5명" in answered[1].text
    missing = next(s for s in draft.sections if not s.answered)
    assert missing.text == "문의하신 ‘AI 인재 TF에 배정된 예산은 얼마인가요’는 현재 공개된 자료에서 확인되지 않습니다."
    text = draft.text()
    assert text.startswith("안녕하십니까.") and "참고 자료" in text and "감사합니다." in text
    assert "msit_2025-09-30_ai_core_project_tf.txt" in text and "moe_2026-03-04_105494.hwp" in text
    assert draft.contacts and all("044-" in c.desk for c in draft.contacts)
    assert all(f"[{c.ref}]" in draft.body() for c in draft.contacts)
    numbers = {c.n for c in draft.references}
    assert sorted(numbers) == list(range(1, len(numbers) + 1))  # numbered 1, 2, 3 … without gaps
    assert {int(n) for s in answered for n in __import__("re").findall(r"\[(\d+)\]", s.text)} <= numbers
    assert unsourced(draft, engine.facts.names()) == []


def test_the_check_finds_an_unsourced_number_phone_and_name() -> None:
    passage = "GPU를 '30년까지 20만장 이상 확보한다. 과장 김철수(044-202-1111)"
    ref = Citation(1, "corpus/x.txt", "제목", "2025-09-30", None, passage, "GPU를")
    said = "GPU를 '30년(2030년)까지 20만장 이상 확보한다. [1]"
    good = Draft("편지", "안녕하십니까.", (Section("GPU", said, True),),
                 (ref,), (Contact("과장 김철수(044-202-1111)", "2025-09-30", 1),), "감사합니다.")
    assert unsourced(good, {"김철수", "박영희"}) == []
    five = replace(good, sections=(Section("x", "5명을 뽑는다 [1]", True),),
                   references=(replace(ref, text="25명을 뽑는다"),), contacts=())
    assert unsourced(five, set()) == ["5명"]  # whole numbers with their unit: 5명 is not in 25명
    bad = Draft("편지", "안녕하십니까.", (Section("GPU", "GPU를 30만장 확보한다. 박영희(044-202-9999) [1]", True),),
                (ref,), (), "감사합니다.")
    assert set(unsourced(bad, {"김철수", "박영희"})) == {"30만장", "044-202-9999", "박영희"}


def test_no_draft_has_a_number_name_or_phone_outside_its_sources(engine: Any) -> None:
    """Over every letter of the eval sets and every gold question (each drafted as a one-part letter)."""
    names = engine.facts.names()
    letters = [item["question"] for item in _items_with_parts()]
    checked, problems = 0, []
    for text in [*letters, *_gold_questions()]:
        draft = build_draft(answer_letter(engine, text), engine.facts)
        bad = unsourced(draft, names)
        checked += 1
        if bad:
            problems.append((text[:60], bad))
    assert checked >= 337
    assert problems == []


def test_exports_open_in_their_readers(engine: Any, tmp_path: Path) -> None:
    draft = build_draft(answer_letter(engine, LETTER), engine.facts)
    txt = export(draft, "txt", tmp_path / "d.txt").read_bytes()
    assert txt.startswith(b"\xef\xbb\xbf") and b"\r\n" in txt and "20만장".encode() in txt
    from docx import Document

    doc = Document(str(export(draft, "docx", tmp_path / "d.docx")))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "민원 답변 초안" and "참고 자료" in paragraphs
    assert any("20만장" in p for p in paragraphs)
    from ingest.hwpx import read_hwpx

    hwpx = export(draft, "hwpx", tmp_path / "d.hwpx", text=draft.text() + "\n수정한 줄 <&>\x01")
    with zipfile.ZipFile(hwpx) as z:
        assert z.read("mimetype") == b"application/hwp+zip" and z.infolist()[0].compress_type == zipfile.ZIP_STORED
    blocks, paged = read_hwpx(hwpx)
    lines = [b.text for b in blocks]
    assert paged and lines[0] == "민원 답변 초안" and "수정한 줄 <&>" in lines
    assert any("20만장" in x for x in lines)
    with pytest.raises(ValueError):
        export(draft, "pdf", tmp_path / "d.pdf")


def test_one_part_answer_still_drafts() -> None:
    cite = Citation(1, "corpus/x.txt", "제목", "2025-09-30", 3, "본문 20만장", "20만장")
    answer = Answer("질문?", "본문 20만장 [1]", True, (cite,), (Part("질문?", "본문 20만장 [1]", True, (1,)),))

    class NoDesks:
        def names(self) -> set[str]:
            return set()

        def desks_of(self, source: str) -> list[Any]:
            return []

    draft = build_draft(answer, NoDesks())  # type: ignore[arg-type]
    assert [s.answered for s in draft.sections] == [True] and draft.contacts == ()
    assert draft.reference_lines() == ["[1] 제목 (2025-09-30, 3쪽) — x.txt"]


def test_draft_cli_prints_json_and_writes_a_file(corpus_index: Path, tmp_path: Path) -> None:
    out = tmp_path / "reply.docx"
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "draft", "-", "--json", "--out", str(out), "--index", str(corpus_index)],
        cwd=ROOT, input=LETTER, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    obj = json.loads(proc.stdout)
    assert [s["answered"] for s in obj["sections"]] == [True, True, False]
    assert "20만장" in obj["text"] and obj["citations"] and obj["contacts"]
    assert out.stat().st_size > 5_000
    bad = subprocess.run([sys.executable, "-m", "assistant", "draft", str(tmp_path / "none.txt"), "--index",
                          str(corpus_index)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "cannot read the letter" in bad.stderr


@pytest.mark.parametrize(("plain", "reply"), [
    ("'30년까지 AI 코어인재 3천명 확보를 추진한다.", "'30년까지 AI 코어인재 3천명 확보를 추진합니다."),
    ("총 11종의 과정을 운영할 계획이다.", "총 11종의 과정을 운영할 계획입니다."),
    ("교육부는 1,141개교를 선정했다고 밝혔다.", "교육부는 1,141개교를 선정했다고 밝혔습니다."),
    ("지원을 받는다.", "지원을 받습니다."),
    ("누구나 신청할 수 있다", "누구나 신청할 수 있습니다"),
    ("신청 기간은 3월 16일까지이다.", "신청 기간은 3월 16일까지입니다."),
    ("연수는 이미 확대됩니다.", "연수는 이미 확대됩니다."),  # already polite
    ("◦ (양성 일정) 9월 교육생 모집 → 10~11월 교육 운영", "◦ (양성 일정) 9월 교육생 모집 → 10~11월 교육 운영"),
    ("성적이 상위일수록 참여율이 높음", "성적이 상위일수록 참여율이 높음"),  # a noun-form ending stays
])
def test_a_reply_writes_the_formal_polite_ending(plain: str, reply: str) -> None:
    from core.text import polite

    assert polite(plain) == reply


def test_a_paragraph_drops_its_dangling_connective_and_keeps_its_markers() -> None:
    from assistant.draft import paragraph

    text = "이를 통해 '30년까지 AI 코어인재 3천명 확보를 추진한다. [1]\n또한 방안을 11월까지 마련한다. [1][2]"
    assert paragraph(text) == "'30년까지 AI 코어인재 3천명 확보를 추진합니다. [1]\n또한 방안을 11월까지 마련합니다. [1][2]"


def test_a_label_keeps_the_letters_number_only_when_a_cited_passage_has_it() -> None:
    from assistant.draft import label_of

    asked = "뉴스에서 봤는데요, 2030년까지 AI 코어인재를 몇 명 확보하나요?"
    assert label_of(asked, set()) == "AI 코어인재를 몇 명 확보하나요"
    assert label_of(asked, set(), "2030년까지 AI 코어인재 3천명 확보를 추진한다.") == "2030년까지 AI 코어인재를 몇 명 확보하나요"
    assert label_of(asked, set(), "'30년까지 AI 코어인재 3천명 확보를 추진한다.").startswith("2030년까지")  # '30 = 2030
    # a whole number of the passage, its unit written with or without a space; never a digit inside another
    assert label_of("월 8 백만원 이상 가구는?", set(), "800만원 이상에서 66만 2천원") == "월 백만원 이상 가구는"
    assert label_of("50억원 지원 사업은?", set(), "50억 원을 지원한다") == "50억원 지원 사업은"


def test_a_paragraph_names_the_document_it_quotes() -> None:
    from assistant.draft import paragraph

    release = Citation(1, "corpus/x.txt", "가상 보도자료", "2025-09-30", 1, "본문", "본문")
    assert paragraph("이를 통해 인재 3천명 확보를 추진한다. [1]", release) == (
        "「가상 보도자료」(2025-09-30)에 따르면, 인재 3천명 확보를 추진합니다. [1]")
    # a list item or a table row goes under the lead-in, not after its comma
    assert paragraph("◦ (일정) 9월 모집 [1]", release).split("\n") == [
        "「가상 보도자료」(2025-09-30)에 따르면 다음과 같습니다.", "◦ (일정) 9월 모집 [1]"]
