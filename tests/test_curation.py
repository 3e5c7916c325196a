"""Curation in the core: edits applied to a real DICE-derived index (a copy
of the session's), bad input refused with nothing changed, undo, the
store surviving a rebuild and a snapshot, parity with the YAML file,
concurrency and indexing runs. No Flask here."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from search import (
    Corrections,
    IndexBusy,
    SearchRequest,
    entities,
    index_paths,
    open_index,
    restore_snapshot,
    take_snapshot,
)
from search.curation import Edit, EditRefused, Store, apply, import_corrections, preview, undo
from search.curation.lock import LOCK
from tests.conftest import DICE

ARTICLES = DICE / "articles.jsonl"


def facets(index) -> dict[str, dict[str, int]]:
    """Every value of every type with its article count."""
    return {t: {v.value: v.count for v in entities(index, t, SearchRequest(page_size=100),
                                                       "", None).values}
            for t in ("person", "place", "org")}


def per_article(index) -> dict[str, tuple]:
    with index.searcher() as searcher:
        return {f["id"]: tuple(tuple(sorted(f.get(k) or [])) for k in ("persons", "places", "orgs"))
                for f in searcher.all_stored_fields()}


@pytest.fixture
def copy(dice_index_dir, tmp_path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(dice_index_dir, target)
    return target


@pytest.fixture
def ix(copy):
    index = open_index(copy)
    yield index
    index.close()


def two_persons(index) -> tuple[tuple[str, int], tuple[str, int]]:
    """The two most frequent persons (the archive's, not a chosen pair)."""
    counts = sorted(facets(index)["person"].items(), key=lambda kv: -kv[1])
    return counts[0], counts[1]


def test_merge_preview_apply_undo(ix):
    before, before_articles = facets(ix), per_article(ix)
    (a, na), (b, nb) = two_persons(ix)
    shown = preview(ix, Edit("merge", a, b))
    assert shown.articles == na and shown.message == f"interessa {na} articoli"
    done = apply(ix, Edit("merge", a, b), "anna")
    assert len(done.articles) == na and done.who == "anna"
    after = facets(ix)
    assert a not in after["person"]
    both = len(set(done.articles) & {i for i, v in per_article(ix).items() if b in v[0]})
    assert after["person"][b] == both >= max(na, nb)
    # The entity's other facets are untouched, and so are other articles.
    assert after["place"] == before["place"] and after["org"] == before["org"]
    untouched = set(before_articles) - set(done.articles)
    assert all(per_article(ix)[i] == before_articles[i] for i in untouched)
    undone = undo(ix, "bruno")
    assert undone.undoes == done.id and undone.who == "bruno"
    assert facets(ix) == before and per_article(ix) == before_articles
    assert [e.id for e in Store(ix.path).edits()] == [1, 2] and Store(ix.path).active() == []


def test_rename_type_suppress(ix):
    (a, na), _ = two_persons(ix)
    apply(ix, Edit("rename", a, "Nome Nuovo Rinominato"), "anna")
    assert facets(ix)["person"]["Nome Nuovo Rinominato"] == na
    apply(ix, Edit("type", "Nome Nuovo Rinominato", "org"), "anna")
    now = facets(ix)
    assert "Nome Nuovo Rinominato" not in now["person"]
    assert now["org"]["Nome Nuovo Rinominato"] == na
    apply(ix, Edit("suppress", "Nome Nuovo Rinominato", field="orgs"), "anna")
    assert all("Nome Nuovo Rinominato" not in v for v in facets(ix).values())
    undo(ix, "anna", 2)  # the move, under the later suppression: still suppressed
    assert all("Nome Nuovo Rinominato" not in v for v in facets(ix).values())
    undo(ix, "anna")  # the suppression: back as a person (the move is undone)
    assert facets(ix)["person"]["Nome Nuovo Rinominato"] == na


def test_split_a_spelling_back_out(ix):
    page = None
    from search import entity
    for name in facets(ix)["person"]:
        page = entity(ix, "person", name, SearchRequest())
        if page is not None and len(page.forms) > 1:
            break
    assert page is not None and len(page.forms) > 1, "no person with two spellings"
    spelling = page.forms[-1]
    done = apply(ix, Edit("split", page.name, "Persona Separata", spelling=spelling.form), "anna")
    assert 0 < len(done.articles) <= page.count
    assert facets(ix)["person"]["Persona Separata"] == len(done.articles)
    undo(ix, "anna")
    assert "Persona Separata" not in facets(ix)["person"]


@pytest.mark.parametrize("edit, message", [
    (Edit("rename", "X", "<script>alert(1)</script>"), "caratteri non ammessi"),
    (Edit("rename", "X", "A" * 500), "troppo lungo"),
    (Edit("type", "X", "animale"), "tipo sconosciuto"),
    (Edit("explode", "X", "Y"), "operazione sconosciuta"),
    (Edit("rename", "X", "  "), "manca il nuovo nome"),
])
def test_bad_input_changes_nothing(ix, edit, message):
    (a, _), _ = two_persons(ix)
    edit.value = a if edit.value == "X" else edit.value
    before = per_article(ix)
    with pytest.raises(EditRefused, match=message):
        apply(ix, edit, "anna")
    assert per_article(ix) == before and Store(ix.path).edits() == []


def test_self_merge_and_cycles_are_refused(ix):
    (a, _), (b, _) = two_persons(ix)
    with pytest.raises(EditRefused, match="a sé stesso"):
        apply(ix, Edit("merge", a, a.upper()), "anna")
    apply(ix, Edit("merge", a, b), "anna")
    with pytest.raises(EditRefused, match="ciclo"):
        apply(ix, Edit("merge", b, a), "anna")
    assert len(Store(ix.path).edits()) == 1


def test_stale_view_is_refused(ix):
    (a, _), (b, _) = two_persons(ix)
    seen = ix.version
    apply(ix, Edit("rename", b, "Qualcun Altro"), "anna")
    with pytest.raises(EditRefused, match="è cambiato"):
        apply(ix, Edit("merge", a, "Qualcun Altro"), "bruno", seen=seen)
    assert len(Store(ix.path).edits()) == 1


def test_two_editors_at_once_lose_nothing(copy):
    """Two threads, each with its own handle on the index (as two server
    workers), edit different values at the same moment."""
    first, second = open_index(copy), open_index(copy)
    names = list(facets(first)["person"])[:2]
    start, errors = threading.Barrier(2), []

    def edit(index, name, new):
        start.wait()
        try:
            apply(index, Edit("rename", name, new), new)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=edit, args=(first, names[0], "Primo Editore")),
               threading.Thread(target=edit, args=(second, names[1], "Secondo Editore"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    now = facets(open_index(copy))["person"]
    assert "Primo Editore" in now and "Secondo Editore" in now
    assert names[0] not in now and names[1] not in now
    assert sorted(e.who for e in Store(copy).edits()) == ["Primo Editore", "Secondo Editore"]
    first.close()
    second.close()


def held(lock: Path) -> bool:
    """Whether a process holds the flock on ``lock`` (read from /proc/locks,
    so that looking never takes the lock from the run)."""
    if not lock.exists():
        return False
    inode = lock.stat().st_ino
    with open("/proc/locks", encoding="ascii") as locks:
        return any(f":{inode} " in line for line in locks)


def test_an_edit_during_an_indexing_run_waits_or_is_refused(copy):
    """A real ``cerca index`` in another process: an edit meanwhile is
    refused when it cannot wait, waits when it can, and is kept either way."""
    (a, _), _ = two_persons(open_index(copy))
    # New articles: the run loads the model and reads them, which takes a while.
    run = subprocess.Popen([str(Path(sys.executable).parent / "cerca"), "index", str(ARTICLES),
                            str(DICE / "sample.jsonl"), "--index", str(copy), "--jobs", "1"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not held(copy / LOCK):  # until the run holds the index
            assert run.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        index = open_index(copy)
        with pytest.raises(IndexBusy, match="non è stata fatta"):
            apply(index, Edit("rename", a, "Durante La Corsa"), "anna", wait=0)
        assert Store(copy).edits() == []
        done = apply(index, Edit("rename", a, "Dopo La Corsa"), "anna", wait=120)
        # It waited for the run: the run's articles were committed before it.
        assert index.doc_count() == sum(
            len(f.read_text("utf-8").splitlines()) for f in (ARTICLES, DICE / "sample.jsonl"))
    finally:
        _, err = run.communicate(timeout=300)
    assert run.returncode == 0, err
    assert facets(index)["person"]["Dopo La Corsa"] == len(done.articles) > 0
    index.close()


def test_rebuild_snapshot_and_restore_keep_the_edits(copy, tmp_path):
    index = open_index(copy)
    (a, _), (b, _) = two_persons(index)
    apply(index, Edit("merge", a, b), "anna")
    edited = facets(index)
    index.close()
    index_paths(copy, [ARTICLES], rebuild=True, jobs=1)  # facets re-derived by the rules
    assert facets(open_index(copy)) == edited
    take_snapshot(copy, tmp_path / "snap")
    replica = tmp_path / "replica"
    restore_snapshot(tmp_path / "snap", replica)
    assert [e.op for e in Store(replica).active()] == ["merge"]
    assert facets(open_index(replica)) == edited


def test_the_store_and_the_yaml_file_give_the_same_index(dice_index_dir, tmp_path):
    """The same corrections, once through ``--corrections`` at indexing time
    and once imported into the store of an index built without them."""
    base = open_index(dice_index_dir)
    values = facets(base)
    base.close()
    persons = sorted(values["person"], key=lambda v: -values["person"][v])
    places = sorted(values["place"], key=lambda v: -values["place"][v])
    fixes = tmp_path / "fixes.yaml"
    fixes.write_text(yaml.safe_dump({
        "rename": {persons[0]: persons[1], persons[2]: "Nome Corretto"},
        "suppress": [places[1]],
        "label": {places[2]: "ORG"},
    }, allow_unicode=True), "utf-8")
    by_file, by_store = tmp_path / "by-file", tmp_path / "by-store"
    shutil.copytree(dice_index_dir, by_file)
    shutil.copytree(dice_index_dir, by_store)
    index_paths(by_file, [ARTICLES], corrections=fixes, jobs=1)
    stored = open_index(by_store)
    import_corrections(stored, Corrections.load(fixes), "anna")
    filed = open_index(by_file)
    assert facets(stored) == facets(filed)
    assert per_article(stored) == per_article(filed)
    assert places[1] not in facets(stored)["place"] and "Nome Corretto" in facets(stored)["person"]
    stored.close()
    filed.close()
