"""Documents -> passages: headings, numbered paragraphs, list items and table rows.

Every passage keeps its section path (the headings above it) and its exact line span
in the source file. Table rows keep their column headers; a table continued on the
next page without a header row inherits the previous header.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from nlp.model import Document, Passage
from nlp.tables import merge_header_rows
from nlp.text import TAG

_LIST = re.compile(r"^\s*(?:[-•*▪●◦❖]\s+|\(?[ivx]{1,4}\)\s+|\(?[a-z]\)\s+)")
_NUMBERED = re.compile(r"^\s*(?:[-•]\s+)?\d{1,2}(?:\.\d{1,2})+\.?\s+\S")
_MD_HEADING = re.compile(r"^\s*(#{1,6})\s+(.*)$")
_ENDS = re.compile(r"[.!?:;]['’\"”)]?\s*$")
MAX_WRAP = 130  # PDF text wrapped at a page's width: lines no longer than this …
WRAPPED_SHARE = 0.2  # … and at least this share of them stopping near it mid-sentence
MAX_PASSAGE = 5000  # characters: a longer passage is cut into pieces, so no later stage meets a giant string
_NUMERIC = re.compile(r"^(?:[\s(£$-]*[\d.,]+%?\)?|\d{1,2}/\d{1,2}/\d{2,4}|[-–*]+|n/?a)\s*$", re.I)


def clean(text: str) -> str:
    """Strip stray HTML tags and markdown emphasis; collapse spaces (tabs kept)."""
    text = TAG.sub(" ", text).replace("**", "")
    return "\t".join(re.sub(r"[ \u00a0]+", " ", c).strip() for c in text.split("\t")).strip()


def _blocks(doc: Document) -> Iterator[list[tuple[int, str]]]:
    """Runs of non-blank lines; a tabbed line never shares a run with prose."""
    run: list[tuple[int, str]] = []
    for n, line in doc.numbered():
        if not line.strip() or (run and ("\t" in line) != ("\t" in run[-1][1])):
            if run:
                yield run
            run = [(n, line)] if line.strip() else []
        else:
            run.append((n, line))
    if run:
        yield run


def wrap_width(doc: Document) -> int | None:
    """The line width a PDF conversion wrapped the text at, when it did: most prose lines then stop
    near one width without ending a sentence. None for text whose lines are whole paragraphs."""
    lines = [l.rstrip() for _, l in doc.numbered() if l.strip() and "\t" not in l]
    if len(lines) < 10:
        return None
    width = sorted(map(len, lines))[int(len(lines) * 0.9)]
    near = sum(0.75 * width <= len(l) <= 1.05 * width and not _ENDS.search(l) for l in lines)
    return width if width <= MAX_WRAP and near >= WRAPPED_SHARE * len(lines) else None


def _rejoined(blocks: Iterator[list[tuple[int, str]]], width: int | None) -> Iterator[list[tuple[int, str]]]:
    """Blocks of wrapped text put back together: a block whose last line runs to the wrap width without
    ending a sentence continues in the next; a run of three or more one-line cells (a table converted
    one cell per line) holding a number becomes one block."""
    if width is None:
        yield from blocks
        return
    pending: list[tuple[int, str]] = []
    cells: list[list[tuple[int, str]]] = []
    for block in blocks:
        if _is_cell(block, width) and not (pending and _continues(pending, block, width)):
            if pending:
                yield pending
                pending = []
            cells.append(block)
            continue
        if cells:
            yield from _cell_run(cells)
            cells = []
        if pending and _continues(pending, block, width):
            pending.extend(block)
            continue
        if pending:
            yield pending
        pending = list(block)
    if pending:
        yield pending
    if cells:
        yield from _cell_run(cells)


def _is_cell(block: list[tuple[int, str]], width: int) -> bool:
    text = block[0][1].strip()
    return len(block) == 1 and "\t" not in text and len(text) < 0.5 * width and not _ENDS.search(text)


def _cell_run(cells: list[list[tuple[int, str]]]) -> Iterator[list[tuple[int, str]]]:
    if len(cells) >= 3 and any(re.search(r"\d", b[0][1]) for b in cells):
        yield [line for b in cells for line in b]
    else:
        yield from cells


def _continues(prev: list[tuple[int, str]], block: list[tuple[int, str]], width: int) -> bool:
    last, first = prev[-1][1].rstrip(), block[0][1]
    return (
        "\t" not in last + first
        and len(last) >= 0.75 * width
        and not _ENDS.search(last)
        and not _LIST.match(first)
        and not _NUMBERED.match(first)
    )


def _is_heading(block: list[tuple[int, str]]) -> bool:
    text = " ".join(l.strip() for _, l in block)
    if _MD_HEADING.match(block[0][1]):
        return True
    if text.startswith("**") and text.endswith("**") and len(text) < 160:
        return True
    if len(block) > 2 or len(text) > 90 or _LIST.match(block[0][1]) or _NUMBERED.match(block[0][1]):
        return False
    return bool(re.match(r"^[A-Z0-9(‘'\"]", text)) and not re.search(r"[.;:,]$", text)


def _cells(line: str) -> list[str]:
    return [clean(c) for c in line.split("\t")]


def _header_like(cells: list[str]) -> bool:
    """No purely numeric cell and only short cells: a column-header row."""
    filled = [c for c in cells if c]
    return bool(filled) and all(len(c) <= 80 and not _NUMERIC.match(c) for c in filled)


def _count_header_rows(block, last_headers: tuple[str, ...]) -> int:
    """How many leading rows of a tab block are headers (captions included)."""
    first = _cells(block[0][1])
    if (
        last_headers
        and first != list(last_headers)
        and abs(len(first) - len(last_headers)) <= 1
        and not _header_like(first[:1] + first[2:])
    ):
        return 0  # a continuation of the previous table
    k, seen_header = 0, False
    while k < min(4, len(block) - 1):
        cells = _cells(block[k][1])
        filled = sum(bool(c) for c in cells)
        if not _header_like(cells) or (seen_header and (filled <= 1 or cells[0])):
            break  # after the header row only sub-header rows (first cell empty) may follow
        seen_header = seen_header or filled > 1
        k += 1
    return k if seen_header else 0


def _table_rows(block, doc_key, section, last_headers, start_ordinal) -> tuple[list[Passage], tuple[str, ...]]:
    """Passages for the rows of one tab block, and the header in force after it."""
    k = _count_header_rows(block, last_headers)
    out: list[Passage] = []
    headers = last_headers
    if k:
        rows = [_cells(l) for _, l in block[:k]]
        rows = [r for r in rows if sum(bool(c) for c in r) > 1] or rows  # captions carry no columns
        headers = tuple(rows[0])
        for sub in rows[1:]:
            headers = tuple(merge_header_rows(list(headers), sub))
    for j, (n, line) in enumerate(block):
        kind = "table_header" if j < k else "table_row"
        out.append(Passage(doc_key, start_ordinal + j, kind, clean(line), section, n, n, () if j < k else headers))
    return out, headers


def _prose(block, doc_key, section, start_ordinal) -> list[Passage]:
    """A paragraph, or one passage per list item / numbered paragraph."""
    items: list[list[tuple[int, str]]] = []
    for n, line in block:
        if not items or _LIST.match(line) or _NUMBERED.match(line):
            items.append([(n, line)])
        else:
            items[-1].append((n, line))
    out = []
    for item in items:
        kind = "list_item" if _LIST.match(item[0][1]) and not _NUMBERED.match(item[0][1]) else "paragraph"
        for first, last, text in _packed([(n, n, l.strip()) for n, l in item]):
            out.append(Passage(doc_key, start_ordinal + len(out), kind, clean(text), section, first, last))
    return out


def _packed(pieces: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Consecutive (first line, last line, text) pieces joined by spaces into runs of at most MAX_PASSAGE
    characters, each with its own line span (a single longer piece is a run of its own)."""
    runs: list[list[tuple[int, int, str]]] = [[]]
    size = 0
    for piece in pieces:
        if runs[-1] and size + 1 + len(piece[2]) > MAX_PASSAGE:
            runs.append([])
            size = 0
        size += len(piece[2]) + (1 if runs[-1] else 0)
        runs[-1].append(piece)
    return [(run[0][0], run[-1][1], " ".join(t for _, _, t in run)) for run in runs if run]


