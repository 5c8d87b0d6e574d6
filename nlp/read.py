"""Files -> Documents: read any supported format, split multi-document files, metadata.

The format readers in `nlp.formats` (text, PDF, Word, HTML) turn a file into text lines
and, for PDF, where each line is printed (page and line on it); all after that is format-blind.

A file may hold several documents (two portfolio plans back to back); each gets its
own `Document` with its absolute line offset in the file, so citations stay exact.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

from nlp import sidecar
from nlp.dates import first_full_date, month_line, parse_date
from nlp.errors import ReadError
from nlp.formats import SUFFIXES, Converted, convert
from nlp.identity import (
    HEAD_LINES,
    UNKNOWN_COUNCIL,
    body_in,
    built_title,
    council_in_head,
    council_key,
    council_mentioned,
    council_name,
    kind_label,
    kind_of,
    parse_year,
    read_identity,
)
from nlp.model import Document
from nlp.sidecar import Sidecar
from nlp.text import slug, squash, titlecase

MAX_BYTES = 50 * 1024 * 1024

_PLAN_TITLE = re.compile(r"^\W*portfolio plan\s+((?:19|20)\d\d)\s*/\s*\d\d\s*[-–—]+\s*((?:19|20)\d\d)\s*/\s*\d\d", re.I)
# characters no serialisation may carry (XML forbids C0 controls, surrogates, U+FFFE/FFFF) are dropped;
# the ones str.splitlines breaks at become spaces, so a line stays one line
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_BREAK = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


# -- loading --------------------------------------------------------------------------
def load(path: Path, max_bytes: int = MAX_BYTES) -> tuple[Converted, str]:
    """(text lines and pages, sha256) of a file in any supported format, or ReadError naming the file."""
    name = str(path)
    if not path.is_file():
        raise ReadError(name, "not a file")
    size = path.stat().st_size
    if size > max_bytes:
        raise ReadError(name, f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit")
    raw = path.read_bytes()
    if not raw.strip():
        raise ReadError(name, "file is empty")
    return convert(raw, name, path.suffix.lower()), hashlib.sha256(raw).hexdigest()


def printable(line: str) -> str:
    """`line` without control characters (tabs kept); line-breaking ones become spaces."""
    return _BREAK.sub(" ", _CONTROL.sub("", line))


# -- splitting ------------------------------------------------------------------------
def _plan_starts(lines: list[str]) -> list[int]:
    """0-based indexes where a portfolio plan begins: its name line before 'Portfolio Plan yyyy/yy'."""
    starts = []
    for i, line in enumerate(lines):
        if _PLAN_TITLE.match(line.strip()):
            j = i - 1
            while j >= 0 and not lines[j].strip():
                j -= 1
            starts.append(j if j >= 0 and len(lines[j].strip()) < 80 else i)
    return starts


def split(lines: list[str]) -> list[tuple[int, int]]:
    """[start, end) line ranges of the documents in a file."""
    starts = _plan_starts(lines)
    if len(starts) <= 1:
        return [(0, len(lines))]
    bounds = [0] + starts[1:] + [len(lines)]
    return list(zip(bounds[:-1], bounds[1:]))


# -- metadata -------------------------------------------------------------------------
def council_of(text: str) -> tuple[str, str]:
    """(name, key) of the council a text belongs to: named in its opening, else most mentioned."""
    head = [l for l in text.splitlines()[:80] if l.strip()][:HEAD_LINES]
    name = council_in_head(head) or council_mentioned(text)
    return (name, council_key(name)) if name else UNKNOWN_COUNCIL


def _month_date(text: str) -> date | None:
    """The month of the first month line ("March 2019") among the first 60 lines."""
    return next(filter(None, map(month_line, text.splitlines()[:60])), None)


def _clean(s: str) -> str:
    """A metadata line without markdown marks (* # _)."""
    return squash(re.sub(r"[*#_]+", " ", s))


def _plan(head: list[str]) -> dict | None:
    """A portfolio plan: its name line above 'Portfolio Plan yyyy/yy – yyyy/yy'."""
    for i, line in enumerate(head[:12]):
        m = _PLAN_TITLE.match(line.strip())
        if m:
            name = _clean(head[i - 1]) if i > 0 else ""
            first, last = int(m.group(1)), int(m.group(2))
            issued = _month_date("\n".join(head))
            period_txt = f"{first}/{(first + 1) % 100:02d}–{last}/{(last + 1) % 100:02d}"
            stamp = issued.strftime("%Y-%m") if issued else str(first)
            return dict(
                doc_type="PortfolioPlan",
                title=f"{name} Portfolio Plan {period_txt}".strip(),
                key=f"{name} portfolio plan {stamp}",
                issued=issued,
                period=(first, last),
            )
    return None


def _report(head: list[str]) -> dict | None:
    """A committee report opening with 'Report to:', 'Date:', 'Title of report:' fields."""
    fields = {
        k.strip().lower().rstrip(":"): v.strip()
        for k, v in (l.split("\t", 1) if "\t" in l else l.split(":", 1) for l in head[:10] if ":" in l or "\t" in l)
    }
    if "report to" not in fields:
        return None
    to, subject = _clean(fields["report to"]), _clean(fields.get("title of report", "report"))
    issued = first_full_date(fields.get("date", "")) or first_full_date("\n".join(head))
    doc_type = "ScrutinyReport" if "scrutiny" in to.lower() else "Report"
    return dict(
        doc_type=doc_type,
        title=f"{to}: {subject}",
        key=f"{to} report {issued.isoformat() if issued else ''}",
        issued=issued,
        period=None,
        body=body_in(to),
    )


def _agenda(head: list[str]) -> dict | None:
    """An agenda pack: an 'AGENDA' line under the body's name and the meeting date."""
    text_head = "\n".join(head)
    if not re.search(r"^\W*agenda\W*$", text_head, re.I | re.M):
        return None
    bodies = [
        _clean(l)
        for l in head[:30]
        if re.search(r"committee|panel|board", l, re.I) and len(l) <= 100 and not re.search(r"\bheld\b", l, re.I)
    ]
    body = max(bodies, key=len) if bodies else "Committee"
    body = titlecase(body) if body.isupper() else body
    issued = first_full_date(text_head)
    when = f", {issued.day} {issued.strftime('%B %Y')}" if issued else ""
    return dict(
        doc_type="AgendaPack",
        title=f"{body} agenda pack{when}",
        issued=issued,
        period=None,
        key=f"{body} agenda pack {issued.isoformat() if issued else ''}",
        body=body_in(body),
        meeting_date=issued,
    )


def _generic(lines: list[str], side: Sidecar, stem: str) -> dict:
    """Any other paper: identity from its opening, the sidecar where the text is silent."""
    ident = read_identity(lines)
    body = ident.body or body_in(side.kind)
    side_date = re.sub(r"\(.*", "", side.date)  # "2021 (meeting after 8 June 2021)": the note is not the date
    issued = ident.issued or parse_date(side_date)
    year = (issued or ident.meeting_date).year if (issued or ident.meeting_date) else parse_year(side_date)
    doc_type = _kind(ident, side, stem)
    title = ident.title or _clean(side.title)
    when = issued.isoformat() if issued else ""
    key = f"{title} {when or body} {'' if when else year or ''}"
    if not title:  # built from what is known; the file stem keeps undated ones apart
        title = built_title(doc_type, body, ident.meeting_date or issued, year)
        key = f"{body} {kind_label(doc_type)} {when or year or ''} {'' if when else stem}"
    return dict(
        doc_type=doc_type,
        title=title,
        key=key,
        issued=issued,
        period=None,
        body=body,
        meeting_date=ident.meeting_date,
        year=year,
        council=ident.council,
    )


def _kind(ident, side: Sidecar, stem: str) -> str:
    """The text's kind first; a specific kind from the sidecar or file name words where it is only 'Report'."""
    if ident.doc_type not in ("", "Report"):
        return ident.doc_type
    words = re.sub(r"[_\W]+", " ", stem)
    hint = ("Minutes" if re.search(r"\bminutes?\b", side.kind, re.I) else kind_of(side.kind)) or kind_of(words)
    return hint if hint and hint != "Report" else "Report"


def describe(lines: list[str], side: Sidecar = Sidecar(), stem: str = "") -> dict:
    """doc_type, title, key stem, issued, period, body and dates of one document's lines."""
    head = [l for l in lines[:80] if l.strip()]
    return _plan(head) or _report(head) or _agenda(head) or _generic(lines, side, stem)


def read(path: str | Path, max_bytes: int = MAX_BYTES) -> list[Document]:
    """Every document in one file. Raises ReadError naming the file when it cannot be read."""
    path = Path(path)
    converted, sha = load(path, max_bytes)
    side = sidecar.load(path)
    lines, warnings = [printable(l) for l in converted.lines], converted.warnings
    if lines and not lines[-1]:
        lines.pop()  # the final newline ends the last line; it does not start another
    docs = []
    for start, end in split(lines):
        part = lines[start:end]
        meta = describe(part, side, path.stem)
        name = meta.pop("council", "") or council_in_head([l for l in part[:80] if l.strip()][:HEAD_LINES])
        name = name or council_name(side.council) or council_mentioned("\n".join(part))
        meta["year"] = meta.get("year") or (meta["issued"].year if meta["issued"] else None)
        sub_sha = sha if (start, end) == (0, len(lines)) else hashlib.sha256("\n".join(part).encode()).hexdigest()
        docs.append(
            Document(
                key=_key(meta.pop("key")),
                council=name or UNKNOWN_COUNCIL[0],
                council_key=council_key(name) if name else UNKNOWN_COUNCIL[1],
                sha256=sub_sha,
                source=path.name,
                line_start=start + 1,
                lines=tuple(part),
                warnings=tuple(warnings),
                source_url=side.url,
                pages=converted.pages[: len(lines)],
                **meta,
            )
        )
    return docs


def _key(stem: str) -> str:
    return slug(stem)[:120].strip("-")


def iter_files(paths: list[str | Path]) -> list[Path]:
    """Files named, and the document files (by suffix) under directories named, sorted; hidden files and
    sidecars skipped. A file named outright is read whatever its suffix, so a wrong one gets a clear error."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file()
                    and f.suffix.lower() in SUFFIXES
                    and not sidecar.is_sidecar(f)
                    and not any(x.startswith(".") for x in f.relative_to(p).parts)
                )
            )
        elif not sidecar.is_sidecar(p):
            out.append(p)
    return out
