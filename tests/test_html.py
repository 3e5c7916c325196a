"""Saved web pages and web archives: extraction, encodings, WARC records,
and every file under a folder read or reported."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import multiprocessing
import shutil
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from search import count_units, create_index, update_index
from search.indexing.read import extract_pages
from search.ingest.html import NO_ARTICLE, declared_charset, read_pages
from search.ingest.sources import (
    HIDDEN,
    LINKED_FOLDER,
    UNSUPPORTED,
    read_items,
    read_path,
    read_paths,
)
from search.models import Article, Ignored, Page, Skipped
from tests.conftest import DATA

PAGES = DATA / "pages"
FURNITURE = ("oroscopo", "cookie", "calciomercato", "finalmente", "p.iva", "accetta", "commenti")


def article(path: Path) -> Article:
    [item] = list(read_path(path, path.parent))
    assert isinstance(item, Article), item
    return item


def test_utf8_page_gives_text_without_furniture_and_declared_metadata():
    page = article(PAGES / "viadotto.html")
    assert page.id == "viadotto"
    assert page.title == "Viadotto sull'Adige riaperto dopo tre anni"
    assert page.date == dt.date(2024, 3, 12) and not page.date_inferred
    assert page.source == "Corriere del Nord"
    assert page.author == "Giulia Ferri"
    assert page.text.startswith("Il viadotto sull'Adige tra Verona")
    assert "città" in page.text
    # Lists and tables stay, as text.
    assert "Lunghezza: 420 metri" in page.text and "22 milioni" in page.text
    lowered = page.text.lower()
    assert not [word for word in FURNITURE if word in lowered]


def test_canonical_link_and_og_url_become_the_url():
    assert article(PAGES / "viadotto.html").url == \
        "https://www.corrieredelnord.example/cronaca/2024/03/12/viadotto"
    assert article(PAGES / "mercato-latin1.htm").url == \
        "https://www.gazzettalagunare.example/economia/mercato-pesce"
    assert article(PAGES / "vaporetto-cp1252.html").url == ""


def test_latin1_declared_by_http_equiv():
    page = article(PAGES / "mercato-latin1.htm")
    assert "da lunedì le contrattazioni" in page.text and "più bassi" in page.text
    assert page.date == dt.date(2023, 11, 5)  # from JSON-LD
    assert page.author == "Paolo Zennaro"


def test_page_declaring_utf8_but_written_in_cp1252():
    page = article(PAGES / "vaporetto-cp1252.html")
    assert page.title == "Il biglietto del vaporetto sale a 9,50 €"
    assert "costerà 9,50 €" in page.text and "�" not in page.text


def test_page_declaring_latin1_but_written_in_utf8(tmp_path):
    data = (PAGES / "viadotto.html").read_bytes().replace(
        b'<meta charset="utf-8">', b'<meta charset="iso-8859-1">')
    (tmp_path / "viadotto.html").write_bytes(data)
    page = article(tmp_path / "viadotto.html")
    assert "in città ha dovuto" in page.text and "Ã" not in page.text


@pytest.mark.parametrize("head, charset", [
    (b'<meta charset="ISO-8859-1">', "iso-8859-1"),
    (b"<meta charset=windows-1252 />", "windows-1252"),
    (b'<meta http-equiv="Content-Type" content="text/html; charset=latin1">', "latin1"),
    (b"<meta name=viewport content=width=device-width>", ""),
])
def test_declared_charset(head, charset):
    assert declared_charset(b"<html><head>" + head + b"</head>") == charset


def test_page_with_no_article_is_skipped_with_the_reason():
    [item] = list(read_path(PAGES / "cronaca-indice.html", PAGES))
    assert item == Skipped(str(PAGES / "cronaca-indice.html"), NO_ARTICLE)


def test_jsonl_line_with_html_and_given_fields(tmp_path):
    html = (PAGES / "viadotto.html").read_text(encoding="utf-8")
    lines = [{"id": "v1", "html": html, "title": "Titolo dato", "source": "Archivio"},
             {"id": "v2", "html": "<html><body><p>Solo un menu</p></body></html>"}]
    path = tmp_path / "pagine.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    first, second = read_path(path, tmp_path)
    assert isinstance(first, Article)
    assert (first.id, first.title, first.source) == ("v1", "Titolo dato", "Archivio")
    assert first.url.endswith("/viadotto") and "Verona" in first.text
    assert second == Skipped(f"{path}:2", NO_ARTICLE)


def test_pages_extracted_in_a_pool_keep_their_order():
    items = list(read_items(PAGES / "viadotto.html", PAGES)) + ["marker"] + \
        list(read_items(PAGES / "cronaca-indice.html", PAGES)) + \
        list(read_items(PAGES / "mercato-latin1.htm", PAGES))
    assert sum(isinstance(i, Page) for i in items) == 3
    serial = list(read_pages(items))
    with multiprocessing.Pool(2) as pool:
        pooled = list(extract_pages(items, pool))
    assert pooled == serial
    assert [getattr(i, "id", i) for i in pooled][:2] == ["viadotto", "marker"]


# -- web archives -------------------------------------------------------------


def _response(writer, uri: str, body: bytes, content_type: str, status: str = "200 OK",
              date: str = "2024-05-06T10:00:00Z"):
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    # A length given, so warcio needs no temporary file to measure the payload.
    return writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                     length=len(body), http_headers=headers,
                                     warc_headers_dict={"WARC-Date": date})


def write_warc(path: Path) -> None:
    """A small crawl: two articles, and every kind of record that is not one."""
    viadotto = (PAGES / "viadotto.html").read_bytes()
    mercato = (PAGES / "mercato-latin1.htm").read_bytes()
    # Without its own date, the second page falls back to the capture date.
    mercato = mercato.replace(b'"datePublished": "2023-11-05", ', b"")
    mercato = mercato.replace(b"charset=iso-8859-1", b"")  # the server says it instead
    first = "https://www.corrieredelnord.example/cronaca/2024/03/12/viadotto?ref=home"
    second = "https://www.gazzettalagunare.example/economia/mercato-pesce"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=str(path).endswith(".gz"))
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        request = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        writer.write_record(writer.create_warc_record(
            first, "request", payload=io.BytesIO(request), length=len(request)))
        writer.write_record(_response(writer, first, viadotto, "text/html; charset=utf-8"))
        writer.write_record(_response(writer, "https://www.corrieredelnord.example/logo.png",
                                      b"\x89PNG\r\n\x1a\n", "image/png"))
        writer.write_record(writer.create_revisit_record(
            first, digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", refers_to_uri=first,
            refers_to_date="2024-05-06T10:00:00Z"))
        writer.write_record(_response(writer, first, viadotto, "text/html"))
        writer.write_record(_response(writer, "https://www.corrieredelnord.example/manca",
                                      b"<html><body>Non trovata</body></html>", "text/html",
                                      status="404 Not Found"))
        writer.write_record(_response(writer, second, mercato,
                                      "text/html; charset=ISO-8859-1",
                                      date="2023-11-07T06:15:00Z"))


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_warc_pages_once_each_and_the_rest_counted(tmp_path, name):
    write_warc(tmp_path / name)
    items = list(read_paths([tmp_path]))
    articles = [i for i in items if isinstance(i, Article)]
    assert [a.id for a in articles] == [
        "crawl/www.corrieredelnord.example/cronaca/2024/03/12/viadotto?ref=home",
        "crawl/www.gazzettalagunare.example/economia/mercato-pesce",
    ]
    viadotto, mercato = articles
    # The target URI is the url; the page's own date wins over the capture's.
    assert viadotto.url.endswith("/viadotto?ref=home")
    assert viadotto.date == dt.date(2024, 3, 12) and not viadotto.date_inferred
    assert viadotto.title == "Viadotto sull'Adige riaperto dopo tre anni"
    assert mercato.date == dt.date(2023, 11, 7) and mercato.date_inferred
    assert "da lunedì le contrattazioni" in mercato.text  # HTTP charset
    assert all(a.origin == str(tmp_path / name) for a in articles)
    ignored = {i.reason: i.count for i in items if isinstance(i, Ignored)}
    assert ignored == {
        "record «warcinfo» (non sono pagine)": 1,
        "record «request» (non sono pagine)": 1,
        "risposte non HTML": 1,
        "revisite (pagine già archiviate)": 1,
        "URL già letti in questo archivio": 1,
        "risposte con stato HTTP 404": 1,
    }
    assert not [i for i in items if isinstance(i, Skipped)]
    assert count_units([tmp_path]) == 2  # the progress bar's total


def test_broken_warc_is_skipped_and_its_articles_kept(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    write_warc(source / "crawl.warc.gz")
    index = create_index(tmp_path / "ix")
    assert update_index(index, [source], entities=False).added == 2
    data = (source / "crawl.warc.gz").read_bytes()
    (source / "crawl.warc.gz").write_bytes(gzip.compress(b"not a warc at all\r\n" * 20) + data)
    report = update_index(index, [source], entities=False)
    assert [s.path for s in report.skipped] == [str(source / "crawl.warc.gz")]
    assert report.skipped[0].reason.startswith("archivio WARC illeggibile")
    assert report.removed == 0 and index.doc_count() == 2


# -- nothing skipped in silence -----------------------------------------------


def test_every_file_under_a_folder_is_read_or_reported(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(PAGES, source)
    for name in ("a.pdf", "b.PDF", "c.docx", "LEGGIMI"):
        (source / name).write_bytes(b"x")
    (source / ".git").mkdir()
    (source / ".git" / "config").write_text("[core]")
    (source / ".appunti.txt").write_text("nascosto")
    (tmp_path / "altrove").mkdir()
    (tmp_path / "altrove" / "x.txt").write_text("Un articolo fuori dalla cartella.")
    (source / "collegamento").symlink_to(tmp_path / "altrove", target_is_directory=True)
    report = update_index(create_index(tmp_path / "ix"), [source], entities=False)
    assert report.added == 3
    assert [s.path for s in report.skipped] == [str(source / "cronaca-indice.html")]
    left_out = {(Path(i.path).name, i.reason) for i in report.ignored}
    assert left_out == {
        ("a.pdf", UNSUPPORTED), ("b.PDF", UNSUPPORTED), ("c.docx", UNSUPPORTED),
        ("LEGGIMI", UNSUPPORTED), ("make_pages.py", UNSUPPORTED),
        (".git", HIDDEN), (".appunti.txt", HIDDEN), ("collegamento", LINKED_FOLDER),
    }
    # .git is reported once, not file by file.
    assert not [i for i in report.ignored if ".git/" in i.path]
    assert {"path", "reason", "count"} <= set(report.to_dict()["ignored"][0])


def test_indexing_with_a_pool_matches_one_process(tmp_path):
    serial = update_index(create_index(tmp_path / "serial"), [PAGES], entities=False)
    with multiprocessing.Pool(2) as pool:
        pooled = update_index(create_index(tmp_path / "pooled"), [PAGES], pool=pool, jobs=2,
                              batch_size=2, entities=False)
    assert pooled.to_dict() == serial.to_dict() and pooled.added == 3


def test_a_date_only_in_the_page_text_is_guessed_and_marked_inferred(tmp_path):
    data = (PAGES / "viadotto.html").read_text(encoding="utf-8")
    data = data.replace('<meta property="article:published_time" '
                        'content="2024-03-12T09:30:00+01:00">', "")
    data = data.replace("/2024/03/12/", "/").replace("© 2024 ", "")
    data = data.replace('<p class="byline">', '<p class="data">Pubblicato il 05/02/2021</p>'
                                              '<p class="byline">')
    (tmp_path / "viadotto.html").write_text(data, encoding="utf-8")
    page = article(tmp_path / "viadotto.html")
    assert page.date == dt.date(2021, 2, 5) and page.date_inferred


def test_a_copyright_year_is_not_taken_for_the_date(tmp_path):
    data = (PAGES / "viadotto.html").read_text(encoding="utf-8")
    data = data.replace('<meta property="article:published_time" '
                        'content="2024-03-12T09:30:00+01:00">', "").replace("/2024/03/12/", "/")
    assert "© 2024" in data
    (tmp_path / "viadotto.html").write_text(data, encoding="utf-8")
    assert article(tmp_path / "viadotto.html").date is None
