"""Plain data passed between the nlp stages: documents and passages.

Line numbers are always 1-based and absolute in the *source file*, so a passage or
record can be cited as `file:line` whatever document of the file it belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Document:
    """One logical document: a whole file, or one of several documents held in a file."""

    key: str  # readable slug, unique within its council, e.g. "childrens-services-portfolio-plan-2020-09"
    council: str  # "East Sussex County Council"
    council_key: str  # "escc"
    doc_type: str  # ontology class local name: PortfolioPlan, ScrutinyReport, AgendaPack, Minutes, ...
    title: str
    issued: date | None
    period: (
        tuple[int, int] | None
    )  # plan period as (first year, last year) of financial years: 2020/21–2022/23 -> (2020, 2022)
    sha256: str
    source: str  # file name the text came from
    line_start: int  # absolute line (1-based) of lines[0] in the source file
    lines: tuple[str, ...] = field(repr=False)
    part_of: str | None = None  # key of the containing document (agenda pack parts)
    warnings: tuple[str, ...] = ()
    body: str = ""  # body the paper is of or for: "Cabinet", "Audit Committee"; "" unknown
    meeting_date: date | None = None  # date of the meeting a minute or agenda records, when the opening says it
    year: int | None = None  # year of the paper: issued.year, or the year alone when only that is known
    source_url: str = ""  # where the paper was published (from sidecar metadata)
    pages: tuple[tuple[int, int, int], ...] = field(default=(), repr=False)  # (page, first and last printed line on it)
    #                                                  of every source line, for a paged source (PDF); () unpaged

    @property
    def line_end(self) -> int:
        return self.line_start + len(self.lines) - 1

    def line(self, n: int) -> str:
        """The text of absolute source line `n`."""
        return self.lines[n - self.line_start]

    def numbered(self) -> list[tuple[int, str]]:
        """(absolute line number, text) for every line."""
        return list(enumerate(self.lines, start=self.line_start))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def page_at(self, n: int) -> tuple[int, int, int] | None:
        """(page, first and last line on that page) where absolute source line `n` is printed; None without pages."""
        return self.pages[n - 1] if 0 < n <= len(self.pages) else None


@dataclass(frozen=True)
class Passage:
    """A citable unit of text: heading, paragraph, list item or table row."""

    doc_key: str
    ordinal: int  # position within the document, from 1
    kind: str  # heading | paragraph | list_item | table_row
    text: str
    section: tuple[str, ...]
    line_start: int
    line_end: int
    headers: tuple[str, ...] = ()  # column headers, for table rows


@dataclass(frozen=True)
class PersonRef:
    """A person as written in a document ("Cllr Tidy", "Mrs J Whittle (Chairman)").

    Records carry PersonRefs; `nlp.resolve` maps every `name` to one canonical name
    before build, so each real person becomes one graph node.
    """

    name: str
    line: int | None = None
