"""PDF -> text lines in reading order, ruled tables as tab-separated rows, and where each line is printed.

pdfplumber (over pdfminer.six) gives every word with its position and font and finds
ruled tables from the lines and boxes drawn on a page; `pdf_layout` puts the words in
reading order. A table that runs onto the next page comes out as one block per page,
each with the header row the page repeats, which `nlp.tables` joins back together.
Running headers, footers and page numbers are dropped, so a table or paragraph
continues across a page break. Each line keeps its page and its line on that page, for
citations. Refused, with the file named: encrypted, corrupt, no pages, and no text
layer (a scan that needs OCR).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field

from nlp.errors import ReadError
from nlp.formats import Converted
from nlp.formats.pdf_layout import (
    Line,
    Word,
    breaks_before,
    cell_text,
    group_lines,
    join_lines,
    make_line,
    reading_order,
    usual_pitch,
)

MARGIN = 0.1  # share of the page height, top and bottom, where running headers and footers sit
RUNNING_SHARE = 0.3  # a margin line on at least this share of pages (and two) is a running header or footer
_PAGE_NUMBER = re.compile(r"^\W*(?:page\s+\d{1,4}|\d{1,3})(?:\s*(?:of|/)\s*\d{1,4})?\W*$", re.IGNORECASE)


Row = tuple[str, int]  # a table row as tab-joined cells, and how many printed lines it takes


@dataclass
class Page:
    """One page's content in reading order: prose lines and tables (lists of rows)."""

    number: int
    height: float
    items: list[Line | list[Row]] = field(default_factory=list)
    scanned: bool = False  # images but no text


def read_pdf(raw: bytes, name: str) -> Converted:
    """A PDF's text lines and where each is printed; ReadError naming the file when it cannot be read."""
    pages, warnings = _read_pages(raw, name)
    if not any(p.items for p in pages):
        raise ReadError(
            name, f"no text layer on any of its {len(pages)} page(s) (a scan?): it needs OCR before it can be read"
        )
    scanned = [str(p.number) for p in pages if p.scanned]
    if scanned:
        warnings.append(
            f"{name}: page(s) {', '.join(scanned)} have no text layer (scanned?) and were skipped: OCR them to include them"
        )
    _drop_running_lines(pages)
    lines, where = _assemble(pages)
    return Converted(tuple(lines), tuple(where), tuple(warnings))


def _read_pages(raw: bytes, name: str) -> tuple[list[Page], list[str]]:
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
    except PdfminerException as e:
        cause = e.args[0] if e.args else e
        if type(cause).__name__ == "PDFPasswordIncorrect":
            raise ReadError(name, "encrypted: the PDF needs a password to open; save an unprotected copy") from None
        raise ReadError(name, f"corrupt PDF ({type(cause).__name__}: {cause})") from None
    except Exception as e:  # noqa: BLE001 pdfminer raises plain errors (KeyError, TypeError, ...) on broken files
        raise ReadError(name, f"corrupt PDF ({type(e).__name__}: {e})") from None
    pages: list[Page] = []
    warnings: list[str] = []
    with pdf:
        try:
            count = len(pdf.pages)
        except Exception as e:  # noqa: BLE001 a broken page tree fails in many ways
            raise ReadError(name, f"corrupt PDF: its page tree cannot be read ({e})") from None
        if count == 0:
            raise ReadError(name, "the PDF has no pages")
        for n, page in enumerate(pdf.pages, start=1):
            try:
                pages.append(_page(page, n))
            except Exception as e:  # noqa: BLE001 one broken page must not lose the others
                warnings.append(f"{name}: page {n} could not be read ({type(e).__name__}) and was skipped")
                pages.append(Page(n, 0))
            page.close()
    return pages, warnings


def _page(page, number: int) -> Page:
    """One page's prose lines and tables, top to bottom."""
    from pdfplumber.utils import extract_words

    words = extract_words(_printed_once(page.chars), extra_attrs=["fontname", "size"], keep_blank_chars=False)
    out = Page(number, float(page.height), scanned=not words and bool(page.images))
    tables = [t for t in page.find_tables() if max(len(r.cells) for r in t.rows) >= 2]
    prose = [w for w in words if not any(_inside(w, t.bbox) for t in tables)]
    found = [(t.bbox, rows) for t in tables if (rows := _table_rows(t, [w for w in words if _inside(w, t.bbox)]))]
    lines = [make_line(line) for line in reading_order(group_lines(prose), float(page.width))]
    out.items = _with_tables(lines, found)
    return out


