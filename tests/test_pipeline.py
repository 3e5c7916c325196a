"""One pipeline, one answer: every shell and path agrees with the others.

Each test here once failed: the facet box, the export, ``cerca extract``,
the ETag and the Python API each had a path of their own.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from cerca.cli import cli
from search import (
    SearchRequest,
    create_index,
    export_hits,
    facet_values,
    get_article,
    index_paths,
    open_index,
    search,
    update_index,
)
from tests.conftest import ARTICLES, SEEDS


@pytest.fixture(scope="module")
def shuffled_index(tmp_path_factory) -> Path:
    """Many articles of one date, written in two runs against id order, so
    docnum order and id order differ, and one segment has a deletion."""
    folder = tmp_path_factory.mktemp("shuffled")
    source = folder / "a.jsonl"
    records = [{"id": f"art-{i:02d}", "date": "2025-09-0" + str(1 + i % 3),
                "text": f"Il consiglio comunale di Modena discute il bilancio, punto {i}. "
                        + ("Il bilancio è in rosso. " * (i % 4))}
               for i in range(40)]
    second = folder / "b.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records[20:][::-1]), "utf-8")
    second.write_text("".join(json.dumps(r) + "\n" for r in records[:20][::-1]), "utf-8")
    index = create_index(folder / "ix")
    update_index(index, [source], entities=False)
    update_index(index, [source, second], entities=False)
    source.write_text("".join(json.dumps(r) + "\n" for r in records[21:][::-1]), "utf-8")
    update_index(index, [source, second], entities=False)  # art-20 deleted
    return folder / "ix"


@pytest.mark.parametrize(("params", "count"), [
    ({"q": ""}, 39), ({"q": "bilancio"}, 39), ({"q": "bilancio", "sort": "date"}, 39),
    # "rosso" is in the 30 articles whose number is not a multiple of 4:
    # the result set is those; the other 9 only follow it on the pages.
    ({"q": "consiglio rosso"}, 30),
    ({"q": "bilancio", "collapse": "none"}, 39),
    ({"q": "", "sort": "date", "collapse": "copies"}, 39),
])
def test_export_is_the_pages_concatenated(shuffled_index, params, count):
    from webapp import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(shuffled_index)}).test_client()
    paged: list[str] = []
    first = client.get("/api/search", query_string=params).json
    for page in range(1, first["results"] // 7 + 2):
        body = client.get("/api/search", query_string={**params, "page": page,
                                                       "page_size": 7}).json
        paged += [h["id"] for h in body["hits"] if h["words"] == "all"]
    export = client.get("/api/export", query_string={**params, "format": "jsonl"})
    exported = [json.loads(line)["id"] for line in export.text.splitlines()]
    assert exported == paged
    # The articles are near copies of each other ("punto {i}"): grouped
    # unless collapse=none, and never more results than articles.
    assert len(exported) == first["results"] and first["total"] == count
    assert (first["results"] == count) == (params.get("collapse") == "none")
    csv_ids = [row.split(",")[0] for row in client.get(
        "/api/export", query_string={**params, "format": "csv"}).text.splitlines()[1:]]
    assert csv_ids == paged


def test_export_orders_date_ties_by_id_not_by_segment(shuffled_index):
    index = open_index(shuffled_index)
    ids = [h.id for h in export_hits(index, SearchRequest())]
    days = {h.id: h.date for h in export_hits(index, SearchRequest())}
    for day in set(days.values()):
        same_day = [i for i in ids if days[i] == day]
        assert same_day == sorted(same_day), day


def test_facet_box_keeps_selected_and_excluded_values(site_index_dir):
    """The box is inside the search form: a value it drops is a filter lost."""
    from webapp import create_app

    index = open_index(site_index_dir)
    request = SearchRequest(places=("Pechino",), not_persons=("Kim Jong-un",))
    page = {v.value: v for v in search(index, request).facets["person"]}
    boxed = facet_values(index, request, "person", contains="zzz-nessuno")
    assert [v.value for v in boxed] == ["Kim Jong-un"] and boxed[0].excluded
    for v in facet_values(index, request, "person"):
        if v.value in page:
            assert (v.count, v.selected, v.excluded) == (
                page[v.value].count, page[v.value].selected, page[v.value].excluded)
    placed = {v.value: v for v in facet_values(index, request, "place", contains="pech")}
    assert placed["Pechino"].selected

    client = create_app({"TESTING": True, "INDEX_DIR": str(site_index_dir)}).test_client()
    html = client.get("/facette/person", query_string={
        "place": "Pechino", "not_person": "Kim Jong-un", "contains": "zzz"}).text
    assert 'name="not_person" value="Kim Jong-un" checked' in html
    html = client.get("/facette/place", query_string={
        "place": "Pechino", "contains": "zzz"}).text
    assert 'name="place" value="Pechino" checked' in html


def test_extract_gives_the_values_the_index_stores(site_index_dir):
    files = sorted(SEEDS.glob("*.txt"))
    out = CliRunner().invoke(cli, ["extract", "--json", *map(str, files)])
    assert out.exit_code == 0, out.output
    index = open_index(site_index_dir)
    records = [json.loads(line) for line in out.output.splitlines()]
    assert len(records) == len(files)
    orgs = set()
    for record in records:
        stored = get_article(index, record["id"])
        assert stored is not None
        assert (record["persons"], record["places"], record["orgs"]) == (
            stored.persons, stored.places, stored.orgs), record["id"]
        orgs |= set(record["orgs"])
    assert "Interfax" in orgs  # a news agency the model misses, from the media list


def test_extract_applies_corrections(tmp_path):
    fixes = tmp_path / "fixes.yaml"
    fixes.write_text("rename:\n  Vladimir Putin: V. V. Putin\nsuppress:\n  - Interfax\n", "utf-8")
    seed = str(SEEDS / "002_3d3caf7afbdfbf2d.txt")
    record = json.loads(CliRunner().invoke(
        cli, ["extract", "--json", seed, "--corrections", str(fixes)]).output)
    assert "V. V. Putin" in record["persons"] and "Vladimir Putin" not in record["persons"]
    assert "Interfax" not in record["orgs"]
    line = json.dumps({"id": "x", "text": "Secondo Interfax, Vladimir Putin è a Mosca."})
    found = json.loads(CliRunner().invoke(
        cli, ["extract", "--jsonl", "-", "--corrections", str(fixes)], input=line).output)
    assert {e["canonical"] for e in found["entities"]} >= {"V. V. Putin"}
    assert "Interfax" not in {e["canonical"] for e in found["entities"]}


def test_extract_jsonl_finds_the_agencies_with_offsets():
    text = "Lo riferisce l'agenzia Interfax: Sergey Lavrov è a Pyongyang."
    out = CliRunner().invoke(cli, ["extract", "--jsonl", "-"],
                             input=json.dumps({"id": "a", "text": text}))
    entities = json.loads(out.output)["entities"]
    agency = [e for e in entities if e["canonical"] == "Interfax"]
    assert agency and text[agency[0]["start"]:agency[0]["end"]] == "Interfax"
    assert agency[0]["label"] == "ORG"


ETAG_PROBE = """
import sys
from webapp import create_app
client = create_app({"TESTING": True, "INDEX_DIR": sys.argv[1]}).test_client()
print(client.get("/api/search?q=missili&page_size=3").headers["ETag"])
"""


def test_etag_is_the_same_in_every_worker_process(index_dir):
    """Python salts hash() per process; two gunicorn workers must agree."""
    tags = {
        subprocess.run([sys.executable, "-c", ETAG_PROBE, str(index_dir)], check=True,
                       capture_output=True, text=True).stdout.strip()
        for _ in range(2)
    }
    assert len(tags) == 1 and next(iter(tags))


def test_python_api_and_cli_build_the_same_index(tmp_path):
    report = index_paths(tmp_path / "api", [ARTICLES])
    result = CliRunner().invoke(cli, ["index", str(ARTICLES), "--index", str(tmp_path / "cli"),
                                      "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == report.added == 11

    def stored(path: Path) -> dict:
        index = open_index(path)
        hits = search(index, SearchRequest(page_size=100)).hits
        return {h.id: (h.persons, h.places, h.orgs, h.date) for h in hits}

    api, shell = stored(tmp_path / "api"), stored(tmp_path / "cli")
    assert api == shell
    assert any(persons for persons, *_ in api.values())  # entities ran in both


def test_each_generation_array_is_built_once_under_threads(index):
    """Eight threads asking at once wait for one build, not make eight."""
    from search.index import GenerationCache

    cache, builds, barrier = GenerationCache(), [], threading.Barrier(8)

    def build(searcher):
        builds.append(1)
        return [1, 2, 3]

    def ask():
        with index.searcher() as searcher:
            barrier.wait()
            assert cache.get(searcher, "probe", build) == [1, 2, 3]

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(builds) == 1


def test_caches_fed_by_request_text_are_bounded():
    from search.analysis import fold

    for i in range(30_000):
        fold(f"digitato {i}")
    info = fold.cache_info()
    assert info.maxsize is not None and info.currsize <= info.maxsize


def test_a_segment_part_is_read_once_across_generations(tmp_path):
    """A generation that adds a segment reads only that segment's part; the
    parts of an empty index's reader (no segment) are built, not kept."""
    from tests.conftest import make_index

    index = make_index(tmp_path, [{"id": "a", "text": "Il consiglio comunale di Modena."}])
    read: list[str] = []

    def part(leaf) -> int:
        read.append(leaf.segment().segment_id())
        return leaf.doc_count_all()

    def total(searcher) -> int:
        return sum(index.cache.segment(leaf, "probe", part)
                   for leaf, _ in searcher.reader().leaf_readers())

    with index.searcher() as searcher:
        assert index.cache.get(searcher, "probe total", total) == 1
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"id": "b", "text": "La giunta di Carpi."}) + "\n", "utf-8")
    update_index(index, [tmp_path / "articles.jsonl", more], entities=False)
    with index.searcher() as searcher:
        segments = [leaf.segment().segment_id() for leaf, _ in searcher.reader().leaf_readers()]
        assert index.cache.get(searcher, "probe total", total) == 2
    assert len(segments) == 2 and read == segments  # the first was not read again

    empty = create_index(tmp_path / "empty")
    for _ in range(2):  # facets read through the cache, twice
        assert search(empty, SearchRequest(q="consiglio")).facets["person"] == []
