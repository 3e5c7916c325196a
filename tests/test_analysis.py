"""The Italian analyzer: a table of text and expected tokens."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.analysis import exact_analyzer, stem, stemming_analyzer, tokens
from tests.conftest import DATA

STEMMED = [
    # Elision with both apostrophes, and with a space after it.
    ("l'agenzia", ["agenz"]),
    ("dell’Estremo Oriente", ["estrem", "orient"]),
    ("dell' OPEC", ["opec"]),
    ("quest'anno nessun'altra sant'Anna tutt'altro", ["anno", "altra", "anna", "altro"]),
    ("gl'italiani", ["italian"]),
    # Stop words dropped, accents folded after stemming.
    ("la città è più bella", ["citt", "bell"]),
    ("perché", []),
    # Markdown emphasis never sticks to a word.
    ("**tensione** geopolitica", ["tension", "geopolit"]),
    # Hyphenated names split like their spaced spelling ("un" is a stop word).
    ("Kim Jong-un", ["kim", "jong"]),
    ("Kim Jong Un", ["kim", "jong"]),
    ("missile missili", ["missil", "missil"]),
    ("3,5 miliardi", ["3,5", "miliard"]),
    # Names keep no whole reading in the stemmed fields.
    ("Massimo D'Alema", ["massim", "alem"]),
    ("O'Brian", ["brian"]),
]

EXACT = [
    ("L’agenzia dell'Estremo Oriente", ["agenzia", "estremo", "oriente"]),
    ("più perché città", ["piu", "perche", "citta"]),
    ("Kim Jong-un", ["kim", "jong", "un"]),
    ("un'altra volta", ["altra", "volta"]),
    ("Roma Milano", ["roma", "milano"]),
    # A capitalised name with an apostrophe: split, then whole.
    ("Massimo D'Alema", ["massimo", "alema", "dalema"]),
    ("D’Annunzio", ["annunzio", "dannunzio"]),
    ("O'Brian", ["o", "brian", "obrian"]),
    ("Dell'Utri", ["utri", "dellutri"]),
    # Elided articles are unchanged: no whole reading in lower case.
    ("dell'Italia d'Europa l'agenzia", ["italia", "europa", "agenzia"]),
    ("rock'n'roll po'", ["rock", "n", "roll", "po"]),
]


@pytest.mark.parametrize(("text", "expected"), STEMMED)
def test_stemming_analyzer(text, expected):
    assert tokens(text) == expected


@pytest.mark.parametrize(("text", "expected"), EXACT)
def test_exact_analyzer(text, expected):
    assert tokens(text, exact_analyzer()) == expected


def test_a_names_whole_reading_shares_the_position_of_its_last_part():
    analyzer = exact_analyzer()
    positions = [(t.text, t.pos) for t in analyzer("Pat O'Brian e D'Alema", positions=True)]
    assert positions == [("pat", 0), ("o", 1), ("brian", 2), ("obrian", 2), ("e", 3),
                         ("alema", 4), ("dalema", 4)]


def test_an_elision_filter_pickled_before_names_reads_none():
    """Indexes written before carry an ElisionFilter without ``names``."""
    from search.analysis import ElisionFilter

    old = ElisionFilter()
    del old.__dict__["names"]
    clone = pickle.loads(pickle.dumps(old))
    assert clone.names is False and clone == ElisionFilter()


def test_folded_query_matches_accented_text():
    assert tokens("citta") == tokens("città")
    assert tokens("piu", exact_analyzer()) == tokens("più", exact_analyzer())
    assert tokens("perche", exact_analyzer()) == tokens("perché", exact_analyzer())


def test_positions_close_the_gap_left_by_elisions():
    analyzer = exact_analyzer()
    positions = [(t.text, t.pos) for t in analyzer("regione dell'Estremo Oriente", positions=True)]
    assert positions == [("regione", 0), ("estremo", 1), ("oriente", 2)]


def test_analyzers_pickle_and_compare_equal():
    for make in (stemming_analyzer, exact_analyzer):
        analyzer = make()
        clone = pickle.loads(pickle.dumps(analyzer))
        assert clone == analyzer
        assert [t.text for t in clone("missili balistici")] == [
            t.text for t in analyzer("missili balistici")
        ]


def test_stem_filter_is_morph_so_spelling_sees_words():
    words = [t.text for t in stemming_analyzer()("missili balistici", no_morph=True)]
    assert words == ["missili", "balistici"]


def test_snowball_italian_vocabulary():
    """Every pair of the Snowball project's 35,495-word reference vocabulary."""
    folder = DATA / "snowball_italian"
    words = (folder / "voc.txt").read_text("utf-8").split("\n")
    expected = (folder / "output.txt").read_text("utf-8").split("\n")
    assert len(words) == len(expected) and len(words) >= 35_495
    wrong = [(w, e, stem(w)) for w, e in zip(words, expected, strict=True) if stem(w) != e]
    assert wrong == []


