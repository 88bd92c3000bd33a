"""SYNTHETIC bad inputs for ingest (issue #10), each made at test time in a temp dir by a function here.

Nothing here is a real document and nothing is written under corpus/: the PDFs, HWPX archives
and texts are built byte by byte, and the HWP cases are damaged copies of one corpus file made in
the temp dir. Each kind says what the user must see: the file skipped with a one-line reason
(exit 1), a manifest warning (exit 1), or the file read correctly (exit 0).

The kinds run through the real CLI in tests/test_bad_inputs.py (tests/badrun.py runs and checks them).
"""

from __future__ import annotations

import codecs
import shutil
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.badfiles import (
    BASE_DOC,
    CP949_TEXT,
    EUCKR_TEXT,
    HWP_SOURCE,
    RELEASE,
    big_pdf,
    billion_laughs,
    both,
    copy_base,
    deep_boxes,
    encrypted_pdf,
    fifo,
    hwp_copy,
    hwp_flag,
    hwp_scramble,
    hwpx_bytes,
    hwpx_ok,
    lying_zip,
    manifest_rows,
    mixed,
    non_utf8_name,
    outside_link,
    patched,
    pdf_bytes,
    recode_manifest,
    section_xml,
    symlink,
    unreadable_dir,
    unreadable_file,
    utf16_no_bom,
    write,
    zip_bomb,
)
from tests.conftest import CORPUS


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


MB = 2**20

