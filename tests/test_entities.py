"""Entities: the shipped model, canonical names, non-entities, corrections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cerca.cli import cli
from search import create_index, open_index, update_index
from search.analysis import fold
from search.entities.canonical import Canonicalizer
from search.entities.corrections import Corrections
from search.entities.countries import country
from search.entities.keys import name_key
from search.entities.ner import (
    MODEL_DIR,
    NER_BATCH_CHARS,
    NER_PIECE_CHARS,
    EntityEnricher,
    _batches,
    recognise,
)
from search.entities.surface import resolve_aliases
from search.models import SearchRequest
from search.query.pipeline import search
from tests.conftest import SEEDS

NER_DATA = Path(__file__).parent / "data" / "ner"


def canon(**corrections) -> Canonicalizer:
    return Canonicalizer(Corrections(**corrections), {})


def test_model_ships_inside_the_package_with_its_licence():
    meta = json.loads((MODEL_DIR / "meta.json").read_text("utf-8"))
    assert meta["license"] == "CC BY-NC-SA 4.0"
    assert (MODEL_DIR / "LICENSE").exists()
    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    assert size <= 30 * 1024 * 1024


def test_model_finds_persons_and_places():
    [mentions] = recognise(["Il presidente Vladimir Putin è arrivato a Pechino ieri sera."])
    found = {(m.text, m.label) for m in mentions}
    assert ("Vladimir Putin", "PER") in found and ("Pechino", "LOC") in found


def test_a_long_text_is_read_in_pieces_with_its_offsets():
    """Past NER_PIECE_CHARS the model reads paragraph-bounded pieces (its
    memory follows the longest text it is given): every piece's names are
    found, at their place in the whole text, as in a text of one paragraph."""
    paragraph = ("Il presidente Vladimir Putin è arrivato a Pechino ieri sera, dopo "
                 "un lungo viaggio segnato dalle proteste e dai ritardi dei treni. ") * 8
    text = "\n\n".join([paragraph] * (3 * NER_PIECE_CHARS // len(paragraph) + 2))
    [alone] = recognise([paragraph])
    [mentions] = recognise([text])
    assert all(text[m.start:m.end] == m.text for m in mentions)
    assert {(m.text, m.label) for m in mentions} == {(m.text, m.label) for m in alone}
    putin = [m.start for m in mentions if m.text == "Vladimir Putin"]
    assert len(putin) == text.count("Vladimir Putin")  # none lost at a cut
    assert max(putin) > 3 * NER_PIECE_CHARS


def test_short_texts_are_read_in_batches_bounded_by_characters():
    """The model's memory follows the characters of a batch: texts of many
    lengths go in order, in batches of at most NER_BATCH_CHARS, and each
    text's mentions are the ones it has alone."""
    sentence = "Il sindaco Gian Carlo Muzzarelli ha incontrato a Modena i comitati. "
    texts = [sentence * n for n in (1, 40, 3, 90, 140, 2, 60, 1)]
    batches = _batches(list(range(len(texts))), texts)
    assert [i for batch in batches for i in batch] == list(range(len(texts)))
    assert len(batches) > 1
    assert all(sum(len(texts[i]) for i in b) <= NER_BATCH_CHARS for b in batches)
    together = recognise(texts)
    assert together == [recognise([text])[0] for text in texts]


def test_model_finds_the_persons_places_and_bodies_of_a_local_news_article():
    text = (NER_DATA / "modena-sciopero.txt").read_text("utf-8")
    gold = json.loads((NER_DATA / "gold.json").read_text("utf-8"))
    [mentions] = recognise([text])
    found = {(m.text, m.label) for m in mentions}
    hits = {label: sum((name, label) in found for name in names) for label, names in gold.items()}
    # Every person and place; bodies are the model's weakest type (F1 ~0.78 on
    # held-out DICE), so most of them, each with its exact span.
    assert hits["PER"] == len(gold["PER"]) and hits["LOC"] == len(gold["LOC"])
    assert hits["ORG"] >= 0.6 * len(gold["ORG"])


