"""Words on a PDF page -> lines in reading order: line grouping, two-column pages, table cells, paragraph breaks.

Works on pdfplumber word dicts (`text`, `x0`, `x1`, `top`, `bottom`, `fontname`, `size`);
knows nothing of files, so it can be tested on hand-made words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from statistics import median

Word = dict
_ITALIC = re.compile(r"italic|oblique|[-,]it$", re.IGNORECASE)
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "ft", "ﬆ": "st", "\u00ad": ""}
)
_GLYPH_START = re.compile(r"^(?:\(cid:\d+\)|[\uf000-\uf0ff])+")  # a symbol-font glyph with no character: a bullet
COLUMN_MIN_LINES = 6  # a page with fewer lines of prose is never read as two columns
COLUMN_GAP = 2.0  # a gap of this many font sizes between words on a line separates table cells
_MARKER = re.compile(r"^(?:[•▪●◦❖■□➢►‣⁃–-]|\(?\d{1,2}(?:\.\d{1,2})*[.)]?|\(?[a-z]\)|\(?[ivx]{1,4}\))$")
_BULLET = re.compile(r"^[•▪●◦❖■□➢►‣⁃–-]\s")
_NUMBER = re.compile(r"^(?:\(?\d{1,2}(?:\.\d{1,2})*[.)]\s|\d{1,2}\.\d{1,2}\s|\(?[a-z]\)\s|\(?[ivx]{1,4}\)\s)")
_SENTENCE_END = re.compile(r"[.:;!?]['’\"”)]?$")


@dataclass(frozen=True)
class Line:
    """One line of prose on a page."""

    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    size: float
    bold: bool


def word_text(w: Word) -> str:
    """A word's text, ligatures spelt out; a leading symbol-font glyph with no character (a bullet) as "•"."""
    return _GLYPH_START.sub("• ", w["text"]).strip().translate(_LIGATURES)


def is_italic(w: Word) -> bool:
    return bool(_ITALIC.search(w.get("fontname", "")))


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Words -> lines (top to bottom, each left to right): a word joins a line its vertical middle falls within."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        mid = (w["top"] + w["bottom"]) / 2
        if lines and lines[-1][0]["top"] - 1 <= mid <= max(x["bottom"] for x in lines[-1]) + 1:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def join_words(words: list[Word], italics: bool = False, tabs: bool = False) -> str:
    """One line's words as text: a space where there is a gap, or with `tabs` a tab where the gap is as wide
    as a column's (text set out as a table without rules; not after a bullet or item number); italic runs
    wrapped in <i>…</i> when asked."""
    out, in_italic, prev = [], False, None
    for i, w in enumerate(words):
        gap = w["x0"] - prev["x1"] if prev is not None else 0
        if gap > COLUMN_GAP * w["size"] and tabs and not (i == 1 and _MARKER.match(word_text(prev))):
            out.append("\t")
        elif gap > 0.1 * w["size"]:
            out.append(" ")
        if italics and is_italic(w) != in_italic:
            out.append("<i>" if not in_italic else "</i>")
            in_italic = not in_italic
        out.append(word_text(w))
        prev = w
    if in_italic:
        out.append("</i>")
    return "".join(out).replace(" </i>", "</i> ")


def make_line(words: list[Word]) -> Line:
    """A line of prose, or of cells separated by tabs where it is set out as a table without rules."""
    text = join_words(words, tabs=True)
    sizes = [w["size"] for w in words]
    bold = sum(bool(_BOLD.search(w.get("fontname", ""))) for w in words) > len(words) / 2
    return Line(
        min(w["top"] for w in words),
        max(w["bottom"] for w in words),
        words[0]["x0"],
        words[-1]["x1"],
        text,
        round(median(sizes), 1),
        bold,
    )


def cell_text(words: list[Word]) -> str:
    """A table cell's words as one line of text: its lines joined by spaces, italics kept as <i>…</i>."""
    text = " ".join(join_words(line, italics=True) for line in group_lines(words))
    return re.sub(r"</i> <i>", " ", re.sub(r"\s+", " ", text)).strip().replace("\t", " ")


