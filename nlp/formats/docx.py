"""Word (.docx) -> text lines: paragraphs, `#` headings by level, numbered and bulleted lists, tables as rows.

python-docx reads the package; the body is walked in order (content controls opened),
so headings, paragraphs and tables keep their sequence. Word's automatic numbering
("2.3", "(a)") is not in the paragraph text, so it is rebuilt from the numbering part.
A merged cell keeps its text in its first grid column and row, the others are blank,
as in the text tables the pipeline reads. Word has no fixed pages: none are given.
"""

from __future__ import annotations

import io
import re
import zipfile

from nlp.errors import ReadError
from nlp.formats import Converted
from nlp.text import squash

MAX_UNPACKED = 500 * 1024 * 1024  # a package that inflates beyond this is refused (a ZIP bomb)
ITEM_CHARS = 200  # a numbered paragraph up to this long is a list item, kept with its neighbours
_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(raw: bytes, name: str) -> Converted:
    """A Word document's text lines; ReadError naming the file when it cannot be read."""
    document = _open(raw, name)
    numbering = Numbering(document)
    blocks: list[tuple[str, bool]] = []  # (text, tight): tight lines (list items) need no blank line between
    for el in _body_elements(document.element.body):
        if el.tag == _W + "tbl":
            blocks += [(row, True) for row in _table_rows(el, document)] + [("", False)]
        else:
            line = _paragraph_line(el, document, numbering)
            if line:
                blocks.append(line)
    return Converted(tuple(_spaced(blocks)))


def _open(raw: bytes, name: str):
    import docx

    try:
        if sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(raw)).infolist()) > MAX_UNPACKED:
            raise ReadError(name, f"the Word package unpacks to more than {MAX_UNPACKED // 2**20} MB")
        return docx.Document(io.BytesIO(raw))
    except ReadError:
        raise
    except Exception as e:  # noqa: BLE001 python-docx and lxml fail in many ways on a broken package
        raise ReadError(name, f"corrupt Word document ({type(e).__name__}: {e})") from None


def _body_elements(parent):
    """Paragraphs and tables of a body in order, the contents of content controls (w:sdt) included."""
    for child in parent.iterchildren():
        if child.tag in (_W + "p", _W + "tbl"):
            yield child
        elif child.tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _body_elements(content)


def _spaced(blocks: list[tuple[str, bool]]) -> list[str]:
    """Blocks as lines: a blank line between blocks, none between consecutive tight ones."""
    out: list[str] = []
    prev_tight = False
    for text, tight in blocks:
        if out and out[-1] and not (tight and prev_tight) and text:
            out.append("")
        if text or (out and out[-1]):
            out.append(text)
        prev_tight = tight and bool(text)
    return out


# -- paragraphs -----------------------------------------------------------------------------
def _runs_text(p, italics: bool = False) -> str:
    """A paragraph's text from its runs and hyperlinks; italic runs wrapped in <i>…</i> when asked."""
    out = []
    for item in p.iter_inner_content():
        runs = item.runs if hasattr(item, "runs") else [item]
        for run in runs:
            text = run.text
            if italics and run.italic and text.strip():
                text = re.sub(r"^(\s*)(.*?)(\s*)$", r"\1<i>\2</i>\3", text, flags=re.DOTALL)
            out.append(text)
    return "".join(out).replace("</i><i>", "")


def _paragraph_line(el, document, numbering: Numbering) -> tuple[str, bool] | None:
    """(line, tight) of one paragraph: '# ' headings, numbered or bulleted items, tabs kept as cell breaks."""
    from docx.text.paragraph import Paragraph

    p = Paragraph(el, document)
    text = re.sub(r"\t+", "\t", re.sub(r"[ \u00a0]+", " ", _runs_text(p))).strip()
    if not text:
        return None
    style = p.style.name if p.style is not None else ""
    label = numbering.label(el, p)
    level = _heading_level(style, el)
    if level:
        number = f"{label} " if label and label != "-" else ""
        return "#" * level + " " + number + text.replace("\t", " "), False
    if label is not None:  # items of a list are tight; a long numbered paragraph stands apart
        return f"{label} {text}".strip(), label == "-" or len(text) <= ITEM_CHARS
    return text, False