def test_short_mentions_resolve_to_the_full_name_in_the_article():
    mentions = [("PER", "Vladimir Putin"), ("PER", "Putin"), ("PER", "Kim Jong-un"),
                ("PER", "Kim"), ("PER", "Sergey Lavrov"), ("PER", "Lavrov")]
    assert resolve_aliases(mentions) == {
        "Putin": "Vladimir Putin", "Kim": "Kim Jong-un", "Lavrov": "Sergey Lavrov"}
    values = canon().article(mentions)
    assert values["persons"] == ["Vladimir Putin", "Kim Jong-un", "Sergey Lavrov"]


@pytest.mark.parametrize(("a", "b"), [
    ("Kim Jong Un", "Kim Jong-un"), ("Sergei Lavrov", "Sergey Lavrov"),
    ("Sergej Lavrov", "Sergey Lavrov"), ("KIM JONG-UN", "kim  jong un"),
    ("Aleksei Navalny", "Alexei Navalny"),
])
def test_spelling_variants_share_one_key(a, b):
    assert name_key(a) == name_key(b)


def test_variants_across_articles_show_one_name():
    c = canon()
    first = c.article([("PER", "Kim Jong-un")])
    second = c.article([("PER", "Kim Jong Un")])
    assert first["persons"] == second["persons"] == ["Kim Jong-un"]


@pytest.mark.parametrize(("name", "italian"), [
    ("Beijing", "Pechino"), ("Moscow", "Mosca"), ("London", "Londra"),
    ("North Korea", "Corea del Nord"), ("Germany", "Germania"), ("Pechino", "Pechino"),
])
def test_places_take_their_italian_name(name, italian):
    assert canon().value("LOC", name) == ("LOC", italian)


@pytest.mark.parametrize(("label", "text"), [
    ("PER", "russo"), ("LOC", "nordcoreano"), ("ORG", "Aurus President"),
    ("PER", "Entrambi"), ("PER", "Segui"),
])
def test_non_entities_are_dropped(label, text):
    assert canon().value(label, text) is None


@pytest.mark.parametrize("name", ["Tass", "Interfax", "ANSA", "Kcna", "Cnn", "Russia Today"])
def test_agencies_and_broadcasters_are_organisations(name):
    for label in ("PER", "LOC", "ORG"):
        assert canon().value(label, name)[0] == "ORG"


@pytest.mark.parametrize(("name", "italian"), [
    ("Corea del Nord", "Corea del Nord"), ("Romania", "Romania"), ("Olanda", "Paesi Bassi"),
    ("Stati Uniti", "Stati Uniti"), ("gli Stati Uniti", "Stati Uniti"), ("USA", "Stati Uniti"),
])
def test_a_country_is_a_place_even_when_the_model_says_organisation(name, italian):
    """GUIDELINES: a country is a place, also acting as a state (KIND, which
    the model learnt from, types it ORG)."""
    for label in ("LOC", "ORG"):
        assert canon().value(label, name) == ("LOC", italian)
    voted = canon()
    for _ in range(3):
        voted.observe("x", [("ORG", name)])
    assert voted.value("ORG", name) == ("LOC", italian)


@pytest.mark.parametrize("name", ["Google", "Rai", "Milan", "il Milan", "Pkk", "Juventus"])
def test_a_company_a_party_or_a_club_is_no_country(name):
    assert country(fold(name.casefold())) is None
    assert canon().value("ORG", name)[0] == "ORG"


def test_corrections_rename_merge_retype_and_suppress(tmp_path):
    path = tmp_path / "corrections.yaml"
    path.write_text(
        "rename:\n  V. Putin: Vladimir Putin\nsuppress: [Narendra Modi]\n"
        "label:\n  Primorsky Krai: LOC\n", "utf-8")
    c = Canonicalizer(Corrections.load(path), {})
    assert c.value("PER", "V. Putin") == ("PER", "Vladimir Putin")
    assert c.value("PER", "Narendra Modi") is None
    assert c.value("PER", "Primorsky Krai") == ("LOC", "Primorsky Krai")
    path.write_text("label:\n  X: COSA\n", "utf-8")
    with pytest.raises(ValueError, match="PER, LOC e ORG"):
        Corrections.load(path)


