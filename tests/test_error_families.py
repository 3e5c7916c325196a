"""The error families of issue 23, each with the general mechanism that fixes it
(training/GUIDELINES.md decides what a facet should show)."""

from __future__ import annotations

import pytest

from search.entities.canonical import Canonicalizer
from search.entities.context import INITIAL, in_context
from search.entities.corrections import Corrections
from search.entities.mentions import Mention
from search.indexing.extract import span_entities


def canon() -> Canonicalizer:
    return Canonicalizer(Corrections(), {})


@pytest.mark.parametrize(("label", "span", "value"), [
    ("PER", "Romagna Stefano Bonaccini", ("PER", "Stefano Bonaccini")),  # a place before
    ("PER", "Anche Silvia", ("PER", "Silvia")),  # a function word before
    ("PER", "Mario Rossi Cgil", ("PER", "Mario Rossi")),  # the union after
    ("ORG", "Cgil Mario Rossi", ("ORG", "Cgil")),  # the person after the body
    ("PER", "Maria Luisa Rossi", ("PER", "Maria Luisa Rossi")),  # two first names stay
    ("PER", "Enzo Ferrari", ("PER", "Enzo Ferrari")),  # a surname that is a company stays
    ("PER", "De Luca", ("PER", "De Luca")),  # a surname's particle stays
    ("PER", "Leonardo da Vinci", ("PER", "Leonardo da Vinci")),
    ("PER", "Little Tony", ("PER", "Little Tony")),  # a frequent word is no function word
])
def test_a_run_on_span_is_cut_to_its_name(label, span, value):
    assert canon().value(label, span) == value


def test_a_run_on_span_keeps_the_name_s_offsets_in_extract():
    text = "Lo ha detto anche il presidente della Regione Emilia-Romagna Stefano Bonaccini."
    start = text.index("Romagna")
    found = span_entities(text, [Mention(start, len(text) - 1, text[start:-1], "PER")], canon())
    assert [(e["text"], e["canonical"]) for e in found] == [
        ("Stefano Bonaccini", "Stefano Bonaccini")]


@pytest.mark.parametrize("name", ["Giulia", "Luca", "Silvia"])
def test_a_first_name_alone_is_a_person_even_opening_a_sentence(name):
    """Local news names victims and minors by first name."""
    assert canon().value("PER", name, INITIAL) == ("PER", name)


@pytest.mark.parametrize(("label", "span", "value"), [
    ("PER", "Calzedonia", ("ORG", "Calzedonia")),  # a company (KIND Wikipedia ORG list)
    ("PER", "Coldiretti Modena", ("ORG", "Coldiretti Modena")),  # a body with its seat
    ("PER", "Arpae", ("ORG", "Arpae")),  # a public agency
    ("LOC", "Ausl", ("ORG", "Ausl")),
    ("ORG", "Gazzetta", ("ORG", "Gazzetta")),  # the newspaper itself
    ("ORG", "Cgil", ("ORG", "Cgil")),  # a union
])
def test_companies_bodies_and_the_paper_are_organisations(label, span, value):
    assert canon().value(label, span) == value


@pytest.mark.parametrize(("label", "span"), [
    ("LOC", "Madonna"),  # a figure of worship
    ("LOC", "Parmigiano Reggiano"),  # a product
    ("ORG", "Furto"),  # a capitalised common noun opening a sentence
    ("ORG", "Rapina"),
])
def test_what_is_no_place_or_body_is_no_facet_value(label, span):
    assert canon().value(label, span, INITIAL) is None


def test_a_territory_written_out_is_its_place():
    """"in provincia di Modena" -> Modena (GUIDELINES); capitalised, it is the body."""
    assert canon().value("LOC", "provincia di Modena") == ("LOC", "Modena")
    assert canon().value("ORG", "Provincia di Modena")[0] == "ORG"


def test_a_lower_case_kind_before_a_name_is_a_name():
    """"golfo di Aden", "liceo Tassoni": Italian writes the kind in lower case;
    the facet shows it as a name."""
    assert canon().value("LOC", "golfo di Aden") == ("LOC", "Golfo di Aden")
    assert canon().value("PER", "modenese") is None


