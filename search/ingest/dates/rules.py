"""The grammar's table: each rule is the words it needs, a pattern, and
the reader that turns a match into dates (``grammar``, ``periods``,
``relative``). Order breaks ties between equally long matches: the
more specific rule comes first."""

from __future__ import annotations

import re

from search.ingest.dates import grammar as g
from search.ingest.dates import lexicon as lx
from search.ingest.dates import periods as pe
from search.ingest.dates import relative as r
from search.ingest.dates import values as v

A, _B, _DAY, _FULL, _MONTH, _NUM = lx.A, lx.WORD_START, lx.DAY, lx.FULL, lx.MONTH, lx.NUM
_POST, _PRE, _WD, _YEAR = lx.POST, lx.PRE, lx.WD, lx.YEAR
# The words a rule cannot match without (DIGIT: any digit).
DIGIT = "0"
DIGITS = {DIGIT}
MONTH_WORDS = set(lx.MONTHS)
WEEKDAY_WORDS = set(lx.WEEKDAYS) | {w[:-1] + "i" for w in lx.WEEKDAYS if w.endswith("ì")}
PART_WORDS = {"fine", "inizio", "inizi", "primi", "metà", "meta"}
SEASON_WORDS = {"primavera", "estate", "autunno", "inverno"}
CENTURY_TRIGGER = {w.lower() for w in lx.CENTURY_WORDS}
YEAR_WORD_TRIGGER = set(lx.YEAR_WORDS)
_HOLIDAYS = [*v.FIXED_HOLIDAYS, *v.EASTER_OFFSETS]
HOLIDAY_WORDS = {h.split()[-1].split("'")[-1] for h in _HOLIDAYS}
_HOLIDAY = "|".join(sorted((h.replace(" ", r"\s+").replace("'", A).replace("ì", "[ìi]")
                            for h in _HOLIDAYS), key=len, reverse=True))

_OF = rf"(?:\s+(?:del\s+|dell{A}anno\s+)?(?P<y>{_YEAR}))"
_PREP = r"(?:a|ad|in|(?-i:di)|da|entro|fino\s+a|nel\s+mese\s+di|il\s+mese\s+di|a\s+partire\s+da|" \
        r"tra|fra|dopo|prima\s+di|per|dal\s+mese\s+di|durante|verso)"
_DAYS_JOIN = rf"\s*(?:,|e|ed)\s*(?:il\s+|l{A})?"
# The two ends of a range of days: "dal 3 (marzo (2024)) al 5 aprile (2024)".
_FROM_DAY = rf"(?P<d1>{_DAY})(?:\s+(?P<m1>{_FULL})(?:\s+(?P<y1>{_YEAR}))?)?"
_TO_DAY = rf"(?P<d2>{_DAY})\s+(?:di\s+)?(?P<m2>{_FULL})(?:\s+(?:del\s+)?(?P<y2>{_YEAR}))?"
_TIME_OF_DAY = r"(?:\s+(?:mattina|mattino|sera|pomeriggio|notte|mattinata|serata))?"

