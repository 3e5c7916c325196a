"""Hostile content through the real app: article URLs that are not
http(s), spreadsheet formulas in the CSV export, a forged Host header."""

from __future__ import annotations

import csv
import io
import re

import feedparser
import pytest

from search import create_index
from search.indexing.fields import content_hash, document
from search.models import Article
from tests.conftest import make_index
from tests.test_links import HOSTILE
from webapp import create_app
from webapp.api import csv_cell


def _old_index(folder, urls):
    """An index whose stored urls were never checked, as an older Cerca wrote
    them: the pages must not trust what an index holds."""
    index = create_index(folder / "ix")
    writer = index.ix.writer()
    for i, url in enumerate(urls):
        article = Article(id=f"a{i}", title=f"Seduta {i}", url=url, source="Comune",
                          text=f"Il consiglio comunale si riunisce, seduta numero {i}.")
        writer.add_document(**document(article, content_hash(article)))
    writer.commit()
    return create_app({"TESTING": True, "INDEX_DIR": str(folder / "ix")}).test_client()


def _link_targets(html: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]*)"', html)


def test_stored_hostile_urls_never_become_links(tmp_path):
    client = _old_index(tmp_path, HOSTILE + ["https://www.comune.it/seduta"])
    pages = [client.get(f"/articolo/a{i}").get_data(as_text=True) for i in range(len(HOSTILE))]
    pages.append(client.get("/?q=consiglio&page_size=50").get_data(as_text=True))
    pages.append(client.get("/embed?q=consiglio").get_data(as_text=True))
    for html in pages:
        for href in _link_targets(html):
            scheme = re.sub(r"[\x00-\x20]", "", href.split(":", 1)[0]).lower() \
                if ":" in href else ""
            assert scheme in ("", "http", "https"), href
        assert "script:" not in html.lower().replace("\t", "") and "data:text" not in html
    good = client.get(f"/articolo/a{len(HOSTILE)}").get_data(as_text=True)
    assert 'href="https://www.comune.it/seduta"' in good
    results = client.get("/?q=consiglio&page_size=50").get_data(as_text=True)
    assert results.count('href="https://www.comune.it/seduta"') == 1


def test_an_index_built_from_hostile_files_links_nothing_but_http(tmp_path):
    make_index(tmp_path, [{"id": f"a{i}", "url": url, "title": f"Seduta {i}",
                           "text": f"Il consiglio comunale, seduta numero {i}."}
                          for i, url in enumerate(HOSTILE)])
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "ix")}).test_client()
    for i in range(len(HOSTILE)):
        response = client.get(f"/articolo/a{i}")
        assert response.status_code == 200
        assert "fonte originale" not in response.get_data(as_text=True)
        assert client.get(f"/api/articles/a{i}").json["url"] == ""


FORMULAS = ["=HYPERLINK(\"https://male.example\",\"clic\")", "=cmd|' /C calc'!A0",
            "+1+2", "-2+3", "@SUM(A1:A2)"]


@pytest.mark.parametrize("cell", [*FORMULAS, "\t=1", "\r=1"])
def test_a_formula_cell_gets_a_quote(cell):
    assert csv_cell(cell) == "'" + cell
    assert csv_cell([cell, "Mario Rossi"]) == f"'{cell}; Mario Rossi"


@pytest.mark.parametrize("value", ["Mario Rossi", "2025-09-14", 1.5, -2.0, "", None])
def test_other_cells_are_unchanged(value):
    assert csv_cell(value) == value


