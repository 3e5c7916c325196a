"""Results a journalist can count on (issue 21), on real DICE articles.

The result set is the articles with every word: the count, the facets,
the date order, the export and the feed are that set in every shell (page,
JSON API, CLI, Python API); articles with only some words follow it,
counted apart. Names match as names, quotes exact forms, field prefixes
analyse the word as their field does.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import pytest

from search import SearchRequest, create_index, export_hits, open_index, search, update_index
from search.analysis import fold, match_keys
from tests.conftest import DATA

DICE = DATA / "dice" / "counting.jsonl"
RECORDS = {r["id"]: r for r in map(json.loads, DICE.read_text("utf-8").splitlines())}


def articles(**options) -> SearchRequest:
    """A request that lists every matching article: these tests count
    articles, and stories would group the fixture's copies under one hit."""
    return SearchRequest(collapse="none", **options)


def holding(pattern: str) -> set[str]:
    """The ids of the fixture's articles whose folded text matches ``pattern``."""
    return {i for i, r in RECORDS.items() if re.search(pattern, fold(r["text"].casefold()))}


@pytest.fixture(scope="module")
def dice_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("dice")
    report = update_index(create_index(path), [DICE])
    assert not report.skipped, report.skipped
    return path


@pytest.fixture(scope="module")
def dice(dice_dir):
    index = open_index(dice_dir)
    yield index
    index.close()


@pytest.fixture(scope="module")
def dice_client(dice_dir):
    from webapp import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(dice_dir)})
    yield app.test_client()
    app.extensions["cerca"].close()


FURTO = r"\bfurt[oi]\b"
CARPI = r"\bcarpi\b"


def test_the_result_set_is_the_articles_with_every_word(dice):
    both = holding(FURTO) & holding(CARPI)
    either = holding(FURTO) | holding(CARPI)
    assert 5 <= len(both) < len(either)  # the fixture can tell the two apart
    result = search(dice, articles(q="furto Carpi", page_size=100))
    assert result.total == len(both)
    assert result.others == len(either - both)
    assert result.others_listed == (min(result.others, 50) if len(both) < 10 else 0)
    assert {h.id for h in result.hits if h.words == "all"} == both
    some = [h.id for h in result.hits if h.words == "some"]
    assert set(some) <= either - both and len(some) == result.others_listed
    # the set with every word comes first, then the others, each in relevance order
    words = [h.words for h in result.hits]
    assert words == sorted(words)
    assert {h.id for h in export_hits(dice, articles(q="furto Carpi"))} == both


def test_plus_minus_and_or_keep_their_meaning(dice):
    def ids(q: str) -> set[str]:
        result = search(dice, articles(q=q, page_size=100))
        return {h.id for h in result.hits if h.words == "all"}

    assert ids("+furto +Carpi") == ids("furto Carpi") == holding(FURTO) & holding(CARPI)
    assert ids("furto -Carpi") == holding(FURTO) - holding(CARPI)
    assert ids("furto OR Carpi") == holding(FURTO) | holding(CARPI)


def test_facets_and_date_order_are_the_result_set(dice):
    both = holding(FURTO) & holding(CARPI)
    result = search(dice, articles(q="furto Carpi", sort="date", page_size=100))
    assert {h.id for h in result.hits} == both and result.others_listed == 0
    days = [h.date or "" for h in result.hits]
    assert days == sorted(days, reverse=True)
    places = result.facets["place"]
    for value in places:
        assert value.count == sum(value.value in RECORDS[i]["places"] for i in both)
    dated = sum(bool(RECORDS[i].get("date")) for i in both)
    assert sum(v.count for v in result.facets["date_source"] if v.value != "none") == dated


def test_every_shell_counts_and_lists_the_same_set(dice, dice_dir, dice_client):
    from click.testing import CliRunner

    from cerca.cli import cli as main

    both = holding(FURTO) & holding(CARPI)
    others = len((holding(FURTO) | holding(CARPI)) - both)
    params = {"q": "furto Carpi", "page_size": 100}
    api = dice_client.get("/api/search", query_string=params).json
    assert (api["total"], api["others"]) == (len(both), others)
    assert {h["id"] for h in api["hits"] if h["words"] == "all"} == both
    cli = CliRunner().invoke(main, ["search", "furto Carpi", "--index", str(dice_dir),
                                    "--limit", "100", "--json"])
    assert cli.exit_code == 0, cli.output
    data = json.loads(cli.output)
    assert (data["total"], data["others"]) == (len(both), others)
    assert [h["id"] for h in data["hits"]] == [h["id"] for h in api["hits"]]
    page = dice_client.get("/", query_string={"q": "furto Carpi"}).text
    assert f"{len(both)} risultati per «furto Carpi»; altri {others} contengono solo" in page
    export = dice_client.get("/api/export", query_string={"q": "furto Carpi", "format": "jsonl"})
    assert {json.loads(line)["id"] for line in export.text.splitlines()} == both
    feed = dice_client.get("/feed.atom", query_string={"q": "furto Carpi"}).text
    entries = re.findall(r"<entry>.*?</entry>", feed, re.S)
    assert entries and all(any(i in e for i in both) for e in entries)
    text = CliRunner().invoke(main, ["search", "furto Carpi", "--index", str(dice_dir)]).output
    assert f"altri {others} contengono solo alcune parole" in text


