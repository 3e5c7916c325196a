"""Incremental indexing on a real index on disk."""

from __future__ import annotations

import pytest
from whoosh.index import LockError

from search import (
    IndexBusy,
    IndexMissing,
    create_index,
    index_paths,
    open_index,
    update_index,
)
from search.models import SearchRequest
from search.query.pipeline import search


def ids(index):
    return {h.id for h in search(index, SearchRequest(page_size=100)).hits}


def test_incremental_runs(tmp_path, articles_copy):
    index = create_index(tmp_path / "ix")
    first = update_index(index, [articles_copy], entities=False)
    assert (first.added, first.updated, first.unchanged, first.removed) == (11, 0, 0, 0)

    second = update_index(index, [articles_copy], entities=False)
    assert not second.changed and second.unchanged == 11
    generation = index.generation
    assert open_index(tmp_path / "ix").generation == generation  # nothing was committed

    milano = articles_copy / "milano-design.md"
    milano.write_text(milano.read_text("utf-8").replace("migliaia", "decine di migliaia"), "utf-8")
    (articles_copy / "cronaca" / "mercato.txt").unlink()
    third = update_index(index, [articles_copy], entities=False)
    assert (third.added, third.updated, third.unchanged, third.removed) == (0, 1, 9, 1)
    assert "cronaca/mercato" not in ids(index)
    assert search(index, SearchRequest(q="decine")).total == 1

    rebuilt = index_paths(tmp_path / "ix", [articles_copy], entities=False, rebuild=True)
    assert (rebuilt.added, rebuilt.updated, rebuilt.removed, rebuilt.documents) == (0, 10, 0, 10)
    assert open_index(tmp_path / "ix").generation > generation


def test_unreadable_file_keeps_its_indexed_article(tmp_path, articles_copy):
    index = create_index(tmp_path / "ix")
    update_index(index, [articles_copy], entities=False)
    (articles_copy / "milano-design.md").write_bytes(b"")
    report = update_index(index, [articles_copy], entities=False)
    assert report.removed == 0
    assert [s.reason for s in report.skipped] == ["file vuoto"]
    assert "milano-design" in ids(index)


def test_other_roots_are_left_alone(tmp_path, articles_copy):
    index = create_index(tmp_path / "ix")
    update_index(index, [articles_copy / "cronaca"], entities=False)
    update_index(index, [articles_copy / "esteri.jsonl"], entities=False)
    assert {"alluvione", "mercato", "esteri-001"} <= ids(index)


def test_duplicate_ids_are_skipped(tmp_path):
    (tmp_path / "a.jsonl").write_text(
        '{"id": "x", "text": "Primo."}\n{"id": "x", "text": "Secondo."}\n', encoding="utf-8"
    )
    report = update_index(create_index(tmp_path / "ix"), [tmp_path / "a.jsonl"], entities=False)
    assert report.added == 1
    assert "duplicato" in report.skipped[0].reason


def test_a_second_indexer_gets_a_clear_message(tmp_path, articles_copy):
    index = create_index(tmp_path / "ix")
    holder = index.ix.writer()
    try:
        with pytest.raises(IndexBusy, match="già in uso"):
            update_index(index, [articles_copy], entities=False)
    finally:
        holder.cancel()


def test_a_failed_run_releases_the_lock(tmp_path, articles_copy):
    index = create_index(tmp_path / "ix")

    class Exploding:
        """An entity step that fails mid-run."""

        version = "boom"
        chunk = 4

        def observe(self, articles):
            raise RuntimeError("boom")

        def name(self, articles):
            raise AssertionError("never reached")

    with pytest.raises(RuntimeError):
        update_index(index, [articles_copy], enrich=Exploding())
    try:
        index.ix.writer().cancel()
    except LockError:  # pragma: no cover - the failure this test guards against
        pytest.fail("the write lock was left held")
    assert update_index(index, [articles_copy], entities=False).added == 11


def test_opening_a_missing_index_explains(tmp_path):
    with pytest.raises(IndexMissing, match="cerca index"):
        open_index(tmp_path / "nothing")


def test_writer_processes_build_the_same_index(tmp_path, articles_copy):
    """--jobs: segments written by two processes hold what one writer writes,
    and a later single-writer run updates them in place."""
    serial = create_index(tmp_path / "serial")
    update_index(serial, [articles_copy], entities=False)
    parallel = create_index(tmp_path / "parallel")
    update_index(parallel, [articles_copy], jobs=2, batch_size=4, entities=False)
    with parallel.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) >= 2
    assert ids(parallel) == ids(serial)
    for q in ("Corea", "missili Pechino", '"Mar del Giappone"', ""):
        found = [h.id for h in search(parallel, SearchRequest(q=q)).hits]
        assert found == [h.id for h in search(serial, SearchRequest(q=q)).hits]
    (articles_copy / "roma-metro.md").unlink()
    report = update_index(parallel, [articles_copy], entities=False)
    assert report.removed == 1 and ids(parallel) == ids(serial) - {"roma-metro"}


def test_cerca_codec_writes_what_whoosh_writes_in_fewer_bytes(tmp_path, articles_copy):
    """The bulk posting writer, the length lists and the pickle protocol
    change speed and size, not content (with Whoosh's inline limit: Whoosh
    cannot inline, see the next test): every term of every field reads back
    the same ids, weights, values and block statistics, the stored fields
    are the same bytes, and the postings take less room."""
    from whoosh.codec.whoosh3 import W3Codec

    from search.codec import CercaCodec

    written, postings = {}, {}
    for name, codec in (("whoosh", W3Codec()), ("cerca", CercaCodec(inlinelimit=1))):
        index = _write_copies(tmp_path / name, articles_copy, codec)
        written[name] = {p.name.split(".", 1)[1]: p.read_bytes()
                         for p in (tmp_path / name).glob("MAIN_*.*")}
        postings[name] = _postings(index, blocks=True)
    assert postings["cerca"] == postings["whoosh"]
    assert max(len(p) for p in postings["cerca"].values()) > 128  # several blocks
    assert written["cerca"].keys() == written["whoosh"].keys()
    same = {k for k in written["cerca"] if k not in ("pst", "trm")}
    assert {k: written["cerca"][k] for k in same} == {k: written["whoosh"][k] for k in same}
    assert len(written["cerca"]["pst"]) < len(written["whoosh"]["pst"])


