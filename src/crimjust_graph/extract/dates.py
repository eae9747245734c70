"""Extraction stage, dates: sentence text -> ISO dates and ranges ('11-12 September 2018' -> 2018-09-11..)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from crimjust_graph.documents import MONTHS, parse_dateline


@dataclass(frozen=True)
class DateSpan:
    """A date or date range found in text; start/end are '2018-09-11', '2018-09' or '2018'."""

    start: str
    end: str | None
    char_start: int
    char_end: int


_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            "monday lunes lundi segunda",
            "tuesday martes mardi terça terca",
            "wednesday miércoles miercoles mercredi quarta",
            "thursday jueves jeudi quinta",
            "friday viernes vendredi sexta",
            "saturday sábado sabado samedi",
            "sunday domingo dimanche",
        )
    )
    for name in names.split()
}


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    def either_case(names: list[str]) -> str:
        forms = {f for n in names for f in (n, n[:1].upper() + n[1:])}
        return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))

    english = "january february march april may june july august september october november december"
    short = "jan feb mar apr jun jul aug sep sept oct nov dec"
    # After a day number any language and case (Spanish, French and Portuguese write months in lower case);
    # before a number only capitalised English names ('May 12'), so 'may 5' or 'set 3' never become dates.
    month = rf"(?:{either_case(list(MONTHS))})\.?"
    month_en = rf"(?:{'|'.join(n.capitalize() for n in (english + ' ' + short).split())})\.?"
    long_names = [n for n in MONTHS if len(n) >= 5 or n in english.split() or n in ("mai", "juin")]
    month_long = rf"(?:{either_case(long_names)})"
    month_en_long = rf"(?:{'|'.join(n.capitalize() for n in english.split())})"
    day = r"(\d{1,2})(?:st|nd|rd|th|er|º)?"
    dash = r"(?:\s*(?:-|–|—)\s*|\s+(?:to|and|until|till|through|al|a|au|y|e|et)\s+(?:el\s+|le\s+)?)"
    of = r"\s+(?:of\s+|de\s+)?"
    year = r"((?:19|20)\d{2})"
    of_year = rf"(?:,?\s+(?:de\s+)?{year}\b)"
    weekday = rf"(?:{'|'.join(_WEEKDAYS)})"
    dated = rf",?\s+(?:the\s+)?\d|,?\s+{month_en}\s+\d"  # a date right after a weekday names the day
    specs = (
        ("iso", rf"\b{year}-(\d{{2}})-(\d{{2}})\b"),
        ("cross", rf"\b{day}{of}({month}){dash}{day}{of}({month}){of_year}?"),
        ("range", rf"\b{day}{dash}{day}{of}({month}){of_year}?"),
        ("us_cross", rf"\b({month_en})\s+{day}{dash}({month_en})\s+{day}(?!\d)(?:,?\s+{year}\b)?"),
        ("us_range", rf"\b({month_en})\s+{day}{dash}{day}(?!\d)(?:,?\s+{year}\b)?"),
        ("day", rf"\b{day}{of}({month}){of_year}?(?!\w)"),
        ("us_day", rf"\b({month_en})\s+{day}(?!\d),?(?:\s+{year}\b)?"),
        ("month", rf"\b({month_long}),?\s+(?:de\s+|of\s+)?{year}\b"),
        ("numeric", rf"\b(\d{{1,2}})([/.])(\d{{1,2}})\2{year}\b"),
        # 'in June', 'in late June': the month of the year the story is dated in
        (
            "month_only",
            rf"\b(?i:in|during|since|until|by|of)\s+(?i:(?:early|mid|late)\s*-?\s*)?({month_en_long})\b(?![\s,]*\d)",
        ),
        ("years", rf"\b{year}\s*(?:-|–|to)\s*{year}\b"),
        ("year", rf"\b(?:in|during|since|throughout|until|by|early|late|mid-|en|em|durante)\s*{year}\b"),
        # 'on Tuesday' alone; 'on Tuesday 5 March' is the date that follows it
        ("weekday", rf"\b(?:(last|this|next|on|past)\s+)({weekday})\b(?!{dated})"),
        (
            "relative",
            r"\b(yesterday|today|last\s+week|last\s+month|this\s+month|last\s+year|this\s+year|ayer|hier|ontem)\b",
        ),
    )
    return tuple((name, re.compile(rx, re.I if name in ("weekday", "relative") else 0)) for name, rx in specs)


def context_year(text: str, issued: str | None) -> int | None:
    """The year to give dates written without one: the publication date's, else none (nothing invented)."""
    del text  # other years in the text are no evidence for the year of an undated day
    if issued and issued[:4].isdigit():
        return int(issued[:4])
    return None