def segment(doc: Document, skip: set[int] | frozenset[int] = frozenset()) -> list[Passage]:
    """All passages of `doc`, in order, none longer than MAX_PASSAGE. Lines in `skip` (absolute) belong to
    other documents."""
    passages: list[Passage] = []
    broken: dict[int, list[Passage]] = {}  # index of a paragraph -> its pieces after page ends, joined once at the end
    section: list[str] = [doc.title]
    headers: tuple[str, ...] = ()
    for block in _rejoined(_blocks(doc), wrap_width(doc)):
        block = [(n, l) for n, l in block if n not in skip]
        if not block:
            continue
        ordinal = len(passages) + 1
        if "\t" in block[0][1]:
            rows, headers = _table_rows(block, doc.key, tuple(section), headers, ordinal)
            passages.extend(rows)
        elif _is_heading(block):
            title = clean(_MD_HEADING.sub(r"\2", " ".join(l.strip() for _, l in block)))
            section = [doc.title, title]
            passages.append(Passage(doc.key, ordinal, "heading", title, tuple(section), block[0][0], block[-1][0]))
        else:
            new = _prose(block, doc.key, tuple(section), ordinal)
            if new and _continues_after_page_end(passages, broken, new[0]):
                broken.setdefault(len(passages) - 1, []).append(new[0])
                new = new[1:]
            passages.extend(new)
    joined = (run for i, p in enumerate(passages) for run in _joined(p, broken.get(i, [])))
    kept = [piece for p in joined for piece in _capped(p) if piece.text.strip("\t ")]
    return [replace(p, ordinal=i) for i, p in enumerate(kept, start=1)]


