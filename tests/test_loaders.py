"""Every real corpus file ingests with all of its text; format-specific structure survives."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from core.text import fold
from ingest.document import LoadError
from ingest.loaders import SUPPORTED, load, read_manifest
from tests.conftest import CORPUS, ROOT, load_doc

FILES = sorted(p for p in CORPUS.iterdir() if p.suffix.lower() in SUPPORTED)
MANIFEST = read_manifest(CORPUS)


def test_corpus_is_complete_and_has_a_manifest_row_per_file() -> None:
    assert len(FILES) == 66
    assert {p.name for p in FILES} == set(MANIFEST)
    assert {p.suffix for p in FILES} == {".txt", ".md", ".pdf", ".hwpx", ".hwp"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_file_loads_with_metadata_and_text(path: Path) -> None:
    doc = load_doc(path.name)
    assert doc.source == f"corpus/{path.name}"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc.meta.date)
    assert doc.meta.title == MANIFEST[path.name].title
    assert len(doc.text) > 800
    if path.suffix != ".txt":
        assert doc.paged and all(b.page and b.page >= 1 for b in doc.blocks)


@pytest.mark.parametrize("path", [p for p in FILES if p.suffix == ".hwpx"], ids=lambda p: p.name)
def test_hwpx_text_covers_the_preview_hancom_wrote(path: Path) -> None:
    """Hancom stores a plain-text preview of the first part; every piece of it must be in our text."""
    with zipfile.ZipFile(path) as zf:
        preview = zf.read("Preview/PrvText.txt").decode("utf-8", "replace")
    pieces = [p for p in re.split(r"[<>\r\n]+", preview) if len(fold(p)) >= 6]
    ours = fold(load_doc(path.name).text.replace("\t", " "))
    missing = [p for p in pieces[:-1] if fold(p) not in ours]  # the preview's last piece is cut short
    assert not missing, missing[:3]


def test_hwp5_reads_paragraphs_and_tables_as_rows() -> None:
    doc = load(CORPUS / "moe_2026-03-04_105494.hwp", ROOT, MANIFEST)
    assert "국내 최초 사내대학원, 엘지(LG) 에이아이(AI)대학원 출범" in doc.text
    rows = [b.text for b in doc.blocks if b.table is not None]
    assert "담당 부서\t대학지원관 산학협력지원과\t책임자\t과장\t유희진\t(044-203-6252)" in rows
    assert "입학정원\t◦ 석사 25명 / 박사 5명" in rows
    plan = load(CORPUS / "gov_2019-10-29_digital_gov_innovation_plan.hwp", ROOT, MANIFEST)
    assert max(b.page or 0 for b in plan.blocks) >= 15
    assert "디지털 정부혁신 추진계획" in plan.text


def test_pdf_keeps_page_numbers() -> None:
    doc = load_doc("moe_2026-03-12_105597.pdf")
    assert max(b.page or 0 for b in doc.blocks) == 51
    page3 = " ".join(b.text for b in doc.blocks if b.page == 3)
    assert "약 3,000여 학급을 대상으로" in page3


def test_txt_keeps_its_text_verbatim_and_table_rows() -> None:
    path = CORPUS / "msit_2025-09-30_ai_core_project_tf.txt"
    doc = load(path, ROOT, MANIFEST)
    raw = path.read_text(encoding="utf-8")
    for block in doc.blocks:
        assert block.text in raw
    assert sum(1 for b in doc.blocks if b.table is not None) == 14


def test_unreadable_files_raise_load_error_with_a_reason(tmp_path: Path) -> None:
    cases = {  # synthetic bad files, made here: each with the reason the user must see
        "empty.pdf": (b"", "the file is empty"),
        "broken.hwpx": (b"PK\x03\x04 not really a zip", "not a valid HWPX zip archive"),
        "broken.hwp": (b"\xd0\xcf\x11\xe0 not really OLE", "not an OLE2 compound file"),
        "broken.pdf": (b"%PDF-1.7\n garbage", "PDF"),
        "notes.docx": (b"whatever", "unsupported file type '.docx'"),
    }
    for name, (data, reason) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(LoadError) as exc:
            load(tmp_path / name, tmp_path)
        assert reason in str(exc.value), (name, str(exc.value))
        assert "\n" not in str(exc.value)  # one line


def test_header_metadata_for_a_file_without_manifest_row(tmp_path: Path) -> None:
    src = CORPUS / "moe_2026-04-24_105966.hwpx"
    copy = tmp_path / "release.hwpx"
    copy.write_bytes(src.read_bytes())
    doc = load(copy, tmp_path)
    assert doc.meta.date == "2026-04-24"
    assert "인공지능 인재양성 전담팀(TF) 출범" in doc.meta.title


def test_an_hwp_file_is_read_by_its_content_whatever_its_name_says(tmp_path: Path) -> None:
    """NTIS serves HWPX attachments under ".hwp" names (and the other way round): the first bytes decide."""
    for real, other in (("kasa_2025-11-24_space_pioneer_call.hwpx", ".hwp"),
                        ("msit_2025-11-13_nrl2_national_lab_call.hwp", ".hwpx")):
        renamed = tmp_path / (Path(real).stem + other)
        renamed.write_bytes((CORPUS / real).read_bytes())
        doc = load(renamed, tmp_path)
        assert [b.text for b in doc.blocks] == [b.text for b in load_doc(real).blocks]
    text = tmp_path / "text.hwp"
    text.write_text("한글 문서가 아닌 텍스트", encoding="utf-8")
    with pytest.raises(LoadError, match="not an OLE2 compound file"):
        load(text, tmp_path)
