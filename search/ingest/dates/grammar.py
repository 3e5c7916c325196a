"""The Italian date grammar: what news writes, as patterns and their meaning.

Each rule is a pattern and a reader that turns a match into ``Found``
dates: a span, a granularity and a function from the publication date (or
None) to an ISO value (or None when the form needs a date to resolve).
Street names, sets, law references and the like are refused here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from search.ingest.dates import values as v
from search.ingest.dates.lexicon import (
    BACK,
    FORWARD,
    STREET,
    before,
    day_number,
    month_number,
)

Resolve = Callable[[dt.date | None], str | None]


@dataclass
class Found:
    start: int
    end: int
    granularity: str
    resolve: Resolve


def direction_of(m: re.Match[str]) -> int:
    words = " ".join(filter(None, (m.groupdict().get("pre"), m.groupdict().get("post"))))
    if re.search(BACK, words, re.IGNORECASE):
        return -1
    if re.search(FORWARD, words, re.IGNORECASE):
        return 1
    return 0


def _abbreviation_ok(m: re.Match[str], group: str = "m") -> bool:
    """"3 set" is a tennis score: a short month needs a year, capitals ("03 SET") or,
    unless it is "set" or "mar" (martedì too), a full stop ("3 ott.")."""
    word = m.group(group)
    if len(word) > 4 or m.groupdict().get("y") or word.isupper():
        return True
    return word.lower() not in ("set", "mar") and m.string[m.end(group):m.end(group) + 1] == "."


# -- readers: a match -> the dates it writes ----------------------------------


def day_month(m: re.Match[str], text: str) -> list[Found]:
    if STREET.search(before(text, m.start("d"))) or not _abbreviation_ok(m):
        return []
    number, dom, direction = month_number(m.group("m")), day_number(m.group("d")), direction_of(m)
    year = m.group("y")

    def resolve(ref: dt.date | None) -> str | None:
        if year:
            d = v.safe_date(v.full_year(year, ref), number, dom)
        else:
            d = v.day_in_year(number, dom, ref, direction) if ref else None
        return v.day(d) if d else None

    if year and v.safe_date(v.full_year(year, None), number, dom) is None:
        return []
    end = m.end() - (m.group(0).endswith(".") and len(m.group("m")) > 4)  # a full stop
    return [Found(m.start(), end, "day", resolve)]


def days_of_month(m: re.Match[str], text: str) -> list[Found]:
    """"il 15 e 16 ottobre", "15, 16 e 17 ottobre": one date per day."""
    if STREET.search(before(text, m.start())):
        return []
    number, year = month_number(m.group("m")), m.group("y")
    spans = [d.span() for d in re.finditer(r"\d{1,2}|primo", m.group("days"))]
    found = []
    for i, (s, e) in enumerate(spans):
        dom = day_number(m.group("days")[s:e])
        start = m.start("days") + s
        end = m.end() if i == len(spans) - 1 else m.start("days") + e

        def resolve(ref: dt.date | None, dom: int = dom) -> str | None:
            if year:
                d = v.safe_date(v.full_year(year, ref), number, dom)
            else:
                d = v.day_in_year(number, dom, ref, 0) if ref else None
            return v.day(d) if d else None

        found.append(Found(start, end, "day", resolve))
    return found


def day_range(m: re.Match[str], text: str) -> list[Found]:
    """"dal 3 al 5 settembre", "tra il 3 e il 5 settembre 2025", "3-5 settembre"."""
    if STREET.search(before(text, m.start())):
        return []
    g = m.groupdict()
    n2, d1, d2 = month_number(g["m2"]), day_number(g["d1"]), day_number(g["d2"])
    n1 = month_number(g["m1"]) if g.get("m1") else n2

    def resolve(ref: dt.date | None) -> str | None:
        y2 = g.get("y2")
        if y2:
            end = v.safe_date(v.full_year(y2, ref), n2, d2)
        else:
            end = v.day_in_year(n2, d2, ref, 0) if ref else None
        if end is None:
            return None
        y1 = v.full_year(g["y1"], ref) if g.get("y1") else end.year - (n1 > n2)
        start = v.safe_date(y1, n1, d1)
        return v.interval(v.day(start), v.day(end)) if start and start <= end else None

    return [Found(m.start(), m.end(), "day", resolve)]


def numeric(m: re.Match[str], text: str) -> list[Found]:
    short, number, dom = m.group("y"), int(m.group("m")), int(m.group("d"))
    if len(short) == 2 and dom > 31 and m.group("s") == "/":  # "99/01/29": yy/mm/dd
        short, dom = m.group("d"), int(short)
    year = int(short) if len(short) == 4 else None
    if year is not None and v.safe_date(year, number, dom) is None:
        return []

    def resolve(ref: dt.date | None) -> str | None:
        d = v.safe_date(year or v.full_year("'" + short, ref), number, dom)
        return v.day(d) if d else None

    if resolve(None) is None:
        return []
    return [Found(m.start(), m.end(), "day", resolve)]


def month_year(m: re.Match[str], text: str) -> list[Found]:
    if not _abbreviation_ok(m):
        return []
    number, year = month_number(m.group("m")), m.group("y")
    return [Found(m.start(), m.end(), "month",
                  lambda ref: v.month(v.full_year(year, ref), number))]


def month_relative(m: re.Match[str], text: str) -> list[Found]:
    """"lo scorso ottobre", "ottobre prossimo", "a settembre" (needs the date)."""
    word = m.group("m")
    if not (m.groupdict().get("pre") or m.groupdict().get("post")) and word[0].isupper() \
            and not word.isupper():
        return []  # "il libro di Aprile": Italian writes months in lower case, names not
    number, direction = month_number(word), direction_of(m)
    return [Found(m.start("span"), m.end(), "month", lambda ref: v.month(
        v.month_in_year(number, ref, direction), number) if ref else None)]


def month_range(m: re.Match[str], text: str) -> list[Found]:
    n1 = month_number(m.group("m1") or m.groupdict().get("m1b") or "")
    n2 = month_number(m.group("m2"))

    def resolve(ref: dt.date | None) -> str | None:
        if m.group("y2"):
            y2 = v.full_year(m.group("y2"), ref)
        elif ref:
            y2 = v.month_in_year(n2, ref, 0)
        else:
            return None
        y1 = v.full_year(m.group("y1"), ref) if m.group("y1") else y2 - (n1 > n2)
        return v.interval(v.month(y1, n1), v.month(y2, n2)) if (y1, n1) < (y2, n2) else None

    return [Found(m.start(), m.end(), "month", resolve)]


def month_day_year(m: re.Match[str], text: str) -> list[Found]:
    """"maggio 29, 2013": the English order, which only comes with a year."""
    number, dom = month_number(m.group("m")), day_number(m.group("d"))
    d = v.safe_date(v.full_year(m.group("y"), None), number, dom)
    return [Found(m.start(), m.end(), "day", lambda ref: v.day(d))] if d else []


WEEK_ORDINALS = {"prima": 0, "seconda": 1, "terza": 2, "quarta": 3}


def week_of_month(m: re.Match[str], text: str) -> list[Found]:
    """"la prima settimana di settembre", "l'ultima settimana di agosto 2024"."""
    number, year, which = month_number(m.group("m")), m.group("y"), m.group("o").lower()

    def resolve(ref: dt.date | None) -> str | None:
        if not (year or ref):
            return None
        y = v.full_year(year, ref) if year else v.month_in_year(number, ref, 0)  # type: ignore[arg-type]
        last = v.last_day(y, number)
        first = last - 6 if which == "ultima" else WEEK_ORDINALS[which] * 7 + 1
        return v.interval(v.day(dt.date(y, number, first)),
                          v.day(dt.date(y, number, min(first + 6, last))))

    return [Found(m.start(), m.end(), "part", resolve)]


ROMAN_MONTHS = {r: n for n, r in enumerate(
    "I II III IV V VI VII VIII IX X XI XII".split(), 1)}


def roman_month_day(m: re.Match[str], text: str) -> list[Found]:
    """"29 VI 1999": the month in Roman numerals."""
    d = v.safe_date(v.full_year(m.group("y"), None), ROMAN_MONTHS[m.group("rm")],
                    day_number(m.group("d")))
    return [Found(m.start(), m.end(), "day", lambda ref: v.day(d))] if d else []


# "via XX settembre", "corso venti settembre": a number or numeral before a bare month.
NAMED_FOR_A_DAY = re.compile(r"(?:\b[XVI]+|\d|\b(?:venti|primo|due|quattro|cinque|"
                             r"dieci|undici|ventiquattro|ventotto|trenta))\s+$", re.IGNORECASE)


def bare_month(m: re.Match[str], text: str) -> list[Found]:
    """A month named alone, in lower case as Italian writes months ("aprile è
    stato piovoso"): the nearest one, looking back first."""
    preceding = before(text, m.start(), 40)
    if NAMED_FOR_A_DAY.search(preceding) or re.search(
            r"\b(?:via|viale|piazza|corso|largo)\s+(?:\w+\s+)?$", preceding, re.IGNORECASE):
        return []
    number = month_number(m.group("m"))
    return [Found(m.start(), m.end(), "month", lambda ref: v.month(
        v.month_in_year(number, ref, 0), number) if ref else None)]


def month_of_relative_year(m: re.Match[str], text: str) -> list[Found]:
    """"aprile dell'anno scorso", "il 5 maggio del prossimo anno"."""
    number, shift = month_number(m.group("m")), direction_of(m)
    dom = day_number(m.group("d")) if m.group("d") else None

    def resolve(ref: dt.date | None) -> str | None:
        if ref is None:
            return None
        if dom is None:
            return v.month(ref.year + shift, number)
        d = v.safe_date(ref.year + shift, number, dom)
        return v.day(d) if d else None

    return [Found(m.start(), m.end(), "day" if dom else "month", resolve)]


def months_pair(m: re.Match[str], text: str) -> list[Found]:
    """"aprile e maggio del 2011": both months of that year."""
    year = m.group("y")

    def of(number: int) -> Resolve:
        return lambda ref: v.month(v.full_year(year, ref), number)

    return [Found(m.start(g), m.end(g) if g == "m1" else m.end(), "month",
                  of(month_number(m.group(g)))) for g in ("m1", "m2")]
