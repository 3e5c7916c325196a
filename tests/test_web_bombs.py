"""Hostile web inputs through a real ``cerca index`` process, each indexed or
reported with its reason, within time and memory, the controls kept.

At the smallest size that proves each bound (bench/web_bombs.py runs
them at full size): the page past the streaming threshold, a damaged
archive, a page nested 100,000 deep, a PNG named .html, billion laughs, a
javascript: canonical, 200 pages in one archive, a 2 MB JSONL line."""

from __future__ import annotations

import json
import sys

import pytest

from search import open_index
from search.ingest.large_html import LARGE_PAGE_CHARS
from tests import hostile_web as h

CERCA = [sys.executable, "-c", "from cerca.cli import main; main()"]
MB = 1_048_576
PAGES = 200


def index(folder, index_dir):
    return h.run_measured([*CERCA, "index", str(folder), "--index", str(index_dir),
                           "--no-entities", "--jobs", "1", "--json"])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The controls alone (the baseline), then every case beside them."""
    work = tmp_path_factory.mktemp("bombs")
    controls, cases = work / "controls", work / "cases"
    for folder in (controls, cases):
        folder.mkdir()
        h.write_controls(folder)
    large = LARGE_PAGE_CHARS + MB // 4
    h.paragraphs_page(cases / "paragrafi.html", large)
    h.cut_warc(cases / "troncato.warc.gz")
    h.overlong_warc(cases / "lungo.warc", 50 * MB)
    h.deep_page(cases / "profonda.html", 100_000)
    h.jsonl_line(cases / "riga.jsonl", 2 * MB)
    h.png_as_html(cases / "immagine.html")
    h.billion_laughs(cases / "risate.html")
    h.javascript_canonical(cases / "canonico.html")
    h.many_pages_warc(cases / "duecento.warc.gz", PAGES)
    return index(controls, work / "ix0"), index(cases, work / "ix"), work / "ix", large


def test_each_hostile_input_is_indexed_or_reported_with_its_reason(runs):
    _, (code, out, err, seconds, _), index_dir, _ = runs
    assert code == 0, err
    assert "Traceback" not in out + err
    report = json.loads(out)
    reasons = {s["path"].split("/")[-1].split(" ")[0]: s["reason"] for s in report["skipped"]}
    assert "letti 2 record" in reasons["troncato.warc.gz"] and "danneggiato" in reasons[
        "troncato.warc.gz"]
    assert "dichiara" in reasons["lungo.warc"] and "letti 2 record" in reasons["lungo.warc"]
    assert "troppo in profondità" in reasons["profonda.html"]
    assert "immagine.html" in reasons  # not a page: said so, not indexed
    index = open_index(index_dir)
    with index.ix.searcher() as searcher:
        stored = {f["id"]: f for f in searcher.all_stored_fields()}
    index.close()
    ids = set(stored)
    controls = {f"controllo-{i}" for i in range(3)} | {"controllo"}
    assert controls <= ids  # nothing lost beside them
    assert {"paragrafi", "riga-enorme", "canonico"} <= ids
    assert sum(i.startswith("duecento/") for i in ids) == PAGES
    assert sum(i.startswith(("troncato", "lungo/")) for i in ids) == 4  # read before the damage
    assert not stored["canonico"].get("url")  # a javascript: canonical is no link
    # Billion laughs: its entities never expanded, whether or not it reads as an article.
    assert "risate.html" in reasons or "lollol" not in stored["risate"].get("body", "")
    assert seconds < 120


def test_a_run_stays_within_ten_times_its_largest_page(runs):
    (_, _, _, _, base), (_, _, _, _, peak), _, large = runs
    # The largest page read is the streamed one: the rest are a few KB.
    assert peak <= base + 10 * large, (base / MB, peak / MB)
