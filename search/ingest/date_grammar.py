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

from search.ingest import date_values as v
from search.ingest.date_lexicon import (
    BACK,
    CENTURY_WORDS,
    DECADES,
    FORWARD,
    MONTHS,
    ORDINAL_CENTURIES,
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
    year = int(m.group("y")) if len(m.group("y")) == 4 else None
    number, dom = int(m.group("m")), int(m.group("d"))
    if year is not None and v.safe_date(year, number, dom) is None:
        return []

    def resolve(ref: dt.date | None) -> str | None:
        d = v.safe_date(year or v.full_year("'" + m.group("y"), ref), number, dom)
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
    n1 = month_number(m.group("m1") or m.groupdict().get("m1b"))
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


YEAR_AFTER = re.compile(
    r"(?:\b(?:nel|nell['’]anno|dell['’]anno|del|dal|al|entro\s+il|fino\s+al|prima\s+del|"
    r"dopo\s+il|a\s+partire\s+dal|sul|anno|il|l['’]anno|nel\s+corso\s+del|estate|inverno|"
    r"autunno|primavera|classe|annata|stagione)\s+)$", re.IGNORECASE)
CENTURY_AFTER = re.compile(
    r"(?:\b(?:il|nel|del|dal|al|primo|tardo|fine|inizio)\s+|\b(?:l|nell|dell|dall|all))$",
    re.IGNORECASE)


def year(m: re.Match[str], text: str) -> list[Found]:
    """"nel 2024", "dal 2019", "il '68": a year needs a word that makes it one."""
    if not YEAR_AFTER.search(before(text, m.start("y"), 30)):
        return []
    year = m.group("y")
    return [Found(m.start("y"), m.end(), "year", lambda ref: str(v.full_year(year, ref)))]


def year_range(m: re.Match[str], text: str) -> list[Found]:
    y1 = int(m.group("y1"))
    y2 = m.group("y2")
    end = int(y2) if len(y2) == 4 else y1 // 100 * 100 + int(y2)
    if not y1 < end <= y1 + 60:
        return []
    return [Found(m.start(), m.end(), "year", lambda ref: f"{y1}/{end}")]


def part(m: re.Match[str], text: str) -> list[Found]:
    """"fine agosto", "ai primi di settembre", "metà 2024", "fine anno"."""
    part = re.sub(r"\s+", " ", m.group("part").lower()).replace("meta", "metà")
    part = "inizio" if part == "inizi" else part
    what = (m.group("what") or m.group("what2") or "").lower()
    year = m.group("y") or m.group("y2")
    shift = direction_of(m)
    if what in MONTHS:
        number = month_number(what)

        def resolve(ref: dt.date | None) -> str | None:
            if year:
                return v.month_part(part, v.full_year(year, ref), number)
            return v.month_part(part, v.month_in_year(number, ref, 0), number) if ref else None
    elif what == "mese":  # this one, or "del mese scorso"
        def resolve(ref: dt.date | None) -> str | None:
            return v.month_part(part, *v.add_months(ref.year, ref.month, shift)) if ref else None
    else:  # a year, written, this one, or "dell'anno prossimo"
        def resolve(ref: dt.date | None) -> str | None:
            if year:
                return v.year_part(part, v.full_year(year, ref))
            return v.year_part(part, ref.year + shift) if ref else None
    return [Found(m.start(), m.end(), "part", resolve)]


def season(m: re.Match[str], text: str) -> list[Found]:
    name, year = m.group("s").lower(), m.group("y")
    if not (year or m.group("pre") or m.group("post") or m.group("this") or m.group("prep")):
        return []
    direction = direction_of(m)

    def resolve(ref: dt.date | None) -> str | None:
        if year:
            return v.season(name, v.full_year(year, ref))
        return v.season(name, v.season_year(name, ref, direction)) if ref else None

    return [Found(m.start(), m.end(), "season", resolve)]


def decade(m: re.Match[str], text: str) -> list[Found]:
    word = m.group("dec").lower().lstrip("'’")
    if word == "duemila":
        value = "200"
    elif word.isdigit():
        value = word[:3] if len(word) == 4 else "19" + word[0]
    else:
        value = ("20" if m.group("cent") and "duemila" in m.group("cent").lower() else "19") \
            + str(DECADES[word])
    return [Found(m.start(), m.end(), "decade", lambda ref: value)]


ROMAN = {"I": 1, "V": 5, "X": 10}


def _roman(text: str) -> int:
    total = 0
    for a, b in zip(text, text[1:] + " ", strict=True):
        total += -ROMAN[a] if ROMAN.get(b, 0) > ROMAN[a] else ROMAN[a]
    return total


def century(m: re.Match[str], text: str) -> list[Found]:
    g = m.groupdict()
    if g.get("word"):
        number = CENTURY_WORDS[g["word"]]
        return [Found(m.start("word"), m.end(), "century", lambda ref: f"{number:02d}")]
    relative = g.get("rel") or g.get("rel2")
    if relative:
        shift = -1 if re.match(BACK, relative, re.IGNORECASE) else 0
        return [Found(m.start(), m.end(), "century",
                      lambda ref: f"{ref.year // 100 + shift:02d}" if ref else None)]
    roman = g.get("roman") or g.get("roman2") or g.get("roman3") or g.get("roman4")
    ordinal = _roman(roman) if roman else ORDINAL_CENTURIES[g["ord"].lower()]
    if not 1 <= ordinal <= 21:
        return []
    return [Found(m.start(), m.end(), "century", lambda ref: f"{ordinal - 1:02d}")]


QUARTERS = {"primo": 1, "secondo": 2, "terzo": 3, "quarto": 4, "ultimo": 4}


def quarter(m: re.Match[str], text: str) -> list[Found]:
    """"il terzo trimestre 2024", "nel primo semestre": months as an interval."""
    size = 3 if m.group("u").lower() == "trimestre" else 6
    n = QUARTERS[m.group("o").lower()]
    if size == 6 and n > 2:
        n = 2 if m.group("o").lower() == "ultimo" else 0
    if not n:
        return []
    year = m.group("y")

    def resolve(ref: dt.date | None) -> str | None:
        if not (year or ref):
            return None
        y = v.full_year(year, ref) if year else ref.year  # type: ignore[union-attr]
        return v.interval(v.month(y, (n - 1) * size + 1), v.month(y, n * size))

    return [Found(m.start(), m.end(), "part", resolve)]


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


def decade_relative(m: re.Match[str], text: str) -> list[Found]:
    """"il decennio scorso", "questo decennio"."""
    shift = direction_of(m) if (m.group("pre") or m.group("post")) else 0
    return [Found(m.start(), m.end(), "decade",
                  lambda ref: str(ref.year // 10 + shift) if ref else None)]


def year_2000(m: re.Match[str], text: str) -> list[Found]:
    """"nel Duemila": the year 2000 (capitalised; "duemila euro" is a sum)."""
    return [Found(m.start("y"), m.end(), "year", lambda ref: "2000")]


def century_apostrophe(m: re.Match[str], text: str) -> list[Found]:
    """"il '900", "nell'800": the Novecento, the Ottocento."""
    if not CENTURY_AFTER.search(before(text, m.start(), 12)):
        return []
    number = int(m.group("c")) // 100 + 10
    return [Found(m.start(), m.end(), "century", lambda ref: f"{number:02d}")]
