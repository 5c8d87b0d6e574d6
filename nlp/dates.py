"""Calendar dates as councils write them: one home for month names and date parsing.

"2nd June, 2016", "MONDAY, 17TH OCTOBER, 2016", "13/02/2019", "2019-02-13", "June 2, 2016";
month lines ("March 2019") and table cells that hold only a date ("01/09/20").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

MONTHS = "january february march april may june july august september october november december".split()
MONTH_ABBREVIATIONS = [m[:3] for m in MONTHS]  # "jan" … "dec"
_MONTH = r"(?P<m>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?:the\s+)?"
DATE = re.compile(
    rf"\b{_DAY}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<y>(?:19|20)\d\d)\b"
    r"|\b(?P<d2>\d{1,2})[/.](?P<m2>\d{1,2})[/.](?P<y2>(?:19|20)\d\d)\b"
    r"|\b(?P<y3>(?:19|20)\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d)\b"
    rf"|\b{_MONTH.replace('<m>', '<m4>')}\s+(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?,\s+(?P<y4>(?:19|20)\d\d)\b",
    re.I,
)


def month_number(name: str) -> int:
    """1–12 for a month's name or its abbreviation ("Sept", "oct")."""
    return next(i for i, n in enumerate(MONTHS, 1) if n.startswith(name[:3].lower()))


def dates_in(text: str) -> Iterator[tuple[re.Match, date]]:
    """Every valid date in `text`, with the match that wrote it."""
    for m in DATE.finditer(text):
        g = m.groupdict()
        d, mo, y = next(
            (g[d], g[mo], g[y])
            for d, mo, y in (("d", "m", "y"), ("d2", "m2", "y2"), ("d3", "m3", "y3"), ("d4", "m4", "y4"))
            if g[y]
        )
        try:
            yield m, date(int(y), int(mo) if mo.isdigit() else month_number(mo), int(d))
        except ValueError:
            continue


_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+(?P<y>(?:19|20)\d\d)\b", re.I)


def months_in(text: str) -> Iterator[date]:
    """The first day of every month named with its year ("January to March 2025" gives March 2025;
    "2 July 2025" gives July 2025)."""
    for m in _MONTH_YEAR.finditer(text):
        yield date(int(m.group("y")), month_number(m.group("m")), 1)


def parse_date(text: str) -> date | None:
    """The first valid date in `text`."""
    return next((d for _, d in dates_in(text)), None)


_FULL_DATE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(MONTHS) + r"),?\s+((?:19|20)\d\d)\b", re.I)
_MONTH_LINE = re.compile(r"^\W*(" + "|".join(MONTHS) + r")\s+((?:19|20)\d\d)\W*$", re.I)
_CELL_DATE = re.compile(r"\s*(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})\s*")


def first_full_date(text: str) -> date | None:
    """The first 'Tuesday, 22nd March, 2016' / '11 November 2013' style date in text (month written in full)."""
    m = _FULL_DATE.search(text)
    if not m:
        return None
    return date(int(m.group(3)), month_number(m.group(2)), int(m.group(1)))


def month_line(line: str) -> date | None:
    """The first day of the month a line holds and nothing else ("March 2019", "**October 2020**")."""
    m = _MONTH_LINE.match(line.strip())
    return date(int(m.group(2)), month_number(m.group(1)), 1) if m else None


def cell_date(text: str) -> date | None:
    """A cell that is only a day-first date: "01/09/2020" or "1.9.20" -> 2020-09-01; anything else None."""
    m = _CELL_DATE.fullmatch(text or "")
    if not m:
        return None
    year = int(m.group(3)) + (2000 if len(m.group(3)) == 2 else 0)
    try:
        return date(year, int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None
