"""Only http(s) article URLs are kept at ingest: the core half of the
hostile-URL defence (the pages' half is in test_hostile.py)."""

from __future__ import annotations

import pytest

from search import open_index, web_url
from search.ingest.sources import read_path
from search.query.articles import get_article
from tests.conftest import make_index

HOSTILE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "  javascript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "/percorso/locale.html",
    "https:",
    "http://[::1",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_only_web_urls_pass(url):
    assert web_url(url) == ""


@pytest.mark.parametrize(("url", "read"), [
    ("https://www.ansa.it/a.html", "https://www.ansa.it/a.html"),
    ("HTTP://Example.IT/x", "HTTP://Example.IT/x"),
    # Read as a browser reads an href: ends trimmed, tabs and newlines dropped.
    ("  https://www.ansa.it/\ta.html\n", "https://www.ansa.it/a.html"),
])
def test_web_urls_are_kept_as_a_browser_reads_them(url, read):
    assert web_url(url) == read


def test_non_strings_are_not_urls():
    assert web_url(None) == "" and web_url(["https://x.it"]) == ""


def test_front_matter_url_is_dropped_with_a_note(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: Prova\nurl: \"JaVaScRiPt:alert(1)\"\n---\n"
                    "Il sindaco ha parlato in piazza.\n", encoding="utf-8")
    [article] = read_path(path, tmp_path)
    assert article.url == ""
    assert article.notes == ["url scartato (solo http e https diventano link): "
                             "'JaVaScRiPt:alert(1)'"]
    assert "sindaco" in article.text


def test_a_web_url_gives_no_note(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\nurl: https://www.ansa.it/a.html\n---\nIl sindaco ha parlato.\n",
                    encoding="utf-8")
    [article] = read_path(path, tmp_path)
    assert article.url == "https://www.ansa.it/a.html" and article.notes == []


def test_an_index_of_hostile_urls_stores_none_of_them(tmp_path):
    records = [{"id": f"a{i}", "title": f"Articolo {i}", "url": url,
                "text": f"Il consiglio comunale si riunisce, seduta numero {i}."}
               for i, url in enumerate(HOSTILE)]
    records.append({"id": "buono", "url": "https://www.ansa.it/b.html",
                    "text": "Il consiglio comunale approva il bilancio."})
    make_index(tmp_path, records)
    index = open_index(tmp_path / "ix")
    assert index.doc_count() == len(records)  # every article is indexed
    for i in range(len(HOSTILE)):
        assert get_article(index, f"a{i}").url == ""
    assert get_article(index, "buono").url == "https://www.ansa.it/b.html"


def test_a_dropped_url_is_noted_in_the_run_summary(tmp_path):
    import json

    from click.testing import CliRunner

    from cerca.cli import cli

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.md").write_text("---\nurl: javascript:alert(1)\n---\nTesto sul porto.\n", "utf-8")
    result = CliRunner().invoke(cli, ["index", str(folder), "--index", str(tmp_path / "ix"),
                                      "--no-entities", "--json"])
    report = json.loads(result.stdout)
    assert report["added"] == 1
    assert report["notes"] and report["notes"][0]["path"].endswith("a.md")
    assert "url scartato" in report["notes"][0]["note"]
