"""Published formats -> the line-oriented text every later stage reads.

A council paper arrives as text, PDF, Word (DOCX) or an HTML page. Each reader here
turns its format into the same text the seeds are written in: one line per line of
prose, blank lines between blocks, `#` headings where the format names them, and tables
as tab-separated rows (italic runs in cells kept as `<i>…</i>`), so segmenting, table
interpretation and extraction are shared unchanged. Paged formats also say where each
line is printed (page, and line on that page), so a passage can be cited as "p. 4, lines 12–18".
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from nlp.errors import ReadError

PDF_SUFFIXES = {".pdf"}
DOCX_SUFFIXES = {".docx", ".docm"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
SUFFIXES = PDF_SUFFIXES | DOCX_SUFFIXES | HTML_SUFFIXES | TEXT_SUFFIXES
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary Office files (.doc, .xls)


@dataclass(frozen=True)
class Converted:
    """A file as text lines; for a paged format, where each is printed: (page, first and last line on that
    page), 1-based. A paragraph or table row is one text line however many printed lines it takes."""

    lines: tuple[str, ...]
    pages: tuple[tuple[int, int, int], ...] = ()
    warnings: tuple[str, ...] = ()


def format_of(raw: bytes, suffix: str, name: str) -> str:
    """'pdf', 'docx', 'html' or 'text': what the bytes are, the extension deciding only where they are silent."""
    head = raw[:1024]
    if head.startswith(b"%PDF-") or (suffix in PDF_SUFFIXES and b"%PDF-" in head):  # a PDF may have junk before
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(raw, name)
    if head.startswith(_OLE):
        if "EncryptedPackage".encode("utf-16-le") in raw:
            raise ReadError(name, "encrypted: the Office document needs a password to open; save an unprotected copy")
        raise ReadError(name, "an old binary Office file (.doc/.xls): save it as .docx or PDF first")
    if suffix in PDF_SUFFIXES:
        raise ReadError(name, "not a PDF (no %PDF header): the file is corrupt or mislabelled")
    if suffix in DOCX_SUFFIXES:
        raise ReadError(name, "not a Word document (not a ZIP package): the file is corrupt or mislabelled")
    if suffix in HTML_SUFFIXES or _looks_html(head):
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    raise ReadError(name, f"unsupported format {suffix!r}: PDF, Word (.docx), HTML and text (.txt/.md) can be read")


def _zip_kind(raw: bytes, name: str) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(raw)).namelist())
    except zipfile.BadZipFile as e:
        raise ReadError(name, f"corrupt ZIP package ({e})") from None
    if "word/document.xml" in names:
        return "docx"
    raise ReadError(
        name, "a ZIP package that is not a Word document (.xlsx, .pptx, .odt, ...): save it as .docx or PDF"
    )


def _looks_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html"))


def convert(raw: bytes, name: str, suffix: str) -> Converted:
    """The text lines (and pages) of a file's bytes; ReadError naming the file when it cannot be read."""
    kind = format_of(raw, suffix, name)
    if kind == "pdf":
        from nlp.formats.pdf import read_pdf

        return read_pdf(raw, name)
    if kind == "docx":
        from nlp.formats.docx import read_docx

        return read_docx(raw, name)
    from nlp.formats.text import decode

    text, warnings = decode(raw, name)
    if kind == "html":
        from nlp.formats.html import html_to_text

        text = html_to_text(text)
    return Converted(tuple(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")), (), tuple(warnings))