def test_a_company_stays_one_when_the_archive_votes_it_a_person():
    voted = canon()
    for _ in range(3):
        voted.observe("x", [("PER", "Calzedonia")])
    assert voted.value("PER", "Calzedonia") == ("ORG", "Calzedonia")


@pytest.mark.parametrize(("span", "value"), [
    ("governo", ("ORG", "Governo")),  # a body written in lower case is shown as a name
    ("amministrazione comunale", ("ORG", "Amministrazione comunale")),
    ("municipale", ("ORG", "Polizia municipale")),  # "polizia di Stato e municipale"
])
def test_a_body_in_lower_case_is_shown_as_a_name(span, value):
    assert canon().value("ORG", span) == value


@pytest.mark.parametrize(("body", "seat"), [
    ("Tribunale di Modena", "Modena"),
    ("Procura della Repubblica di Modena", "Modena"),  # the last preposition
    ("Comune di San Felice sul Panaro", "San Felice sul Panaro"),
    ("Compagnia di Carpi", "Carpi"),
])
def test_a_body_s_seat_is_also_a_place(body, seat):
    """GUIDELINES: "Tribunale di Modena" is an organisation and its town a place."""
    assert canon().article([("ORG", body)]) == {"persons": [], "places": [seat], "orgs": [body]}


@pytest.mark.parametrize("body", ["Guardia di Finanza", "Banca d'Italia", "Tribunale dei minori"])
def test_a_body_without_a_town_has_no_seat(body):
    assert canon().article([("ORG", body)])["places"] == []
    off = Canonicalizer(Corrections(), {}, disabled=frozenset({"seats"}))
    assert off.article([("ORG", "Tribunale di Modena")])["places"] == []


def test_a_seat_the_archive_never_names_a_place_is_none():
    """"Unione Terre di Castelli": a locality Castelli exists, but the archive
    mentions Castelli as a body's name, never as a place."""
    voted = canon()
    voted.observe("x", [("ORG", "Terre di Castelli"), ("ORG", "Castelli"), ("LOC", "Modena")])
    assert voted.article([("ORG", "Unione Terre di Castelli")])["places"] == []
    assert voted.article([("ORG", "Tribunale di Modena")])["places"] == ["Modena"]


@pytest.mark.parametrize(("text", "name"), [
    ("Ieri è finito in carcere Salvatore Giacco, 40 anni.", "Salvatore Giacco"),
    ("Il direttore del carcere Gianluca Candiano ha parlato.", "Gianluca Candiano"),
])
def test_a_full_name_after_carcere_is_the_person(text, name):
    """Prisons are named after their place or a saint, not after a first name and a surname."""
    start = text.index(name)
    assert in_context(text, [("PER", name, start)]) == [
        ("PER", name, "", start, start + len(name))]


def test_a_prison_named_after_its_place_or_a_saint_is_still_a_place():
    text = "Lo hanno portato nel carcere Sant'Anna di Modena."
    start = text.index("Sant'Anna")
    assert in_context(text, [("LOC", "Sant'Anna", start)])[0][:2] == ("LOC", "Carcere Sant'Anna")


@pytest.mark.parametrize("name", ["Gesù", "Bambin Gesù", "Gesù Cristo", "Dio"])
def test_figures_of_worship_are_no_person(name):
    """GUIDELINES: the Madonna, gods and saints as figures of worship are nothing."""
    assert canon().value("PER", name) is None


@pytest.mark.parametrize(("text", "name"), [
    ("Con l'aiuto del cane Thor la finanza ha trovato la droga.", "Thor"),
    ("I finanzieri, grazie al fiuto del cane antidroga Thor, lo hanno fermato.", "Thor"),
    ("Ha ritrovato la cagnolina Luna dopo tre giorni.", "Luna"),
])
def test_an_animal_s_name_is_no_person(text, name):
    start = text.index(name)
    assert in_context(text, [("PER", name, start)]) == []


def test_a_person_after_an_animal_in_another_clause_stays():
    text = "Il cane è scappato e Mario Rossi lo ha cercato."
    start = text.index("Mario Rossi")
    assert in_context(text, [("PER", "Mario Rossi", start)])[0][1] == "Mario Rossi"
