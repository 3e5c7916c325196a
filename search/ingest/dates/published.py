"""An article's own date, when its metadata gives none, read from the text.

In order: the dateline ("Modena, 3 settembre 2025 –"), then a full date in
the lead that reads as the news's own. A date the lead presents as history
("Ottant'anni fa, il 6 agosto 1945", a sentence in the remote past), a
law's date, a deadline, a date earlier than a year the text names, and a
date decades before any archive we serve are refused; so are a date the
news recalls (the crime in a report of its trial, "il furto avvenuto il
…", a lead whose own day is "ieri" or "oggi") and a scheduled one
("approderà in aula l'8 febbraio"). When in doubt the article stays
undated, since a wrong date is worse than none.
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
    r"tra\s+il|fra\s+il|al)\s*(?:il\s+|l['’]\s?|lo\s+)?$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)")
# A future tense in the date's sentence: the date is scheduled, not the news's.
SCHEDULED = re.compile(
    r"\b(?:\w{2,}(?:erà|irà|arà|eranno|iranno|aranno)|sarà|saranno|avrà|avranno|"
    r"rinviat[oaie]|fissat[oaie]|calendarizzat[oaie])(?!\w)", re.IGNORECASE)
# An event the date is attached to, named before it: the news is what
# followed ("il furto avvenuto il …", "la rapina messa a segno il …").
RECALLED = re.compile(
    r"\b(?:furt[oi]|rapin[ae]|colpo|delitto|omicidio|assassinio|aggressione|fatto|fatti|"
    r"episodio|tragedia|morte|incendio|ritrovamento|scippo|truffa|violenz[ae]|sparatoria|"
    r"incidente)\b[^.;]{0,70}$", re.IGNORECASE)
# A report of a trial or an investigation: its explicit dates are the facts
# judged (the news's own day is "ieri", or not written).
COURT = re.compile(
    r"\b(?:processo|udienza|sentenza|condann\w+|pena|giudice|gup|gip|imputat[oaie]|"
    r"rinviat[oaie]\s+a\s+giudizio|indagat[oaie]|reclusione|patteggia\w+|tribunale|"
    r"corte\s+d['’]\s?assise|assise|procura)\b", re.IGNORECASE)
# The news's own day written relative to publication: another full date in
# the lead then dates something else, unless it stands beside the word
# ("Ieri, 3 settembre 2025, …").
RELATIVE_DAY = re.compile(
    r"\b(?:ieri|oggi|stamattina|stamane|stanotte|stasera|l['’]\s?altra\s+notte|"
    r"l['’]\s?altro\s?ieri|altroieri)\b", re.IGNORECASE)
BESIDE = 12
_APPOSITION = re.compile(r"[\s,]*(?:il\s+)?", re.IGNORECASE)


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
        sentence = _sentence(lead, found.start, found.end)
        if HISTORY.search(sentence) or not MIN_YEAR <= day.year <= MAX_YEAR:
            return None
        if not _own(lead, found, sentence):
            return None
        if any(int(y) > day.year for y in _YEARS.findall(text)):
            return None  # the text tells of later years: this date is not its own
        return day + dt.timedelta(days=_offset(_sentence(lead, found.start, found.end)))
    return None


def _own(lead: str, found: MentionedDate, sentence: str) -> bool:
    """Whether a full date of the lead reports the news itself: not
    scheduled, not the day of an event the news recalls, not in a court
    report, and not beside a lead whose own day is "ieri" or "oggi"."""
    if SCHEDULED.search(sentence) or RECALLED.search(lead[max(0, found.start - 90):found.start]):
        return False
    if COURT.search(lead):
        return False
    for relative in RELATIVE_DAY.finditer(lead):
        between = lead[relative.end():found.start]
        if not (relative.end() <= found.start and len(between) <= BESIDE
                and _APPOSITION.fullmatch(between)):
            return False
    return True


def infer_date(text: str) -> dt.date | None:
    """The article's date from its text (dateline, else lead), or None."""
    day = dateline_date(text)
    if day is not None and MIN_YEAR <= day.year <= MAX_YEAR:
        return day
    return lead_date(text)


# An archive's own dates bound the plausible: an inferred date more than
# this far outside the span of the dates the archive gives is not its news.
ARCHIVE_MARGIN = dt.timedelta(days=366)


def plausible_in_archive(article: Article, given: tuple[dt.date, dt.date] | None) -> Article:
    """``article`` undated (its relative dates unresolved again) when its
    inferred date falls outside ``given`` (the earliest and latest given
    dates) widened by a year each side."""
    if not article.date_inferred or article.date is None or given is None:
        return article
    if given[0] - ARCHIVE_MARGIN <= article.date <= given[1] + ARCHIVE_MARGIN:
        return article
    return replace(article, date=None, date_inferred=False, dates=find_dates(article.text))
