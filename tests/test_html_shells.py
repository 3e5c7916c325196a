"""Saved pages and a web archive through the shells: `cerca index` and
`cerca search` end to end, and the pages' links to the original."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from cerca.cli import cli
from tests.conftest import make_index
from tests.test_html import PAGES, write_warc


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    """Saved pages, a WARC, files of other formats and a hidden folder; indexed."""
    root = tmp_path_factory.mktemp("crawl")
    source = root / "pagine"
    shutil.copytree(PAGES, source)
    write_warc(source / "crawl.warc.gz")
    (source / "rassegna.pdf").write_bytes(b"%PDF-1.4")
    (source / ".git").mkdir()
    (source / ".git" / "HEAD").write_text("ref: refs/heads/main")
    result = invoke("index", source, "--index", root / "ix")
    assert result.exit_code == 0, result.output
    return source, root / "ix", result.output


def search(index_dir, query):
    # Every article, ungrouped: the same page saved and archived is one story.
    result = invoke("search", query, "--index", index_dir, "--json", "--collapse", "none")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_index_summary_reports_every_file(crawl):
    source, _, output = crawl
    assert "aggiunti: 5" in output and "saltati: 1" in output
    assert f"saltato {source / 'cronaca-indice.html'}: nessun testo di articolo" in output
    assert "formato non supportato (ignorati): 1 .pdf, 1 .py" in output
    assert output.count(".git") == 1
    assert "file e cartelle nascosti (ignorati): 1 (.git)" in output
    assert f"ignorati in {source / 'crawl.warc.gz'}: " in output
    assert "revisite (pagine già archiviate) (1)" in output


def test_search_finds_article_words_with_titles_and_dates(crawl):
    _, index_dir, _ = crawl
    hits = {h["id"]: h for h in search(index_dir, "viadotto")["hits"]}
    assert set(hits) == {
        "viadotto", "crawl/www.corrieredelnord.example/cronaca/2024/03/12/viadotto?ref=home"}
    assert {h["title"] for h in hits.values()} == {"Viadotto sull'Adige riaperto dopo tre anni"}
    assert {h["date"] for h in hits.values()} == {"2024-03-12"}
    assert hits["viadotto"]["source"] == "Corriere del Nord"
    mercato = {h["id"]: h["date"] for h in search(index_dir, "mercato ittico")["hits"]}
    assert mercato == {"mercato-latin1": "2023-11-05",
                       "crawl/www.gazzettalagunare.example/economia/mercato-pesce": "2023-11-07"}
    assert search(index_dir, "vaporetto")["hits"][0]["title"] == \
        "Il biglietto del vaporetto sale a 9,50 €"


@pytest.mark.parametrize("word", ["oroscopo", "calciomercato", "cookie", "complimenti",
                                  "riservati", "div"])
def test_search_does_not_find_furniture_or_markup(crawl, word):
    _, index_dir, _ = crawl
    assert search(index_dir, word)["total"] == 0


def test_index_json_lists_what_was_left_out(crawl, tmp_path):
    source, _, _ = crawl
    result = invoke("index", source, "--index", tmp_path / "ix", "--json", "--no-entities")
    report = json.loads(result.stdout)
    left_out = {(i["path"].removeprefix(str(source) + "/"), i["reason"]): i["count"]
                for i in report["ignored"]}
    assert left_out[("rassegna.pdf", "formato non supportato")] == 1
    assert left_out[(".git", "nascosto")] == 1
    assert left_out[("crawl.warc.gz", "risposte non HTML")] == 1


def test_a_folder_with_nothing_readable_does_not_say_up_to_date(tmp_path):
    source = tmp_path / "pagine"
    source.mkdir()
    shutil.copy(PAGES / "cronaca-indice.html", source)
    (source / "foto.jpg").write_bytes(b"\xff\xd8")
    output = invoke("index", source, "--index", tmp_path / "ix", "--no-entities").output
    assert "Nessuna modifica" not in output and "già aggiornato" not in output
    assert "Nessun articolo indicizzato" in output
    assert "formato non supportato (ignorati): 1 .jpg" in output
    (source / "cronaca-indice.html").unlink()
    output = invoke("index", source, "--index", tmp_path / "ix", "--no-entities").output
    assert "nessun file da leggere" in output


def test_pages_link_the_title_to_the_original(crawl):
    from webapp import create_app

    _, index_dir, _ = crawl
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    page = client.get("/articolo/viadotto").get_data(as_text=True)
    original = "https://www.corrieredelnord.example/cronaca/2024/03/12/viadotto"
    assert f'<h1><a href="{original}" rel="noopener noreferrer nofollow">Viadotto' in page
    results = client.get("/?q=viadotto&collapse=none").get_data(as_text=True)
    assert f'href="{original}"' in results and ">Corriere del Nord</a>" in results
    # A web archive's article: its id holds the URL's query, and its page opens.
    archived = client.get("/articolo/crawl/www.corrieredelnord.example/cronaca/2024/03/12/"
                          "viadotto%3Fref=home").get_data(as_text=True)
    assert f'<h1><a href="{original}?ref=home"' in archived


def test_only_http_urls_become_links(tmp_path):
    from webapp import create_app

    index = make_index(tmp_path, [
        {"id": "x", "title": "Porto di Genova", "text": "Il porto di Genova cresce.",
         "url": "javascript:alert(1)", "source": "Il Secolo"}])
    client = create_app({"TESTING": True, "INDEX_DIR": str(index.path)}).test_client()
    for page in (client.get("/articolo/x"), client.get("/?q=porto")):
        text = page.get_data(as_text=True)
        assert "javascript:" not in text and "Porto di Genova" in text
    assert "Il Secolo" in client.get("/?q=porto").get_data(as_text=True)