# -- two-column pages ------------------------------------------------------------------------
def _runs_across(line: list[Word], x: float) -> bool:
    """The line runs across x: a word spans it, or the words either side are closer than a column gap."""
    left = [w["x1"] for w in line if w["x1"] <= x]
    right = [w["x0"] for w in line if w["x0"] >= x]
    if len(left) + len(right) < len(line):
        return True
    return bool(left and right) and min(right) - max(left) < 0.8 * line[0]["size"]


def gutter(lines: list[list[Word]], width: float) -> float | None:
    """The x of the gap between two columns of prose, when the page is set in two; else None."""
    if len(lines) < COLUMN_MIN_LINES:
        return None
    best = None
    for x in range(int(width * 0.35), int(width * 0.65), 2):
        across = sum(_runs_across(line, x) for line in lines)
        both = sum(
            not _runs_across(line, x) and any(w["x1"] <= x for w in line) and any(w["x0"] >= x for w in line)
            for line in lines
        )
        if (
            across <= max(2, 0.1 * len(lines))
            and both >= 0.5 * len(lines)
            and (best is None or (both, -across) > best[:2])
        ):
            best = (both, -across, x)
    if best is None:
        return None
    x = best[2]
    left = [sum(w["x1"] - w["x0"] for w in line if w["x1"] <= x) for line in lines]
    right = [sum(w["x1"] - w["x0"] for w in line if w["x0"] >= x) for line in lines]
    wide = lambda spans: median([s for s in spans if s] or [0]) >= 0.2 * width  # prose, not a column of figures
    return x if wide(left) and wide(right) else None


def reading_order(lines: list[list[Word]], width: float) -> list[list[Word]]:
    """Lines in reading order: on a two-column page, each band between full-width lines is read left column first."""
    x = gutter(lines, width)
    if x is None:
        return lines
    out: list[list[Word]] = []
    left: list[list[Word]] = []
    right: list[list[Word]] = []
    for line in lines:
        if _runs_across(line, x):
            out += left + right + [line]
            left, right = [], []
            continue
        if any(w["x1"] <= x for w in line):
            left.append([w for w in line if w["x1"] <= x])
        if any(w["x0"] >= x for w in line):
            right.append([w for w in line if w["x0"] >= x])
    return out + left + right


def breaks_before(prev: Line, line: Line, pitch: dict[float, float], right: float) -> bool:
    """A paragraph break between two prose lines: a wider step than the usual pitch of their size, a change
    of font, a bullet, a numbered item after a sentence ends ("3.5 million" may start a wrapped line), or a
    sentence ending well short of the right margin."""
    ended = bool(_SENTENCE_END.search(prev.text))
    return (
        line.top - prev.top > 1.35 * pitch.get(prev.size, 1.2 * prev.size)
        or line.top < prev.top - 1
        or abs(line.size - prev.size) > 0.8
        or line.bold != prev.bold
        or bool(_BULLET.match(line.text))
        or (ended and bool(_NUMBER.match(line.text)))
        or (ended and prev.x1 < right - 0.15 * (right - prev.x0))
    )


def join_lines(texts: list[str]) -> str:
    """A paragraph's printed lines as one line: a space between them, none after a hyphen that ends a word part."""
    out = texts[0]
    for t in texts[1:]:
        out += t if re.search(r"[A-Za-z]-$", out) and t[:1].islower() else " " + t
    return out


def usual_pitch(pages: list[list[Line]]) -> dict[float, float]:
    """Per font size, the distance from one line's top to the next's within a paragraph: the lower quartile
    of the steps between lines of that size, over the whole document (a page may hold one-line paragraphs only)."""
    steps: dict[float, list[float]] = {}
    for lines in pages:
        for a, b in pairwise(lines):
            if abs(a.size - b.size) < 0.5 and b.top > a.top:
                steps.setdefault(a.size, []).append(b.top - a.top)
    return {size: sorted(s)[len(s) // 4] for size, s in steps.items()}
