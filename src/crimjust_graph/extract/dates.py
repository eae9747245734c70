"""Extraction stage, dates: sentence text -> ISO dates and ranges ('11-12 September 2018' -> 2018-09-11..)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache

_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_YEAR_WORD = re.compile(r"\b(?:19|20)\d{2}\b")


@dataclass(frozen=True)
class DateSpan:
    """A date or date range found in text; start/end are '2018-09-11', '2018-09' or '2018'."""

    start: str
    end: str | None
    char_start: int
    char_end: int


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    month = (
        r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
        r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
    )
    day = r"(\d{1,2})(?:st|nd|rd|th)?"
    dash = r"\s*(?:-|–|—|to|and|until|till|through)\s*"
    year = r"((?:19|20)\d{2})"
    specs = (
        ("iso", rf"\b{year}-(\d{{2}})-(\d{{2}})\b"),
        ("cross", rf"\b{day}\s+({month}){dash}{day}\s+({month}),?\s+{year}\b"),
        ("range", rf"\b{day}{dash}{day}\s+(?:of\s+)?({month})(?:,?\s+{year}\b)?"),
        ("us_range", rf"\b({month})\s+{day}{dash}{day},?\s+{year}\b"),
        ("day", rf"\b{day}\s+(?:of\s+)?({month})(?:,?\s+{year}\b)?"),
        ("us_day", rf"\b({month})\s+{day}(?!\d),?(?:\s+{year}\b)?"),
        ("month", rf"\b({month}),?\s+{year}\b"),
        ("years", rf"\b{year}\s*(?:-|–|to)\s*{year}\b"),
        ("year", rf"\b(?:in|during|since|throughout|until|by|early|late|mid-)\s*{year}\b"),
    )
    return tuple((name, re.compile(rx)) for name, rx in specs)


def context_year(text: str, issued: str | None) -> int | None:
    """The year to give dates written without one: the issue date's, else the most frequent in the text."""
    if issued and issued[:4].isdigit():
        return int(issued[:4])
    years = Counter(_YEAR_WORD.findall(text))
    return int(years.most_common(1)[0][0]) if years else None


def _iso(year: int | None, month: int, day: int | None) -> str | None:
    if year is None:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _month(word: str) -> int:
    return _MONTHS[word.rstrip(".").lower()]


def _convert(kind: str, g: tuple[str | None, ...], year: int | None) -> tuple[str | None, str | None]:
    def y(value: str | None) -> int | None:
        return int(value) if value else year

    if kind == "iso":
        return _iso(int(g[0] or 0), int(g[1] or 0), int(g[2] or 0)), None
    if kind == "cross":
        yy = y(g[4])
        return _iso(yy, _month(g[1] or ""), int(g[0] or 0)), _iso(yy, _month(g[3] or ""), int(g[2] or 0))
    if kind == "range":
        yy, mm = y(g[3]), _month(g[2] or "")
        return _iso(yy, mm, int(g[0] or 0)), _iso(yy, mm, int(g[1] or 0))
    if kind == "us_range":
        yy, mm = y(g[3]), _month(g[0] or "")
        return _iso(yy, mm, int(g[1] or 0)), _iso(yy, mm, int(g[2] or 0))
    if kind == "day":
        return _iso(y(g[2]), _month(g[1] or ""), int(g[0] or 0)), None
    if kind == "us_day":
        return _iso(y(g[2]), _month(g[0] or ""), int(g[1] or 0)), None
    if kind == "month":
        return _iso(int(g[1] or 0), _month(g[0] or ""), None), None
    if kind == "years":
        first, last = g[0] or "", g[1] or ""
        return (first, last) if first < last else (first, None)
    return g[0], None


def find_dates(text: str, year: int | None = None, offset: int = 0) -> list[DateSpan]:
    """Non-overlapping dates in `text`, most specific pattern first; `offset` shifts char positions."""
    found: list[DateSpan] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _patterns():
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            start, end = _convert(kind, m.groups(), year)
            if start is None:
                continue
            if end == start:
                end = None
            taken.append((m.start(), m.end()))
            found.append(DateSpan(start, end, m.start() + offset, m.end() + offset))
    return sorted(found, key=lambda d: d.char_start)
