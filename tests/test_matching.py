"""Italian matching as a reader expects it, on a real index: inflections
Snowball splits, words typed without accents, names with an apostrophe,
and the "why this result" of each hit."""

from __future__ import annotations

import pytest

from search.models import SearchRequest
from search.query.pipeline import search
from tests.conftest import make_index

# Each group: forms a reader takes for one word. Snowball stems the first
# (masculine singular, "-ano"/"-are") apart from the others.
GROUPS = [
    ("italiano", "italiani", "italiana", "italiane"),
    ("militare", "militari"),
    ("nucleare", "nucleari"),
    ("americano", "americani", "americana"),
    ("repubblicano", "repubblicani", "repubblicana"),
    ("cristiano", "cristiani", "cristiana"),
    ("sovrano", "sovrani", "sovrana"),
    ("israeliano", "israeliani", "israeliana"),
]
FORMS = [form for group in GROUPS for form in group]
ACCENTS = [("novita", "novità"), ("arrivera", "arriverà"), ("citta", "città")]


def _article(n: int, word: str) -> dict:
    return {"id": f"w{n}-{word}", "title": f"Notizia {n}",
            "text": f"Oggi si parla di questo: {word}, ancora {word}. Fine della nota."}


@pytest.fixture(scope="module")
def words_index(tmp_path_factory):
    records = [_article(n, w) for n, w in enumerate(FORMS)]
    records += [_article(100 + n, accented) for n, (_, accented) in enumerate(ACCENTS)]
    records += [
        {"id": "nove", "title": "Numeri", "text": "Sono arrivati nove treni."},
        {"id": "nucleo", "title": "Fisica", "text": "Il nucleo dell'atomo e i suoi nuclei."},
        {"id": "iran", "title": "Il nucleare iraniano",
         "text": "Il programma nucleare iraniano torna al centro dei colloqui."},
        {"id": "names", "title": "Politica",
         "text": "Massimo D'Alema ha incontrato O'Brian e Marcello Dell'Utri; "
                 "D’Annunzio era citato. Si è parlato dell'Italia e d'Europa."},
        {"id": "elisions", "title": "Territorio",
         "text": "La storia dell'Italia centrale e l'agenzia d'Abruzzo."},
    ]
    return make_index(tmp_path_factory.mktemp("words"), records)


def found(index, q: str) -> set[str]:
    return {h.id for h in search(index, SearchRequest(q=q, page_size=100)).hits}


def ids_of(group) -> set[str]:
    return {f"w{FORMS.index(w)}-{w}" for w in group}


@pytest.mark.parametrize("group", GROUPS, ids=[g[0] for g in GROUPS])
def test_every_form_finds_every_other(words_index, group):
    for form in group:
        assert ids_of(group) <= found(words_index, form), form


def test_the_plural_finds_the_iranian_nuclear_headline(words_index):
    assert "iran" in found(words_index, "nucleari")


def test_a_plural_does_not_widen_to_the_singulars_broader_stem(words_index):
    """"nucleari" adds the word "nucleare", not Snowball's stem of "nucleo"."""
    assert "nucleo" not in found(words_index, "nucleari")


@pytest.mark.parametrize(("typed", "accented"), ACCENTS)
def test_typing_without_accents_finds_the_accented_word(words_index, typed, accented):
    assert found(words_index, accented) <= found(words_index, typed)
    assert found(words_index, accented)


@pytest.mark.parametrize("q", ["dalema", "d'alema", "D'Alema", "alema", "D’Alema"])
def test_a_name_is_found_whole_and_split(words_index, q):
    assert "names" in found(words_index, q)


@pytest.mark.parametrize("q", ["obrian", "o'brian", "brian", "dellutri", "utri", "dannunzio",
                               "annunzio"])
def test_other_apostrophe_names(words_index, q):
    assert "names" in found(words_index, q)


@pytest.mark.parametrize("q", ["italia", "dell'Italia", "europa", "agenzia", "abruzzo"])
def test_elided_articles_still_find_the_word(words_index, q):
    assert {"elisions", "names"} & found(words_index, q)
    assert "elisions" in found(words_index, q) or q == "europa"


def test_an_elided_article_never_reads_as_a_name(words_index):
    assert found(words_index, "dellitalia") == set()


def _hit(index, q: str, article_id: str):
    hits = search(index, SearchRequest(q=q, page_size=100)).hits
    return next(h for h in hits if h.id == article_id)


def test_highlighting_marks_every_conflated_form(words_index):
    assert "<mark>nucleare</mark>" in _hit(words_index, "nucleari", "iran").snippet
    assert "<mark>militari</mark>" in _hit(words_index, "militare", *ids_of(["militari"])).snippet
    assert "<mark>novità</mark>" in _hit(words_index, "novita", "w100-novità").snippet
    assert "<mark>D&#x27;Alema</mark>" in _hit(words_index, "dalema", "names").snippet
    assert "D&#x27;<mark>Alema</mark>" in _hit(words_index, "alema", "names").snippet


def test_why_this_result_names_the_word_and_the_form(words_index):
    hit = _hit(words_index, "nucleari colloqui", "iran")
    assert [(m.word, m.forms) for m in hit.matched] == [
        ("nucleari", ["nucleare"]), ("colloqui", ["colloqui"])]
    assert _hit(words_index, "dalema", "names").matched[0].forms == ["d'alema"]
    assert _hit(words_index, "d'alema", "names").matched[0].word == "d'alema"


def test_why_this_result_leaves_out_excluded_words(words_index):
    hit = _hit(words_index, "italia -abruzzo", "names")
    assert [m.word for m in hit.matched] == ["italia"]