def _relative(kind: str, g: tuple[str | None, ...], issued: str | None) -> str | None:
    """'last Tuesday', 'yesterday', 'last month' against the publication date; None without one."""
    said = " ".join((g[0] or "").lower().split())
    if kind == "relative" and said in ("this year", "last year"):
        return str(int(issued[:4]) - (said == "last year")) if issued and issued[:4].isdigit() else None
    if issued and len(issued) == 7 and kind == "relative":  # a month-only dateline: 'today' is that month
        word = " ".join((g[0] or "").lower().split())
        return issued if word in ("today", "this month") else None
    try:
        today = date.fromisoformat(issued or "")
    except ValueError:
        return None
    if kind == "weekday":
        which, name = (g[0] or "on").lower(), (g[1] or "").lower()
        back = (today.weekday() - _WEEKDAYS[name]) % 7
        if which == "next":
            return (today + timedelta(days=(7 - back) % 7 or 7)).isoformat()
        if which == "last" and back == 0:
            back = 7
        return (today - timedelta(days=back)).isoformat()
    word = " ".join((g[0] or "").lower().split())
    if word in ("yesterday", "ayer", "hier", "ontem"):
        return (today - timedelta(days=1)).isoformat()
    if word == "today":
        return today.isoformat()
    if word == "this month":
        return today.isoformat()[:7]
    if word == "last month":
        return (today.replace(day=1) - timedelta(days=1)).isoformat()[:7]
    monday = today - timedelta(days=today.weekday() + 7)  # last week: its month, when it has only one
    sunday = monday + timedelta(days=6)
    return monday.isoformat()[:7] if monday.month == sunday.month else None


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
    return MONTHS[word.rstrip(".").lower()]


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
    if kind == "us_cross":
        yy = y(g[4])
        return _iso(yy, _month(g[0] or ""), int(g[1] or 0)), _iso(yy, _month(g[2] or ""), int(g[3] or 0))
    if kind == "us_range":
        yy, mm = y(g[3]), _month(g[0] or "")
        return _iso(yy, mm, int(g[1] or 0)), _iso(yy, mm, int(g[2] or 0))
    if kind == "day":
        return _iso(y(g[2]), _month(g[1] or ""), int(g[0] or 0)), None
    if kind == "us_day":
        return _iso(y(g[2]), _month(g[0] or ""), int(g[1] or 0)), None
    if kind == "month":
        return _iso(int(g[1] or 0), _month(g[0] or ""), None), None
    if kind == "month_only":
        return _iso(year, _month(g[0] or ""), None), None
    if kind == "numeric":
        a, b = int(g[0] or 0), int(g[2] or 0)
        day, month = (b, a) if b > 12 else (a, b)  # day first unless it cannot be
        return (_iso(int(g[3] or 0), month, day) if 1 <= month <= 12 else None), None
    if kind == "years":
        first, last = g[0] or "", g[1] or ""
        return (first, last) if first < last else (first, None)
    return g[0], None


_PLACE = r"[A-ZÀ-Ý][\w'’.-]*(?:\s+[A-ZÀ-Ý][\w'’.-]*){0,3}(?:\s+\([^()\n]{1,30}\))?"
# 'CARTAGENA, ', 'ADDIS ABABA, Ethiopia, ', 'Bangkok (Thailand), ', 'Nairobi - ' before the date.
_OPENING = re.compile(
    r"(?:(?:published|posted|publicado|publié|publie|updated)(?:\s+(?:on|le|el|em))?:?\s+"
    rf"|{_PLACE}(?:,\s+{_PLACE})?(?:,|\s+[-–—])\s+(?:le\s+|el\s+)?)",
    re.IGNORECASE,
)


# Arabic-Indic and Persian digits, the Arabic comma and month names: how sites show dates in that locale.
_WESTERN = str.maketrans(
    {**{chr(0x660 + n): str(n) for n in range(10)}, **{chr(0x6F0 + n): str(n) for n in range(10)}, "،": ","}
)
_ARABIC_MONTHS = {
    name: english
    for names, english in (
        ("يناير", "January"),
        ("فبراير", "February"),
        ("مارس", "March"),
        ("أبريل ابريل إبريل", "April"),
        ("مايو", "May"),
        ("يونيو", "June"),
        ("يوليو", "July"),
        ("أغسطس اغسطس", "August"),
        ("سبتمبر", "September"),
        ("أكتوبر اكتوبر", "October"),
        ("نوفمبر", "November"),
        ("ديسمبر", "December"),
    )
    for name in names.split()
}


def _lone_date(text: str, start: int) -> tuple[str, int] | None:
    """A paragraph that is only a date ('20 July 2018', '٢٠ يوليو، ٢٠١٨') opening the body -> (date, end)."""
    end = text.find("\n\n", start)
    end = len(text) if end < 0 else end
    line = text[start:end]
    if not line.strip() or len(line) > 40 or "\n" in line.strip():
        return None
    line = line.translate(_WESTERN)
    for name, english in _ARABIC_MONTHS.items():
        line = line.replace(name, english)
    found = parse_dateline(line)
    return (found, end) if found else None


def opening_dateline(text: str) -> tuple[str, int] | None:
    """'CARTAGENA, 14 de junio de 2023 –', 'Dakar, le 5 avril 2022 -', 'Published 20 October 2023', or a date
    alone in the body's first paragraph -> (the publication date, where the dateline ends); only a full date
    counts."""
    title_end = text.find("\n\n")
    if title_end < 0:
        return None
    start = title_end + 2
    alone = _lone_date(text, start)
    if alone is not None:
        return alone
    opening = _OPENING.match(text, start)
    if opening is None:
        return None
    dates = find_dates(text[opening.end() : opening.end() + 40], None, opening.end())
    if not dates or dates[0].char_start != opening.end() or len(dates[0].start) < 7 or dates[0].end:
        return None  # a day or a month ('Nairobi - July 2018 :'), never a bare year
    rest = text[dates[0].char_end : dates[0].char_end + 3].lstrip(" \t")
    if rest[:1] not in {"–", "—", "-", ":", ".", "/", "\n", ""}:
        return None
    return dates[0].start, dates[0].char_end


def find_dates(
    text: str, year: int | None = None, offset: int = 0, issued: str | None = None
) -> list[DateSpan]:
    """Non-overlapping dates in `text`, most specific pattern first; `offset` shifts char positions."""
    found: list[DateSpan] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _patterns():
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            if kind in ("weekday", "relative"):
                start, end = _relative(kind, m.groups(), issued), None
            else:
                start, end = _convert(kind, m.groups(), year)
            if start is None:
                continue
            if end == start:
                end = None
            taken.append((m.start(), m.end()))
            found.append(DateSpan(start, end, m.start() + offset, m.end() + offset))
    return sorted(found, key=lambda d: d.char_start)
