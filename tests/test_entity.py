"""Entity pages in the core: counts checked against the index and the search."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from search import SearchRequest, entities, entity, search
from search.query.entity import MIN_SUPPORT, log_likelihood

MUZZARELLI = "Gian Carlo Muzzarelli"


def _total(index, **filters) -> int:
    return search(index, SearchRequest(facets=False, **filters)).total


def test_count_is_the_filtered_search_total_and_the_index_postings(dice_index):
    result = entity(dice_index, "person", MUZZARELLI)
    assert result is not None
    assert result.count == _total(dice_index, persons=(MUZZARELLI,))
    with dice_index.searcher() as searcher:
        assert result.count == searcher.doc_frequency("persons", MUZZARELLI)
    assert sum(p.count for p in result.timeline) + result.undated == result.count
    assert result.undated == _total(dice_index, persons=(MUZZARELLI,), date_sources=("none",))


def test_timeline_bars_first_and_last_are_the_articles_dates(dice_index):
    result = entity(dice_index, "person", MUZZARELLI, SearchRequest(page_size=100))
    dates = sorted(h.date for h in result.hits if h.date)
    assert (result.first, result.last) == (dates[0], dates[-1])
    for period in result.timeline:
        year = int(period.period[:4])
        assert period.count == _total(dice_index, persons=(MUZZARELLI,),
                                      date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31))
    # Newest first, undated last.
    assert [h.date for h in result.hits] == sorted(dates, reverse=True) + [None] * result.undated


def test_a_companion_count_is_the_search_on_both(dice_index):
    result = entity(dice_index, "person", MUZZARELLI)
    listed = [(t, c) for t, values in result.company.items() for c in values]
    assert len(listed) >= 10
    for type, companion in listed:
        field = {"person": "persons", "place": "places", "org": "orgs"}[type]
        both = {"persons": (MUZZARELLI,)}
        both[field] = (*both.get(field, ()), companion.value)
        assert companion.count == _total(dice_index, **both) >= MIN_SUPPORT
        assert companion.score > 0
    assert MUZZARELLI not in [c.value for c in result.company["person"]]
    for values in result.company.values():
        assert [c.score for c in values] == sorted((c.score for c in values), reverse=True)


def test_the_request_narrows_every_part(dice_index):
    window = SearchRequest(date_from=dt.date(2021, 1, 1), date_to=dt.date(2021, 12, 31))
    result = entity(dice_index, "person", MUZZARELLI, window)
    assert result.count == _total(dice_index, persons=(MUZZARELLI,), date_from=window.date_from,
                                  date_to=window.date_to) > 0
    assert result.undated == 0 and all(p.period.startswith("2021") for p in result.timeline)
    assert len(result.timeline) == 12  # a year chosen shows its months
    worded = entity(dice_index, "person", MUZZARELLI, SearchRequest(q="polizia"))
    assert worded.count == _total(dice_index, q="polizia", persons=(MUZZARELLI,))
    assert 0 < worded.count < entity(dice_index, "person", MUZZARELLI).count
    page = entity(dice_index, "person", MUZZARELLI, SearchRequest(page=2, page_size=5))
    first = entity(dice_index, "person", MUZZARELLI, SearchRequest(page_size=10))
    assert [h.id for h in page.hits] == [h.id for h in first.hits[5:10]]


def test_unknown_entities_and_types(dice_index):
    assert entity(dice_index, "person", "Nessuno Nessunissimo") is None
    assert entity(dice_index, "org", MUZZARELLI) is None  # a person, not an org
    with pytest.raises(KeyError):
        entity(dice_index, "author", MUZZARELLI)
    empty = entity(dice_index, "person", MUZZARELLI, SearchRequest(q="zzzzqqq"))
    assert empty is not None and empty.count == 0 and empty.hits == [] and empty.first is None


def test_log_likelihood_ranks_association_above_frequency():
    # 1000 articles, the entity in 50. A value in 900 (a home town) shared by
    # 46, one in 20 shared by 12, one in 100 shared by 5 (chance).
    scores = log_likelihood(np.array([46.0, 12.0, 5.0]), np.array([900.0, 20.0, 100.0]),
                            50.0, 1000.0)
    assert scores[1] > scores[0] > 0
    assert abs(scores[2]) < 1e-9
    avoided = log_likelihood(np.array([1.0]), np.array([500.0]), 50.0, 1000.0)
    assert avoided[0] < 0


def test_the_list_of_entities_counts_prefixes_and_pages(dice_index):
    listed = entities(dice_index, "place", SearchRequest(page_size=5))
    assert len(listed.values) == 5 and listed.total > 5
    counts = [v.count for v in listed.values]
    assert counts == sorted(counts, reverse=True)
    for value in listed.values:
        assert value.count == _total(dice_index, places=(value.value,))
    second = entities(dice_index, "place", SearchRequest(page=2, page_size=5))
    assert not {v.value for v in second.values} & {v.value for v in listed.values}
    found = entities(dice_index, "person", prefix="muzz")
    assert MUZZARELLI in [v.value for v in found.values]  # a word of the name
    assert all("muzz" in v.value.casefold() for v in found.values)


def test_spellings_and_types_are_counted_among_the_articles(dice_index):
    result = entity(dice_index, "person", MUZZARELLI, SearchRequest(page_size=100))
    forms = {f.form: f.count for f in result.forms}
    assert "Muzzarelli" in forms and MUZZARELLI in forms
    bodies = [searcher_body(dice_index, h.id) for h in result.hits]
    for form, count in forms.items():
        assert 0 < count <= result.count
        assert sum(form in body for body in bodies) >= count  # written so in that many
    assert all(any(form in body for form in forms) for body in bodies)
    assert sum(v.count for v in result.votes) >= result.count
    assert result.votes[0].type == "person"
    narrowed = entity(dice_index, "person", MUZZARELLI, SearchRequest(q="polizia"))
    assert sum(f.count for f in narrowed.forms) < sum(forms.values())


def searcher_body(index, article_id: str) -> str:
    with index.searcher() as searcher:
        return searcher.document(id=article_id)["body"]
