"""Words and patterns of Italian dates: months, weekdays, numbers, and the
contexts that make a date something else (streets, laws, habits)."""

from __future__ import annotations

import re

from search.entities.words import STREET_NOUNS

MONTHS = {
    name: i for i, names in enumerate(
        [("gennaio", "gen"), ("febbraio", "feb"), ("marzo", "mar"), ("aprile", "apr"),
         ("maggio", "mag"), ("giugno", "giu"), ("luglio", "lug"), ("agosto", "ago"),
         ("settembre", "set", "sett"), ("ottobre", "ott"), ("novembre", "nov"),
         ("dicembre", "dic")], 1)
    for name in names
}
FULL_MONTHS = [m for m in MONTHS if len(m) > 4]
WEEKDAYS = {"lunedì": 0, "martedì": 1, "mercoledì": 2, "giovedì": 3, "venerdì": 4,
            "sabato": 5, "domenica": 6}
NUMBERS = {
    w: n for n, w in enumerate(
        "zero uno due tre quattro cinque sei sette otto nove dieci undici dodici tredici "
        "quattordici quindici sedici diciassette diciotto diciannove venti".split())
} | {"un": 1, "una": 1, "un'": 1, "ventuno": 21, "trenta": 30, "quaranta": 40,
     "cinquanta": 50, "sessanta": 60, "settanta": 70, "ottanta": 80, "novanta": 90,
     "cento": 100, "vent": 20, "trent": 30, "quarant": 40, "cinquant": 50, "sessant": 60,
     "settant": 70, "ottant": 80, "novant": 90}
DECADES = {"dieci": 1, "venti": 2, "trenta": 3, "quaranta": 4, "cinquanta": 5, "sessanta": 6,
           "settanta": 7, "ottanta": 8, "novanta": 9}
CENTURY_WORDS = {"Duecento": 12, "Trecento": 13, "Quattrocento": 14, "Cinquecento": 15,
                 "Seicento": 16, "Settecento": 17, "Ottocento": 18, "Novecento": 19}
ORDINAL_CENTURIES = {
    "primo": 1, "secondo": 2, "terzo": 3, "quarto": 4, "quinto": 5, "sesto": 6, "settimo": 7,
    "ottavo": 8, "nono": 9, "decimo": 10, "undicesimo": 11, "dodicesimo": 12,
    "tredicesimo": 13, "quattordicesimo": 14, "quindicesimo": 15, "sedicesimo": 16,
    "diciassettesimo": 17, "diciottesimo": 18, "diciannovesimo": 19, "ventesimo": 20,
    "ventunesimo": 21}

A = "['’]"
MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
FULL = "|".join(sorted(FULL_MONTHS, key=len, reverse=True))
WD = r"(?:lune|marte|mercole|giove|vener)d(?:ì|i" + A + r"?)|sabato|domenica"
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:°|º)?(?!\d)|primo"
YEAR = r"(?:1\d{3}|20\d{2})(?![\d.,]\d)|" + A + r"\d{2}(?!\d)"
NUM = "|".join(sorted((w for w in NUMBERS if not w.endswith("'")), key=len, reverse=True))
BACK = r"scors[oaie]|passat[oaie]"
FORWARD = r"prossim[oaie]|ventur[oaie]|entrante"
PRE = rf"(?:(?:lo|il|la|l{A})\s*)?(?P<pre>{BACK}|prossim[oa])"
POST = rf"(?P<post>{BACK}|{FORWARD})"
WORD_START = r"(?<!\w)"  # a word starts here (after an apostrophe too: "l'8 settembre")

# Words before a number-and-month that make it a name: "via 20 Settembre".
STREET = re.compile(
    rf"(?:\b(?:{'|'.join(STREET_NOUNS)}|v\.le|p\.zza|p\.za|c\.so|"
    r"ponte|stazione|scuola|istituto|liceo|quartiere|rione|lungomare|lungotevere|"
    r"borgo|contrada|banchina|parco|circonvallazione|caserma|ospedale|stadio|palazzetto|teatro|"
    r"salita|traversa|località)\s+(?:del\s+|dei\s+)?)$", re.IGNORECASE)
# A law, decree or ruling: its date is the law's, never the article's.
LAW = re.compile(
    r"\b(?:legge|leggi|l\.|decreto(?:[- ]legge| legislativo| ministeriale| del presidente)?|"
    r"d\.\s?lgs\.?|dlgs|d\.\s?l\.|dl|d\.\s?p\.\s?r\.|dpr|d\.\s?p\.\s?c\.\s?m\.|dpcm|"
    r"d\.\s?m\.|dm|regolamento|direttiva|sentenza|ordinanza|delibera|deliberazione|"
    r"circolare|determina|provvedimento)"
    r"(?:\s+(?:regionale|costituzionale|n\.?|nr\.?|numero)?\s*\d*[\w/]*)?\s*,?\s*"
    r"(?:del|dell['’]|in\s+data|datat[oa])?\s*$", re.IGNORECASE)
HABITUAL = re.compile(r"\b(?:il|ogni|di|i|tutti\s+i|tutte\s+le|la|le|del|della|al|alla|"
                      r"dal|dalla)\s+$", re.IGNORECASE)
FORWARD_CUE = re.compile(r"\b(?:da|entro|fino\s+a|a\s+partire\s+da|per)\s+$", re.IGNORECASE)


def month_number(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def day_number(word: str) -> int:
    word = word.lower().rstrip("°º")
    return 1 if word == "primo" else int(word)


def weekday_number(word: str) -> int:
    word = word.lower().rstrip("'’")
    return WEEKDAYS[word[:-1] + "ì" if word.endswith("i") else word]


def count_number(word: str) -> int:
    word = word.lower().rstrip("'’")
    return int(word) if word.isdigit() else NUMBERS[word]


def before(text: str, start: int, chars: int = 60) -> str:
    return text[max(0, start - chars):start]


def is_law_date(text: str, start: int) -> bool:
    """Whether the date at ``start`` is a law's ("legge 3 agosto 2007, n. 124")."""
    return bool(LAW.search(before(text, start, 50)))


def _number_words() -> dict[str, int]:
    """Italian words for 1-99, as years are written: "settantatré", "ventuno"."""
    units = "uno due tre quattro cinque sei sette otto nove".split()
    words = {w: n for n, w in enumerate(units, 1)}
    words |= {w: n for n, w in enumerate(
        "dieci undici dodici tredici quattordici quindici sedici diciassette diciotto "
        "diciannove".split(), 10)}
    for n, ten in enumerate("venti trenta quaranta cinquanta sessanta settanta ottanta "
                            "novanta".split(), 2):
        words[ten] = n * 10
        for k, unit in enumerate(units, 1):
            stem = ten[:-1] if unit[0] in "aeiou" else ten  # ventuno, ventotto
            words[stem + unit] = n * 10 + k
            if unit == "tre":
                words[stem + "tré"] = n * 10 + k
    return words


def _year_words() -> dict[str, int]:
    """"millenovecentosettantatré", "millenovecentottanta", "duemilaventi"."""
    years = {"millenovecento": 1900, "duemila": 2000}
    for prefix, base in (("millenovecento", 1900), ("duemila", 2000)):
        for word, n in _number_words().items():
            years[prefix + word] = base + n
            if prefix.endswith("o") and word.startswith("o"):  # centottanta
                years[prefix[:-1] + word] = base + n
    return years


YEAR_WORDS = _year_words()