def _heading_level(style: str, el) -> int:
    m = _HEADING_STYLE.match(style)
    if m:
        return max(1, min(6, int(m.group(1))))
    if style.lower() == "title":
        return 1
    outline = el.find(f"{_W}pPr/{_W}outlineLvl")
    return (
        int(outline.get(_W + "val")) + 1
        if outline is not None and outline.get(_W + "val", "9").isdigit() and int(outline.get(_W + "val")) < 6
        else 0
    )


# -- tables -------------------------------------------------------------------------------
def _cell_text(tc, document) -> str:
    """A cell's paragraphs (and nested tables) as one line, italics kept."""
    from docx.text.paragraph import Paragraph

    parts = [_runs_text(Paragraph(p, document), italics=True) for p in tc.iter(_W + "p")]
    return squash(" ".join(parts))


def _table_rows(tbl, document) -> list[str]:
    """Each row as tab-joined cells across the table grid: a merged cell's text in its first column and row only."""
    rows = []
    for tr in tbl.findall(_W + "tr"):
        cells = [""] * tr.grid_before
        for tc in tr.findall(_W + "tc"):
            merged = tc.vMerge == "continue"
            cells += ["" if merged else _cell_text(tc, document)] + [""] * (tc.grid_span - 1)
        if any(cells):
            rows.append("\t".join(cells))
    return rows


# -- automatic numbering -----------------------------------------------------------------
class Numbering:
    """Rebuilds the labels of Word's automatic numbering: "1.", "2.3", "(a)"; bullets become "-"."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> ilvl -> (format, text, start)
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(_W + "abstractNumId"): self._levels(a) for a in root.findall(_W + "abstractNum")}
        for num in root.findall(_W + "num"):
            ref = num.find(_W + "abstractNumId")
            levels = dict(abstract.get(ref.get(_W + "val"), {})) if ref is not None else {}
            for over in num.findall(_W + "lvlOverride"):
                start = over.find(_W + "startOverride")
                ilvl = int(over.get(_W + "ilvl", "0"))
                if start is not None and ilvl in levels:
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, int(start.get(_W + "val", "1")))
            self.levels[num.get(_W + "numId")] = levels

    @staticmethod
    def _levels(abstract) -> dict[int, tuple[str, str, int]]:
        out = {}
        for lvl in abstract.findall(_W + "lvl"):
            out[int(lvl.get(_W + "ilvl", "0"))] = (
                _val(lvl, "numFmt", "decimal"),
                _val(lvl, "lvlText", ""),
                int(_val(lvl, "start", "1")),
            )
        return out

    def label(self, el, p) -> str | None:
        """The label of a numbered or bulleted paragraph ('2.3', '(a)', '-'), None for any other."""
        num_id, ilvl = self._num_pr(el, p)
        levels = self.levels.get(num_id) if num_id else None
        if not levels or ilvl not in levels:
            return "-" if num_id or (p.style is not None and p.style.name.lower().startswith("list bullet")) else None
        fmt, text, _ = levels[ilvl]
        if fmt == "bullet":
            return "-"
        counts = self.counters.setdefault(num_id, [levels[i][2] - 1 if i in levels else 0 for i in range(9)])
        counts[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = levels[deeper][2] - 1 if deeper in levels else 0
        return re.sub(
            r"%(\d)",
            lambda m: _format(counts[int(m.group(1)) - 1], levels.get(int(m.group(1)) - 1, ("decimal",))[0]),
            text,
        )

    @staticmethod
    def _num_pr(el, p) -> tuple[str | None, int]:
        """(numId, level) from the paragraph's own properties, else from its style's."""
        for holder in (el.pPr, getattr(p.style.element, "pPr", None) if p.style is not None else None):
            num_pr = holder.numPr if holder is not None else None
            if num_pr is not None and num_pr.numId is not None:
                ilvl = num_pr.ilvl.val if num_pr.ilvl is not None else 0
                return str(num_pr.numId.val), int(ilvl)
        return None, 0


def _val(el, tag: str, default: str) -> str:
    """The w:val of a child element, or the default when it is absent."""
    child = el.find(_W + tag)
    return child.get(_W + "val", default) if child is not None else default


def _format(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        s = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s if fmt == "lowerLetter" else s.upper()
    if fmt in ("lowerRoman", "upperRoman"):
        s = _roman(n)
        return s if fmt == "lowerRoman" else s.upper()
    return "" if fmt == "none" else str(n)


def _roman(n: int) -> str:
    out = ""
    for value, digits in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while n >= value:
            out, n = out + digits, n - value
    return out
