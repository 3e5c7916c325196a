"""Dates in Italian text: a table of forms and traps, and the article's own date.

Gold written for Cerca from news usage, dateparser's Italian tests and
HeidelTime's Italian rules. PUBLISHED is a Wednesday.
"""

from __future__ import annotations

import datetime as dt

import pytest

from search.ingest.dates import days_mentioned, find_dates, infer_date
from search.ingest.sources import read_paths
from tests.conftest import SEEDS

PUBLISHED = dt.date(2025, 9, 10)

FORMS = [
    # explicit days
    ("il 3 settembre 2025", "2025-09-03", "day"),
    ("il 3 sett. 2025", "2025-09-03", "day"),
    ("il 03 SET 2025", "2025-09-03", "day"),
    ("il 1° settembre", "2025-09-01", "day"),
    ("il primo settembre", "2025-09-01", "day"),
    ("l'11 settembre", "2025-09-11", "day"),
    ("il 2 giugno del 1946", "1946-06-02", "day"),
    ("il 30 aprile del 1999", "1999-04-30", "day"),
    ("il 2 giugno '46", "1946-06-02", "day"),
    ("il 5 di aprile", "2025-04-05", "day"),
    ("lo scorso 6 di novembre", "2024-11-06", "day"),
    ("il 6 novembre scorso", "2024-11-06", "day"),
    ("il prossimo 12 ottobre", "2025-10-12", "day"),
    ("il prossimo 2 settembre", "2026-09-02", "day"),
    ("lunedì 3 novembre 2025", "2025-11-03", "day"),
    ("martedì 16", "2025-09-16", "day"),
    ("il 20 agosto", "2025-08-20", "day"),
    # numeric
    ("il 3/9/2025", "2025-09-03", "day"),
    ("il 03-09-2025", "2025-09-03", "day"),
    ("il 03.09.2025", "2025-09-03", "day"),
    ("il 2025-09-03", "2025-09-03", "day"),
    ("il 03/09/25", "2025-09-03", "day"),
    ("il 2010/01/29", "2010-01-29", "day"),
    # ranges keep both ends
    ("dal 3 al 5 settembre", "2025-09-03/2025-09-05", "day"),
    ("dall'8 al 10 ottobre 2024", "2024-10-08/2024-10-10", "day"),
    ("tra il 3 e il 5 settembre", "2025-09-03/2025-09-05", "day"),
    ("dal 30 agosto al 2 settembre", "2025-08-30/2025-09-02", "day"),
    ("il 3-5 settembre", "2025-09-03/2025-09-05", "day"),
    ("da settembre a novembre 2024", "2024-09/2024-11", "month"),
    ("dal 2019 al 2021", "2019/2021", "year"),
    ("nel 2011-2013", "2011/2013", "year"),
    # months
    ("a settembre 2025", "2025-09", "month"),
    ("nel settembre del 2024", "2024-09", "month"),
    ("lo scorso ottobre", "2024-10", "month"),
    ("nell'ottobre scorso", "2024-10", "month"),
    ("il prossimo ottobre", "2025-10", "month"),
    ("a settembre", "2025-09", "month"),
    ("a novembre", "2025-11", "month"),
    ("in aprile", "2025-04", "month"),
    ("questo mese", "2025-09", "month"),
    ("il mese prossimo", "2025-10", "month"),
    ("il mese scorso", "2025-08", "month"),
    ("il mese passato", "2025-08", "month"),
    # days relative to the publication date
    ("ieri", "2025-09-09", "day"),
    ("ieri sera", "2025-09-09", "day"),
    ("l'altro ieri", "2025-09-08", "day"),
    ("l’altro ieri", "2025-09-08", "day"),
    ("ieri l'altro", "2025-09-08", "day"),
    ("oggi", "2025-09-10", "day"),
    ("questa mattina", "2025-09-10", "day"),
    ("stasera", "2025-09-10", "day"),
    ("domani", "2025-09-11", "day"),
    ("dopodomani", "2025-09-12", "day"),
    ("5 giorni fa", "2025-09-05", "day"),
    ("tre giorni fa", "2025-09-07", "day"),
    ("tra 3 giorni", "2025-09-13", "day"),
    ("fra due giorni", "2025-09-12", "day"),
    # weekdays: a bare one is the nearest past
    ("lunedì", "2025-09-08", "day"),
    ("venerdi", "2025-09-05", "day"),
    ("lunedì scorso", "2025-09-08", "day"),
    ("lo scorso venerdì", "2025-09-05", "day"),
    ("mercoledì scorso", "2025-09-03", "day"),
    ("lunedì prossimo", "2025-09-15", "day"),
    ("il prossimo sabato", "2025-09-13", "day"),
    ("sabato sera", "2025-09-06", "day"),
    ("da lunedì", "2025-09-15", "day"),
    # weeks
    ("la scorsa settimana", "2025-W36", "week"),
    ("la settimana scorsa", "2025-W36", "week"),
    ("la settimana passata", "2025-W36", "week"),
    ("questa settimana", "2025-W37", "week"),
    ("la settimana prossima", "2025-W38", "week"),
    ("la prossima settimana", "2025-W38", "week"),
    ("due settimane fa", "2025-W35", "week"),
    # years
    ("quest'anno", "2025", "year"),
    ("l'anno prossimo", "2026", "year"),
    ("l'anno scorso", "2024", "year"),
    ("lo scorso anno", "2024", "year"),
    ("un anno fa", "2024", "year"),
    ("ottant'anni fa", "1945", "year"),
    ("tra due anni", "2027", "year"),
    ("tra due mesi", "2025-11", "month"),
    ("nel 2024", "2024", "year"),
    ("entro il 2030", "2030", "year"),
    ("nel '68", "1968", "year"),
    # parts of a month or year, seasons
    ("a fine agosto", "2025-08-21/2025-08-31", "part"),
    ("alla fine di agosto", "2025-08-21/2025-08-31", "part"),
    ("ai primi di settembre", "2025-09-01/2025-09-10", "part"),
    ("agli inizi di settembre", "2025-09-01/2025-09-10", "part"),
    ("a metà settembre", "2025-09-11/2025-09-20", "part"),
    ("a metà ottobre 2024", "2024-10-11/2024-10-20", "part"),
    ("a fine anno", "2025-10/2025-12", "part"),
    ("entro la fine dell'anno", "2025-10/2025-12", "part"),
    ("a fine mese", "2025-09-21/2025-09-30", "part"),
    ("a inizio 2026", "2026-01/2026-03", "part"),
    ("nell'estate 2024", "2024-SU", "season"),
    ("l'estate scorsa", "2025-SU", "season"),
    ("il prossimo inverno", "2025-WI", "season"),
    ("la prossima primavera", "2026-SP", "season"),
    # decades and centuries
    ("negli anni Novanta", "199", "decade"),
    ("negli anni '80", "198", "decade"),
    ("negli anni 70", "197", "decade"),
    ("alla fine degli anni Ottanta", "198", "decade"),
    ("negli anni Duemila", "200", "decade"),
    ("nel XX secolo", "19", "century"),
    ("nel secolo XIX", "18", "century"),
    ("nel ventesimo secolo", "19", "century"),
    ("il Novecento", "19", "century"),
    ("nel primo Ottocento", "18", "century"),
    # 2025 is in the twenty-first century, ISO "20": the last one is "19".
    ("il secolo scorso", "19", "century"),
    ("nell'Ottocento", "18", "century"),
    ("il '900", "19", "century"),
    ("nel Duemila", "2000", "year"),
    ("mezzo secolo fa", "1975", "year"),
    ("un decennio fa", "2015", "year"),
    # holidays, quarters, weekends, hours
    ("a Natale", "2025-12-25", "day"),
    ("lo scorso Natale", "2024-12-25", "day"),
    ("a Pasqua 2024", "2024-03-31", "day"),
    ("a Pasquetta", "2025-04-21", "day"),
    ("a Ferragosto", "2025-08-15", "day"),
    ("il terzo trimestre 2024", "2024-07/2024-09", "part"),
    ("nel primo semestre", "2025-01/2025-06", "part"),
    ("lo scorso fine settimana", "2025-09-06/2025-09-07", "day"),
    ("questo weekend", "2025-09-13/2025-09-14", "day"),
    ("due ore fa", "2025-09-10", "day"),
    ("tra un mese", "2025-10", "month"),
    ("in primavera", "2025-SP", "season"),
    ("giovedì maggio 29, 2013", "2013-05-29", "day"),
    ("tra gennaio e marzo", "2025-01/2025-03", "month"),
    ("nel periodo gennaio-marzo 2010", "2010-01/2010-03", "month"),
    ("la prima settimana di settembre", "2025-09-01/2025-09-07", "part"),
    ("l'ultima settimana di agosto 2024", "2024-08-25/2024-08-31", "part"),
    ("il decennio scorso", "201", "decade"),
    ("nel XXI sec.", "20", "century"),
    ("lo scorso secolo", "19", "century"),
    ("3 gg fa", "2025-09-07", "day"),
    ("la mattina di lunedì", "2025-09-08", "day"),
    ("un paio di giorni fa", "2025-09-08", "day"),
    ("entro l'anno", "2025", "year"),
    ("l'anno che viene", "2026", "year"),
    ("in data odierna", "2025-09-10", "day"),
    ("il 3 di questo mese", "2025-09-03", "day"),
    ("il 5 del mese scorso", "2025-08-05", "day"),
    ("la notte di San Silvestro", "2025-12-31", "day"),
    ("nella seconda metà di agosto", "2025-08-16/2025-08-31", "part"),
    ("del '700", "17", "century"),
    ("a fine mese scorso", "2025-08-21/2025-08-31", "part"),
    ("entro la fine dell'anno prossimo", "2026-10/2026-12", "part"),
    ("il 10 ott. alle urne", "2025-10-10", "day"),
    ("nel corso dell'estate", "2025-SU", "season"),
    # HeidelTime's Italian rules
    ("il 99/01/29", "1999-01-29", "day"),
    ("il 29 VI 1999", "1999-06-29", "day"),
    ("aprile è stato piovoso, e", "2025-04", "month"),
    ("aprile dell'anno scorso", "2024-04", "month"),
    ("il 5 maggio del prossimo anno", "2026-05-05", "day"),
    ("aprile e maggio del 2011", "2011-04", "month"),
    ("nel duemilaventi", "2020", "year"),
    ("nel millenovecentosettantatré", "1973", "year"),
    ("negli anni zero", "200", "decade"),
    ("il primo trimestre dell'anno scorso", "2024-01/2024-03", "part"),
    ("il campionato (2019)", "2019", "year"),
    ("questa domenica", "2025-09-14", "day"),
    ("questo lunedì", "2025-09-08", "day"),
    ("negli anni Ottanta", "198", "decade"),
    ("anni Ottanta", "198", "decade"),
    ("il 15 del mese", "2025-09-15", "day"),
    ("il 20 c.m.", "2025-09-20", "day"),
    ("il 10 del prossimo mese", "2025-10-10", "day"),
    ("nel mese in corso", "2025-09", "month"),
    ("dieci anni or sono", "2015", "year"),
    ("il 15 marzo 44 a.C.", "BC0044-03-15", "day"),
    ("nel 79 d.C.", "0079", "year"),
    ("nel II secolo a.C.", "BC01", "century"),
    ("il 08-SET-2025", "2025-09-08", "day"),
    ("mezz'ora fa", "2025-09-10", "day"),
    ("tra un'ora", "2025-09-10", "day"),
    ("1 minuto fa", "2025-09-10", "day"),
]


