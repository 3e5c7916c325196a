"""search(): syntax, ranking rules, filters, sorting, paging, snippets, suggestions."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from search import create_index, update_index
from search.models import SearchRequest
from search.query.pipeline import search
from tests.conftest import make_index


def run(index, q="", **kw):
    return search(index, SearchRequest(q=q, **kw))


def hit_ids(result):
    return [h.id for h in result.hits]


def test_stemming_finds_inflections(index):
    assert hit_ids(run(index, "missile")) == ["esteri-002"]


def test_accent_folding(index):
    assert run(index, "citta").total == run(index, "città").total >= 2
    assert "roma-metro" in hit_ids(run(index, "perche"))
    assert "esteri-005" in hit_ids(run(index, "piu"))


def test_hyphenated_names_match_spaced_spelling(index):
    assert hit_ids(run(index, "Kim Jong Un"))[0] == "lavrov-pyongyang"
    assert "lavrov-pyongyang" in hit_ids(run(index, '"Kim Jong-un"'))


def test_articles_with_every_word_rank_first_but_others_stay(index):
    result = run(index, "energia Meloni")
    ids = hit_ids(result)
    both = {"esteri-003", "esteri-005"}
    assert set(ids[:2]) == both
    assert "esteri-001" in ids  # has "energia" only


def test_exact_form_outranks_stem_only_match(tmp_path):
    index = make_index(tmp_path, [
        {"id": "stem", "text": "I romani discutono. Tante romane e tanti romanzi."},
        {"id": "exact", "text": "A Roma si discute. Una giornata qualsiasi in centro."},
    ])
    assert hit_ids(run(index, "Roma"))[0] == "exact"


def test_phrase_excluded_or_and_field_prefixes(index):
    assert hit_ids(run(index, '"Mar del Giappone"')) == ["esteri-002"]
    assert "esteri-002" not in hit_ids(run(index, "Pechino -missili"))
    assert "esteri-001" in hit_ids(run(index, "Pechino -missili"))
    assert set(hit_ids(run(index, "Parigi OR Bruxelles"))) == {"esteri-003", "esteri-004"}
    assert hit_ids(run(index, "titolo:Lavrov")) == ["lavrov-pyongyang"]
    assert set(hit_ids(run(index, "persona:Meloni"))) == {"esteri-003", "esteri-005"}
    assert "esteri-002" in hit_ids(run(index, 'luogo:"Corea del Nord"'))


def test_wildcards_and_fuzzy(index):
    assert "esteri-002" in hit_ids(run(index, "missil*"))
    assert "esteri-002" in hit_ids(run(index, "missli~"))


@pytest.mark.parametrize(
    "q", ['"unclosed', "((( a", "titolo:", "AND OR NOT", "*", "~", ":::", "-", "date:[x TO"]
)
def test_malformed_queries_never_fail(index, q):
    result = run(index, q)
    assert result.total >= 0


def test_only_exclusions_means_everything_else(index):
    result = run(index, "-missili")
    assert result.total == index.doc_count() - 1


def test_entity_filters_need_every_value_and_can_exclude(index):
    assert hit_ids(run(index, persons=("Giorgia Meloni",))) == ["esteri-005", "esteri-003"]
    both = run(index, persons=("Vladimir Putin", "Xi Jinping"))
    assert hit_ids(both) == ["esteri-001"]
    excluded = run(index, persons=("Vladimir Putin",), not_places=("Pechino",))
    assert hit_ids(excluded) == ["lavrov-pyongyang"]
    assert run(index, persons=("Nessuno Esiste",)).total == 0


def test_date_range_and_browsing_newest_first(index):
    result = run(index, date_from=dt.date(2025, 9, 1), date_to=dt.date(2025, 9, 30))
    assert hit_ids(result) == ["lavrov-pyongyang", "milano-design", "esteri-002", "esteri-001"]
    assert all(h.date.startswith("2025-09") for h in result.hits)


def test_sort_by_date_and_pagination(index):
    first = run(index, "presidente", sort="date", page_size=2)
    second = run(index, "presidente", sort="date", page=2, page_size=2)
    assert first.total == second.total >= 3
    dates = [h.date for h in first.hits + second.hits if h.date]
    assert dates == sorted(dates, reverse=True)
    assert not set(hit_ids(first)) & set(hit_ids(second))
    assert run(index, "presidente", page=99).hits == []


def test_facets_count_the_whole_result_set(index):
    result = run(index, "", page_size=1)
    persons = {v.value: v.count for v in result.facets["person"]}
    assert persons["Giorgia Meloni"] == 2 and persons["Vladimir Putin"] == 2
    places = {v.value: v.count for v in result.facets["place"]}
    assert places["Roma"] == 2 and places["Pechino"] == 2
    months = {v.value: v.count for v in result.facets["date"]}
    assert months == {"2025-07": 1, "2025-08": 0, "2025-09": 4, "2025-10": 3, "senza data": 3}
    assert [v.value for v in result.facets["date"]][-1] == "senza data"


def test_facets_follow_filters_and_mark_selection(index):
    result = run(index, "", persons=("Giorgia Meloni",), not_places=("Bruxelles",))
    persons = {v.value: (v.count, v.selected) for v in result.facets["person"]}
    assert persons == {"Giorgia Meloni": (1, True)}
    places = {v.value: (v.count, v.excluded) for v in result.facets["place"]}
    assert places == {"Roma": (1, False), "Bruxelles": (0, True)}


def test_snippets_mark_stems_and_escape_everything_else(tmp_path):
    index = make_index(tmp_path, [{
        "id": "x", "title": "<b>Titolo</b>",
        "text": "Lanciati due missili <script>alert(1)</script> & altro. Il missile era nuovo.",
    }])
    snippet = run(index, "missile").hits[0].snippet
    assert "<mark>missili</mark>" in snippet and "<mark>missile</mark>" in snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet and "&amp;" in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_snippet_has_several_fragments(index_dir, seeds_index_dir):
    from search.index import open_index

    snippet = run(open_index(seeds_index_dir), "Corea").hits[0].snippet
    assert snippet.count("<mark>") >= 2 and " … " in snippet


def test_did_you_mean(seeds_index_dir):
    from search.index import open_index

    seeds = open_index(seeds_index_dir)
    assert run(seeds, "missli balistici").suggestion == "missili balistici"
    assert run(seeds, "missili balistici").suggestion is None
    assert run(seeds, "missile").suggestion is None  # matches through its stem


@pytest.fixture
def two_segment_index(tmp_path, articles_copy):
    """An index updated twice, with a deleted document and a second segment."""
    index = create_index(tmp_path / "ix")
    update_index(index, [articles_copy], entities=False)
    esteri = articles_copy / "esteri.jsonl"
    esteri.write_text(esteri.read_text("utf-8").split("\n", 1)[1], "utf-8")
    (articles_copy / "extra.txt").write_text(
        "Nuovo vertice\n\nIl vertice di Pechino sui missili della Corea: Kim Jong-un "
        "incontra Putin, la presidente Meloni a Parigi. Gli costerà caro.", "utf-8")
    update_index(index, [articles_copy], entities=False)  # esteri-001 is now a deleted document
    return index


@pytest.mark.parametrize(
    "q", ["missili", "energia Meloni", '"Mar del Giappone"', "Pechino -missili", "missil*",
          "Parigi OR Bruxelles", "persona:Meloni", "NOT energia", "*", "più", "costera",
          "caro -costera", 'vertice -"Mar del Giappone"'],
)
def test_fast_match_sets_equal_whoosh_matching(two_segment_index, q):
    """The numpy match set agrees with Whoosh's own, deleted documents included."""
    import numpy as np

    from search.query.matchset import live_mask, match_mask
    from search.query.parse import parse_query
    from search.query.pipeline import WEIGHTING, find, plan

    parsed = parse_query(q)
    index = two_segment_index
    with index.searcher(weighting=WEIGHTING) as searcher:
        fast = np.flatnonzero(match_mask(searcher, parsed.matching, live_mask(searcher)))
        scored = np.flatnonzero(find(index, searcher, plan(SearchRequest(q=q))).matched)
        slow = sorted(searcher.docs_for_query(parsed.matching))
        # The ranking query's documents: the result set and the others.
        ranked = sorted(searcher.docs_for_query(parsed.query))
        found = find(index, searcher, plan(SearchRequest(q=q)))
        either = sorted(np.flatnonzero(found.matched | found.some))
    assert list(fast) == slow
    assert list(scored) == slow
    assert either == ranked