def test_a_short_result_set_is_followed_by_the_others_below_a_divider(dice, dice_client):
    both = holding(FURTO) & holding(r"\bmirandola\b")
    assert 0 < len(both) < 10
    result = search(dice, articles(q="furto Mirandola", page_size=100))
    assert [h.words for h in result.hits] == ["all"] * len(both) + ["some"] * result.others_listed
    assert {h.id for h in result.hits[:len(both)]} == both and result.others_listed > 0
    page = dice_client.get("/", query_string={"q": "furto Mirandola", "page_size": 100}).text
    assert page.count('class="hits"') == 2
    assert page.index("Contengono solo alcune parole") > page.index('class="hits"')
    # by date, only the result set
    by_date = search(dice, articles(q="furto Mirandola", sort="date", page_size=100))
    assert {h.id for h in by_date.hits} == both


@pytest.mark.parametrize("q", ["Mirandola", "mirandola", '"Mirandola"', '"mirandola"'])
def test_a_town_whose_stem_is_a_words_matches_its_name(dice, q):
    town = holding(r"\bmirandola\b")
    assert holding(r"\bmira\b") - town  # "presi di mira", without the town
    result = search(dice, articles(q=q, page_size=100))
    assert {h.id for h in result.hits} == town


def test_a_quoted_phrase_matches_its_exact_forms(dice):
    result = search(dice, articles(q='"di mira"', page_size=100))
    assert {h.id for h in result.hits} == holding(r"\bdi mira\b")


def test_a_surname_that_is_also_an_adjective_matches_as_written(dice):
    surname = holding(r"\brossi\b")
    assert any("Rossi" in " ".join(r["persons"]) for r in RECORDS.values())
    assert holding(r"\bross[oae]\b") - surname  # the adjective's other forms are there
    result = search(dice, articles(q="rossi", page_size=100))
    assert {h.id for h in result.hits} == surname
    # an ordinary word still matches its inflections
    adjective = search(dice, articles(q="rosso", page_size=100))
    assert {h.id for h in adjective.hits} >= holding(r"\bross[oae]\b")


@pytest.mark.parametrize(("q", "expected"), [
    ("titolo:missile", {"esteri-002"}),  # title "Missili nel Mar del Giappone"
    ("testo:missile", {"esteri-002"}),
    ("persona:PUTIN", {"esteri-001"}),
    ("luogo:pechìno", {"esteri-001"}),
    ('organizzazione:"nazioni unite"', None),
    ('fonte:"agenzia esteri"', None),
])
def test_each_field_prefix_analyses_the_word_as_its_field(index, q, expected):
    hits = {h.id for h in search(index, articles(q=q, page_size=100)).hits}
    if expected is None:  # the same as the field typed as the index stores it
        field, value = q.split(":", 1)
        typed = {h.id for h in search(index, articles(
            q=f"{field}:{value.title()}", page_size=100)).hits}
        assert hits == typed and (hits or field == "organizzazione")
        return
    assert expected <= hits


def test_a_field_prefix_on_an_inflected_word_finds_its_stem(index):
    plain = {h.id for h in search(index, articles(q="missile", page_size=100)).hits}
    assert {h.id for h in search(index, articles(q="testo:missile", page_size=100)).hits} \
        <= plain
    assert search(index, articles(q="testo:missili")).total >= 1


_MARK = re.compile(r"<mark>(.*?)</mark>")


def _plain(fragment: str) -> str:
    return html.unescape(fragment.replace("<mark>", "").replace("</mark>", ""))


@pytest.mark.parametrize("q", ["furto", "Carpi", "furto Carpi", "carabinieri", "Mirandola"])
def test_snippets_mark_everything_they_show_once_and_in_order(dice, q):
    from search.query.explain import word_keys
    from search.query.parse import parse_query

    result = search(dice, articles(q=q, page_size=100))
    with dice.searcher() as searcher:  # the forms the query's words stand for
        terms = set(word_keys(parse_query(q, searcher.reader()).query, searcher.reader()))
    assert result.hits and terms
    for hit in result.hits:
        text = " ".join(RECORDS[hit.id]["text"].split())
        body = hit.snippet.removeprefix("… ").removesuffix(" …")
        fragments = body.split(" … ")
        at = 0
        seen: set[str] = set()
        for fragment in fragments:
            plain = _plain(fragment)
            found = text.find(plain, at)
            assert found >= at, (hit.id, plain)  # in text order, and really in the text
            if at:
                assert text[at:found].strip(), (hit.id, "… with nothing left out")
            at = found + len(plain)
            words = [fold(w.lower()) for w in re.findall(r"\w+", plain)]
            shingles = {" ".join(words[i:i + 3]) for i in range(len(words) - 2)}
            assert len(shingles & seen) * 2 < max(1, len(shingles)), (hit.id, "repeated")
            seen |= shingles
            unmarked = _MARK.sub(" ", fragment)
            for word in re.findall(r"\w+", html.unescape(unmarked)):
                assert not set(match_keys(word)) & terms, (hit.id, word, "not marked")
        assert hit.snippet.startswith("… ") == bool(text.find(_plain(fragments[0])) > 0)


def test_folding_a_text_whole_keeps_every_character_as_folding_it_alone():
    """Snippets fold a text lowered whole (snippets._fold_chars); that must
    give each character what the per-character table gives, offsets kept."""
    from search.query.snippets import _FOLD_TABLE, _fold_chars

    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000]
    assert [_fold_chars(c) for c in chars] == [c.translate(_FOLD_TABLE) for c in chars]
    text = "ΟΔΥΣΣΕΥΣ a İstanbul, «Città» É L’ÀNCORA ẞ ǅ"
    assert _fold_chars(text) == text.translate(_FOLD_TABLE)
    assert len(_fold_chars(text)) == len(text)
