"""Readers of periods longer than a day: years, ranges of years, parts of a
month or year, quarters, seasons, decades and centuries."""

from __future__ import annotations

import datetime as dt
import re

from search.ingest.dates import values as v
from search.ingest.dates.grammar import Found, direction_of
from search.ingest.dates.lexicon import (
    BACK,
    CENTURY_WORDS,
    DECADES,
    MONTHS,
    ORDINAL_CENTURIES,
    YEAR_WORDS,
    before,
    month_number,
)

YEAR_AFTER = re.compile(
    r"(?:\b(?:nel|nell['’]anno|dell['’]anno|del|dal|al|entro\s+il|fino\s+al|prima\s+del|"
    r"dopo\s+il|a\s+partire\s+dal|sul|anno|il|l['’]anno|nel\s+corso\s+del|estate|inverno|"
    r"autunno|primavera|classe|annata|stagione)\s+)$", re.IGNORECASE)
CENTURY_AFTER = re.compile(
    r"(?:\b(?:il|nel|del|dal|al|primo|tardo|fine|inizio)\s+|\b(?:l|nell|dell|dall|all))$",
    re.IGNORECASE)


# A bare year is one when punctuation closes it ("Euro 2024,", "(2019)") and
# nothing before makes it a number.
NOT_A_YEAR_BEFORE = re.compile(r"(?:copyright|©|\(c\)|n\.|nr\.|numero|tel\.?|cap|€|euro|quota|"
                               r"pagina|pag\.|art\.|articolo|comma)\s*$", re.IGNORECASE)


def year(m: re.Match[str], text: str) -> list[Found]:
    """"nel 2024", "dal 2019", "il '68": a year needs a word that makes it one,
    or, alone, punctuation after it ("(2019)", "Euro 2024,")."""
    preceding = before(text, m.start("y"), 30)
    if not YEAR_AFTER.search(preceding):
        after = text[m.end():m.end() + 1]
        if m.group("y")[0] in "'’" or (after and after not in ",.;:)]»\"") \
                or NOT_A_YEAR_BEFORE.search(preceding):
            return []
    year = m.group("y")
    return [Found(m.start("y"), m.end(), "year", lambda ref: str(v.full_year(year, ref)))]


def year_in_words(m: re.Match[str], text: str) -> list[Found]:
    """"nel duemilaventi", "millenovecentosettantatré"."""
    year = YEAR_WORDS[m.group("w").lower()]
    return [Found(m.start(), m.end(), "year", lambda ref: str(year))]


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
    if word in ("duemila", "zero", "duemiladieci"):
        value = "201" if word == "duemiladieci" else "200"
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

    shift = direction_of(m)

    def resolve(ref: dt.date | None) -> str | None:
        if not (year or ref):
            return None
        y = v.full_year(year, ref) if year else ref.year + shift  # type: ignore[union-attr]
        return v.interval(v.month(y, (n - 1) * size + 1), v.month(y, n * size))

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


def era(m: re.Match[str], text: str) -> list[Found]:
    """"44 a.C.", "il 15 marzo 44 a.C.", "79 d.C.", "II secolo a.C.": TIMEX3's
    "BC0044" before Christ, plain years after."""
    bc = (m.group("era") or m.group("era2")).lower().startswith("a")
    if m.group("roman"):
        number = _roman(m.group("roman"))
        value = f"BC{number - 1:02d}" if bc else f"{number - 1:02d}"
        return [Found(m.start(), m.end(), "century", lambda ref: value)]
    year = int(m.group("y"))
    if not year:
        return []
    value = f"BC{year:04d}" if bc else f"{year:04d}"
    granularity = "year"
    if m.group("m"):
        value += f"-{month_number(m.group('m')):02d}"
        granularity = "month"
        if m.group("d"):
            value += f"-{int(m.group('d').rstrip('°º')):02d}"
            granularity = "day"
    return [Found(m.start(), m.end(), granularity, lambda ref: value)]
