"""Stories: copies and same-event articles grouped at index time, one
result per story in every shell. Real indexes of real DICE articles
(tests/data/stories, see tests/data/SOURCE.txt)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from search import (
    SearchRequest,
    article_story,
    create_index,
    export_hits,
    index_paths,
    open_index,
    search,
    story,
    update_index,
)
from search.stories.archive import CACHE, VERSION
from search.stories.store import read_stories, story_file

STORIES = Path(__file__).resolve().parent / "data" / "stories"
COPY = ("dice-10671", "dice-11339")
SAME_EVENT = ("dice-7969", "dice-7972")
APART = ("dice-4143", "dice-9957")


@pytest.fixture(scope="module")
def ix(stories_index_dir):
    opened = open_index(stories_index_dir)
    yield opened
    opened.close()


def _story(index, doc_id: str):
    return article_story(index, doc_id)


def test_copies_and_same_event_share_a_story_and_others_stay_apart(ix):
    copy = _story(ix, COPY[0])
    assert [(m.id, m.relation) for m in copy.articles] == [(COPY[1], "copy")]
    event = _story(ix, SAME_EVENT[0])
    assert [(m.id, m.relation) for m in event.articles] == [(SAME_EVENT[1], "related")]
    assert copy.id != event.id
    for doc_id in APART:
        assert _story(ix, doc_id).articles == []
    assert _story(ix, APART[0]).id != _story(ix, APART[1]).id


def test_one_result_per_story_copy_group_or_article(ix):
    every = {c: search(ix, SearchRequest(collapse=c, page_size=10)) for c in
             ("story", "copies", "none")}
    assert {r.total for r in every.values()} == {6}
    assert (every["story"].results, every["copies"].results, every["none"].results) == (4, 5, 6)
    shown = [h.id for h in every["story"].hits]
    assert len(shown) == 4
    assert len({h.story for h in every["story"].hits}) == 4
    by_id = {h.id: h for h in every["none"].hits}
    assert by_id[COPY[0]].story == by_id[COPY[1]].story
    assert [m.id for m in by_id[COPY[0]].copies] == [COPY[1]]
    assert [m.id for m in by_id[SAME_EVENT[0]].related] == [SAME_EVENT[1]]


def test_grouping_survives_paging_and_the_export(ix):
    for collapse in ("story", "copies", "none"):
        first = search(ix, SearchRequest(collapse=collapse, page_size=2))
        pages = [search(ix, SearchRequest(collapse=collapse, page_size=2, page=n))
                 for n in range(1, first.pages + 1)]
        ids = [h.id for p in pages for h in p.hits]
        assert len(ids) == len(set(ids)) == first.results
        stories = [h.story for p in pages for h in p.hits]
        if collapse == "story":
            assert len(set(stories)) == len(stories)
        # A hit keeps its story from page to page, and facets count articles.
        assert all(p.facets == first.facets for p in pages)
        exported = [h.id for h in export_hits(ix, SearchRequest(collapse=collapse))]
        assert exported == ids


def test_story_lists_every_article_by_date(ix):
    sid = _story(ix, SAME_EVENT[0]).id
    found = story(ix, sid)
    assert sorted(m.id for m in found.articles) == sorted(SAME_EVENT)
    assert story(ix, "0" * 12) is None


def _copy_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "stories"
    shutil.copytree(STORIES, folder)
    return folder


def _records(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "dice.jsonl").read_text().splitlines()]


def _write(folder: Path, records: list[dict]) -> None:
    (folder / "dice.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def test_incremental_run_joins_a_new_copy_and_deleting_the_best_promotes_the_next(tmp_path):
    folder = _copy_folder(tmp_path)
    path = tmp_path / "ix"
    index_paths(path, [folder], entities=False)
    records = _records(folder)
    original = next(r for r in records if r["id"] == SAME_EVENT[0])
    sentences = original["text"].split(". ")
    repost = {**original, "id": "dice-7969-repost", "title": "Rame recuperato dopo l'inseguimento",
              "text": ". ".join(sentences[1:])}  # the same text without its first sentence
    (folder / "repost.jsonl").write_text(json.dumps(repost, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    report = index_paths(path, [folder], entities=False)
    assert (report.added, report.unchanged) == (1, 6)
    index = open_index(path)
    try:
        joined = article_story(index, repost["id"])
        assert {(m.id, m.relation) for m in joined.articles} == {
            (SAME_EVENT[0], "copy"), (SAME_EVENT[1], "related")}
        request = SearchRequest(q="rame Casalgrande", collapse="story")
        before = search(index, request)
        best = before.hits[0]
        assert best.id in (*SAME_EVENT, repost["id"])
        hidden = {m.id for m in best.copies + best.related}
    finally:
        index.close()
    if best.id == repost["id"]:
        (folder / "repost.jsonl").unlink()
    else:
        _write(folder, [r for r in records if r["id"] != best.id])
    index_paths(path, [folder], entities=False)
    index = open_index(path)
    try:
        after = search(index, request)
        assert after.hits[0].id in hidden
        assert after.hits[0].story == search(index, SearchRequest(
            q="rame Casalgrande", collapse="none")).hits[0].story
        assert after.results == before.results
    finally:
        index.close()


def test_stories_do_not_depend_on_file_order_or_jobs_and_survive_a_rebuild(tmp_path):
    folder = _copy_folder(tmp_path)
    reversed_folder = tmp_path / "reversed"
    reversed_folder.mkdir()
    _write(reversed_folder, list(reversed(_records(folder))))
    first, second = tmp_path / "a", tmp_path / "b"
    update_index(create_index(first), [folder])
    update_index(create_index(second), [reversed_folder], batch_size=1, jobs=2)
    stories_a = read_stories(first, open_index(first).generation)
    assert stories_a == read_stories(second, open_index(second).generation)
    assert len(stories_a) == 2
    report = index_paths(first, [folder], entities=False, rebuild=True)
    assert report.documents == 6
    index = open_index(first)
    try:
        assert index.generation > 1
        assert read_stories(first, index.generation) == stories_a
        grouped = search(index, SearchRequest(collapse="story"))
        assert grouped.results == 4
    finally:
        index.close()


def test_api_story_collapse_and_openapi(stories_index_dir):
    from webapp import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(stories_index_dir)})
    client = app.test_client()
    try:
        grouped = client.get("/api/search?collapse=story").get_json()
        assert (grouped["total"], grouped["results"], grouped["collapse"]) == (6, 4, "story")
        hit = next(h for h in grouped["hits"] if h["copies"] or h["related"])
        listed = client.get(f"/api/story/{hit['story']}").get_json()
        assert hit["id"] in {a["id"] for a in listed["articles"]}
        assert client.get("/api/story/nonesiste").status_code == 404
        bad = client.get("/api/search?collapse=tutto")
        assert bad.status_code == 400
        assert bad.get_json()["error"]["code"] == "invalid_collapse"
        export = client.get("/api/export?format=jsonl&collapse=copies").get_data(as_text=True)
        assert len(export.splitlines()) == 5
        spec = client.get("/api/openapi.json").get_json()
        assert "/api/story/{story_id}" in spec["paths"]
        assert "collapse" in spec["components"]["parameters"]
        page = client.get("/articolo/" + COPY[0]).get_data(as_text=True)
        assert "La stessa notizia" in page and COPY[1] in page and "copia" in page
        results = client.get("/?q=").get_data(as_text=True)
        assert "altra versione" in results and "articolo sullo stesso fatto" in results
        import feedparser

        for collapse in ("story", "none"):
            feed = feedparser.parse(client.get(f"/feed.atom?collapse={collapse}").data)
            newest = client.get(f"/api/search?sort=date&page_size=20&collapse={collapse}")
            assert [e.link.rsplit("/", 1)[1] for e in feed.entries] == [
                h["id"] for h in newest.get_json()["hits"]]
            assert len(feed.entries) == {"story": 4, "none": 6}[collapse]
    finally:
        app.extensions["cerca"].close()


def test_a_snapshot_carries_its_generations_stories(stories_index_dir, tmp_path):
    from search import restore_snapshot, take_snapshot, verify_snapshot

    snap = take_snapshot(stories_index_dir, tmp_path / "snap")
    expected = read_stories(stories_index_dir, snap.generation)
    assert read_stories(snap.path, snap.generation) == expected
    verify_snapshot(snap.path)
    target = tmp_path / "restored"
    restore_snapshot(snap.path, target)
    index = open_index(target)
    try:
        assert read_stories(target, index.generation) == expected
        assert search(index, SearchRequest(collapse="story")).results == 4
    finally:
        index.close()


def test_cli_follows_collapse(stories_index_dir):
    from click.testing import CliRunner

    from cerca.cli import cli

    runner = CliRunner()
    for collapse, results in (("story", 4), ("copies", 5), ("none", 6)):
        out = runner.invoke(cli, ["search", "", "--index", str(stories_index_dir), "--collapse",
                                  collapse, "--json"], catch_exceptions=False)
        data = json.loads(out.output)
        assert (data["total"], data["results"], data["collapse"]) == (6, results, collapse)
    text = runner.invoke(cli, ["search", "", "--index", str(stories_index_dir)]).output
    assert "6 risultati, 4 notizie" in text and "1 altra versione" in text
    bad = runner.invoke(cli, ["search", "", "--index", str(stories_index_dir), "--collapse", "x"])
    assert bad.exit_code == 1 and "collapse" in bad.output


def test_an_incremental_run_finds_the_stories_of_a_full_build_and_forgets_the_deleted(tmp_path):
    """Articles brought in two runs, then one removed: each run compares
    only its new articles with the stored ones, and the stories are those
    a single run over the same articles finds."""
    folder = _copy_folder(tmp_path)
    records = _records(folder)
    later = [r for r in records if r["id"] in (COPY[1], SAME_EVENT[1])]
    _write(folder, [r for r in records if r not in later])
    path = tmp_path / "ix"
    index_paths(path, [folder], entities=False)
    assert read_stories(path, open_index(path).generation) == {}
    (folder / "later.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in later), encoding="utf-8")
    index_paths(path, [folder], entities=False)
    whole = tmp_path / "whole"
    index_paths(whole, [STORIES], entities=False)
    assert read_stories(path, open_index(path).generation) == read_stories(
        whole, open_index(whole).generation)
    kept = next(r for r in later if r["id"] == COPY[1])  # the same-event article leaves
    (folder / "later.jsonl").write_text(json.dumps(kept, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    index_paths(path, [folder], entities=False)
    left = read_stories(path, open_index(path).generation)
    assert [sorted(m for m, _ in members) for members in left.values()] == [sorted(COPY)]


def test_an_archive_of_another_version_is_replaced_and_filled_again_from_the_index(tmp_path):
    """stories.sqlite is a cache: one left by an older Cerca (other tables,
    another version) is deleted, and the stories come back from the index."""
    path = tmp_path / "ix"
    index_paths(path, [STORIES], entities=False)
    generation = open_index(path).generation
    built = read_stories(path, generation)
    (path / CACHE).unlink()
    with closing(sqlite3.connect(path / CACHE)) as old, old:
        old.execute("CREATE TABLE features_v5 (hash TEXT PRIMARY KEY, shingles BLOB)")
        old.execute("PRAGMA user_version = 5")
    story_file(path, generation).unlink()
    index_paths(path, [STORIES], entities=False)
    assert read_stories(path, open_index(path).generation) == built != {}
    with closing(sqlite3.connect(path / CACHE)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == VERSION
        tables = {n for (n,) in db.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
    assert "features_v5" not in tables and "articles" in tables


def test_the_written_out_bands_are_those_datasketch_chooses():
    from datasketch import MinHashLSH

    from search.stories.archive import BANDS, CANDIDATE_LSH, ROWS
    from search.stories.features import NUM_PERM

    lsh = MinHashLSH(threshold=CANDIDATE_LSH, num_perm=NUM_PERM)
    assert (BANDS, ROWS) == (list(lsh.hashranges), lsh.r)
