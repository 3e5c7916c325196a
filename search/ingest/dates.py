"""Dates written in Italian text, normalised with their granularity.

Explicit forms ("3 settembre 2025", "3/9/2025", "1° settembre",
"settembre 2025") and relative ones ("ieri", "l'altro ieri", "la scorsa
settimana", "il mese scorso", "lunedì scorso"), the latter resolved against
the publication date and skipped when there is none.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from search.models import MentionedDate

MONTHS = {
    name: i for i, names in enumerate(
        [("gennaio", "gen"), ("febbraio", "feb"), ("marzo", "mar"), ("aprile", "apr"),
         ("maggio", "mag"), ("giugno", "giu"), ("luglio", "lug"), ("agosto", "ago"),
         ("settembre", "set", "sett"), ("ottobre", "ott"), ("novembre", "nov"),
         ("dicembre", "dic")], 1)
    for name in names
}
WEEKDAYS = {"lunedì": 0, "martedì": 1, "mercoledì": 2, "giovedì": 3, "venerdì": 4,
            "sabato": 5, "domenica": 6}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(WEEKDAYS).replace("ì", "[ìi]")
_APOS = "['’]"
LEAD_CHARS = 600

DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}})(?:°|º)?\s+({_MONTH})\.?\s+(\d{{4}})\b", re.IGNORECASE)
NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:°|º)?\s+({_MONTH})\b(?!\.?\s+\d{{4}})", re.IGNORECASE)
MONTH_YEAR = re.compile(rf"(?<!\d\s)(?<!\d°\s)\b({_MONTH})\s+(\d{{4}})\b", re.IGNORECASE)

# Relative forms: pattern -> (granularity, resolver from the publication date).
Resolver = Callable[[dt.date, re.Match[str]], dt.date]


def _days(n: int) -> Resolver:
    return lambda ref, m: ref + dt.timedelta(days=n)


def _previous_month(ref: dt.date, m: re.Match[str]) -> dt.date:
    return (ref.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _weekday_resolver(ref: dt.date, m: re.Match[str]) -> dt.date:
    word = (m.group("wd") or m.group("wd2")).lower()
    word = word[:-1] + "ì" if word.endswith("i") and word[:-1] + "ì" in WEEKDAYS else word
    delta = (ref.weekday() - WEEKDAYS[word]) % 7 or 7
    return ref - dt.timedelta(days=delta)


RELATIVE: list[tuple[re.Pattern[str], str, Resolver]] = [
    (re.compile(rf"\bl{_APOS}\s?altro\s?ieri\b|\bl{_APOS}altroieri\b|\bieri\s?l{_APOS}altro\b",
                re.IGNORECASE), "day", _days(-2)),
    (re.compile(r"\bieri\b", re.IGNORECASE), "day", _days(-1)),
    (re.compile(r"\b(?:oggi|stamattina|stamani|stasera|stanotte|"
                r"questa\s+(?:mattina|sera|notte)|questo\s+pomeriggio)\b", re.IGNORECASE),
     "day", _days(0)),
    (re.compile(r"\bdomani\b", re.IGNORECASE), "day", _days(1)),
    (re.compile(r"\b(?:la\s+)?(?:scorsa\s+settimana|settimana\s+scorsa)\b", re.IGNORECASE),
     "week", _days(-7)),
    (re.compile(r"\b(?:il\s+|lo\s+)?(?:mese\s+scorso|scorso\s+mese)\b", re.IGNORECASE),
     "month", _previous_month),
    (re.compile(rf"\b(?:l{_APOS}\s?)?anno\s+scorso\b|\bscorso\s+anno\b", re.IGNORECASE),
     "year", lambda ref, m: ref.replace(year=ref.year - 1, day=1, month=1)),
    (re.compile(rf"\b(?:lo\s+)?scors[oa]\s+(?P<wd>{_WEEKDAY})\b|\b(?P<wd2>{_WEEKDAY})\s+scors[oa]\b",
                re.IGNORECASE), "day", _weekday_resolver),
]


def _value(day: dt.date, granularity: str) -> str:
    if granularity == "day":
        return day.isoformat()
    if granularity == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if granularity == "month":
        return day.strftime("%Y-%m")
    return str(day.year)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str, published: dt.date | None = None) -> list[MentionedDate]:
    """Every date in ``text``, in order; overlapping matches keep the longest."""
    found: list[MentionedDate] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match[str], day: dt.date | None, granularity: str) -> None:
        start, end = m.span()
        if day is None or any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        found.append(MentionedDate(m.group(0), _value(day, granularity), granularity,  # type: ignore[arg-type]
                                   start, end))

    for m in DAY_MONTH_YEAR.finditer(text):
        add(m, _safe_date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1))), "day")
    for m in NUMERIC.finditer(text):
        add(m, _safe_date(int(m.group(3)), int(m.group(2)), int(m.group(1))), "day")
    for m in MONTH_YEAR.finditer(text):
        add(m, _safe_date(int(m.group(2)), MONTHS[m.group(1).lower()], 1), "month")
    if published:
        for m in DAY_MONTH.finditer(text):
            month, day = MONTHS[m.group(2).lower()], int(m.group(1))
            guess = _safe_date(published.year, month, day)
            # "1° settembre" in a January article is last year's September.
            if guess and guess > published + dt.timedelta(days=31):
                guess = _safe_date(published.year - 1, month, day)
            add(m, guess, "day")
        for pattern, granularity, resolve in RELATIVE:
            for m in pattern.finditer(text):
                add(m, resolve(published, m), granularity)
    found.sort(key=lambda d: d.start)
    return found


def infer_date(text: str) -> dt.date | None:
    """The first full explicit date in the lead, as the article's date."""
    lead = text[:LEAD_CHARS]
    for d in find_dates(lead):
        if d.granularity == "day":
            return dt.date.fromisoformat(d.value)
    return None
