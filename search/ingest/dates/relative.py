"""Readers of relative dates: "ieri", "5 giorni fa", "lunedì", "a Natale",
"lo scorso fine settimana". Each resolves against the publication date and
gives no value without one."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from search.ingest.dates import values as v
from search.ingest.dates.grammar import Found, Resolve, direction_of
from search.ingest.dates.lexicon import (
    FORWARD_CUE,
    HABITUAL,
    before,
    count_number,
    day_number,
    weekday_number,
)


def _shift(granularity: str, days: int = 0, months: int = 0, years: int = 0) -> Resolve:
    def resolve(ref: dt.date | None) -> str | None:
        if ref is None:
            return None
        if granularity in ("day", "week"):
            d = ref + dt.timedelta(days=days)
            return v.day(d) if granularity == "day" else v.week(d)
        if granularity == "month":
            return v.month(*v.add_months(ref.year, ref.month, months))
        return str(ref.year + years)
    return resolve


def fixed(granularity: str, **shift: int) -> Callable[[re.Match[str], str], list[Found]]:
    return lambda m, text: [Found(m.start(), m.end(), granularity, _shift(granularity, **shift))]


# "la mattina di lunedì" is one Monday, "di lunedì" every Monday.
TIME_OF_DAY_OF = re.compile(
    r"(?:\b(?:mattina|mattinata|sera|serata|notte|nottata|pomeriggio|giornata|mezzanotte|"
    r"mezzogiorno|una)|\d)\s+di\s+$", re.IGNORECASE)
THIS_WEEK = re.compile(r"\bquest[oa]\s+$", re.IGNORECASE)
# "Quella domenica" is a day the text has named before, not one of the article's week.
ANAPHORIC = re.compile(r"\b(?:quel|quella|quello|stess[oa]|medesim[oa])\s+$", re.IGNORECASE)


def day_of_month(m: re.Match[str], text: str) -> list[Found]:
    """"il 3 di questo mese", "il 5 del mese scorso"."""
    dom, shift = day_number(m.group("d")), direction_of(m)

    def resolve(ref: dt.date | None) -> str | None:
        if ref is None:
            return None
        d = v.safe_date(*v.add_months(ref.year, ref.month, shift), dom)
        return v.day(d) if d else None

    return [Found(m.start(), m.end(), "day", resolve)]


UNITS = {"giorn": ("day", 1), "gg": ("day", 1), "settiman": ("week", 7), "mes": ("month", 1),
         "ann": ("year", 1), "decenn": ("year", 10), "secol": ("year", 100), "or": ("day", 0),
         "minut": ("day", 0),
         "second": ("day", 0)}


def counted(m: re.Match[str], text: str) -> list[Found]:
    """"5 giorni fa", "tra tre settimane", "ottant'anni fa"."""
    word = re.sub(r"\s+", " ", (m.group("n") or m.groupdict().get("n2") or "").lower())
    # "mezzo secolo fa": fifty years; "mezz'ora fa": today
    n = 1 if word == "mezzo" else 0 if word == "mezz" else 2 if word.startswith("un paio") \
        else count_number(word)
    granularity, size = UNITS[_unit(m.group("u"))]
    if word == "mezzo":
        size //= 2
    sign = -1 if m.group("ago") else 1
    key = {"day": "days", "week": "days", "month": "months", "year": "years"}[granularity]
    return [Found(m.start(), m.end(), granularity, _shift(granularity, **{key: sign * n * size}))]


def _unit(word: str) -> str:
    word = word.lower()
    return next(u for u in UNITS if word.startswith(u))


def weekday_rel(m: re.Match[str], text: str) -> list[Found]:
    """"lunedì scorso", "il prossimo venerdì", and a bare "lunedì": in news,
    the nearest past one ("da lunedì" looks forward)."""
    direction = direction_of(m)
    preceding = before(text, m.start())
    if not (m.group("pre") or m.group("post")):
        if HABITUAL.search(preceding) and not TIME_OF_DAY_OF.search(preceding) \
                or ANAPHORIC.search(preceding):
            return []
        if m.group("wd")[0].isupper() and re.match(r"\s+[A-Z]", text[m.end():m.end() + 2]) \
                and m.group("wd").lower() == "domenica":
            return []  # Domenica is a name as well
        if FORWARD_CUE.search(preceding):
            direction = 1
    target = weekday_number(m.group("wd"))
    this_week = THIS_WEEK.search(preceding)
    if not (m.group("pre") or m.group("post")) and this_week:
        # "questa domenica": the day of the publication's own week
        return [Found(m.start() - len(this_week.group(0)), m.end(), "day",
                      lambda ref: v.day(ref + dt.timedelta(days=target - ref.weekday()))
                      if ref else None)]
    return [Found(m.start(), m.end(), "day",
                  lambda ref: v.day(v.weekday(target, ref, direction)) if ref else None)]


def weekday_day(m: re.Match[str], text: str) -> list[Found]:
    """"lunedì 3": the day 3 nearest the publication date that is a Monday."""
    target, dom = weekday_number(m.group("wd")), day_number(m.group("d"))

    def resolve(ref: dt.date | None) -> str | None:
        if ref is None:
            return None
        options = [d for k in range(-3, 3) for d in [v.safe_date(
            *v.add_months(ref.year, ref.month, k), dom)] if d and d.weekday() == target]
        return v.day(min(options, key=lambda d: abs((d - ref).days))) if options else None

    return [Found(m.start(), m.end(), "day", resolve)]


# "via Santo Stefano", "la chiesa di San Silvestro", "la Fiera d'Ognissanti": names.
PLACE_OF_SAINT = re.compile(
    r"\b(?:via|viale|piazza|piazzale|corso|largo|chiesa|collegiata|basilica|parrocchia|santuario|"
    r"pieve|cattedrale|duomo|oratorio|fiera|quartiere|frazione)\b(?:\s+\w+)?\s*(?:di\s+|d['’])?$",
    re.IGNORECASE)


def holiday(m: re.Match[str], text: str) -> list[Found]:
    """"a Natale", "lo scorso Ferragosto", "Pasqua 2024"; "Natale Rossi" is a name."""
    name = re.sub(r"\s+", " ", m.group("h").lower()).replace("’", "'")
    if PLACE_OF_SAINT.search(before(text, m.start(), 40)):
        return []
    if m.group("h")[0].isupper() and re.match(r"\s+[A-Z][a-z]", text[m.end():m.end() + 3]) \
            and " " not in name:
        return []
    year, direction = m.group("y"), direction_of(m)

    def resolve(ref: dt.date | None) -> str | None:
        day: dt.date | None
        if year:
            day = v.holiday_in_year(name, v.full_year(year, ref))
        else:
            day = v.holiday(name, ref, direction) if ref else None
        return v.day(day) if day else None

    return [Found(m.start(), m.end(), "day", resolve)]


def weekend(m: re.Match[str], text: str) -> list[Found]:
    """"lo scorso fine settimana", "questo weekend": Saturday and Sunday."""
    direction = direction_of(m)

    def resolve(ref: dt.date | None) -> str | None:
        if ref is None:
            return None
        saturday = v.weekday(5, ref, direction if direction else (1 if ref.weekday() < 5 else 0))
        if direction == 0 and ref.weekday() == 6:
            saturday = ref - dt.timedelta(days=1)
        return v.interval(v.day(saturday), v.day(saturday + dt.timedelta(days=1)))

    return [Found(m.start(), m.end(), "day", resolve)]
