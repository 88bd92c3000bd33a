"""A draft reply as a file: plain text (.txt), Word (.docx, python-docx) and Hancom HWPX (.hwpx).

The HWPX template (templates/draft.hwpx) is a corpus release with its body removed: Hancom's
own header (fonts, styles, A4 page) and an empty section that the draft's paragraphs fill.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from assistant.draft import Draft

TEMPLATE = Path(__file__).with_name("templates") / "draft.hwpx"
FORMATS = ("txt", "docx", "hwpx")


def write_txt(draft: Draft, path: Path, text: str | None = None) -> Path:
    """The draft (or the edited text) as UTF-8 text with Windows line ends, as ministry PCs open it."""
    path.write_bytes((text if text is not None else draft.text()).replace("\n", "\r\n").encode("utf-8-sig"))
    return path


def write_docx(draft: Draft, path: Path, text: str | None = None) -> Path:
    """The draft as a Word document: a title, the body paragraphs and the 참고 자료 list."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "맑은 고딕"
    style.font.size = Pt(11)
    doc.add_heading("민원 답변 초안", level=1)
    for line in (text if text is not None else draft.text()).split("\n"):
        if line == "참고 자료":
            doc.add_heading(line, level=2)
        else:
            doc.add_paragraph(line)
    doc.save(str(path))
    return path


def write_hwpx(draft: Draft, path: Path, text: str | None = None) -> Path:
    """The draft as an HWPX document (one paragraph a line, in the template's default style)."""
    lines = ["민원 답변 초안", "", *(text if text is not None else draft.text()).split("\n")]
    paragraphs = "".join(
        f'<hp:p id="{i + 1}" paraPrIDRef="0" styleIDRef="0" pageBreak="0" columnBreak="0" merged="0">'
        f'<hp:run charPrIDRef="0"><hp:t>{escape(_xml_safe(line))}</hp:t></hp:run></hp:p>'
        for i, line in enumerate(lines)
    )
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "Contents/section0.xml":
                data = data.decode("utf-8").replace("{PARAGRAPHS}", paragraphs).encode("utf-8")
            out.writestr(info, data, compress_type=info.compress_type)
        out.writestr("Preview/PrvText.txt", "\r\n".join(lines).encode("utf-16-le"), compress_type=zipfile.ZIP_DEFLATED)
    return path


def _xml_safe(text: str) -> str:
    """Characters XML 1.0 cannot hold are dropped (a pasted letter may carry control characters)."""
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)


def export(draft: Draft, fmt: str, path: Path, text: str | None = None) -> Path:
    """Write draft (or its edited text) in one of FORMATS to path."""
    writers = {"txt": write_txt, "docx": write_docx, "hwpx": write_hwpx}
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return writers[fmt](draft, path, text)
