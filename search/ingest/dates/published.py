"""An article's own date, when its metadata gives none, read from the text.

In order: the dateline ("Modena, 3 settembre 2025 –"), then a full date in
the lead that reads as the news's own. A date the lead presents as history
("Ottant'anni fa, il 6 agosto 1945", a sentence in the remote past), a
law's date, a deadline, a date earlier than a year the text names, and a
date decades before any archive we serve are refused; when in doubt the article
stays undated, since a wrong date is worse than none.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from search.ingest.dates.find import find_dates
from search.ingest.dates.lexicon import is_law_date
from search.models import Article, MentionedDate

LEAD_CHARS = 600
DATELINE_CHARS = 80
# Implausible as a news article's own date: decades before the archives served.
MIN_YEAR = 1990
# ... or centuries ahead of them (and the day after it always exists).
MAX_YEAR = 2100

_PLACE = r"[A-ZÀ-Ý][\w'’.]*(?:[ -][A-ZÀ-Ýa-z][\w'’.]*){0,3}"
DATELINE_BEFORE = re.compile(
    rf"^\W*(?:\(?[A-Za-z]{{2,10}}\)?\s*[-–—]\s*)?{_PLACE}\s*(?:\([A-Z]{{2}}\))?\s*[,.]?\s*$")
DATELINE_AFTER = re.compile(r"^\s*(?:[-–—:.]|\(|\s[A-ZÀ-Ý])")
HISTORY = re.compile(
    r"\b(?:fa|anniversario|anniversari|ricorre|ricorrenza|ricorda\w*|commemora\w*|accadde|"
    r"memoria|nacque|mor[iì]|nat[oa]|mort[oa]|scompars[oa]|correva|storia|storic[oa]|strage|"
    r"eccidio|esattamente|celebra\w*|rievoca\w*|risale|risalgono|quel(?:la)?|allora|"
    r"precedente|fatti|già|notte|commess[oaie]|emess[oaie]|veniva|"
    # the remote past and the pluperfect tell a story, not the news of the day
    r"fu|furono|fece|fecero|ebbe|ebbero|era|erano|aveva|avevano|venne|vennero|disse|"
    # (not "però", "perciò", "può" or a future "farò")
    r"(?!(?:per|perci|ci|pu|\w+r)ò\b)\w{2,}(?:arono|erono|irono|ò))(?!\w)",
    re.IGNORECASE)
_YEARS = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
NOT_OWN = re.compile(
    r"\b(?:dal|dall['’]|fino\s+al|entro\s+il|entro|a\s+partire\s+dal|scadenza|scade|prima\s+del|"
    r"dopo\s+il|previst[oa]\s+per|in\s+programma|rinviat[oa]\s+al|fissat[oa]\s+per|"
    r"tra\s+il|fra\s+il|al)\s*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)")


def _sentence(text: str, start: int, end: int) -> str:
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    return text[before[-1] if before else 0:after.start() if after else len(text)]


# "Ieri, 3 settembre 2025, ...": the article was written the day after.
_OFFSETS = [(re.compile(r"\bl['’]\s?altro\s?ieri\b|\baltroieri\b|\bieri\s+l['’]altro\b",
                        re.IGNORECASE), 2),
            (re.compile(r"\bieri\b", re.IGNORECASE), 1),
            (re.compile(r"\bdomani\b", re.IGNORECASE), -1)]


def _offset(sentence: str) -> int:
    """Days from the lead's date to the article's, by the sentence's "ieri"."""
    return next((days for pattern, days in _OFFSETS if pattern.search(sentence)), 0)


def _day(found: MentionedDate) -> dt.date | None:
    if found.granularity != "day" or not found.value or "/" in found.value:
        return None
    try:
        return dt.date.fromisoformat(found.value)
    except ValueError:
        return None  # "BC0044-03-15"


def dateline_date(text: str) -> dt.date | None:
    """"Modena, 3 settembre 2025 – ...", "(ANSA) - ROMA, 3/9/2025 -"."""
    for found in find_dates(text[:DATELINE_CHARS + 40]):
        if found.start > DATELINE_CHARS:
            break
        day = _day(found)
        if day and DATELINE_BEFORE.match(text[:found.start]) \
                and DATELINE_AFTER.match(text[found.end:found.end + 3] or "."):
            return day
    return None


def lead_date(text: str) -> dt.date | None:
    """The first full date in the lead, if it reads as the news's own date."""
    lead = text[:LEAD_CHARS]
    for found in find_dates(lead):
        day = _day(found)
        if day is None:
            if found.value and found.granularity in ("year", "decade", "century"):
                return None  # the lead dates something else first: in doubt
            continue
        if is_law_date(lead, found.start) or NOT_OWN.search(lead[max(0, found.start - 25):
                                                                  found.start]):
            return None
        if HISTORY.search(_sentence(lead, found.start, found.end)) \
                or not MIN_YEAR <= day.year <= MAX_YEAR:
            return None
        if any(int(y) > day.year for y in _YEARS.findall(text)):
            return None  # the text tells of later years: this date is not its own
        return day + dt.timedelta(days=_offset(_sentence(lead, found.start, found.end)))
    return None


def infer_date(text: str) -> dt.date | None:
    """The article's date from its text (dateline, else lead), or None."""
    day = dateline_date(text)
    if day is not None and MIN_YEAR <= day.year <= MAX_YEAR:
        return day
    return lead_date(text)


# An archive's own dates bound the plausible: an inferred date this many
# years before the earliest date the archive gives is history, not news.
ARCHIVE_GAP_YEARS = 20


def plausible_in_archive(article: Article, earliest_given: int | None) -> Article:
    """``article`` undated (its relative dates unresolved again) when its
    inferred date falls decades before the archive's earliest given year."""
    if not article.date_inferred or article.date is None or earliest_given is None:
        return article
    if article.date.year >= earliest_given - ARCHIVE_GAP_YEARS:
        return article
    return replace(article, date=None, date_inferred=False, dates=find_dates(article.text))