def test_seed_facets_are_clean(seeds_index_dir):
    result = search(open_index(seeds_index_dir), SearchRequest())
    persons = [v.value for v in result.facets["person"]]
    places = [v.value for v in result.facets["place"]]
    orgs = [v.value for v in result.facets["org"]]
    assert {"Vladimir Putin", "Kim Jong-un", "Sergey Lavrov"} <= set(persons)
    assert not {"Putin", "Kim", "Lavrov", "Tass", "Aurus President"} & set(persons)
    assert len(persons) == len({name_key(p) for p in persons})
    for junk in ("Tass", "Interfax", "Kcna", "KCNA", "CNN", "russo", "nordcoreano",
                 "Aurus President", "Instagram", "Avvisatore"):
        assert junk not in persons and junk not in places
    assert {"Tass", "Interfax", "KCNA"} <= set(orgs)
    assert {"Pechino", "Mosca", "Corea del Nord"} <= set(places)


def test_lavrov_filter_finds_exactly_his_article(seeds_index_dir):
    out = CliRunner().invoke(cli, ["search", "", "--person", "Sergey Lavrov", "--index",
                                   str(seeds_index_dir), "--json"]).output
    assert [h["id"] for h in json.loads(out)["hits"]] == ["002_3d3caf7afbdfbf2d"]


def test_corrections_rederive_facets_without_ner(tmp_path):
    enricher = EntityEnricher(tmp_path)
    index = create_index(tmp_path)
    update_index(index, [SEEDS], enrich=enricher)
    assert enricher.recognised == 5
    enricher.close()
    fixes = tmp_path / "fixes.yaml"
    fixes.write_text("suppress: [Narendra Modi]\n", "utf-8")
    again = EntityEnricher(tmp_path, Corrections.load(fixes))
    report = update_index(index, [SEEDS], enrich=again)
    again.close()
    assert report.updated == 5 and again.recognised == 0
    persons = [v.value for v in search(index, SearchRequest()).facets["person"]]
    assert "Narendra Modi" not in persons and "Vladimir Putin" in persons
    retrained = EntityEnricher(tmp_path)
    retrained.model += "-retrained"  # as if a new model shipped: cached mentions are not its own
    retrained.version += "-retrained"
    update_index(index, [SEEDS], enrich=retrained)
    retrained.close()
    assert retrained.recognised == 5


def test_extract_json_contract():
    result = CliRunner().invoke(cli, ["extract", str(SEEDS / "003_eef2b97fe93ca8f7.txt"),
                                      "--json"])
    data = json.loads(result.output)
    assert set(data) == {"id", "title", "date", "date_inferred", "date_source", "persons",
                         "places", "orgs", "dates"}
    assert data["date"] == "2025-09-03" and data["date_inferred"] is True
    assert "Kim Jong-un" in data["persons"] and "Interfax" in data["orgs"]
    assert {"text": "3 settembre 2025", "value": "2025-09-03", "granularity": "day"} in \
        data["dates"]