@pytest.mark.parametrize(
    "q",
    ["Corea", "missili Corea", "Kim Jong-un Putin", '"Mar del Giappone" missili',
     "Pechino -missili", "Parigi OR Bruxelles", "persona:Meloni energia",
     "presidente della repubblica", "vertice Pechino Corea"],
)
def test_numpy_ranking_equals_whoosh_scoring_every_match(two_segment_index, q):
    """Ranker's page is the one Whoosh gives when it scores every match.

    Not Whoosh's top-N collector: in 2.7.5 its matcher replacement drops
    boosted matches, which is one reason ranking moved to numpy.
    """
    from search.query import ranking
    from search.query.matchset import live_mask, match_mask
    from search.query.parse import parse_query
    from search.query.pipeline import WEIGHTING

    parsed = parse_query(q)
    with two_segment_index.searcher(weighting=WEIGHTING) as searcher:
        matched = match_mask(searcher, parsed.matching, live_mask(searcher))
        ranker = ranking.Ranker(searcher, lambda f: ranking.field_lengths(searcher, f))
        for query in filter(None, (parsed.query, parsed.all_words_ranked)):
            top = ranker.top(query, matched, 5)
            every = sorted(((h.docnum, h.score) for h in searcher.search(query, limit=None)
                            if matched[h.docnum]), key=lambda pair: (-pair[1], pair[0]))[:5]
            assert [d for d, _ in top] == [d for d, _ in every]
            assert [s for _, s in top] == pytest.approx([s for _, s in every])