def test_csv_export_neutralises_formulas(tmp_path):
    make_index(tmp_path, [{"id": f"f{i}", "title": formula, "source": formula,
                           "persons": [formula], "text": f"Il mercato del pesce, numero {i}."}
                          for i, formula in enumerate(FORMULAS)])
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "ix")}).test_client()
    # utf-8-sig: the CSV starts with a BOM, for spreadsheets.
    data = client.get("/api/export?q=mercato&format=csv").get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data, newline="")))
    assert len(rows) == len(FORMULAS)
    by_id = {row["id"]: row for row in rows}
    for i in range(len(FORMULAS)):
        row = by_id[f"f{i}"]
        for field in ("title", "source", "persons"):
            assert row[field].startswith("'"), (field, row[field])
    # The quote is all that changes: the text is still there to read.
    assert by_id["f0"]["title"] == "'" + FORMULAS[0]
    # JSON Lines is data for programs, not a spreadsheet: left as it is.
    jsonl = client.get("/api/export?q=mercato&format=jsonl").get_data(as_text=True)
    assert '"=cmd|\' /C calc\'!A0"' in jsonl


def test_csv_export_leaves_ordinary_cells_alone(client):
    data = client.get("/api/export?q=missili&format=csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(data)))
    assert rows and not any(v.startswith("'") for row in rows for v in row.values())


HOSTILE_HOST = {"Host": "male.example"}


def test_feed_and_embed_ignore_a_forged_host_when_base_url_is_set(index_dir):
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir),
                         "BASE_URL": "https://cerca.giornale.it"}).test_client()
    feed = client.get("/feed.atom?q=missili", headers=HOSTILE_HOST)
    assert feed.status_code == 200
    text = feed.get_data(as_text=True)
    assert "male.example" not in text
    parsed = feedparser.parse(feed.data)
    assert parsed.feed.id.startswith("https://cerca.giornale.it/?")
    assert parsed.entries and all(e.link.startswith("https://cerca.giornale.it/articolo/")
                                  for e in parsed.entries)
    self_link = next(link.href for link in parsed.feed.links if link.rel == "self")
    assert self_link == "https://cerca.giornale.it/feed.atom?q=missili"
    embed = client.get("/embed?q=missili", headers=HOSTILE_HOST).get_data(as_text=True)
    assert "male.example" not in embed
    assert 'href="https://cerca.giornale.it/articolo/' in embed


def test_without_base_url_or_trusted_hosts_links_are_relative(client):
    for host in ("male.example", "cerca.locale"):
        response = client.get("/feed.atom?q=missili", headers={"Host": host})
        feed = feedparser.parse(response.data)
        assert host not in response.get_data(as_text=True)
        assert feed.entries and all(e.link.startswith("/articolo/") for e in feed.entries)
        assert feed.feed.id.startswith("tag:cerca,") and all(
            e.id.startswith("tag:cerca,2025:/articolo/") for e in feed.entries)
        embed = client.get("/embed?q=missili", headers={"Host": host}).get_data(as_text=True)
        assert host not in embed and 'href="/articolo/' in embed


def test_a_trusted_host_gets_absolute_links_and_a_forged_one_a_400(index_dir):
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir),
                         "TRUSTED_HOSTS": "cerca.locale, www.cerca.locale"}).test_client()
    feed = feedparser.parse(client.get("/feed.atom?q=missili",
                                       headers={"Host": "cerca.locale"}).data)
    assert feed.entries[0].link.startswith("http://cerca.locale/articolo/")
    for path in ("/feed.atom?q=missili", "/embed?q=missili", "/?q=missili", "/api/search?q=a"):
        response = client.get(path, headers=HOSTILE_HOST)
        assert response.status_code == 400, path
        assert "male.example" not in response.get_data(as_text=True)
        said = response.json["error"]["message"] if response.is_json else response.text
        assert "non riconosciuto" in said


@pytest.mark.parametrize("base", ["javascript:alert(1)", "cerca.giornale.it", "ftp://x.it"])
def test_an_invalid_base_url_stops_the_app_with_a_message(index_dir, base):
    with pytest.raises(ValueError, match="CERCA_BASE_URL non valido"):
        create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "BASE_URL": base})


def test_base_url_comes_from_the_environment(index_dir, monkeypatch):
    monkeypatch.setenv("CERCA_BASE_URL", "https://cerca.giornale.it")
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})
    assert app.config["BASE_URL"] == "https://cerca.giornale.it"