RULES = [
    # "lo scorso 6 di novembre", "lunedì 3 novembre 2025", "il 2 giugno del 1946", "2 giugno '46"
    (MONTH_WORDS,
     rf"{_B}(?:{_PRE}\s+)?(?:(?P<wd>{_WD}),?\s+)?(?P<d>{_DAY})\s+(?:di\s+)?(?P<m>{_MONTH})\.?"
     rf"(?:,?{_OF})?(?:\s+{_POST})?", g.day_month),
    (MONTH_WORDS,  # "08-SET-2025", "8/set/25"
     rf"{_B}(?P<d>{_DAY})(?P<s>[-/.])(?P<m>{_MONTH})(?P=s)(?P<y>\d{{4}}|\d{{2}})(?![\d.,]\d)",
     g.day_month),
    (MONTH_WORDS,
     rf"{_B}(?P<days>(?:{_DAY}){_DAYS_JOIN}(?:(?:{_DAY}){_DAYS_JOIN})*(?:{_DAY}))\s+(?:di\s+)?"
     rf"(?P<m>{_FULL}){_OF}?", g.days_of_month),
    (MONTH_WORDS, rf"{_B}(?:dal|dall{A}|da)\s*{_FROM_DAY}\s+(?:al|all{A}|a)\s*{_TO_DAY}",
     g.day_range),
    (MONTH_WORDS, rf"{_B}(?:tra|fra)\s+(?:il|l{A})\s*{_FROM_DAY}\s+e\s+(?:il|l{A})\s*{_TO_DAY}",
     g.day_range),
    (MONTH_WORDS, rf"{_B}(?P<d1>{_DAY})\s*[-–/]\s*{_TO_DAY}", g.day_range),
    (DIGITS,
     r"(?<![\d./-])(?P<d>\d{1,2})(?P<s>[/.-])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})"
     r"(?![.,/-]?\d)", g.numeric),
    (DIGITS,
     r"(?<![\d./-])(?P<y>1[89]\d{2}|20\d{2})\s?(?P<s>[/.-])\s?(?P<m>\d{1,2})\s?(?P=s)\s?"
     r"(?P<d>\d{1,2})"
     r"(?![.,/-]?\d)", g.numeric),
    (MONTH_WORDS,
     rf"{_B}(?:(?:mese\s+di)\s+)?(?P<m>{_MONTH})\.?{_OF}", g.month_year),
    (MONTH_WORDS,
     rf"{_B}(?P<span>(?:{_PRE}\s+(?:mese\s+di\s+)?)(?P<m>{_FULL})(?:\s+{_POST})?)",
     g.month_relative),
    (MONTH_WORDS,
     rf"{_B}(?P<span>(?:l{A}|nell{A}|dell{A}|all{A})?(?P<m>{_FULL})\s+{_POST})(?!\s+\d)",
     g.month_relative),
    (MONTH_WORDS,
     rf"{_B}{_PREP}\s+(?P<span>(?P<m>{_FULL}))\b(?!\s+(?:\d|del\s+\d|{A}\d))", g.month_relative),
    (MONTH_WORDS,
     rf"{_B}(?:(?P<d>{_DAY})\s+(?:di\s+)?)?(?P<m>{_FULL})\s+(?:dell{A}anno\s+(?P<post>{lx.BACK}|"
     rf"prossimo|successivo)|del(?:lo)?\s+(?P<pre>{lx.BACK}|prossimo)\s+anno)",
     g.month_of_relative_year),
    (MONTH_WORDS,
     rf"{_B}(?P<m1>{_FULL})\s+e\s+(?P<m2>{_FULL})\s+(?:del\s+)?(?P<y>{_YEAR})", g.months_pair),
    (DIGITS,
     r"(?-i:\b(?P<d>3[01]|[12]\d|0?[1-9])\s+(?P<rm>XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)\s+"
     r"(?P<y>1\d{3}|20\d{2})\b)", g.roman_month_day),
    ({"c"},
     rf"{_B}(?:(?:(?P<d>3[01]|[12]\d|0?[1-9])\s+(?:di\s+)?)?(?P<m>{_FULL})\s+)?(?P<y>\d{{1,4}})\s+"
     r"(?P<era>a\.\s?C\.|d\.\s?C\.)|(?-i:\b(?P<roman>[XVI]{1,5}))\s+secolo\s+"
     r"(?P<era2>a\.\s?C\.|d\.\s?C\.)", pe.era),
    (YEAR_WORD_TRIGGER,
     rf"{_B}(?P<w>" + "|".join(sorted(lx.YEAR_WORDS, key=len, reverse=True)) + r")\b"
     r"(?!\s*(?:euro|dollari|persone|abitanti|metri|chilometri|volte|voti|posti|casi|morti)\b)",
     pe.year_in_words),
    (MONTH_WORDS,  # "ad aprile e maggio": the second month too
     rf"(?<=\s)(?:{_FULL})\s+e\s+(?P<span>(?P<m>{_FULL}))\b(?!\s+(?:\d|del\s+\d|{A}\d))",
     g.month_relative),
    (MONTH_WORDS,
     rf"(?-i:(?<![\w'’])(?P<m>{_FULL})(?![\w'’])(?!\s+(?:\d|del\s+\d|{A}\d)))",
     g.bare_month),
    (MONTH_WORDS,
     rf"{_B}(?:da|dal\s+mese\s+di)\s+(?P<m1>{_FULL})(?:\s+(?P<y1>{_YEAR}))?\s+(?:a|ad|fino\s+a)\s+"
     rf"(?P<m2>{_FULL})(?:\s+(?:del\s+)?(?P<y2>{_YEAR}))?", g.month_range),
    (MONTH_WORDS,
     rf"{_B}(?:(?:tra|fra)\s+(?P<m1>{_FULL})(?:\s+(?P<y1>{_YEAR}))?\s+e\s+|"
     rf"(?P<m1b>{_FULL})\s*[-–/]\s*)(?P<m2>{_FULL})(?:\s+(?:del\s+)?(?P<y2>{_YEAR}))?",
     g.month_range),
    (MONTH_WORDS,
     rf"{_B}(?:(?P<wd>{_WD}),?\s+)?(?P<m>{_FULL})\s+(?P<d>3[01]|[12]\d|0?[1-9]),?\s+"
     rf"(?P<y>(?:1\d|20)\d{{2}})(?!\d)",
     g.month_day_year),
    ({"settimana"},
     rf"{_B}(?:la\s+|l{A})?(?P<o>prima|seconda|terza|quarta|ultima)\s+settimana\s+(?:di|del\s+mese"
     rf"\s+di)\s+(?P<m>{_FULL}){_OF}?", g.week_of_month),
    ({"decennio"},
     rf"{_B}(?:(?:il|lo|questo)\s+)?(?:(?P<pre>scorso|passato|prossimo)\s+decennio|"
     rf"decennio\s+(?P<post>scorso|passato|prossimo|in\s+corso)|questo\s+decennio)",
     pe.decade_relative),
    # A year after a preposition, found from its digits (quicker than from every word).
    (DIGITS,
     rf"(?<=[\s'’(])(?P<y>(?:1[5-9]\d{{2}}|20\d{{2}})|(?<=\s){A}\d{{2}})"
     r"(?![\d.,]\d|\s*%|\s*(?:per\s*cento|euro|dollari|€|persone|abitanti|metri|km|chilometri|"
     r"volte|voti|posti|casi|morti|ettari|tonnellate|chili|grammi|litri)\b)", pe.year),
    (DIGITS,
     rf"{_B}(?:(?:nel|dal|tra\s+il|fra\s+il|il|biennio|triennio|stagione)\s+)?(?P<y1>(?:19|20)\d{{2}})"
     r"\s*(?:[-–/]|\s(?:al|e\s+il)\s)\s*(?P<y2>(?:19|20)\d{2}|\d{2})(?![\d.,]\d)", pe.year_range),
    (PART_WORDS,
     rf"{_B}(?:(?:a|alla|all{A}|agli|ai|entro|entro\s+la|verso|verso\s+la|dalla|nella|per|fino\s+alla)"
     rf"\s*)?(?P<part>fine|inizio|inizi|primi|met[àa]|prima\s+met[àa]|seconda\s+met[àa])"
     rf"\s+(?:di\s+|del\s+(?:mese\s+di\s+)?|dell{A})?(?:(?P<what>{_FULL}){_OF}?|"
     rf"(?P<what2>mese|anno)\b(?:\s+{_POST})?|(?P<y2>{_YEAR}))", pe.part),
    (SEASON_WORDS,
     rf"{_B}(?:(?P<this>quest{A}|questa\s+)|{_PRE}\s+|(?P<prep>in|entro|per|durante|nell{A}|"
     rf"nella|dall{A}|dalla|all{A}|alla|dell{A}|della)\s*(?:l{A}|la\s+)?|(?:l{A}|dell{A}|la\s+|della\s+)?)"
     rf"(?P<s>primavera|estate|autunno|inverno)(?:\s+{_POST})?{_OF}?", pe.season),
    ({"anni"},
     rf"{_B}(?:(?:inizio|fine|met[àa]|primi)\s+(?:degli\s+)?|negli\s+|degli\s+|agli\s+|dagli\s+|"
     rf"sugli\s+|gli\s+|tra\s+gli\s+|fra\s+gli\s+)anni\s+(?P<dec>dieci|venti|trenta|quaranta|"
     rf"cinquanta|sessanta|settanta|ottanta|novanta|duemiladieci|duemila|zero|"
     rf"{A}?[1-9]0(?!\d)|(?:1[0-9]|20)\d0)"
     rf"(?:\s+del\s+(?P<cent>novecento|duemila|secolo\s+scorso))?", pe.decade),
    ({"anni"},  # "anni Ottanta" alone, capitalised: "anni 80" may be an age
     r"(?-i:\b[Aa]nni\s+(?P<dec>Venti|Trenta|Quaranta|Cinquanta|Sessanta|Settanta|Ottanta|"
     r"Novanta|Duemila)\b)(?P<cent>)", pe.decade),
    ({"secolo", "sec"},
     r"(?-i:\b(?P<roman>[XVI]{1,5})\s+secolo\b|\bsecolo\s+(?P<roman2>[XVI]{1,5})\b|"
     r"\bsec\.\s*(?P<roman3>[XVI]{1,5})\b|\b(?P<roman4>[XVI]{1,5})\s+sec\.)", pe.century),
    ({"secolo"},
     r"\b(?P<ord>" + "|".join(lx.ORDINAL_CENTURIES) + r")\s+secolo\b", pe.century),
    ({"secolo"},
     rf"\b(?:(?:il|l{A}|lo|questo)\s*)?(?:secolo\s+(?P<rel>scorso|passato|attuale|corrente)|"
     rf"(?P<rel2>scorso)\s+secolo)", pe.century),
    (CENTURY_TRIGGER,
     rf"(?-i:(?:\b(?:il|nel|del|dal|al|primo|tardo|pieno|fine|inizio|secondo|metà|tutto)\s+|l{A}|nell{A}|"
     rf"dell{A}|dall{A}|all{A})(?P<word>" + "|".join(lx.CENTURY_WORDS) + r")\b)", pe.century),
    ({"ieri", "altroieri", "avantieri"},
     rf"{_B}(?:l{A}\s?altro\s?ieri|l{A}altroieri|ieri\s+l{A}altro|avantieri){_TIME_OF_DAY}",
     r.fixed("day", days=-2)),
    ({"ieri"},
     rf"{_B}ieri{_TIME_OF_DAY}", r.fixed("day", days=-1)),
    ({"oggi", "stamattina", "stamani", "stamane", "stasera", "stanotte", "questa", "questo",
      "odierna"},
     rf"{_B}(?:in\s+data\s+odierna|oggi{_TIME_OF_DAY}|stamattina|stamani|stamane|stasera|stanotte|"
     r"quest[ao]\s+(?:mattina|sera|notte|pomeriggio|mattinata|serata))\b", r.fixed("day")),
    ({"dopodomani", "domani"},
     rf"{_B}(?:dopodomani|domani\s+l{A}altro)", r.fixed("day", days=2)),
    ({"domani", "domattina"},
     rf"{_B}(?:domani{_TIME_OF_DAY}|domattina)\b", r.fixed("day", days=1)),
    ({"settimana"},
     rf"{_B}(?:questa|la\s+presente)\s+settimana|la\s+settimana\s+in\s+corso(?!\w)",
     r.fixed("week")),
    ({"settimana"},
     rf"{_B}(?:la\s+)?(?:settimana\s+(?:prossima|entrante|ventura|che\s+viene)|prossima\s+settimana)(?!\w)",
     r.fixed("week", days=7)),
    ({"settimana"},
     rf"{_B}(?:la\s+)?(?:settimana\s+(?:scorsa|passata)|(?:scorsa|passata)\s+settimana)(?!\w)",
     r.fixed("week", days=-7)),
    ({"mese"},
     rf"{_B}(?:questo\s+mese|quest{A}\s?mese|(?:il\s+|nel\s+)?mese\s+in\s+corso)(?!\w)",
     r.fixed("month")),
    ({"mese"},
     rf"{_B}(?:il\s+)?(?:mese\s+(?:prossimo|venturo|entrante)|prossimo\s+mese)(?!\w)",
     r.fixed("month", months=1)),
    ({"mese"},
     rf"{_B}(?:il\s+|lo\s+)?(?:mese\s+(?:scorso|passato)|(?:scorso|passato)\s+mese)(?!\w)",
     r.fixed("month", months=-1)),
    ({"mese"},
     rf"{_B}(?P<d>{_DAY})\s+(?:di\s+questo\s+mese|del\s+mese(?:\s+(?:in\s+corso|corrente|"
     rf"(?P<post>scorso|passato|prossimo)))?|del\s+(?P<pre>scorso|prossimo)\s+mese)",
     r.day_of_month),
    ({"corrente", "c"},
     rf"{_B}(?P<d>{_DAY})\s+(?:corrente|c\.\s?m\.)(?!\w)", r.day_of_month),
    ({"anno"},
     rf"{_B}(?:quest{A}\s?anno|questo\s+anno|(?:l{A}|nell{A})anno\s+in\s+corso|"
     rf"(?<=entro\s)l{A}anno)(?!\w)",
     r.fixed("year")),
    ({"anno"},
     rf"{_B}(?:(?:l{A}\s?)?anno\s+(?:prossimo|venturo|entrante|che\s+viene)|"
     rf"(?:il\s+)?prossimo\s+anno)(?!\w)",
     r.fixed("year", years=1)),
    ({"anno"},
     rf"{_B}(?:(?:l{A}\s?)?anno\s+(?:scorso|passato)|(?:lo\s+)?(?:scorso|passato)\s+anno)(?!\w)",
     r.fixed("year", years=-1)),
    ({"fa", "sono", "orsono"},
     rf"{_B}(?P<n>\d{{1,3}}|{_NUM}|mezzo|un\s+paio\s+di)\s*(?P<u>gg|giorni|giorno|settimane|settimana|mesi|mese|anni|anno|"
     rf"decenni|decennio|secoli|secolo|ore|ora|minuti|minuto|secondi)\s+"
     rf"(?P<ago>fa|or\s+sono|orsono)\b", r.counted),
    ({"fa", "sono", "orsono"},
     rf"{_B}(?P<n>un|mezz|vent|trent|quarant|cinquant|sessant|settant|ottant|novant){A}\s?"
     rf"(?P<u>anni|anno|ora)\s+(?P<ago>fa|or\s+sono|orsono)\b", r.counted),
    ({"tra", "fra"},
     rf"{_B}(?:tra|fra)\s+(?:(?P<n>\d{{1,3}}|{_NUM})\s+|(?P<n2>un|mezz){A})(?P<u>giorni|giorno|"
     rf"settimane|settimana|mesi|"
     rf"mese|anni|anno|decenni|decennio|secoli|secolo|ore|ora)\b(?P<ago>)",
     r.counted),
    (HOLIDAY_WORDS,
     rf"{_B}(?:{_PRE}\s+)?(?P<h>{_HOLIDAY})(?:\s+{_POST})?(?:\s+(?:del\s+)?(?P<y>{_YEAR}))?\b",
     r.holiday),
    ({"trimestre", "semestre"},
     rf"{_B}(?P<o>primo|secondo|terzo|quarto|ultimo)\s+(?P<u>trimestre|semestre)"
     rf"(?:\s+(?:del\s+|dell{A}anno\s+)?(?P<y>{_YEAR})|\s+dell{A}anno\s+(?P<post>{lx.BACK}|"
     rf"prossimo)|\s+del(?:lo)?\s+(?P<pre>{lx.BACK}|prossimo)\s+anno)?", pe.quarter),
    ({"weekend", "fine"},
     rf"{_B}(?:{_PRE}\s+|quest[oa]\s+|nel\s+|nello\s+|il\s+)(?:fine\s+settimana|weekend|week-end)"
     rf"(?:\s+{_POST})?", r.weekend),
    (DIGITS, rf"{A}(?P<c>[5-9]00)\b", pe.century_apostrophe),
    ({"duemila"}, r"(?-i:\b(?:nel|del|dal|il|al|entro\s+il)\s+(?P<y>Duemila)\b)", pe.year_2000),
    (WEEKDAY_WORDS,
     rf"{_B}(?:{_PRE}\s+)?(?P<wd>{_WD})(?:\s*{_POST})?{_TIME_OF_DAY}(?:(?<=['’])|(?![\w'’]))",
     r.weekday_rel),
    (WEEKDAY_WORDS,
     rf"{_B}(?P<wd>{_WD})\s+(?P<d>{_DAY})(?!\s*(?:[,.:]\d|\d|%|{_MONTH}|di\s+(?:{_MONTH})))",
     r.weekday_day),
]
COMPILED = [(frozenset(words), re.compile(pattern, re.IGNORECASE), reader)
            for words, pattern, reader in RULES]