def test_quoted_phrase_with_stop_words_needs_the_whole_phrase(tmp_path):
    index = make_index(tmp_path, [
        {"id": "phrase", "text": "Il ladro è entrato nella casa di via Roma."},
        {"id": "word", "text": "Una casa in vendita: prezzi delle case in calo."},
    ])
    assert hit_ids(run(index, '"nella casa"')) == ["phrase"]
    assert set(hit_ids(run(index, "nella casa"))) == {"phrase", "word"}


def test_snippet_matching_finds_what_a_word_by_word_scan_finds():
    from search.analysis import match_keys
    from search.query.snippets import WORD_PATTERN, matches

    text = ("PERCHÉ la città? L'Europa e dell’Unione: più missili, il Missile; "
            "Jong-un, Città-Stato, perche 3.000 euro, Più grande. İstanbul e Kim")
    terms = frozenset({"s:citt", "e:perche", "s:missil", "e:piu", "s:union", "e:europa",
                       "e:un", "e:3.000", "s:kim", "e:istanbul"})
    naive = [(m.start(), m.end()) for m in re.finditer(WORD_PATTERN, text)
             if any(k in terms for k in match_keys(m.group()))]
    assert [(m.start, m.end) for m in matches(text, terms)] == naive
    assert len(naive) >= 12


@pytest.mark.parametrize("text", [
    "Città, PERCHÉ «più» l’uomo – così: È già ŒUVRE",
    # Every character up to U+3000: some fold to a letter that itself folds.
    "".join(chr(c) for c in range(0x80, 0x3000) if chr(c) not in "\u0130\u03a3"),
])
def test_folding_a_text_folds_each_character_alone_in_place(text):
    from search.query.snippets import _FOLD_TABLE, _fold_chars

    assert _fold_chars(text) == text.translate(_FOLD_TABLE)


@pytest.mark.parametrize(("q", "note"), [
    ("*e", "almeno 2 lettere"), ("??*", "almeno 2 lettere"), ("*a*", "almeno 2 lettere"),
    ("a~5", "al massimo 2"), ("sindaco~3", "al massimo 2"),
    (" ".join(f"mi{c}*" for c in "abcdef"), "Al massimo 4"),
])
def test_costly_patterns_are_bounded_and_say_so(index, q, note):
    result = run(index, q)
    assert any(note in n for n in result.notices), result.notices


def test_a_pattern_expands_to_the_most_frequent_words_only(tmp_path):
    from search.query import expansion

    records = [{"id": f"d{i}", "text": f"Parola{i:03d} e parola{i % 7:03d} nel testo."}
               for i in range(300)]
    index = make_index(tmp_path, records)
    result = run(index, "parola*")
    assert result.total == 300
    assert any(f"{expansion.MAX_EXPANSIONS} più frequenti" in n for n in result.notices)
    # Every article has one of parola000..parola006 (the most frequent words):
    # all 300 match only if those are among the words kept.
    top = run(index, "parola*", page_size=100).hits
    assert all("<mark>" in h.snippet for h in top)