def test_the_core_never_imports_flask():
    code = ("import sys, search, search.query.pipeline, search.ingest.readers, "
            "search.entities.ner; print('flask' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


EDGE_TEXTS = [
    "L'anno dell’Unione: un'altra PERCHÉ più Città-Stato 3.000,5 euro Kim Jong-un",
    "Sant'Antonio e l' quest' ultimo İstanbul ÀÈ", "'", "a", "il la di", "",
    "Massimo D'Alema, O'Brian, Dell'Utri e D’Annunzio dell'Italia L'AQUILA rock'n'roll",
    "l'un'altra D'un'ora Un'idea DELL'ITALIA po' nell'87 D'", "O'Brian", "D'Alema",
]


@pytest.mark.parametrize("stemmed", [True, False])
def test_one_pass_indexing_equals_the_analyzer_chain(stemmed):
    """ItalianText's fast path gives Whoosh's postings, positions included."""
    import json

    from whoosh.fields import TEXT

    from search.schema import ItalianText

    texts = list(EDGE_TEXTS)
    for path in sorted(p for p in (DATA / "articles").rglob("*") if p.is_file()):
        raw = path.read_text("utf-8")
        texts += [json.loads(line)["text"] for line in raw.splitlines()] \
            if path.suffix == ".jsonl" else [raw]
    fast = ItalianText(stemmed=stemmed)
    chain = TEXT(analyzer=fast.analyzer, phrase=True)
    for text in texts:
        assert sorted(fast.index(text)) == sorted(chain.index(text)), text[:60]


def test_the_sibling_field_reads_the_terms_left_for_the_same_text():
    """The stemmed field reads a text both ways and leaves the exact terms
    for the next field given the very same string; any other text, or the
    same text twice the same way, is read afresh."""
    from whoosh.fields import TEXT

    from search.schema import ItalianText

    fields = {s: ItalianText(stemmed=s) for s in (True, False)}
    chains = {s: TEXT(analyzer=f.analyzer, phrase=True) for s, f in fields.items()}
    texts = ["Massimo D'Alema a Roma, poi a Roma", "missili su Pechino", "l'Italia"]
    order = [(texts[0], True), (texts[0], False), (texts[1], True), (texts[2], False),
             (texts[1], False), (texts[2], True), (texts[2], True), (texts[2], False)]
    for text, stemmed in order:
        assert sorted(fields[stemmed].index(text)) == sorted(chains[stemmed].index(text))


# Italian letters, apostrophes, hyphens, digits, punctuation and spaces:
# the characters where tokenizing, elision and folding can disagree.
RANDOM_ALPHABET = "aeiouàèéìòùAEIOUÀÈÉbcdlmnpqrstvzBCDLMNQ'’-.,:;!?0123456789 \n\tİßﬁ"


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=RANDOM_ALPHABET, max_size=200), stemmed=st.booleans())
def test_one_pass_indexing_equals_the_chain_on_random_text(text, stemmed):
    """As Lucene's checkRandomData: the fast path on text nobody wrote."""
    from whoosh.fields import TEXT

    from search.schema import ItalianText

    fast = ItalianText(stemmed=stemmed)
    chain = TEXT(analyzer=fast.analyzer, phrase=True)
    assert sorted(fast.index(text)) == sorted(chain.index(text))


# Text made of the pieces the two paths could disagree on: apostrophes of
# both kinds inside and after words, capitals, accents, elided articles,
# stop words, numbers, hyphens.
_PIECES = ["D", "d", "O", "Dell", "dell", "l", "L", "un", "Alema", "italia", "Città",
           "è", "perché", "3", "3,5", "'", "’", "-", " ", " ", "\n", "İ", "ÀÈ", "po"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join), st.booleans())
def test_one_pass_indexing_equals_the_chain_on_any_text(text, stemmed):
    from whoosh.fields import TEXT

    from search.schema import ItalianText

    fast = ItalianText(stemmed=stemmed)
    chain = TEXT(analyzer=fast.analyzer, phrase=True)
    assert sorted(fast.index(text)) == sorted(chain.index(text))
