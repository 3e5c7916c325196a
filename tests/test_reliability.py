"""Round two of "lose nothing, never stall", on real servers: an empty
index, deeply nested queries, odd article ids, a forged Host header and
long pasted quotes, each through every shell."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from cerca.cli import cli
from search import SearchRequest, create_index, export_hits, facet_values, open_index, search
from search.query import nesting
from tests.conftest import ROOT, SEEDS, _serve, make_index

# The eight search endpoints, the page twice (full and htmx fragment).
ENDPOINTS = [
    ("/?q=", {}), ("/?q=", {"HX-Request": "true"}), ("/embed?q=", {}), ("/api/search?q=", {}),
    ("/feed.atom?q=", {}), ("/api/export?format=csv&q=", {}), ("/api/export?q=", {}),
    ("/facette/person?q=", {}), ("/api/facets/person?q=", {}),
]


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                    timeout=60) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def cerca_search(*args: str):
    return CliRunner().invoke(cli, ["search", *args], catch_exceptions=False)


# -- the empty index ---------------------------------------------------------

@pytest.fixture(scope="module")
def empty_index(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("empty") / "ix"
    create_index(path)  # then served: no article was ever added
    return path


@pytest.fixture(scope="module")
def empty_server(empty_index):
    yield from _serve(empty_index)


@pytest.mark.parametrize("q", ["sindaco", "", '"consiglio comunale"', "sind*", "sindaco~1"])
def test_an_empty_index_answers_zero_results_everywhere(empty_server, empty_index, q):
    for path, headers in ENDPOINTS:
        status, body = get(empty_server + path + quote(q), headers)
        assert status == 200, (path, body[:300])
        if path.startswith("/api/search"):
            assert json.loads(body)["total"] == 0 and json.loads(body)["hits"] == []
        elif path.startswith("/api/facets"):
            assert json.loads(body)["values"] == []
        elif path.startswith("/api/export"):
            lines = body.strip().splitlines()  # CSV: its header only; JSON Lines: nothing
            assert len(lines) <= 1 and (not lines or lines[0].lstrip("\ufeff").startswith("id,"))
        elif path.startswith("/feed"):
            assert "<entry>" not in body and "<feed" in body
        elif not path.startswith("/facette"):
            assert "Nessun risultato" in body
    result = cerca_search(q, "--index", str(empty_index))
    assert result.exit_code == 0 and result.stdout.startswith("0 risultati")
    as_json = cerca_search(q, "--index", str(empty_index), "--json")
    assert json.loads(as_json.stdout)["total"] == 0
    index = open_index(empty_index)
    assert search(index, SearchRequest(q=q)).total == 0
    assert search(index, SearchRequest(q=q, sort="date")).total == 0
    assert list(export_hits(index, SearchRequest(q=q))) == []
    assert facet_values(index, SearchRequest(q=q), "person") == []
    index.close()


# -- deep nesting --------------------------------------------------------------

@pytest.fixture(scope="module")
def server(index_dir):
    yield from _serve(index_dir)


NESTED = ["(" * 490 + "missili" + ")" * 490,  # 1 KB: once a RecursionError
          "(" * 499 + "missili",  # never closed
          "-(" * 300 + "missili",
          "NOT NOT missili"]  # once an IndexError in Whoosh's parser


@pytest.mark.parametrize("q", NESTED)
def test_a_deeply_nested_query_is_searched_as_its_words(server, index_dir, q):
    plain = search(open_index(index_dir), SearchRequest(q="missili"))
    assert plain.total > 0
    for path, headers in ENDPOINTS:
        status, body = get(server + path + quote(q), headers)
        assert status == 200, (path, body[:300])
        assert "Traceback" not in body
        if path.startswith("/api/search"):
            result = json.loads(body)
            assert result["total"] == plain.total
            if "(" in q:
                assert nesting.NOTICE in result["notices"]
        elif path.startswith(("/?", "/embed")) and "(" in q:
            assert "parentesi una dentro l" in body  # the notice, HTML-escaped
    api = search(open_index(index_dir), SearchRequest(q=q))
    assert api.total == plain.total
    shell = cerca_search("--index", str(index_dir), "--", q)
    assert shell.exit_code == 0 and shell.stdout.startswith(f"{plain.total} risultat")
    if "(" in q:
        assert f"Avviso: {nesting.NOTICE}" in shell.stdout


def test_nesting_counts_parentheses_outside_quotes_only():
    assert nesting.depth("(a (b) (c (d)))") == 3
    assert nesting.depth('"((((((" a') == 0
    assert not nesting.too_deep("(" * nesting.MAX_DEPTH + "a")
    assert nesting.too_deep("(" * (nesting.MAX_DEPTH + 1) + "a")


# -- article ids -----------------------------------------------------------------

ODD_IDS = ["//doppia", "/sola", "a//b", "a/../b", "..", ".", "../su", "a/./b", "50%",
           "50%25", "con spazi", "fine/", "a?b#c", "è/ü", "%2e%2e", "x&y=1"]


@pytest.fixture(scope="module")
def odd_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("odd")
    make_index(folder, [{"id": i, "title": f"Seduta {n}", "text": (
        f"Il consiglio comunale di Modena si riunisce per la seduta numero {n} sul bilancio.")}
        for n, i in enumerate(ODD_IDS)])
    yield from _serve(folder / "ix")


def test_every_article_page_opens_whatever_its_id(odd_server):
    status, page = get(odd_server + "/?q=consiglio&page_size=50")
    links = [href.replace("&amp;", "&") for href in re.findall(r'<h2><a href="([^"]*)"', page)]
    assert len(links) == len(ODD_IDS)
    for link in links:
        # No segment a client would merge or resolve: "//", "/./", "/../".
        path = link.split("?", 1)[0]
        assert "//" not in path and not re.search(r"/\.\.?(/|$)", path), link
        status, article = get(odd_server + link)
        assert status == 200, link
        title = re.search(r"<h1[^>]*>(.*?)</h1>", article, re.S).group(1).strip()
        n = int(title.split()[-1])
        assert json.loads(get(odd_server + "/api/articles/" + quote(ODD_IDS[n], safe=""))[1])[
            "title"] == title
    # Typed as it is: the rule never merges the slashes (once a 308 elsewhere).
    assert get(odd_server + "/articolo///doppia")[0] == 200
    assert json.loads(get(odd_server + "/api/articles///doppia")[1])["id"] == "//doppia"


# -- the Host header -----------------------------------------------------------

def test_a_forged_host_never_reaches_the_feed_or_the_embed_page(server):
    forged = {"Host": "male.example"}
    status, feed = get(server + "/feed.atom?q=missili", forged)
    assert status == 200 and "<entry>" in feed
    assert "male.example" not in feed and 'href="/articolo/' in feed
    status, embed = get(server + "/embed?q=missili", forged)
    assert status == 200 and "male.example" not in embed and 'href="/articolo/' in embed


# -- long quotes -----------------------------------------------------------------

QUOTE_WORDS = 150


@pytest.fixture(scope="module")
def quotes_index(tmp_path_factory) -> tuple[Path, list[tuple[str, str]]]:
    """300 articles of the seeds' sentences in different orders, and eight
    150-word quotes, each from one of them."""
    import random

    sentences = [s for f in sorted(SEEDS.glob("*.txt"))
                 for s in re.split(r"(?<=[.!?])\s+", f.read_text("utf-8")) if len(s) > 30]
    rng = random.Random(20)
    records = [{"id": f"q{i:03d}", "title": f"Articolo {i}",
                "text": " ".join(rng.sample(sentences, 30))} for i in range(300)]
    folder = tmp_path_factory.mktemp("quotes")
    make_index(folder, records)
    quotes = []
    for record in records:
        words = record["text"].split()
        # The first 150 words that fit the 1000 characters a query may have.
        windows = ('"' + " ".join(words[i:i + QUOTE_WORDS]) + '"'
                   for i in range(len(words) - QUOTE_WORDS))
        fitting = next((w for w in windows if len(w) <= 1000), None)
        if fitting and len(quotes) < 8:
            quotes.append((record["id"], fitting))
    assert len(quotes) == 8
    return folder / "ix", quotes


def test_eight_long_quotes_at_once_through_gunicorn(quotes_index, tmp_path):
    index_dir, quotes = quotes_index
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    log = (tmp_path / "gunicorn.log").open("w+b")
    proc = subprocess.Popen(
        [gunicorn, "-c", "python:webapp.gunicorn_conf", "-b", f"127.0.0.1:{port}",
         "--no-control-socket", "webapp:create_app()"], cwd=ROOT, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "CERCA_INDEX_DIR": str(index_dir)})
    try:
        _wait_healthy(base)
        for _ in range(4):  # each worker reads the index's columns once, first
            get(base + "/api/search?q=consiglio")
        answers: dict[str, tuple[int, str, float]] = {}
        start = threading.Barrier(len(quotes))

        def ask(article_id: str, q: str) -> None:
            start.wait()
            began = time.perf_counter()
            status, body = get(f"{base}/api/search?q={quote(q)}")
            answers[article_id] = (status, body, time.perf_counter() - began)

        threads = [threading.Thread(target=ask, args=pair) for pair in quotes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    for article_id, (status, body, seconds) in answers.items():
        # 200, not query_too_costly: each was answered within the budget.
        assert status == 200, (article_id, seconds, body[:300])
        result = json.loads(body)
        assert result["hits"][0]["id"] == article_id, (article_id, result["total"])
    print("eight long quotes at once, seconds:",
          sorted(round(s, 3) for _, _, s in answers.values()))


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(base: str) -> None:
    for _ in range(300):
        try:
            if get(base + "/api/health")[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start")