def _with_tables(lines: list[Line], tables: list[tuple[tuple, list[Row]]]) -> list[Line | list[Row]]:
    """Prose lines in reading order with each table put before the first line below it that it shares
    columns with (so a table sits in its column on a two-column page, and in place on any other)."""
    items: list[Line | list[Row]] = list(lines)
    for (x0, top, x1, _), rows in sorted(tables, key=lambda t: t[0][1]):
        at = next(
            (i for i, l in enumerate(items) if isinstance(l, Line) and l.top > top and l.x0 < x1 and l.x1 > x0),
            len(items),
        )
        items.insert(at, rows)
    return items


def _printed_once(chars: list[dict]) -> list[dict]:
    """Characters set level, each once: rotated text (a watermark, a sideways label) is left out, and a copy
    printed over the first within a point of it (a fake bold) is dropped."""
    seen: dict[tuple[str, int], list[float]] = {}
    out = []
    for c in chars:
        a, b = c.get("matrix", (1, 0))[:2]
        if abs(b) > 0.05 * abs(a) or not c.get("upright", True):
            continue
        xs = seen.setdefault((c["text"], round(c["top"])), [])
        if not any(abs(x - c["x0"]) < 1 for x in xs):
            xs.append(c["x0"])
            out.append(c)
    return out


def _inside(w: Word, bbox: tuple[float, float, float, float]) -> bool:
    x, y = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _table_rows(table, words: list[Word]) -> list[Row]:
    """Each row of a ruled table as tab-joined cells; a merged cell is filled in its first column only, and
    columns that no row fills (slivers between misaligned rules) are dropped."""
    rows = []
    for row in table.rows:
        cells = [[w for w in words if _inside(w, c)] if c else [] for c in row.cells]
        if any(cells):
            rows.append(([cell_text(c) for c in cells], max(len(group_lines(c)) for c in cells)))
    used = [j for j in range(max((len(r) for r, _ in rows), default=0)) if any(j < len(r) and r[j] for r, _ in rows)]
    return [("\t".join(r[j] if j < len(r) else "" for j in used), height) for r, height in rows]


def _margin_lines(page: Page) -> list[Line]:
    """The prose lines that sit in a page's top or bottom margin, where running headers and footers go."""
    return [
        l
        for l in page.items
        if isinstance(l, Line) and (l.top < MARGIN * page.height or l.bottom > (1 - MARGIN) * page.height)
    ]


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def _drop_running_lines(pages: list[Page]) -> None:
    """Remove page numbers and the running headers and footers repeated in the margins of many pages."""
    seen = Counter(k for p in pages for k in {_running_key(l.text) for l in _margin_lines(p)})
    least = max(2, RUNNING_SHARE * len(pages))
    for p in pages:
        drop = {id(l) for l in _margin_lines(p) if _PAGE_NUMBER.match(l.text) or seen[_running_key(l.text)] >= least}
        p.items = [i for i in p.items if id(i) not in drop]


def _page_lines(page: Page, pitch: dict[float, float]) -> list[Row]:
    """A page's text lines with the printed lines each takes: one line per paragraph or table row, a blank
    line between paragraphs and around tables (ruled, or set out with wide gaps that became tabs)."""
    out: list[Row] = []
    lines = [i for i in page.items if isinstance(i, Line)]
    para: list[Line] = []
    for item in page.items + [[]]:
        row = isinstance(item, Line) and "\t" in item.text
        if para and (
            not isinstance(item, Line) or row or breaks_before(para[-1], item, pitch, _right_edge(para[-1], lines))
        ):
            out += [(join_lines([l.text for l in para]), len(para)), ("", 0)]
            para = []
        if out and out[-1][0] and ("\t" in out[-1][0]) != row:
            out.append(("", 0))  # rows set out without rules are a block of their own
        if row:
            out.append((item.text, 1))
        elif isinstance(item, Line):
            para.append(item)
        elif item:
            out += [("", 0), *item, ("", 0)]
    return out


def _right_edge(line: Line, lines: list[Line]) -> float:
    """The right edge of the text column a line belongs to (lines starting near it)."""
    return max(l.x1 for l in lines if abs(l.x0 - line.x0) < 30)


def _assemble(pages: list[Page]) -> tuple[list[str], list[tuple[int, int, int]]]:
    """All pages' lines, one blank line between blocks and pages, and where each is printed: (page, first and
    last printed line on it), counting the page's lines of text (blank separators are not lines)."""
    lines: list[str] = []
    where: list[tuple[int, int, int]] = []
    pitch = usual_pitch([[i for i in p.items if isinstance(i, Line)] for p in pages])
    for page in pages:
        printed = 0
        for text, height in _page_lines(page, pitch) + [("", 0)]:
            if text or (lines and lines[-1]):
                lines.append(text)
                where.append((page.number, max(1, printed + 1 if height else printed), max(1, printed + height)))
                printed += height
    return lines, where
