"""HTML tables: cells gathered while a page is parsed -> tab rows, or the blocks of a layout table.

A table used for layout (its cells hold headings, lists, tables, or several paragraphs in
a table of one or two columns, as Modern.gov's agenda item tables do) is read as the
blocks it holds, so "Minutes:" and item numbers stay lines of their own. A data table
becomes tab-separated rows on its grid: a cell spanning columns or rows is written in its
first column and row, the columns and rows it covers left blank.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from nlp.text import squash


@dataclass
class Cell:
    """One td/th: the blocks of text it holds and the columns and rows it spans."""

    blocks: list[tuple[str, str]] = field(default_factory=list)  # (kind, text): kind heading|para|item|table
    colspan: int = 1
    rowspan: int = 1


@dataclass
class TableBuilder:
    """A table while it is parsed: its rows of cells and the cell now open."""

    rows: list[list[Cell]] = field(default_factory=list)
    cell: Cell | None = None

    def is_layout(self) -> bool:
        """Cells holding headings, lists or tables, or a one- or two-column table with several paragraphs in a cell."""
        cells = [c for row in self.rows for c in row]
        return any(k != "para" for c in cells for k, _ in c.blocks) or (
            max((len(r) for r in self.rows), default=0) <= 2 and any(len(c.blocks) > 1 for c in cells)
        )

    def blocks(self) -> list[tuple[str, str]]:
        """(kind, text) blocks: a layout table's cell blocks in order, or one "table" block of tab rows."""
        if self.is_layout():
            return [b for row in self.rows for c in row for b in c.blocks]
        rows = ["\t".join(_grid_row(r, covered)) for r, covered in _with_rowspans(self.rows)]
        rows = [r for r in rows if r.strip("\t ")]
        return [("table", "\n".join(rows))] if rows else []


def _with_rowspans(rows: list[list[Cell]]) -> Iterator[tuple[list[Cell], dict[int, int]]]:
    """Each row with the columns that cells of rows above still cover (rowspan), as column -> rows left."""
    covered: dict[int, int] = {}
    for row in rows:
        yield row, covered
        spans, col = {}, 0
        for cell in row:
            while col in covered:
                col += 1
            spans.update({c: cell.rowspan - 1 for c in range(col, col + cell.colspan) if cell.rowspan > 1})
            col += cell.colspan
        covered = {c: n - 1 for c, n in covered.items() if n > 1} | spans


def _grid_row(row: list[Cell], covered: dict[int, int]) -> list[str]:
    """Cells placed on the grid: blanks where a rowspan from above covers, a colspan's extra columns blank."""
    out: list[str] = []
    cells = iter(row)
    while True:
        if len(out) in covered:
            out.append("")
            continue
        cell = next(cells, None)
        if cell is None:
            break
        text = " ".join(t for _, t in cell.blocks).replace("\n", " ").replace("\t", " ")
        out += [squash(text)] + [""] * (cell.colspan - 1)
    return out