def test_extract_jsonl_offsets():
    text = "Ieri, 3 settembre 2025, Sergey Lavrov ha visto Kim a Pyongyang con Kim Jong-un."
    lines = json.dumps({"id": "x", "text": text}) + "\nnon json\n"
    out = CliRunner().invoke(cli, ["extract", "--jsonl", "-"], input=lines).output
    first, second = [json.loads(line) for line in out.splitlines()]
    assert first["id"] == "x" and second["error"]["code"] == "invalid_line"
    for e in first["entities"]:
        assert text[e["start"]:e["end"]] == e["text"]
        assert e["label"] in ("PER", "LOC", "ORG")
    kim = [e for e in first["entities"] if e["text"] == "Kim"]
    assert all(e["canonical"] == "Kim Jong-un" for e in kim)
    # No date on the line: the lead's "Ieri, 3 settembre 2025" dates it the 4th (a full
    # date standing apart from "Ieri" would date something else: see test_dates).
    assert (first["date"], first["date_source"]) == ("2025-09-04", "inferred")
    assert [d["value"] for d in first["dates"]] == ["2025-09-03", "2025-09-03"]
    assert all(text[d["start"]:d["end"]] == d["text"] for d in first["dates"])


def test_gazetteer_marks_capitalised_places_and_names():
    import spacy

    from search.entities.gazetteer import Gazetteer

    nlp = spacy.blank("it")
    gazetteer = Gazetteer(nlp)
    gazetteer._load_lines(["golfo del messico\t1", "roma\t1", "mario\t2", "rossi\t4"])
    doc = gazetteer(nlp("Mario Rossi nel Golfo del Messico, non a roma ma a Roma."))
    marks = {t.text: t.lemma_ for t in doc if t.lemma_}
    assert marks == {"Mario": "gzS2", "Rossi": "gzS4", "Golfo": "gzB", "del": "gzI",
                     "Messico": "gzI", "Roma": "gzS1"}


def test_shipped_model_has_the_gazetteer_pipe():
    from search.entities.ner import nlp

    assert nlp().pipe_names == ["gazetteer", "tok2vec", "ner"]


def test_entities_in_parallel_match_one_process(tmp_path, site_index_dir):
    """--jobs: NER in a pool, one batch in flight, writer processes; the
    facets come out as in one process (names are settled here, in order)."""
    from tests.conftest import ARTICLES

    index = create_index(tmp_path / "ix")
    enricher = EntityEnricher(tmp_path / "ix", jobs=2)
    try:
        update_index(index, [SEEDS, ARTICLES], enrich=enricher, jobs=2, batch_size=4)
    finally:
        enricher.close()
    assert enricher.recognised >= 5

    def entities(ix):
        hits = search(ix, SearchRequest(page_size=100)).hits
        return {h.id: (h.persons, h.places, h.orgs) for h in hits}

    assert entities(index) == entities(open_index(site_index_dir))


@pytest.mark.parametrize(("family", "label", "text", "with_rule", "without"), [
    ("curated", "ORG", "Fiamme Gialle", ("ORG", "Guardia di Finanza"), ("ORG", "Fiamme Gialle")),
    ("known_orgs", "PER", "Calzedonia", ("ORG", "Calzedonia"), ("PER", "Calzedonia")),
    ("institutions", "LOC", "Liceo Tassoni", ("ORG", "Liceo Tassoni"), ("LOC", "Liceo Tassoni")),
    ("non_entities", "ORG", "Aurus President", None, ("ORG", "Aurus President")),
])
def test_a_rule_family_switched_off_leaves_the_model_s_answer(family, label, text, with_rule,
                                                              without):
    """The ablation bench's switch: one family off, the others still on."""
    assert canon().value(label, text) == with_rule
    off = Canonicalizer(Corrections(), {}, disabled=frozenset({family}))
    assert off.value(label, text) == without
    assert off.value("PER", "russo") is None  # lower case is no name, whatever is off


@pytest.mark.parametrize(("surface", "body"), [
    ("carabinieri", "Carabinieri"), ("polizia municipale", "Polizia municipale"),
    ("procura", "Procura"), ("mobile", "Squadra Mobile"), ("governo", "Governo"),
])
def test_a_body_in_lower_case_is_still_an_organisation(surface, body):
    """Local news writes "i carabinieri"; a lower-case word the model calls
    a body stays one (KIND and GUIDELINES label "governo", "ministero"), is
    shown as a name, and a nickname ("la mobile") is its body."""
    value = canon().value("ORG", surface)
    assert (value[1] if value else None) == body