@pytest.mark.parametrize(("text", "value", "granularity"), FORMS)
def test_each_form(text, value, granularity):
    sentence = f"Lo ha detto {text}, durante l'incontro."
    found = [d for d in find_dates(sentence, PUBLISHED) if d.value == value]
    assert [(d.value, d.granularity) for d in found] == [(value, granularity)], \
        find_dates(sentence, PUBLISHED)
    assert sentence[found[0].start:found[0].end] == found[0].text


def test_a_full_stop_after_the_month_is_not_the_date():
    [found] = find_dates("È successo il 9 luglio. Poi altro.", PUBLISHED)
    assert found.text == "9 luglio"


def test_pairs_keep_both_days():
    found = find_dates("Si vota il 15 e 16 ottobre, poi il 3, 4 e 5 novembre.", PUBLISHED)
    assert [d.value for d in found] == ["2025-10-15", "2025-10-16", "2025-11-03",
                                        "2025-11-04", "2025-11-05"]


TRAPS = [
    "abita in via XX Settembre 12",
    "in via 20 Settembre 12",
    "in piazza 2 Giugno c'era folla",
    "ha vinto in 3 set",
    "ha vinto in 3 set.",
    "ha perso 6-4 6-3 al terzo set",
    "alle 10.30 è iniziato",
    "costa 3.500 euro",
    "ha pagato 1.000.000 di euro",
    "chiamare il 059 203 3333",
    "il lunedì il museo è chiuso",
    "Domenica Rossi ha detto",
    "Copyright 2024 ©",
    "erano 2024 persone",
    "il 31/2/2025 non esiste",
    "Natale Rossi ha vinto",
    "il numero 02.12.34.56",
    "costa 900 euro",
    "il romanzo di Aprile Rossi",
    "abita in via Santo Stefano",
    "nella chiesa di San Silvestro",
    "alla Fiera d'Ognissanti",
    "quella domenica la chiesa era piena",
    "in via venti settembre",
    "un uomo di anni 80",
    "Copyright 2024.",
    "all'art. 2019, comma 3",
    "in corso XXII Marzo",
]


