"""Dates through the index: provenance, filters, the histogram's levels,
and indexes written before the date fields existed."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from search import SearchRequest, create_index, open_index, search, update_index
from search.params import InvalidRequest, parse_request
from search.query.articles import get_article
from tests.conftest import DATA, SEEDS, YEARS, make_index


@pytest.fixture(scope="module")
def years(tmp_path_factory):
    path = tmp_path_factory.mktemp("years")
    update_index(create_index(path), [YEARS], entities=False)
    return open_index(path)


def _buckets(result):
    return {v.value: v.count for v in result.facets["date"]}


def test_each_hit_says_where_its_date_came_from(years):
    hits = {h.id: h for h in search(years, SearchRequest(page_size=100, collapse="none")).hits}
    assert hits["anni-00"].date_source == "given"
    assert (hits["anni-dedotta"].date, hits["anni-dedotta"].date_source) == \
        ("2018-09-03", "inferred")
    assert (hits["anni-senza-data"].date, hits["anni-senza-data"].date_source) == (None, "none")
    assert get_article(years, "anni-dedotta").date_source == "inferred"


def test_date_source_filter(years):
    def ids(*sources):
        result = search(years, SearchRequest(date_sources=sources, page_size=100, collapse="none"))
        return {h.id for h in result.hits}

    assert ids("none") == {"anni-senza-data"}
    assert ids("inferred") == {"anni-dedotta"}
    assert ids("inferred", "none") == {"anni-dedotta", "anni-senza-data"}
    assert len(ids("given")) == 12
    with pytest.raises(InvalidRequest) as error:
        parse_request({"date_source": "forse"})
    assert "date_source" in error.value.message_it


def test_date_source_counts_are_a_facet(years):
    counts = {v.value: v.count for v in search(years, SearchRequest()).facets["date_source"]}
    assert counts == {"given": 12, "inferred": 1, "none": 1}


def test_mentioned_days_filter(years):
    # "dal 3 al 5 giugno" in an article of May 2019: every day of the range is cited.
    result = search(years, SearchRequest(mentioned_from=dt.date(2019, 6, 4),
                                         mentioned_to=dt.date(2019, 6, 4)))
    assert [h.id for h in result.hits] == ["anni-07"]
    # "Ieri" in the article of 2019-05-04 cites 2019-05-03.
    result = search(years, SearchRequest(mentioned_from=dt.date(2019, 5, 3),
                                         mentioned_to=dt.date(2019, 5, 3)))
    assert {h.id for h in result.hits} == {"anni-06"}


def test_the_histogram_goes_from_years_to_months_to_days(years):
    whole = _buckets(search(years, SearchRequest()))
    assert list(whole)[:7] == ["2015", "2016", "2017", "2018", "2019", "2020", "2021"]
    assert whole["2019"] == 6 and whole["2018"] == 2 and whole["senza data"] == 1
    year = _buckets(search(years, SearchRequest(date_from=dt.date(2019, 1, 1),
                                                date_to=dt.date(2019, 12, 31))))
    assert len(year) == 12 and year["2019-05"] == 3 and year["2019-03"] == 0
    month = _buckets(search(years, SearchRequest(date_from=dt.date(2019, 5, 1),
                                                 date_to=dt.date(2019, 5, 31))))
    assert len(month) == 31 and month["2019-05-03"] == 1 and month["2019-05-20"] == 1


def test_a_wide_window_spans_only_the_years_of_the_results(years):
    wide = _buckets(search(years, SearchRequest(date_from=dt.date(1, 1, 1),
                                                date_to=dt.date(9999, 12, 31))))
    assert list(wide) == [str(y) for y in range(2015, 2022)]


def test_an_index_without_the_date_fields_updates_and_gains_them(tmp_path):
    old = tmp_path / "old"
    shutil.copytree(DATA / "index_before_layout", old)
    index = open_index(old)
    assert "date_source" not in index.ix.schema
    assert search(index, SearchRequest(date_sources=("none",))).total == 0
    report = update_index(index, [SEEDS], entities=False)
    assert report.updated == 5 and "date_source" in index.ix.schema
    sources = {h.id[:3]: h.date_source for h in search(index, SearchRequest(page_size=10)).hits}
    assert sources["003"] == "inferred" and sources["000"] == "none"


def test_an_inferred_date_outside_the_given_span_widened_by_a_year_is_dropped(tmp_path):
    index = make_index(tmp_path, [
        {"id": "data", "date": "2015-03-01", "text": "Il consiglio si è riunito ieri."},
        {"id": "ultima", "date": "2016-05-01", "text": "Il consiglio si è riunito ancora."},
        {"id": "vecchia", "text": "Il 3 marzo 2013 il consiglio ha approvato il bilancio. "
                                  "Se ne parla domani."},
        {"id": "futura", "text": "Il 3 giugno 2017 il consiglio ha approvato il bilancio."},
        {"id": "vicina", "text": "Il 3 marzo 2014 il consiglio ha approvato il bilancio."},
    ])
    hits = {h.id: h for h in search(index, SearchRequest(page_size=10)).hits}
    assert (hits["vecchia"].date, hits["vecchia"].date_source) == (None, "none")
    assert (hits["futura"].date, hits["futura"].date_source) == (None, "none")
    assert (hits["vicina"].date, hits["vicina"].date_source) == ("2014-03-03", "inferred")
    assert get_article(index, "vecchia").dates[-1]["value"] is None  # "domani": unresolved
    # A second run finds every article unchanged.
    report = update_index(index, [tmp_path / "articles.jsonl"], entities=False)
    assert report.unchanged == 5