KINDS: list[Kind] = [
    # PDF
    Kind("pdf-truncated", "PDF cut off halfway (a failed download)",
         write("cut.pdf", lambda: pdf_bytes(["Synthetic page one", "Synthetic page two"])[:400]),
         "skipped", "cut.pdf", "the PDF is cut short"),
    Kind("pdf-encrypted", "PDF with a user password", write("locked.pdf", lambda: encrypted_pdf("secret", "owner")),
         "skipped", "locked.pdf", "the PDF is encrypted (it needs a password to open)"),
    Kind("pdf-owner-password", "PDF with only an owner password (opens without one)",
         write("owner.pdf", lambda: encrypted_pdf("", "owner")), "ingested", text="Synthetic locked page about owls"),
    Kind("pdf-zero-byte", "zero-byte PDF", write("empty.pdf", b""), "skipped", "empty.pdf", "the file is empty"),
    Kind("pdf-200mb", "200 MB PDF (one page of text and a 200 MB stream; sparse on disk)", big_pdf(200 * MB),
         "skipped", "huge.pdf", "too large (200.0 MB; the limit is 100 MB"),
    Kind("pdf-no-text", "PDF whose pages carry no text (a scan)", write("scan.pdf", lambda: pdf_bytes(["", ""])),
         "skipped", "scan.pdf", "no text could be extracted"),
    Kind("pdf-not-a-pdf", "an HTML page saved as .pdf", write("page.pdf", "<html><body>합성 페이지</body></html>"),
         "skipped", "page.pdf", "not a PDF (no %PDF- header"),
    # HWPX
    Kind("hwpx-zip-bomb", "HWPX zip bomb (a 1.3 MB archive unpacking to 300 MB)",
         lambda d: zip_bomb(d / "bomb.hwpx", 300 * MB), "skipped", "bomb.hwpx", "over the 256 MB limit (a zip bomb?)"),
    Kind("hwpx-lying-size", "HWPX zip bomb whose headers claim 1 KB", lambda d: lying_zip(d / "liar.hwpx"),
         "skipped", "liar.hwpx", "not a valid HWPX zip archive (Bad CRC-32"),
    Kind("hwpx-missing-section", "HWPX whose content.hpf lists a section the archive lacks",
         write("missing.hwpx", lambda: hwpx_bytes({"Contents/section0.xml": section_xml(["합성 첫 구역"])},
                                           listed=["Contents/section0.xml", "Contents/section1.xml"])),
         "skipped", "missing.hwpx", "Contents/section1.xml is listed in Contents/content.hpf but missing"),
    Kind("hwpx-section-gap", "HWPX with section0 and section2 but no section1",
         write("gap.hwpx", lambda: hwpx_bytes({"Contents/section0.xml": section_xml(["합성 첫 구역"]),
                                        "Contents/section2.xml": section_xml(["합성 셋째 구역"])}, listed=[])),
         "skipped", "gap.hwpx", "Contents/section1.xml is missing"),
    Kind("hwpx-no-section", "a .docx renamed to .hwpx",
         write("renamed.hwpx", lambda: hwpx_bytes({"word/document.xml": "<w:document/>"}, listed=[])),
         "skipped", "renamed.hwpx", "no Contents/section*.xml"),
    Kind("hwpx-malformed-xml", "HWPX with malformed section XML",
         write("malformed.hwpx", lambda: hwpx_bytes({"Contents/section0.xml": section_xml(["합성"]).replace("</hp:t>", "")})),
         "skipped", "malformed.hwpx", "malformed section XML"),
    Kind("hwpx-entity-bomb", "HWPX section with an XML entity bomb (billion laughs)",
         write("laughs.hwpx", lambda: hwpx_bytes({"Contents/section0.xml": billion_laughs()})),
         "skipped", "laughs.hwpx", "malformed section XML"),
    Kind("hwpx-truncated", "HWPX cut off halfway", write("cut.hwpx", lambda: hwpx_ok()[:300]),
         "skipped", "cut.hwpx", "not a valid HWPX zip archive"),
    Kind("hwpx-password", "password-protected HWPX (encrypted entries)",
         write("locked.hwpx", lambda: hwpx_bytes({"Contents/section0.xml": b"\x8f\x13 encrypted bytes"},
                                          extra={"META-INF/manifest.xml": b"<manifest><file-entry><encryption-data/>"
                                                                          b"</file-entry></manifest>"})),
         "skipped", "locked.hwpx", "the document is password-protected"),
    Kind("hwpx-deep-nesting", "HWPX with 5,000 text boxes nested in each other",
         write("deep.hwpx", lambda: hwpx_bytes({"Contents/section0.xml": deep_boxes(5000)})),
         "skipped", "deep.hwpx", "nested too deeply"),
    Kind("hwpx-zero-byte", "zero-byte HWPX", write("empty.hwpx", b""), "skipped", "empty.hwpx", "the file is empty"),
    # HWP 5.0 (damaged copies of a real corpus HWP, made in the temp dir)
    Kind("hwp-broken-stream", "HWP whose BodyText/Section0 stream is overwritten with noise",
         hwp_copy("noise.hwp", hwp_scramble), "skipped", "noise.hwp", "section Section0 does not decompress"),
    Kind("hwp-password", "password-protected HWP (FileHeader flag)",
         hwp_copy("locked.hwp", hwp_flag(0x2)), "skipped", "locked.hwp", "password-protected"),
    Kind("hwp-drm", "distribution (DRM) HWP", hwp_copy("drm.hwp", hwp_flag(0x4)),
         "skipped", "drm.hwp", "distribution (DRM) copy"),
    Kind("hwp-truncated", "HWP cut off at 60 % (a broken OLE container)",
         write("cut.hwp", lambda: (CORPUS / HWP_SOURCE).read_bytes()[: (CORPUS / HWP_SOURCE).stat().st_size * 6 // 10]),
         "skipped", "cut.hwp", "section Section0 is cut short"),
    Kind("hwp-bad-fat", "HWP whose OLE header points its FAT at a sector past the end",
         write("fat.hwp", lambda: patched(CORPUS / HWP_SOURCE, 0x4C, struct.pack("<I", 0x7FFFFF00))),
         "skipped", "fat.hwp", "damaged OLE2 container"),
    Kind("hwp-not-ole", "a text file saved as .hwp", write("text.hwp", "합성: 한글 파일이 아님"),
         "skipped", "text.hwp", "not an OLE2 compound file"),
    # text
    Kind("txt-cp949", "a .txt in CP949", write("cp949.txt", CP949_TEXT.encode("cp949")), "ingested",
         text="똠방각하 연구소는 관찰 지점을 12곳으로 늘린다."),
    Kind("txt-euc-kr", "a .txt in EUC-KR", write("euckr.txt", EUCKR_TEXT.encode("euc-kr")), "ingested",
         text="수달 연구소는 관찰 지점을 7곳으로 늘린다."),
    Kind("md-cp949", "a .md in CP949", write("notes.md", ("# 합성 메모\n\n" + CP949_TEXT).encode("cp949")), "ingested",
         text="똠방각하 연구소는 관찰 지점을 12곳으로 늘린다."),
    Kind("txt-utf16-bom", "a .txt in UTF-16 with a byte-order mark (Notepad's 'Unicode')",
         write("utf16.txt", codecs.BOM_UTF16_LE + "합성 시험 문서 (UTF-16)\n수달 연구소의 관찰 지점은 9곳이다.\n"
                .encode("utf-16-le")),
         "ingested", text="수달 연구소의 관찰 지점은 9곳이다."),
    Kind("txt-utf16-no-bom", "a .txt in UTF-16 without a byte-order mark", write("utf16nobom.txt", utf16_no_bom),
         "skipped", "utf16nobom.txt", "UTF-16 text without a byte-order mark"),
    Kind("txt-mixed", "a .txt with UTF-8 and CP949 lines", write("mixed.txt", mixed), "ingested",
         text="이 줄은 CP949로 저장되었다."),
    Kind("txt-undecodable", "a .txt in neither UTF-8 nor CP949 (Latin-1 bytes)",
         write("latin1.txt", "Synthetic r\u00e9sum\u00e9 na\u00efve\n".encode("latin-1") + b"\xff\xfe\xfd\n"),
         "skipped", "latin1.txt", "is neither UTF-8 nor CP949"),
    Kind("txt-nul-bytes", "a .txt with NUL bytes (a binary file renamed)",
         write("binary.txt", b"PK\x03\x04\x00\x00\x01\x02" * 64),
         "skipped", "binary.txt", "NUL bytes"),
    Kind("txt-10mb-line", "a .txt that is one 10 MB line", write("oneline.txt", lambda: b"A" * (10 * MB)),
         "skipped", "oneline.txt", "a paragraph of 10,485,760 characters"),
    Kind("txt-control-chars", "a .txt with terminal escape codes and other control characters",
         write("escapes.txt", "합성 시험 문서\n\x1b[31m수달\x1b[0m 관찰 지점은\x07 5곳이다.\x08\n"), "ingested",
         text="[31m수달[0m 관찰 지점은 5곳이다."),
    # files and paths
    Kind("duplicate", "the same file under two names", copy_base, "skipped", "copy_of_release.txt",
         f"the same content as docs/{BASE_DOC} (indexed once"),
    Kind("symlink-loop", "two links pointing at each other",
         both(symlink("loop_a.txt", "loop_b.txt"), symlink("loop_b.txt", "loop_a.txt")),
         "skipped", "loop_a.txt", "a symbolic link loop"),
    Kind("dir-link-loop", "a link to its own parent directory", symlink("sub/up", ".."),
         "skipped", "sub/up", "a link to a directory (not followed"),
    Kind("dangling-link", "a link to a file that does not exist", symlink("gone.txt", "nowhere.txt"),
         "skipped", "gone.txt", "a broken symbolic link"),
    Kind("link-outside", "a link to a file outside the corpus directory", outside_link,
         "skipped", "linked.txt", "outside"),
    Kind("vanish-listed", "a file deleted after the directory was listed", write("vanish.txt", "합성: 곧 사라질 파일\n"),
         "skipped", "vanish.txt", "disappeared while the run was reading it", needs="vanish-listed"),
    Kind("vanish-reading", "a file deleted after its digest, before it is parsed",
         write("vanish.txt", "합성: 곧 사라질 파일\n"), "skipped", "vanish.txt", "disappeared while the run was reading it",
         needs="vanish-reading"),
    Kind("dotdot-path", "the corpus named again as docs/sub/../" + BASE_DOC, lambda d: (d / "sub").mkdir(),
         "nothing", extra_args=lambda d: [str(d / "sub" / ".." / BASE_DOC)]),
    Kind("non-utf8-name", "a file name in CP949 bytes, not UTF-8", non_utf8_name,
         "skipped", "\\xb1\\xb3\\xc0\\xb0\\xba\\xce_", "the name is not valid UTF-8"),
    Kind("newline-name", "a file name with a line break", write("two\nlines.txt", "합성: 이름에 줄바꿈\n"),
         "skipped", "two\\nlines.txt", "control characters"),
    Kind("fifo", "a named pipe called pipe.txt", fifo, "skipped", "pipe.txt", "not a regular file (a named pipe)"),
    Kind("dir-named-like-file", "a directory called report.pdf holding a text file",
         write("report.pdf/inside.txt", "합성: report.pdf 폴더 안의 메모\n"), "ingested",
         text="합성: report.pdf 폴더 안의 메모"),
    Kind("unreadable-file", "a file without read permission (checked without root's override)", unreadable_file,
         "skipped", "locked.txt", "cannot be read (Permission denied)", needs="nocaps"),
    Kind("unreadable-dir", "a directory without permissions (checked without root's override)", unreadable_dir,
         "skipped", "closed", "cannot list the directory (Permission denied)", needs="nocaps"),
    Kind("unsupported", "a .docx file", write("notes.docx", b"PK\x03\x04 synthetic"), "skipped", "notes.docx",
         "unsupported file type '.docx'"),
    # manifest
    Kind("manifest-bad-date", "a manifest row with the date 2026-02-30",
         both(write("release.txt", RELEASE), manifest_rows("release.txt\t합성 보도자료\t2026-02-30\t합성\t\t\ttxt")),
         "warning", "manifest.tsv", "date '2026-02-30' of 'release.txt' is not a real YYYY-MM-DD date",
         text="수달 관찰 지점을 12곳으로 늘린다.", date="2026-01-05"),
    Kind("manifest-missing-column", "a manifest without a date column",
         both(write("release.txt", RELEASE),
               manifest_rows("release.txt\t합성 보도자료\t합성", header="file\ttitle\tpublisher")),
         "warning", "manifest.tsv", "no 'date' column", text="수달 관찰 지점을 12곳으로 늘린다.", date="2026-01-05"),
    Kind("manifest-short-row", "a manifest row with three of seven fields",
         both(write("release.txt", RELEASE), manifest_rows("release.txt\t합성 보도자료\t2026-01-05")),
         "warning", "manifest.tsv", "3 fields where the header has 7", text="수달 관찰 지점을 12곳으로 늘린다.",
         date="2026-01-05"),
    Kind("manifest-missing-file", "a manifest row for a file that does not exist",
         manifest_rows("ghost.hwpx\t없는 문서\t2026-01-05\t합성\t\t\thwpx"), "warning", "manifest.tsv",
         "no file 'ghost.hwpx'"),
    Kind("manifest-path-row", "a manifest row whose file is ../secret.txt",
         manifest_rows("../secret.txt\t경로\t2026-01-05\t합성\t\t\ttxt"), "warning", "manifest.tsv", "is a path"),
    Kind("manifest-no-file-column", "a manifest without a file column",
         manifest_rows("합성 보도자료\t2026-01-05", header="title\tdate"), "warning", "manifest.tsv", "no 'file' column"),
    Kind("ingest-running", "a second ingest while one is writing the index", lambda d: None, "refused",
         reason="another ingest (pid", needs="locked"),
    Kind("index-is-a-file", "--index naming a regular file", lambda d: None, "refused",
         reason="is not a directory", needs="index-file"),
    Kind("manifest-cp949", "a manifest saved by Excel in CP949",
         recode_manifest, "nothing"),
]


def kind(name: str) -> Kind:
    """The kind called name."""
    return next(k for k in KINDS if k.name == name)


def base_corpus(directory: Path) -> Path:
    """directory/docs with the base document and its real manifest row (the start of every kind)."""
    docs = directory / "docs"
    docs.mkdir(parents=True)
    shutil.copy(CORPUS / BASE_DOC, docs / BASE_DOC)
    manifest_rows()(docs)
    return docs