def test_a_search_past_its_budget_is_refused(index):
    from search import QueryTooCostly

    with pytest.raises(QueryTooCostly) as caught:
        search(index, SearchRequest(q='"presidente della repubblica"'), seconds=0.0)
    assert caught.value.code == "query_too_costly" and "troppo tempo" in caught.value.message_it


def test_a_field_range_is_plain_words_not_an_error(client, index):
    """Typed into the box, "date:[… TO …]" used to give a 500 everywhere."""
    q = "date:[20200101 TO 20211231]"
    assert run(index, q).total == 0
    # Falling back to plain words is said, like every other change.
    assert [n for n in run(index, q).notices if n.startswith(f"«{q}»")] == [
        f"«{q}»: gli intervalli non si cercano, cercate le sole parole; "
        "per le date usa i filtri Dal e Al (date_from, date_to)."]
    assert client.get("/api/search", query_string={"q": q}).json["notices"] == run(index, q).notices
    for url in ("/", "/api/search", "/embed", "/feed.atom", "/api/export", "/api/facets/person",
                "/facette/person"):
        response = client.get(url, query_string={"q": q})
        assert response.status_code == 200, url


def test_words_in_one_sentence_rank_first_and_pages_agree(tmp_path):
    """Same words, same lengths, same BM25F: the article holding them in one
    sentence ranks first (rerank.py), and paging keeps that order."""
    index = make_index(tmp_path, [
        {"id": "spread", "title": "Notizie",
         "text": "La crisi colpì il paese. Mesi dopo salì il petrolio."},
        {"id": "together", "title": "Notizie",
         "text": "La crisi colpì il paese e salì il petrolio. Mesi dopo."},
    ])
    assert hit_ids(run(index, "crisi petrolio")) == ["together", "spread"]
    assert [hit_ids(run(index, "crisi petrolio", page=p, page_size=1)) for p in (1, 2)] == [
        ["together"], ["spread"]]
    from search import export_hits

    assert [h.id for h in export_hits(index, SearchRequest(q="crisi petrolio"))] == [
        "together", "spread"]


def test_rerank_of_a_page_reads_only_what_can_reach_it(tmp_path):
    """Asked for its first few, the rerank gives what the whole rerank gives
    first, without reading the matches too weak to get there."""
    from search.query import pipeline, rerank

    # Words apart but twice (the best first pass), words in one sentence
    # (the best after the rerank), then one word only (left unread by a short page).
    filler = "Il giorno passa. "
    index = make_index(tmp_path, [
        *({"id": f"apart{i}", "text": "La crisi, la crisi. " + filler * 3 + "Il petrolio sale. "
           + filler * i} for i in range(4)),
        *({"id": f"together{i}", "text": "La crisi del petrolio. " + filler * (4 + i)}
          for i in range(4)),
        *({"id": f"one{i}", "text": "Il petrolio sale. " + filler * (i % 9)} for i in range(60)),
    ])
    with index.searcher(weighting=pipeline.WEIGHTING) as searcher:
        found = pipeline.find(index, searcher, pipeline.plan(SearchRequest(q="crisi petrolio"),
                                                             searcher.reader()))
        top = found.ranker.top(found.parsed.query, found.matched | found.some, rerank.DEPTH)
        reads: list[int] = []

        def read(docnum):
            reads.append(docnum)
            return found.read(docnum)

        whole = rerank.rerank(searcher, top, found.keys, read)
        assert len(reads) == rerank.DEPTH
        kind = [searcher.stored_fields(d)["id"].rstrip("0123456789") for d, _ in top]
        assert kind[0] == "apart" and set(kind[8:]) == {"one"}
        assert searcher.stored_fields(whole[0][0])["id"].startswith("together")
        for wanted in range(1, len(top) + 1):
            reads.clear()
            assert rerank.rerank(searcher, top, found.keys, read, wanted)[:wanted] == \
                whole[:wanted]
            if wanted <= 8:
                assert len(reads) < rerank.DEPTH