def _continues_after_page_end(passages: list[Passage], broken: dict[int, list[Passage]], nxt: Passage) -> bool:
    """A paragraph broken by a page end: the previous one lacks end punctuation, the next starts lower-case."""
    if not passages or passages[-1].kind not in ("paragraph", "list_item") or nxt.kind != "paragraph":
        return False
    last = broken.get(len(passages) - 1, passages[-1:])[-1]
    return bool(re.match(r"^[a-z]", nxt.text)) and not re.search(r"[.!?:;]\s*$", last.text)


def _joined(first: Passage, rest: list[Passage]) -> list[Passage]:
    """A paragraph and its pieces after page ends as one passage, or as several where it runs past MAX_PASSAGE."""
    if not rest:
        return [first]
    runs = _packed([(p.line_start, p.line_end, p.text) for p in [first, *rest]])
    return [replace(first, text=text, line_start=a, line_end=b) for a, b, text in runs]


def _capped(p: Passage) -> list[Passage]:
    """`p`, or the text of its one long line in pieces of at most MAX_PASSAGE characters, cut after a
    sentence where one ends in the second half of a piece, else at a space."""
    if len(p.text) <= MAX_PASSAGE:
        return [p]
    pieces, text = [], p.text
    while len(text) > MAX_PASSAGE:
        cut = _cut_at(text[:MAX_PASSAGE])
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [replace(p, text=t) for t in [*pieces, text]]


def _cut_at(window: str) -> int:
    half = len(window) // 2
    sentence = max(window.rfind(end, half) for end in (". ", "! ", "? ", ".\t", "; "))
    if sentence >= 0:
        return sentence + 1
    space = max(window.rfind(" ", half), window.rfind("\t", half))
    return space if space > 0 else len(window)