def test_inlined_postings_read_as_blocks_do(tmp_path, articles_copy):
    """A term found a few times keeps its postings in its term info: every term of
    every field reads back the same ids, weights and values, the index is
    smaller, and searches (phrases included) find the same articles."""
    from search.codec import INLINE_LIMIT, CercaCodec

    assert INLINE_LIMIT > 1
    sizes, postings, found = {}, {}, {}
    for name, codec in (("blocks", CercaCodec(inlinelimit=1)), ("inlined", CercaCodec())):
        index = _write_copies(tmp_path / name, articles_copy, codec, copies=1, first=300)
        sizes[name] = sum(p.stat().st_size for p in (tmp_path / name).glob("MAIN_*.*"))
        postings[name] = _postings(index)
        found[name] = [[h.id for h in search(index, SearchRequest(q=q)).hits] for q in
                       ("Corea", "missili Pechino", '"Mar del Giappone"', "covid-19", "")]
    assert postings["inlined"] == postings["blocks"]
    assert sum(len(p) == 1 for p in postings["blocks"].values()) > 100  # inlined ones
    assert max(len(p) for p in postings["blocks"].values()) > 256  # several blocks
    assert sizes["inlined"] < sizes["blocks"]
    assert found["inlined"] == found["blocks"] and any(found["blocks"])


def _postings(index, blocks: bool = False) -> dict:
    """(field, term) -> its postings as read back: (id, weight, value), and
    with ``blocks`` each posting's block statistics too."""
    with index.searcher() as searcher:
        reader = searcher.reader()
        return {(field, text): [
            (m.id(), m.weight(), m.value()) + ((
                m.block_max_weight(), m.block_min_length(), m.block_max_length())
                if blocks else ())
            for m in _each(reader.postings(field, text))]
            for field, text in reader.all_terms()}


def _write_copies(path, articles, codec, copies: int = 30, first: int = 0,
                  prepare=None, **writer_args):
    """An index of ``copies`` of each article (several blocks per common
    term) and ``first`` more of the first, written in one uncompounded
    segment with ``codec``; ``prepare`` is given the writer first."""
    from search.indexing.fields import document
    from search.ingest.sources import find_files, read_path

    docs = [document(a, "digest") for p in find_files(articles)
            for a in read_path(p, articles) if not hasattr(a, "reason")]
    index = create_index(path)
    writer = index.ix.writer(compound=False, codec=codec, **writer_args)
    if prepare is not None:
        prepare(writer)
    for number, doc in enumerate(docs * copies + docs[:1] * first):
        writer.add_document(**{**doc, "id": f"{doc['id']}-{number}"})
    writer.commit()
    return index


@pytest.mark.parametrize("limitmb", [64, 0.2], ids=["in-memory", "spilled-runs"])
def test_the_term_pool_writes_the_segment_whoosh_pool_writes(tmp_path, articles_copy, limitmb):
    """Filing postings by term changes when they are sorted, not what is
    written: every segment file is the same bytes as with Whoosh's pool,
    whether the postings stay in memory or spill to sorted runs merged at
    commit."""
    from search.codec import CercaCodec
    from search.indexing.pool import TermPool, use_term_pool

    runs = []

    def count_runs(writer):
        save = writer.pool.save
        writer.pool.save = lambda: (save(), runs.append(len(writer.pool.runs)))

    written = {}
    for name, pool in (("whoosh", None), ("terms", use_term_pool)):
        def prepare(writer, pool=pool):
            if pool is not None:
                pool(writer)
                assert isinstance(writer.pool, TermPool)
                count_runs(writer)
        _write_copies(tmp_path / name, articles_copy, CercaCodec(), prepare=prepare,
                      limitmb=limitmb)
        written[name] = {p.name.split(".", 1)[1]: p.read_bytes()
                         for p in (tmp_path / name).glob("MAIN_*.*")}
    assert written["terms"].keys() == written["whoosh"].keys()
    assert written["terms"] == written["whoosh"]
    assert (max(runs, default=0) > 2) == (limitmb < 1)


def _each(matcher):
    while matcher.is_active():
        yield matcher
        matcher.next()


def test_an_index_written_before_the_layout_move_still_opens(tmp_path):
    """Whoosh pickles the schema's classes by import path: analysis, schema
    and codec must stay where an existing index expects them."""
    import shutil
    from pathlib import Path

    old = tmp_path / "old"
    shutil.copytree(Path(__file__).parent / "data" / "index_before_layout", old)
    index = open_index(old)
    assert index.doc_count() == 5
    result = search(index, SearchRequest(q="missili"))
    assert result.total >= 1 and "<mark>" in result.hits[0].snippet


def test_a_new_analysis_version_re_indexes_every_article(tmp_path, articles_copy, monkeypatch):
    """Changing what is indexed for a text must reach existing indexes."""
    from search.indexing import fields as index_module

    index = create_index(tmp_path / "ix")
    first = update_index(index, [articles_copy], entities=False)
    monkeypatch.setattr(index_module, "ANALYSIS_VERSION", "test")
    again = update_index(index, [articles_copy], entities=False)
    assert again.updated == first.added > 0 and again.unchanged == 0
