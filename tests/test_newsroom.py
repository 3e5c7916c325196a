"""Datelines and bylines: what the newsroom puts around an article."""

from __future__ import annotations

import pytest

from search.ingest import newsroom
from search.ingest.readers import make_article


@pytest.mark.parametrize(("text", "dateline", "body"), [
    ("CARPI. Ieri sera i carabinieri hanno denunciato nove persone.", "Carpi", "Ieri sera"),
    ("MODENA – Un uomo è stato arrestato.", "Modena", "Un uomo"),
    ("SAN FELICE SUL PANARO. Furto in via Roma.", "San Felice sul Panaro", "Furto"),
    ("Modena, 3 settembre – La polizia ha fermato un ragazzo.", "Modena", "La polizia"),
    ("CAmpogalliano. Furto spettacolare al Conforama.", "Campogalliano", "Furto"),
    ("MODENA Ieri, i carabinieri hanno denunciato un uomo.", "Modena", "Ieri"),
    ("cavezzo. Ha sorpreso i ladri in casa.", "Cavezzo", "Ha sorpreso"),
    ("mirandola In appena una settimana i carabinieri.", "Mirandola", "In appena"),
    ("PAVULLO - Guai grossi per due giovani.", "Pavullo nel Frignano", "Guai"),
])
def test_datelines_are_found_named_and_cut_from_the_ner_text(text, dateline, body):
    news = newsroom.read(text)
    assert news.dateline == dateline
    assert text[news.start:].startswith(body)


@pytest.mark.parametrize("text", [
    "Marco Rossi ha rubato una bicicletta.",
    "La Volante ha arrestato un uomo.",
    "Furto e droga, arrestato un 23enne.",
    "Probabilmente. Lo dice il sindaco.",
    "nella notte I ladri sono entrati.",
])
def test_an_opening_that_is_no_dateline_is_left_alone(text):
    news = newsroom.read(text)
    assert news.dateline == "" and news.start == 0


@pytest.mark.parametrize(("text", "author", "body"), [
    ("di Serena Arbizzi\nI ladri sono entrati di notte.", "Serena Arbizzi", "I ladri"),
    ("di Carlo Gregori Lo hanno arrestato ieri.", "Carlo Gregori", "Lo hanno"),
    ("Elena Pelloni VIGNOLA. Non tira fiato l'amministrazione.", "Elena Pelloni", "Non tira"),
    ("di Claudia Benatti NONANTOLA - «Li ho visti arrivare».", "Claudia Benatti", "«Li"),
])
def test_bylines_at_the_start(text, author, body):
    news = newsroom.read(text)
    assert news.author == author
    assert text[news.start:].startswith(body)


@pytest.mark.parametrize(("tail", "author"), [
    (" — S. A.", "S. A."),
    (" (fd)", "F. D."),
    (" (gib)", "GIB"),
    (" — STEFANO TOTARO", "Stefano Totaro"),
    (" (serena arbizzi)", "Serena Arbizzi"),
    (" (a. setti)", "A. Setti"),
    (" — F. D. © RIPRODUZIONE RISERVATA", "F. D."),
    (" Andrea Neri", "Andrea Neri"),
    (" Stefano Totaro Gabriele Farina", "Stefano Totaro, Gabriele Farina"),
    (" — GIB", "GIB"),
])
def test_bylines_at_the_end(tail, author):
    text = "CARPI. I ladri sono entrati di notte in un negozio del centro." + tail
    news = newsroom.read(text)
    assert news.author == author
    assert text[news.start:news.end].endswith("del centro.")


@pytest.mark.parametrize("tail", [
    " Indaga la polizia.", " (nella foto)", " La prognosi è riservata.",
    " Lo ha detto Gian Carlo Muzzarelli",
])
def test_a_last_sentence_is_no_byline(tail):
    text = "CARPI. I ladri sono entrati di notte." + tail
    assert newsroom.read(text).authors == []


def test_a_byline_fills_the_author_only_when_none_is_given():
    text = "MODENA. Furto in centro. — STEFANO TOTARO"
    found = make_article("a", text, {}, origin="x")
    given = make_article("b", text, {"author": "Redazione"}, origin="x")
    assert (found.author, found.dateline) == ("Stefano Totaro", "Modena")
    assert given.author == "Redazione"
    assert found.text[found.ner_start:found.ner_end] == "Furto in centro."
