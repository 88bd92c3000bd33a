"""SYNTHETIC bad files for the bad-input kinds (tests/badinputs.py): PDFs, HWPX archives and texts
built byte by byte, damaged copies of one real HWP made in a temp dir. Nothing here is a real document."""

from __future__ import annotations

import io
import os
import shutil
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import CORPUS

BASE_DOC = "msit_2025-09-30_ai_core_project_tf.txt"  # the one real document every kind's index starts from
QUESTION = "AI 인재 TF 담당 사무관 전화번호는?"  # answered from BASE_DOC (044-202-6321)
HWP_SOURCE = "moe_2026-03-04_105494.hwp"  # the real HWP the damaged HWP copies start from
MANIFEST_HEADER = "file\ttitle\tdate\tpublisher\tsource_url\tlicence\tformat"


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


def encrypted_pdf(user: str, owner: str) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_bytes(["Synthetic locked page about owls"]))))
    writer.encrypt(user_password=user, owner_password=owner, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- synthetic HWPX --------------------------------------------------------------------------

HP = "http://www.hancom.co.kr/hwpml/2011/paragraph"
HS = "http://www.hancom.co.kr/hwpml/2011/section"


def section_xml(paragraphs: list[str]) -> str:
    """An OWPML section: one paragraph (run, text) per string."""
    body = "".join(f"<hp:p><hp:run><hp:t>{p}</hp:t></hp:run></hp:p>" for p in paragraphs)
    return f'<?xml version="1.0" encoding="UTF-8"?><hs:sec xmlns:hs="{HS}" xmlns:hp="{HP}">{body}</hs:sec>'


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


def hwpx_ok() -> bytes:
    return hwpx_bytes({"Contents/section0.xml": section_xml(["합성 시험 문서: 수달 관찰 계획", "관찰 지점은 12곳이다."])})


def zip_bomb(path: Path, unpacked: int) -> None:
    """A real zip bomb: a section of `unpacked` spaces deflated (about 1:230)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("Contents/content.hpf", "<opf:package/>")
        with zf.open("Contents/section0.xml", "w", force_zip64=unpacked >= 2**32) as fh:
            block = b" " * 2**20
            for _ in range(unpacked // 2**20):
                fh.write(block)


def lying_zip(path: Path) -> None:
    """A section whose headers claim 1 KB unpacked while its deflated data unpacks to 64 MB."""
    zip_bomb(path, 64 * 2**20)
    data = bytearray(path.read_bytes())
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local and central headers
        at = 0
        while (at := data.find(signature, at)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + 21] == b"Contents/section0.xml":
                struct.pack_into("<I", data, at + size_at, 1024)
            at += 4
    path.write_bytes(bytes(data))


def billion_laughs() -> str:
    ents = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0"?><!DOCTYPE hs:sec [{ents}]>'
            f'<hs:sec xmlns:hs="{HS}" xmlns:hp="{HP}"><hp:p><hp:run><hp:t>&a9;</hp:t></hp:run></hp:p></hs:sec>')


def deep_boxes(depth: int) -> str:
    opening = "".join("<hp:p><hp:run><hp:rect><hp:drawText><hp:subList>" for _ in range(depth))
    closing = "".join("</hp:subList></hp:drawText></hp:rect></hp:run></hp:p>" for _ in range(depth))
    return f'<hs:sec xmlns:hs="{HS}" xmlns:hp="{HP}">{opening}<hp:p><hp:run><hp:t>바닥</hp:t></hp:run></hp:p>{closing}</hs:sec>'


# --- damaged copies of the real HWP ----------------------------------------------------------


def hwp_copy(name: str, change: Callable[[Any], None]) -> Callable[[Path], None]:
    """A copy of the real HWP in the corpus dir, changed in place through olefile (same stream sizes)."""
    def make(d: Path) -> None:
        import olefile

        shutil.copy(CORPUS / HWP_SOURCE, d / name)
        with olefile.OleFileIO(str(d / name), write_mode=True) as ole:
            change(ole)
    return make


def hwp_flag(bit: int) -> Callable[[Any], None]:
    def change(ole: Any) -> None:
        header = bytearray(ole.openstream("FileHeader").read())
        struct.pack_into("<I", header, 36, struct.unpack_from("<I", header, 36)[0] | bit)
        ole.write_stream("FileHeader", bytes(header))
    return change


def hwp_scramble(ole: Any) -> None:
    size = len(ole.openstream("BodyText/Section0").read())
    ole.write_stream("BodyText/Section0", bytes((i * 97 + 13) % 256 for i in range(size)))  # not deflate data


# --- small helpers ---------------------------------------------------------------------------


def write(rel: str, data: bytes | str | Callable[[], bytes]) -> Callable[[Path], None]:
    """Write data (made only when the kind is, if it is a function) to rel under the corpus dir."""
    def make(d: Path) -> None:
        path = d / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = data() if callable(data) else data
        path.write_bytes(raw if isinstance(raw, bytes) else raw.encode("utf-8"))
    return make


def manifest_rows(*rows: str, header: str = MANIFEST_HEADER) -> Callable[[Path], None]:
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


def both(*makers: Callable[[Path], None]) -> Callable[[Path], None]:
    def make(d: Path) -> None:
        for m in makers:
            m(d)
    return make


RELEASE = "합성 보도자료\n보도시점 2026. 1. 5.(월) 12:00\n수달 관찰 지점을 12곳으로 늘린다.\n"  # a header with a date
CP949_TEXT = "합성 시험 문서 (CP949)\n똠방각하 연구소는 관찰 지점을 12곳으로 늘린다.\n"  # 똠: in CP949, not in EUC-KR
EUCKR_TEXT = "합성 시험 문서 (EUC-KR)\n수달 연구소는 관찰 지점을 7곳으로 늘린다.\n"


def utf16_no_bom() -> bytes:
    return ("합성 시험 문서 (UTF-16, BOM 없음)\n수달 연구소의 관찰 지점은 9곳이다.\n" * 3).encode("utf-16-le")


def mixed() -> bytes:
    return ("합성 시험 문서 (섞인 인코딩)\n".encode() + "이 줄은 CP949로 저장되었다.\n".encode("cp949")
            + "이 줄은 다시 UTF-8이다.\n".encode())


def patched(path: Path, at: int, data: bytes) -> bytes:
    raw = bytearray(path.read_bytes())
    raw[at : at + len(data)] = data
    return bytes(raw)


def recode_manifest(d: Path) -> None:
    (d / "manifest.tsv").write_bytes((d / "manifest.tsv").read_text(encoding="utf-8").encode("cp949"))


def fifo(d: Path) -> None:
    os.mkfifo(d / "pipe.txt")


def symlink(rel: str, target: str) -> Callable[[Path], None]:
    def make(d: Path) -> None:
        (d / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, d / rel)
    return make


def outside_link(d: Path) -> None:
    outside = d.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "private.txt").write_text("합성: 다른 폴더의 비공개 메모\n", encoding="utf-8")
    os.symlink(outside / "private.txt", d / "linked.txt")


def copy_base(d: Path) -> None:
    shutil.copy(d / BASE_DOC, d / "copy_of_release.txt")


def unreadable_file(d: Path) -> None:
    (d / "locked.txt").write_text("합성: 읽을 수 없는 파일\n", encoding="utf-8")
    os.chmod(d / "locked.txt", 0)


def unreadable_dir(d: Path) -> None:
    (d / "closed").mkdir()
    (d / "closed" / "inside.txt").write_text("합성: 닫힌 폴더 안의 파일\n", encoding="utf-8")
    os.chmod(d / "closed", 0)


def non_utf8_name(d: Path) -> None:
    name = "교육부_보도자료.txt".encode("cp949")  # a name written by a Windows tool in CP949
    with open(os.path.join(os.fsencode(d), name), "wb") as fh:
        fh.write("합성 시험 문서: 이름이 CP949인 파일\n".encode())


def big_pdf(size: int) -> Callable[[Path], None]:
    def make(d: Path) -> None:
        with open(d / "huge.pdf", "wb") as fh:
            write_pdf(fh, ["Synthetic big report"], filler=size)
    return make
