"""SYNTHETIC bad inputs for ingest (issue #10), each made at test time in a temp dir by a function here.

Nothing here is a real document and nothing is written under corpus/: the PDFs, HWPX archives
and texts are built byte by byte, and the HWP cases are damaged copies of one corpus file made in
the temp dir. Each kind says what the user must see: the file skipped with a one-line reason
(exit 1), a manifest warning (exit 1), or the file read correctly (exit 0).

`python -m tests.badinputs` runs every kind through the real CLI and prints the README table.
"""

from __future__ import annotations

import codecs
import io
import os
import shutil
import struct
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import CORPUS

BASE_DOC = "msit_2025-09-30_ai_core_project_tf.txt"  # the one real document every kind's index starts from
QUESTION = "AI 인재 TF 담당 사무관 전화번호는?"  # answered from BASE_DOC (044-202-6321)
HWP_SOURCE = "moe_2026-03-04_105494.hwp"  # the real HWP the damaged HWP copies start from
MANIFEST_HEADER = "file\ttitle\tdate\tpublisher\tsource_url\tlicence\tformat"


@dataclass(frozen=True)
class Kind:
    """One kind of bad input: how to make it in a corpus directory and what the user must see."""

    name: str
    what: str  # the input, for the README table
    make: Callable[[Path], None]
    outcome: str  # "skipped" (exit 1), "warning" (exit 1, the file still read), "ingested" or "nothing" (exit 0),
    # "refused" (exit 2: the run does not start)
    target: str = ""  # the path (relative to the corpus dir) the reason line names
    reason: str = ""  # a substring of the one-line reason
    text: str = ""  # for ingested kinds: a line the index must hold verbatim
    date: str = ""  # for kinds whose document date must come from its own header
    extra_args: Callable[[Path], list[str]] = field(default=lambda d: [])  # more paths on the command line
    needs: str = ""  # "nocaps": run without root's permission override; "vanish-*": delete the file mid-run;
    # "locked": another ingest holds the index; "index-file": --index names a file


# --- synthetic PDF ---------------------------------------------------------------------------


def pdf_bytes(pages: list[str], filler: int = 0) -> bytes:
    """A minimal valid PDF, one line of Helvetica text per page; filler: zero bytes in an unused stream."""
    out = io.BytesIO()
    write_pdf(out, pages, filler)
    return out.getvalue()


def write_pdf(fh: io.BufferedIOBase | io.BytesIO, pages: list[str], filler: int = 0) -> None:
    """Write the PDF of pdf_bytes to fh; a filler is skipped over with seek (a sparse file on disk)."""
    n = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n))
    objects: list[bytes | int] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, text in enumerate(pages):
        content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1") if text else b""
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                       f"/Contents {5 + 2 * i} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    if filler:
        objects.append(filler)
    start = fh.tell()
    fh.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(fh.tell() - start)
        if isinstance(body, int):
            fh.write(b"%d 0 obj\n<< /Length %d >>\nstream\n" % (number, body))
            fh.seek(body, io.SEEK_CUR)
            fh.write(b"\nendstream\nendobj\n")
        else:
            fh.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = fh.tell() - start
    fh.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        fh.write(b"%010d 00000 n \n" % off)
    fh.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))


