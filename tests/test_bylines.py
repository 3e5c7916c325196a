"""Bylines and titles on real DICE articles (tests/data/bylines, CC BY-NC-SA 4.0):
case variants of one signature are one author, and a title made from the
first sentence starts after the byline and the dateline."""

from __future__ import annotations

import pytest

from search import SearchRequest, create_index, get_article, search, update_index
from search.entities.ner import EntityEnricher
from tests.conftest import DATA

BYLINES = DATA / "bylines"


@pytest.fixture(scope="module")
def bylines_index(tmp_path_factory):
    path = tmp_path_factory.mktemp("bylines")
    index = create_index(path)
    enricher = EntityEnricher(path)
    update_index(index, [BYLINES], enrich=enricher)
    enricher.close()
    return index


def test_case_variants_of_a_byline_are_one_author(bylines_index):
    authors = {v.value: v.count for v in
               search(bylines_index, SearchRequest()).facets["author"]}
    # The archive's most written form wins ("S. TO" twice, "S. to" once), a
    # mixed-case form as much as an all-caps one ("Camma" over "CAMMA").
    assert authors["S. TO"] == 3 and authors["Camma"] == 3 and authors["Andrea Minghelli"] == 3
    folded = [name.casefold() for name in authors]
    assert len(folded) == len(set(folded)), authors


def test_a_merged_author_filters_every_variant(bylines_index):
    found = search(bylines_index, SearchRequest(authors=("Andrea Minghelli",)))
    assert sorted(h.id for h in found.hits) == ["dice-10178", "dice-8413", "dice-8770"]
    assert {h.author for h in found.hits} == {"Andrea Minghelli"}


@pytest.mark.parametrize(("article_id", "dateline", "title_start"), [
    ("dice-5080385", "Savignano sul Panaro", "«Stavo lavorando su un'auto"),
    ("dice-3576269", "San Cesario sul Panaro", "Sono entrati di notte"),
])
def test_a_title_from_the_text_starts_after_byline_and_dateline(
        bylines_index, article_id, dateline, title_start):
    article = get_article(bylines_index, article_id)
    assert article.title.startswith(title_start), article.title
    assert "Pelloni" not in article.title
    assert article.author == "Elena Pelloni"
    assert dateline in article.places
