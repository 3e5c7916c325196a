"""ISO values for dates and how a date without its year finds one.

Values are ISO 8601: a day ``2025-09-03``, a week ``2025-W36``, a month
``2025-09``, a year ``2025``, a decade ``199`` and a century ``19`` (reduced
precision), an interval ``2025-09-03/2025-09-05``; seasons use TIMEX3's
``2025-SU``. Relative forms are resolved against the publication date only.
"""

from __future__ import annotations

import calendar
import datetime as dt

Direction = int  # -1: the latest on or before the reference, +1: the next, 0: nearest
SEASONS = {"primavera": ("SP", 3), "estate": ("SU", 6), "autunno": ("FA", 9), "inverno": ("WI", 12)}


def day(d: dt.date) -> str:
    return d.isoformat()


def week(d: dt.date) -> str:
    year, number, _ = d.isocalendar()
    return f"{year}-W{number:02d}"


def month(year: int, number: int) -> str:
    return f"{year:04d}-{number:02d}"


def interval(start: str, end: str) -> str:
    return start if start == end else f"{start}/{end}"


def safe_date(year: int, number: int, dom: int) -> dt.date | None:
    try:
        return dt.date(year, number, dom)
    except ValueError:
        return None


def last_day(year: int, number: int) -> int:
    return calendar.monthrange(year, number)[1]


def add_months(year: int, number: int, n: int) -> tuple[int, int]:
    index = year * 12 + number - 1 + n
    return index // 12, index % 12 + 1


def full_year(text: str, published: dt.date | None) -> int:
    """"2025" -> 2025; "'46" -> 1946: two digits belong to the century that
    puts them at most five years after the publication year (2030 if none)."""
    digits = text.lstrip("'’")
    if len(digits) == 4:
        return int(digits)
    horizon = (published.year if published else 2025) + 5
    year = 2000 + int(digits)
    return year if year <= horizon else year - 100


def day_in_year(number: int, dom: int, ref: dt.date, direction: Direction) -> dt.date | None:
    """The day ``dom`` of month ``number`` nearest ``ref`` in ``direction``.

    With no direction, news mostly looks back: a future day wins only when
    it is less than half as far as the past one (a September article's "12
    ottobre" is this October, its "15 marzo" last March).
    """
    candidates = [d for y in (ref.year - 1, ref.year, ref.year + 1)
                  if (d := safe_date(y, number, dom)) is not None]
    if direction < 0:
        past = [d for d in candidates if d <= ref]
        return max(past) if past else None
    if direction > 0:
        future = [d for d in candidates if d >= ref]
        return min(future) if future else None
    if not candidates:
        return None
    return min(candidates, key=lambda d: (ref - d).days if d <= ref else 2 * (d - ref).days)


def month_in_year(number: int, ref: dt.date, direction: Direction) -> int:
    """The year of month ``number`` as the text means it: "lo scorso
    ottobre" (before this month), "il prossimo ottobre" (after it), "a
    ottobre" (the nearest, looking back first)."""
    if direction < 0:
        return ref.year if number < ref.month else ref.year - 1
    if direction > 0:
        return ref.year if number > ref.month else ref.year + 1
    first = day_in_year(number, 15, ref.replace(day=15), 0)
    return first.year if first else ref.year


def holiday_in_year(name: str, year: int) -> dt.date:
    """A holiday's day in ``year``: fixed ones, and Easter's."""
    if name in EASTER_OFFSETS:
        return easter(year) + dt.timedelta(days=EASTER_OFFSETS[name])
    number, dom = FIXED_HOLIDAYS[name]
    return dt.date(year, number, dom)


def holiday(name: str, ref: dt.date, direction: Direction) -> dt.date | None:
    """The holiday nearest ``ref`` in ``direction`` ("lo scorso Natale")."""
    days = [holiday_in_year(name, y) for y in (ref.year - 1, ref.year, ref.year + 1)]
    if direction < 0:
        return max(d for d in days if d < ref)
    if direction > 0:
        return min(d for d in days if d > ref)
    return min(days, key=lambda d: (ref - d).days if d <= ref else 2 * (d - ref).days)


def weekday(target: int, ref: dt.date, direction: Direction) -> dt.date:
    """"lunedì scorso" (-1, strictly before), "lunedì prossimo" (+1, strictly
    after), a bare "lunedì" (0: the nearest past one, or the day itself)."""
    if direction > 0:
        return ref + dt.timedelta(days=(target - ref.weekday()) % 7 or 7)
    back = (ref.weekday() - target) % 7
    if direction < 0:
        back = back or 7
    return ref - dt.timedelta(days=back)


def season(name: str, year: int) -> str:
    return f"{year}-{SEASONS[name][0]}"


def season_year(name: str, ref: dt.date, direction: Direction) -> int:
    """The year a season began: "l'estate scorsa" in September is this
    summer, "il prossimo autunno" in September is next year's."""
    first = SEASONS[name][1]
    starts = sorted(dt.date(y, m, 1) for y in range(ref.year - 2, ref.year + 2)
                    for _, m in SEASONS.values())
    current = max(s for s in starts if s <= ref)
    mine = [s for s in starts if s.month == first]
    if direction < 0:
        return max(s for s in mine if s < current).year
    if direction > 0:
        return min(s for s in mine if s > current).year
    return ref.year - 1 if name == "inverno" and ref.month < 3 else ref.year


FIXED_HOLIDAYS = {
    "capodanno": (1, 1), "epifania": (1, 6), "befana": (1, 6), "san valentino": (2, 14),
    "festa della liberazione": (4, 25), "festa dei lavoratori": (5, 1),
    "festa della repubblica": (6, 2), "ferragosto": (8, 15), "ognissanti": (11, 1),
    "immacolata": (12, 8), "vigilia di natale": (12, 24), "natale": (12, 25),
    "santo stefano": (12, 26), "san silvestro": (12, 31), "vigilia di capodanno": (12, 31),
}
EASTER_OFFSETS = {"pasqua": 0, "pasquetta": 1, "lunedì dell'angelo": 1, "venerdì santo": -2}

# Parts of a month (days) and of a year (months) named by news.
MONTH_PARTS = {"inizio": (1, 10), "inizi": (1, 10), "primi": (1, 10), "metà": (11, 20),
               "fine": (21, 31), "prima metà": (1, 15), "seconda metà": (16, 31)}
YEAR_PARTS = {"inizio": (1, 3), "inizi": (1, 3), "primi": (1, 3), "metà": (5, 8),
              "fine": (10, 12), "prima metà": (1, 6), "seconda metà": (7, 12)}


def month_part(part: str, year: int, number: int) -> str:
    first, last = MONTH_PARTS[part]
    last = min(last, last_day(year, number))
    return interval(day(dt.date(year, number, first)), day(dt.date(year, number, last)))


def year_part(part: str, year: int) -> str:
    first, last = YEAR_PARTS[part]
    return interval(month(year, first), month(year, last))


def easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (the anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = h + m - 7 * ((a + 11 * h + 22 * m) // 451) + 114
    return dt.date(year, n // 31, n % 31 + 1)