def _encrypted_pdf(user: str, owner: str) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_bytes(["Synthetic locked page about owls"]))))
    writer.encrypt(user_password=user, owner_password=owner, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- synthetic HWPX --------------------------------------------------------------------------

_HP = "http://www.hancom.co.kr/hwpml/2011/paragraph"
_HS = "http://www.hancom.co.kr/hwpml/2011/section"


def section_xml(paragraphs: list[str]) -> str:
    """An OWPML section: one paragraph (run, text) per string."""
    body = "".join(f"<hp:p><hp:run><hp:t>{p}</hp:t></hp:run></hp:p>" for p in paragraphs)
    return f'<?xml version="1.0" encoding="UTF-8"?><hs:sec xmlns:hs="{_HS}" xmlns:hp="{_HP}">{body}</hs:sec>'


def hwpx_bytes(sections: dict[str, str | bytes], listed: list[str] | None = None,
               extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal HWPX package: mimetype, content.hpf listing `listed` (default: the sections), the sections."""
    listed = list(sections) if listed is None else listed
    items = "".join(f'<opf:item id="s{i}" href="{n}" media-type="application/xml"/>' for i, n in enumerate(listed))
    hpf = (f'<?xml version="1.0" encoding="UTF-8"?><opf:package xmlns:opf="http://www.idpf.org/2007/opf/">'
           f"<opf:manifest>{items}</opf:manifest></opf:package>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/hwp+zip", compress_type=zipfile.ZIP_STORED)
        zf.writestr("Contents/content.hpf", hpf)
        for name, xml in sections.items():
            zf.writestr(name, xml)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return out.getvalue()


def _hwpx_ok() -> bytes:
    return hwpx_bytes({"Contents/section0.xml": section_xml(["합성 시험 문서: 수달 관찰 계획", "관찰 지점은 12곳이다."])})


def _zip_bomb(path: Path, unpacked: int) -> None:
    """A real zip bomb: a section of `unpacked` spaces deflated (about 1:230)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("Contents/content.hpf", "<opf:package/>")
        with zf.open("Contents/section0.xml", "w", force_zip64=unpacked >= 2**32) as fh:
            block = b" " * 2**20
            for _ in range(unpacked // 2**20):
                fh.write(block)


def _lying_zip(path: Path) -> None:
    """A section whose headers claim 1 KB unpacked while its deflated data unpacks to 64 MB."""
    _zip_bomb(path, 64 * 2**20)
    data = bytearray(path.read_bytes())
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local and central headers
        at = 0
        while (at := data.find(signature, at)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + 21] == b"Contents/section0.xml":
                struct.pack_into("<I", data, at + size_at, 1024)
            at += 4
    path.write_bytes(bytes(data))


def _billion_laughs() -> str:
    ents = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0"?><!DOCTYPE hs:sec [{ents}]>'
            f'<hs:sec xmlns:hs="{_HS}" xmlns:hp="{_HP}"><hp:p><hp:run><hp:t>&a9;</hp:t></hp:run></hp:p></hs:sec>')


def _deep_boxes(depth: int) -> str:
    opening = "".join("<hp:p><hp:run><hp:rect><hp:drawText><hp:subList>" for _ in range(depth))
    closing = "".join("</hp:subList></hp:drawText></hp:rect></hp:run></hp:p>" for _ in range(depth))
    return f'<hs:sec xmlns:hs="{_HS}" xmlns:hp="{_HP}">{opening}<hp:p><hp:run><hp:t>바닥</hp:t></hp:run></hp:p>{closing}</hs:sec>'


# --- damaged copies of the real HWP ----------------------------------------------------------


def _hwp_copy(name: str, change: Callable[[Any], None]) -> Callable[[Path], None]:
    """A copy of the real HWP in the corpus dir, changed in place through olefile (same stream sizes)."""
    def make(d: Path) -> None:
        import olefile

        shutil.copy(CORPUS / HWP_SOURCE, d / name)
        with olefile.OleFileIO(str(d / name), write_mode=True) as ole:
            change(ole)
    return make


def _hwp_flag(bit: int) -> Callable[[Any], None]:
    def change(ole: Any) -> None:
        header = bytearray(ole.openstream("FileHeader").read())
        struct.pack_into("<I", header, 36, struct.unpack_from("<I", header, 36)[0] | bit)
        ole.write_stream("FileHeader", bytes(header))
    return change


def _hwp_scramble(ole: Any) -> None:
    size = len(ole.openstream("BodyText/Section0").read())
    ole.write_stream("BodyText/Section0", bytes((i * 97 + 13) % 256 for i in range(size)))  # not deflate data


# --- small helpers ---------------------------------------------------------------------------


def _write(rel: str, data: bytes | str | Callable[[], bytes]) -> Callable[[Path], None]:
    """Write data (made only when the kind is, if it is a function) to rel under the corpus dir."""
    def make(d: Path) -> None:
        path = d / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = data() if callable(data) else data
        path.write_bytes(raw if isinstance(raw, bytes) else raw.encode("utf-8"))
    return make


def _manifest_rows(*rows: str, header: str = MANIFEST_HEADER) -> Callable[[Path], None]:
    """Replace the manifest by the header, the base document's real row (its fields under that header)
    and the given rows."""
    def make(d: Path) -> None:
        lines = (CORPUS / "manifest.tsv").read_text(encoding="utf-8").splitlines()
        real = dict(zip(lines[0].split("\t"), next(ln for ln in lines if ln.startswith(BASE_DOC + "\t")).split("\t")))
        columns = header.split("\t")
        base = "\t".join(real.get(c, "") for c in columns) if "file" in columns else None
        text = "\n".join([header, *([base] if base else []), *rows]) + "\n"
        (d / "manifest.tsv").write_text(text, encoding="utf-8")
    return make


def _both(*makers: Callable[[Path], None]) -> Callable[[Path], None]:
    def make(d: Path) -> None:
        for m in makers:
            m(d)
    return make


RELEASE = "합성 보도자료\n보도시점 2026. 1. 5.(월) 12:00\n수달 관찰 지점을 12곳으로 늘린다.\n"  # a header with a date
CP949_TEXT = "합성 시험 문서 (CP949)\n똠방각하 연구소는 관찰 지점을 12곳으로 늘린다.\n"  # 똠: in CP949, not in EUC-KR
EUCKR_TEXT = "합성 시험 문서 (EUC-KR)\n수달 연구소는 관찰 지점을 7곳으로 늘린다.\n"


def _utf16_no_bom() -> bytes:
    return ("합성 시험 문서 (UTF-16, BOM 없음)\n수달 연구소의 관찰 지점은 9곳이다.\n" * 3).encode("utf-16-le")


def _mixed() -> bytes:
    return ("합성 시험 문서 (섞인 인코딩)\n".encode() + "이 줄은 CP949로 저장되었다.\n".encode("cp949")
            + "이 줄은 다시 UTF-8이다.\n".encode())


def _patched(path: Path, at: int, data: bytes) -> bytes:
    raw = bytearray(path.read_bytes())
    raw[at : at + len(data)] = data
    return bytes(raw)


def _recode_manifest(d: Path) -> None:
    (d / "manifest.tsv").write_bytes((d / "manifest.tsv").read_text(encoding="utf-8").encode("cp949"))


def _fifo(d: Path) -> None:
    os.mkfifo(d / "pipe.txt")


def _symlink(rel: str, target: str) -> Callable[[Path], None]:
    def make(d: Path) -> None:
        (d / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, d / rel)
    return make


def _outside_link(d: Path) -> None:
    outside = d.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "private.txt").write_text("합성: 다른 폴더의 비공개 메모\n", encoding="utf-8")
    os.symlink(outside / "private.txt", d / "linked.txt")


def _copy_base(d: Path) -> None:
    shutil.copy(d / BASE_DOC, d / "copy_of_release.txt")


def _unreadable_file(d: Path) -> None:
    (d / "locked.txt").write_text("합성: 읽을 수 없는 파일\n", encoding="utf-8")
    os.chmod(d / "locked.txt", 0)


def _unreadable_dir(d: Path) -> None:
    (d / "closed").mkdir()
    (d / "closed" / "inside.txt").write_text("합성: 닫힌 폴더 안의 파일\n", encoding="utf-8")
    os.chmod(d / "closed", 0)


def _non_utf8_name(d: Path) -> None:
    name = "교육부_보도자료.txt".encode("cp949")  # a name written by a Windows tool in CP949
    with open(os.path.join(os.fsencode(d), name), "wb") as fh:
        fh.write("합성 시험 문서: 이름이 CP949인 파일\n".encode())


def _big_pdf(size: int) -> Callable[[Path], None]:
    def make(d: Path) -> None:
        with open(d / "huge.pdf", "wb") as fh:
            write_pdf(fh, ["Synthetic big report"], filler=size)
    return make


MB = 2**20

KINDS: list[Kind] = [
    # PDF
    Kind("pdf-truncated", "PDF cut off halfway (a failed download)",
         _write("cut.pdf", lambda: pdf_bytes(["Synthetic page one", "Synthetic page two"])[:400]),
         "skipped", "cut.pdf", "the PDF is cut short"),
    Kind("pdf-encrypted", "PDF with a user password", _write("locked.pdf", lambda: _encrypted_pdf("secret", "owner")),
         "skipped", "locked.pdf", "the PDF is encrypted (it needs a password to open)"),
    Kind("pdf-owner-password", "PDF with only an owner password (opens without one)",
         _write("owner.pdf", lambda: _encrypted_pdf("", "owner")), "ingested", text="Synthetic locked page about owls"),
    Kind("pdf-zero-byte", "zero-byte PDF", _write("empty.pdf", b""), "skipped", "empty.pdf", "the file is empty"),
    Kind("pdf-200mb", "200 MB PDF (one page of text and a 200 MB stream; sparse on disk)", _big_pdf(200 * MB),
         "skipped", "huge.pdf", "too large (200.0 MB; the limit is 100 MB"),
    Kind("pdf-no-text", "PDF whose pages carry no text (a scan)", _write("scan.pdf", lambda: pdf_bytes(["", ""])),
         "skipped", "scan.pdf", "no text could be extracted"),
    Kind("pdf-not-a-pdf", "an HTML page saved as .pdf", _write("page.pdf", "<html><body>합성 페이지</body></html>"),
         "skipped", "page.pdf", "not a PDF (no %PDF- header"),
    # HWPX
    Kind("hwpx-zip-bomb", "HWPX zip bomb (a 1.3 MB archive unpacking to 300 MB)",
         lambda d: _zip_bomb(d / "bomb.hwpx", 300 * MB), "skipped", "bomb.hwpx", "over the 256 MB limit (a zip bomb?)"),
    Kind("hwpx-lying-size", "HWPX zip bomb whose headers claim 1 KB", lambda d: _lying_zip(d / "liar.hwpx"),
         "skipped", "liar.hwpx", "not a valid HWPX zip archive (Bad CRC-32"),
    Kind("hwpx-missing-section", "HWPX whose content.hpf lists a section the archive lacks",
         _write("missing.hwpx", lambda: hwpx_bytes({"Contents/section0.xml": section_xml(["합성 첫 구역"])},
                                           listed=["Contents/section0.xml", "Contents/section1.xml"])),
         "skipped", "missing.hwpx", "Contents/section1.xml is listed in Contents/content.hpf but missing"),
    Kind("hwpx-section-gap", "HWPX with section0 and section2 but no section1",
         _write("gap.hwpx", lambda: hwpx_bytes({"Contents/section0.xml": section_xml(["합성 첫 구역"]),
                                        "Contents/section2.xml": section_xml(["합성 셋째 구역"])}, listed=[])),
         "skipped", "gap.hwpx", "Contents/section1.xml is missing"),
    Kind("hwpx-no-section", "a .docx renamed to .hwpx",
         _write("renamed.hwpx", lambda: hwpx_bytes({"word/document.xml": "<w:document/>"}, listed=[])),
         "skipped", "renamed.hwpx", "no Contents/section*.xml"),
    Kind("hwpx-malformed-xml", "HWPX with malformed section XML",
         _write("malformed.hwpx", lambda: hwpx_bytes({"Contents/section0.xml": section_xml(["합성"]).replace("</hp:t>", "")})),
         "skipped", "malformed.hwpx", "malformed section XML"),
    Kind("hwpx-entity-bomb", "HWPX section with an XML entity bomb (billion laughs)",
         _write("laughs.hwpx", lambda: hwpx_bytes({"Contents/section0.xml": _billion_laughs()})),
         "skipped", "laughs.hwpx", "malformed section XML"),
    Kind("hwpx-truncated", "HWPX cut off halfway", _write("cut.hwpx", lambda: _hwpx_ok()[:300]),
         "skipped", "cut.hwpx", "not a valid HWPX zip archive"),
    Kind("hwpx-password", "password-protected HWPX (encrypted entries)",
         _write("locked.hwpx", lambda: hwpx_bytes({"Contents/section0.xml": b"\x8f\x13 encrypted bytes"},
                                          extra={"META-INF/manifest.xml": b"<manifest><file-entry><encryption-data/>"
                                                                          b"</file-entry></manifest>"})),
         "skipped", "locked.hwpx", "the document is password-protected"),
    Kind("hwpx-deep-nesting", "HWPX with 5,000 text boxes nested in each other",
         _write("deep.hwpx", lambda: hwpx_bytes({"Contents/section0.xml": _deep_boxes(5000)})),
         "skipped", "deep.hwpx", "nested too deeply"),
    Kind("hwpx-zero-byte", "zero-byte HWPX", _write("empty.hwpx", b""), "skipped", "empty.hwpx", "the file is empty"),
    # HWP 5.0 (damaged copies of a real corpus HWP, made in the temp dir)
    Kind("hwp-broken-stream", "HWP whose BodyText/Section0 stream is overwritten with noise",
         _hwp_copy("noise.hwp", _hwp_scramble), "skipped", "noise.hwp", "section Section0 does not decompress"),
    Kind("hwp-password", "password-protected HWP (FileHeader flag)",
         _hwp_copy("locked.hwp", _hwp_flag(0x2)), "skipped", "locked.hwp", "password-protected"),
    Kind("hwp-drm", "distribution (DRM) HWP", _hwp_copy("drm.hwp", _hwp_flag(0x4)),
         "skipped", "drm.hwp", "distribution (DRM) copy"),
    Kind("hwp-truncated", "HWP cut off at 60 % (a broken OLE container)",
         _write("cut.hwp", lambda: (CORPUS / HWP_SOURCE).read_bytes()[: (CORPUS / HWP_SOURCE).stat().st_size * 6 // 10]),
         "skipped", "cut.hwp", "section Section0 is cut short"),
    Kind("hwp-bad-fat", "HWP whose OLE header points its FAT at a sector past the end",
         _write("fat.hwp", lambda: _patched(CORPUS / HWP_SOURCE, 0x4C, struct.pack("<I", 0x7FFFFF00))),
         "skipped", "fat.hwp", "damaged OLE2 container"),
    Kind("hwp-not-ole", "a text file saved as .hwp", _write("text.hwp", "합성: 한글 파일이 아님"),
         "skipped", "text.hwp", "not an OLE2 compound file"),
    # text
    Kind("txt-cp949", "a .txt in CP949", _write("cp949.txt", CP949_TEXT.encode("cp949")), "ingested",
         text="똠방각하 연구소는 관찰 지점을 12곳으로 늘린다."),
    Kind("txt-euc-kr", "a .txt in EUC-KR", _write("euckr.txt", EUCKR_TEXT.encode("euc-kr")), "ingested",
         text="수달 연구소는 관찰 지점을 7곳으로 늘린다."),
    Kind("md-cp949", "a .md in CP949", _write("notes.md", ("# 합성 메모\n\n" + CP949_TEXT).encode("cp949")), "ingested",
         text="똠방각하 연구소는 관찰 지점을 12곳으로 늘린다."),
    Kind("txt-utf16-bom", "a .txt in UTF-16 with a byte-order mark (Notepad's 'Unicode')",
         _write("utf16.txt", codecs.BOM_UTF16_LE + "합성 시험 문서 (UTF-16)\n수달 연구소의 관찰 지점은 9곳이다.\n"
                .encode("utf-16-le")),
         "ingested", text="수달 연구소의 관찰 지점은 9곳이다."),
    Kind("txt-utf16-no-bom", "a .txt in UTF-16 without a byte-order mark", _write("utf16nobom.txt", _utf16_no_bom),
         "skipped", "utf16nobom.txt", "UTF-16 text without a byte-order mark"),
    Kind("txt-mixed", "a .txt with UTF-8 and CP949 lines", _write("mixed.txt", _mixed), "ingested",
         text="이 줄은 CP949로 저장되었다."),
    Kind("txt-undecodable", "a .txt in neither UTF-8 nor CP949 (Latin-1 bytes)",
         _write("latin1.txt", "Synthetic r\u00e9sum\u00e9 na\u00efve\n".encode("latin-1") + b"\xff\xfe\xfd\n"),
         "skipped", "latin1.txt", "is neither UTF-8 nor CP949"),
    Kind("txt-nul-bytes", "a .txt with NUL bytes (a binary file renamed)",
         _write("binary.txt", b"PK\x03\x04\x00\x00\x01\x02" * 64),
         "skipped", "binary.txt", "NUL bytes"),
    Kind("txt-10mb-line", "a .txt that is one 10 MB line", _write("oneline.txt", lambda: b"A" * (10 * MB)),
         "skipped", "oneline.txt", "a paragraph of 10,485,760 characters"),
    Kind("txt-control-chars", "a .txt with terminal escape codes and other control characters",
         _write("escapes.txt", "합성 시험 문서\n\x1b[31m수달\x1b[0m 관찰 지점은\x07 5곳이다.\x08\n"), "ingested",
         text="[31m수달[0m 관찰 지점은 5곳이다."),
    # files and paths
    Kind("duplicate", "the same file under two names", _copy_base, "skipped", "copy_of_release.txt",
         f"the same content as docs/{BASE_DOC} (indexed once"),
    Kind("symlink-loop", "two links pointing at each other",
         _both(_symlink("loop_a.txt", "loop_b.txt"), _symlink("loop_b.txt", "loop_a.txt")),
         "skipped", "loop_a.txt", "a symbolic link loop"),
    Kind("dir-link-loop", "a link to its own parent directory", _symlink("sub/up", ".."),
         "skipped", "sub/up", "a link to a directory (not followed"),
    Kind("dangling-link", "a link to a file that does not exist", _symlink("gone.txt", "nowhere.txt"),
         "skipped", "gone.txt", "a broken symbolic link"),
    Kind("link-outside", "a link to a file outside the corpus directory", _outside_link,
         "skipped", "linked.txt", "outside"),
    Kind("vanish-listed", "a file deleted after the directory was listed", _write("vanish.txt", "합성: 곧 사라질 파일\n"),
         "skipped", "vanish.txt", "disappeared while the run was reading it", needs="vanish-listed"),
    Kind("vanish-reading", "a file deleted after its digest, before it is parsed",
         _write("vanish.txt", "합성: 곧 사라질 파일\n"), "skipped", "vanish.txt", "disappeared while the run was reading it",
         needs="vanish-reading"),
    Kind("dotdot-path", "the corpus named again as docs/sub/../" + BASE_DOC, lambda d: (d / "sub").mkdir(),
         "nothing", extra_args=lambda d: [str(d / "sub" / ".." / BASE_DOC)]),
    Kind("non-utf8-name", "a file name in CP949 bytes, not UTF-8", _non_utf8_name,
         "skipped", "\\xb1\\xb3\\xc0\\xb0\\xba\\xce_", "the name is not valid UTF-8"),
    Kind("newline-name", "a file name with a line break", _write("two\nlines.txt", "합성: 이름에 줄바꿈\n"),
         "skipped", "two\\nlines.txt", "control characters"),
    Kind("fifo", "a named pipe called pipe.txt", _fifo, "skipped", "pipe.txt", "not a regular file (a named pipe)"),
    Kind("dir-named-like-file", "a directory called report.pdf holding a text file",
         _write("report.pdf/inside.txt", "합성: report.pdf 폴더 안의 메모\n"), "ingested",
         text="합성: report.pdf 폴더 안의 메모"),
    Kind("unreadable-file", "a file without read permission (checked without root's override)", _unreadable_file,
         "skipped", "locked.txt", "cannot be read (Permission denied)", needs="nocaps"),
    Kind("unreadable-dir", "a directory without permissions (checked without root's override)", _unreadable_dir,
         "skipped", "closed", "cannot list the directory (Permission denied)", needs="nocaps"),
    Kind("unsupported", "a .docx file", _write("notes.docx", b"PK\x03\x04 synthetic"), "skipped", "notes.docx",
         "unsupported file type '.docx'"),
    # manifest
    Kind("manifest-bad-date", "a manifest row with the date 2026-02-30",
         _both(_write("release.txt", RELEASE), _manifest_rows("release.txt\t합성 보도자료\t2026-02-30\t합성\t\t\ttxt")),
         "warning", "manifest.tsv", "date '2026-02-30' of 'release.txt' is not a real YYYY-MM-DD date",
         text="수달 관찰 지점을 12곳으로 늘린다.", date="2026-01-05"),
    Kind("manifest-missing-column", "a manifest without a date column",
         _both(_write("release.txt", RELEASE),
               _manifest_rows("release.txt\t합성 보도자료\t합성", header="file\ttitle\tpublisher")),
         "warning", "manifest.tsv", "no 'date' column", text="수달 관찰 지점을 12곳으로 늘린다.", date="2026-01-05"),
    Kind("manifest-short-row", "a manifest row with three of seven fields",
         _both(_write("release.txt", RELEASE), _manifest_rows("release.txt\t합성 보도자료\t2026-01-05")),
         "warning", "manifest.tsv", "3 fields where the header has 7", text="수달 관찰 지점을 12곳으로 늘린다.",
         date="2026-01-05"),
    Kind("manifest-missing-file", "a manifest row for a file that does not exist",
         _manifest_rows("ghost.hwpx\t없는 문서\t2026-01-05\t합성\t\t\thwpx"), "warning", "manifest.tsv",
         "no file 'ghost.hwpx'"),
    Kind("manifest-path-row", "a manifest row whose file is ../secret.txt",
         _manifest_rows("../secret.txt\t경로\t2026-01-05\t합성\t\t\ttxt"), "warning", "manifest.tsv", "is a path"),
    Kind("manifest-no-file-column", "a manifest without a file column",
         _manifest_rows("합성 보도자료\t2026-01-05", header="title\tdate"), "warning", "manifest.tsv", "no 'file' column"),
    Kind("ingest-running", "a second ingest while one is writing the index", lambda d: None, "refused",
         reason="another ingest (pid", needs="locked"),
    Kind("index-is-a-file", "--index naming a regular file", lambda d: None, "refused",
         reason="is not a directory", needs="index-file"),
    Kind("manifest-cp949", "a manifest saved by Excel in CP949",
         _recode_manifest, "nothing"),
]


def kind(name: str) -> Kind:
    """The kind called name."""
    return next(k for k in KINDS if k.name == name)


def base_corpus(directory: Path) -> Path:
    """directory/docs with the base document and its real manifest row (the start of every kind)."""
    docs = directory / "docs"
    docs.mkdir(parents=True)
    shutil.copy(CORPUS / BASE_DOC, docs / BASE_DOC)
    _manifest_rows()(docs)
    return docs


# --- running a kind and checking what the user saw -------------------------------------------

ROOT = CORPUS.parent
NOCAPS = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search"]


@dataclass(frozen=True)
class Run:
    """What one ingest printed and returned."""

    code: int
    out: str
    err: str
    seconds: float


def ingest_args(k: Kind, work: Path) -> list[str]:
    """The command line of the kind's ingest, run in work (which holds docs/ and ix/)."""
    index = "ix/not-a-dir" if k.needs == "index-file" else "ix"
    return ["ingest", "docs", *k.extra_args(Path("docs")), "--index", index, "--quiet"]


def prepare(k: Kind, work: Path) -> None:
    """Make the kind's bad input in work/docs (and what its `needs` asks for around it)."""
    k.make(work / "docs")
    if k.needs == "index-file":
        (work / "ix" / "not-a-dir").write_text("합성: 색인 자리에 놓인 파일\n", encoding="utf-8")


def run_subprocess(k: Kind, work: Path) -> Run:
    """The kind's ingest through the real CLI in a new process (`python -m assistant ingest ...`)."""
    import subprocess
    import sys
    import time

    args = ingest_args(k, work)
    hooked = k.needs.startswith("vanish") or k.needs == "locked"
    module = ["tests.badinputs", "ingest", k.name] if hooked else ["assistant"]
    cmd = [sys.executable, "-m", *module, *args]
    if k.needs == "nocaps" and os.geteuid() == 0:
        cmd = [*NOCAPS, *cmd]  # root reads any file: drop the capability that lets it
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=900, errors="replace")
    return Run(proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start)


def run_in_process(k: Kind, work: Path, embedder: Any) -> Run:
    """The kind's ingest through assistant.cli.main in this process, with the session's real embedder."""
    import contextlib
    import time

    import ingest.indexer as indexer

    out, err = io.StringIO(), io.StringIO()
    saved = indexer.E5Embedding
    indexer.E5Embedding = lambda: embedder  # type: ignore[assignment,misc]  # the same real model, loaded once
    start = time.perf_counter()
    try:
        with _hooks(k, work), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            from assistant.cli import main

            code = main(ingest_args(k, work))
    finally:
        indexer.E5Embedding = saved  # type: ignore[misc]
    return Run(code, out.getvalue(), err.getvalue(), time.perf_counter() - start)


@contextmanager
def _hooks(k: Kind, work: Path) -> Iterator[None]:
    """Fault injection around a run: delete a file mid-run, or hold the index's writer lock."""
    import ingest.indexer as indexer
    from core import bm25files

    real_discover, real_load = indexer.discover, indexer.load
    lock = None
    if k.needs == "vanish-listed":
        def discover(paths: Any) -> Any:
            found = real_discover(paths)
            (work / "docs" / "vanish.txt").unlink()  # listed, then gone before its bytes are read
            return found
        indexer.discover = discover  # type: ignore[assignment]
    elif k.needs == "vanish-reading":
        def load(path: Path, *args: Any) -> Any:
            if path.name == "vanish.txt":
                path.unlink()  # digested, then gone before the loader opens it
            return real_load(path, *args)
        indexer.load = load  # type: ignore[assignment]
    elif k.needs == "locked":
        lock = bm25files.lock_for_writing(work / "ix")  # another writer, for the length of the run
    try:
        yield
    finally:
        indexer.discover, indexer.load = real_discover, real_load  # type: ignore[assignment]
        if lock:
            lock.close()


def verify(k: Kind, work: Path, run: Run, base: dict[str, Any]) -> list[str]:
    """Everything wrong with what the user saw and what the index holds after the kind's run."""
    from tests.indexcheck import disagreements, snapshot

    problems: list[str] = []
    want = {"skipped": 1, "warning": 1, "ingested": 0, "nothing": 0, "refused": 2}[k.outcome]
    if run.code != want:
        problems.append(f"exit {run.code}, expected {want}")
    lines = [ln for ln in run.err.splitlines() if ln.strip()]
    if "Traceback" in run.err:
        problems.append("a traceback on stderr")
    stray = [ln for ln in lines if not ln.startswith(("skipped ", "warning ", "error: "))]
    if stray:
        problems.append(f"stray stderr lines: {stray[:3]}")
    named = [ln for ln in lines if k.reason and k.reason in ln and k.target in ln]
    if k.outcome == "skipped" and not any(ln.startswith("skipped ") for ln in named):
        problems.append(f"no 'skipped' line names {k.target!r} with {k.reason!r}: {lines}")
    if k.outcome == "warning" and not any(ln.startswith("warning ") for ln in named):
        problems.append(f"no 'warning' line names {k.target!r} with {k.reason!r}: {lines}")
    if k.outcome == "refused" and not (len(lines) == 1 and lines[0].startswith("error: ") and k.reason in lines[0]):
        problems.append(f"not one 'error:' line with {k.reason!r}: {lines}")
    if k.outcome in ("ingested", "nothing") and lines:
        problems.append(f"unexpected stderr: {lines[:3]}")
    snap = snapshot(work / "ix")
    problems += disagreements(snap)
    if k.text:  # the file was read: its line is in the index verbatim, and nothing indexed before changed
        if not set(base["sqlite_ids"]) <= set(snap["sqlite_ids"]):
            problems.append("chunks indexed before the run are gone")
        problems += _holds(work / "ix", k)
    elif snap["tables"] != base["tables"] or snap["sqlite_ids"] != base["sqlite_ids"]:
        problems.append("the index changed")
    return problems


def _holds(index: Path, k: Kind) -> list[str]:
    import json
    import sqlite3

    db = sqlite3.connect(index / "index.sqlite")
    try:
        rows = db.execute("SELECT c.source, c.lines, f.date FROM chunks c JOIN files f ON f.source = c.source").fetchall()
    finally:
        db.close()
    hits = [(source, date) for source, lines, date in rows if k.text in json.loads(lines)]
    if not hits:
        return [f"the index does not hold the line {k.text!r}"]
    if k.date and hits[0][1] != k.date:
        return [f"{hits[0][0]} is dated {hits[0][1]!r}, not {k.date!r} from its header"]
    return []


def main(argv: list[str]) -> int:
    """`ingest KIND ARGS...`: run the CLI with the kind's fault injection (for the subprocess runs)."""
    if len(argv) >= 2 and argv[0] == "ingest":
        k = kind(argv[1])
        from assistant.cli import main as cli_main

        with _hooks(k, Path.cwd()):
            return cli_main(argv[2:])
    print("usage: python -m tests.badinputs ingest KIND ARGS...")
    return 2


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