@pytest.mark.parametrize("text", TRAPS)
def test_traps_are_not_dates(text):
    assert find_dates(text, PUBLISHED) == []


def test_relative_forms_without_a_publication_date_keep_their_text_and_no_value():
    found = find_dates("Lo ha detto ieri, la scorsa settimana, il 3 settembre 2025 e lunedì.")
    assert [(d.text, d.value) for d in found] == [
        ("ieri", None), ("la scorsa settimana", None), ("3 settembre 2025", "2025-09-03"),
        ("lunedì", None)]


@pytest.mark.parametrize("published", [dt.date(1, 1, 1), dt.date(9999, 12, 31)])
def test_dates_at_the_ends_of_the_calendar_have_no_value_rather_than_an_error(published):
    found = find_dates("Domani, a Pasqua, tra un anno, nel decennio scorso.", published)
    assert found and all(d.value is None or d.value[:1].isdigit() for d in found)


def test_many_dates_in_a_long_text():
    found = find_dates("Il 3 settembre 2025, ieri, il 4 ottobre. " * 5000, PUBLISHED)
    assert len(found) == 15000


def test_day_and_month_in_january_is_last_year():
    [found] = find_dates("Il 20 dicembre c'era la neve.", dt.date(2026, 1, 5))
    assert found.value == "2025-12-20"


