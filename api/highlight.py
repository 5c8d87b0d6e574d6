"""Where a cited passage holds the answer: the table cell, or the sentence and the words in it.

`engine.ask` returns the short answer and the passages it cites; this marks, in each passage,
the part that answers, for the ask page. A table row comes back as cells under their column
headers; prose as segments at three levels: 0 plain, 1 the answering sentence, 2 the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.words import tokens

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“‘(£])")


@dataclass(frozen=True)
class Cell:
    text: str
    header: str
    hit: bool


@dataclass(frozen=True)
class Shown:
    """A passage as a citation shows it: table cells, or prose segments (text, level)."""

    cells: tuple[Cell, ...] = ()
    segments: tuple[tuple[str, int], ...] = ()

    @property
    def is_table(self) -> bool:
        return bool(self.cells)


def answer_core(answer: str) -> str:
    """The words of an answer to look for in its sources: "56.5 (outturn, 2019/20) — Rate of …" -> "56.5"."""
    head = answer.split(" — ", 1)[0].strip()
    head = re.sub(r"\s*\([^()]*\)\s*$", "", head).strip()
    return head or answer.strip()


def _pattern(core: str) -> re.Pattern | None:
    """The core as a pattern: whitespace-flexible, case-blind, whole words and numbers only."""
    words = core.split()
    if not words:
        return None
    body = r"\s+".join(map(re.escape, words))
    return re.compile(rf"(?<![\w.]){body}(?![\w]|\.\d)", re.IGNORECASE)


def show(text: str, headers: str, answer: str, question: str, offset: int = 0) -> Shown:
    """`text` (a passage) with the part answering `question` by `answer` marked; a table row's cells
    start `offset` columns in (the blank cells its text lost at the left)."""
    core = answer_core(answer)
    if "\t" in text or headers:
        return Shown(cells=_row(text, headers, core, answer, question, offset))
    return Shown(segments=_prose(text, core))


def _row(text: str, headers: str, core: str, answer: str, question: str, offset: int) -> tuple[Cell, ...]:
    cells = [""] * offset + text.split("\t")
    names = headers.split(" | ") if headers else []
    cells += [""] * (len(names) - len(cells))
    names += [""] * (len(cells) - len(names))
    hit = _hit_cell(cells, names, core, answer, question)
    return tuple(Cell(c, names[i], i == hit) for i, c in enumerate(cells))


def _hit_cell(cells: list[str], names: list[str], core: str, answer: str, question: str) -> int | None:
    """The cell holding the answer; among several, the one whose column header the question names most."""
    pattern = _pattern(core)
    found = [i for i, c in enumerate(cells) if pattern and pattern.search(c)]
    if not found:
        found = [i for i, c in enumerate(cells) if len(c.strip()) >= 3 and c.strip().lower() in answer.lower()]
    if not found:
        return None
    asked = set(tokens(question))
    return max(found, key=lambda i: (len(asked & set(tokens(names[i]))), -i))


def _prose(text: str, core: str) -> tuple[tuple[str, int], ...]:
    pattern = _pattern(core)
    m = pattern.search(text) if pattern else None
    if m is None:
        return ((text, 0),)
    start, end = _sentence_around(text, m.start(), m.end())
    parts = [
        (text[:start], 0),
        (text[start : m.start()], 1),
        (m.group(0), 2),
        (text[m.end() : end], 1),
        (text[end:], 0),
    ]
    return tuple(p for p in parts if p[0])


def _sentence_around(text: str, a: int, b: int) -> tuple[int, int]:
    """The span of the sentence(s) holding text[a:b]."""
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
    start = max(s for s in starts if s <= a)
    ends = [m.start() for m in _SENTENCE_END.finditer(text) if m.start() >= b]
    return start, (ends[0] if ends else len(text))