def test_days_mentioned_expand_day_ranges_only():
    found = find_dates("Dal 3 al 5 settembre 2025, e nel 2024, e il 7 ottobre 2025.")
    assert days_mentioned(found) == ["2025-09-03", "2025-09-04", "2025-09-05", "2025-10-07"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Modena, 3 settembre 2025 – Un incidente in via Emilia.", dt.date(2025, 9, 3)),
        ("(ANSA) - ROMA, 12 MAR 2021 - Il governo ha deciso.", dt.date(2021, 3, 12)),
        ("Il 3 settembre 2025 il governo ha approvato il decreto.", dt.date(2025, 9, 3)),
        ("Ieri, 3 settembre 2025, il governo ha approvato il decreto.", dt.date(2025, 9, 4)),
        ("Il 3 settembre 2025 il governo, perciò, ha approvato il decreto.", dt.date(2025, 9, 3)),
        ("Il 3 settembre 2025 il ministro parlò alla Camera.", None),
        # history, laws, deadlines and implausible dates are refused
        ("Ottant'anni fa, il 6 agosto 1945, la bomba su Hiroshima.", None),
        ("Nel 1945, il 25 aprile, l'Italia fu liberata.", None),
        ("Per l'anniversario del 2 giugno 2016 una festa.", None),
        ("La legge 3 agosto 2007, n. 124 regola i servizi segreti.", None),
        ("Le domande entro il 30 settembre 2025 in comune.", None),
        ("Il 12 marzo 1630 la peste arrivò in città.", None),
        ("Ieri, 31 dicembre 9999, la fine.", None),
        ("Il 15 marzo 44 a.C. Cesare fu ucciso.", None),
        ("Un articolo senza date. Copyright 2024.", None),
        # a date the news recalls: the crime in a trial report held "ieri",
        # the event a later report names, a scheduled hearing
        ("Ieri prima udienza per il processo ai tre fratelli. Secondo l'accusa la bomba "
         "esplose all'Agenzia delle Entrate il 27 luglio 2006.", None),
        ("I carabinieri hanno trovato gli autori del furto alla tabaccheria di via Radici, "
         "avvenuto il 26 gennaio 2012.", None),
        ("Approderà in aula l'8 febbraio 2021, per una prima udienza tecnica, la vicenda di "
         "un operaio.", None),
        ("La corsa di trotto in programma il 22 luglio del 2018 a Modena fu truccata.", None),
        # the news's own day, told as such
        ("MEDOLLA. Il 12 settembre 2021, un venticinquenne è stato arrestato dai carabinieri.",
         dt.date(2021, 9, 12)),
    ],
)
def test_publication_date_from_the_text(text, expected):
    assert infer_date(text) == expected


def test_seed_003_carries_its_date_and_is_marked_inferred():
    articles = {a.id[:3]: a for a in read_paths([SEEDS])}
    assert articles["003"].date == dt.date(2025, 9, 3)
    assert articles["003"].date_source == "inferred"
    assert articles["000"].date is None and articles["000"].date_source == "none"


def test_front_matter_date_wins_over_the_text(tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ndate: 2025-10-01\n---\nIl 3 settembre 2025 è successo. Ieri altro.\n", "utf-8")
    [article] = list(read_paths([tmp_path]))
    assert article.date == dt.date(2025, 10, 1) and article.date_source == "given"
    assert [d.value for d in article.dates] == ["2025-09-03", "2025-09-30"]
