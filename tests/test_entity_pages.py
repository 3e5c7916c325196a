"""Entity pages, their JSON and the CLI, on a real index of DICE articles."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from click.testing import CliRunner

from cerca.cli import cli
from search import SearchRequest, entity, search
from tests.conftest import make_index
from webapp import create_app

MUZZARELLI = "Gian Carlo Muzzarelli"
PAGE = "/persona/Gian%20Carlo%20Muzzarelli"


@pytest.fixture(scope="module")
def client(dice_app):
    return dice_app.test_client()


def _links(html: str, pattern: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html) if re.search(pattern, h)]


def test_page_shows_the_entity_its_timeline_company_and_articles(client, dice_index):
    core = entity(dice_index, "person", MUZZARELLI)
    response = client.get(PAGE)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"<h1>{MUZZARELLI}</h1>" in html and f"{core.count} articoli" in html
    # The chart: an SVG with a title and a description, a bar per period
    # linking to the page narrowed to it, and the same counts in a table.
    assert re.search(r"<svg [^>]*role=\"group\"[^>]*>\s*<title id=\"tempo-t\">", html)
    assert '<desc id="tempo-d">' in html
    rows = re.findall(r'<tr><th scope="row">(?:<a [^>]*>)?([^<]+)(?:</a>)?</th><td>(\d+)</td>',
                      html)
    assert sum(int(n) for _, n in rows) == core.count - core.undated
    bars = _links(html, r"date_from=")
    assert bars and all(b.startswith(PAGE + "?") for b in bars)
    # Companions link to the search on both.
    both = _links(html, r"^/\?person=Gian")
    assert len(both) >= 10
    first = core.company["place"][0]
    target = f"/?person={quote(MUZZARELLI).replace('%20', '+')}&place={quote(first.value)}"
    assert target.replace(" ", "+") in both
    query = parse_qs(urlsplit(target).query)
    found = search(dice_index, SearchRequest(persons=tuple(query["person"]),
                                             places=tuple(query["place"])))
    assert found.total == first.count
    # Articles, newest first, and the full search.
    ids = re.findall(r'href="/articolo/([^"?]+)', html)
    assert ids[:10] == [h.id for h in core.hits]
    assert "/?person=Gian+Carlo+Muzzarelli" in _links(html, r"^/\?person=Gian[^&]*$")


def test_the_query_narrows_the_page_and_stays_in_its_links(client, dice_index):
    html = client.get(PAGE + "?q=polizia&date_from=2021-01-01").get_data(as_text=True)
    core = entity(dice_index, "person", MUZZARELLI,
                  SearchRequest(q="polizia", date_from=dt.date(2021, 1, 1)))
    assert f"{core.count} articoli per «polizia»" in html
    for link in _links(html, r"date_from=2021-0[2-9]|date_from=2021-1"):
        assert "q=polizia" in link
    assert all("q=polizia" in link for link in _links(html, r"^/\?person="))


def test_unknown_entity_is_an_italian_404(client):
    response = client.get("/persona/Nessuno%20Nessunissimo")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Nessuna persona «Nessuno Nessunissimo» nell&#39;archivio." in response.get_data(
        as_text=True)
    assert client.get("/luogo/Gian%20Carlo%20Muzzarelli").status_code == 404
    api = client.get("/api/entity/person/Nessuno")
    assert api.status_code == 404 and api.json["error"]["code"] == "unknown_entity"
    assert client.get("/api/entity/author/x").status_code == 400
    assert client.get(PAGE + "?date_from=ieri").status_code == 400


def test_api_cli_and_core_agree(client, dice_index, dice_index_dir):
    api = client.get(f"/api/entity/person/{quote(MUZZARELLI)}?q=polizia&page_size=5").json
    out = CliRunner().invoke(cli, ["entity", "person", MUZZARELLI, "--query", "polizia",
                                   "--limit", "5", "--index", str(dice_index_dir), "--json"])
    core = entity(dice_index, "person", MUZZARELLI, SearchRequest(q="polizia", page_size=5))
    assert api == json.loads(out.output) == json.loads(json.dumps(core.to_dict()))
    assert set(api) >= {"type", "name", "count", "timeline", "undated", "company", "first",
                        "last", "hits"}
    assert sum(p["count"] for p in api["timeline"]) + api["undated"] == api["count"]
    text = CliRunner().invoke(cli, ["entity", "person", MUZZARELLI, "--index",
                                    str(dice_index_dir)])
    every = entity(dice_index, "person", MUZZARELLI)
    assert text.exit_code == 0
    assert text.output.startswith(f"{MUZZARELLI}: {every.count} articoli, dal {every.first}")
    missing = CliRunner().invoke(cli, ["entity", "person", "Nessuno", "--index",
                                       str(dice_index_dir)])
    assert missing.exit_code == 1 and "non è nell'archivio" in missing.output


def test_the_list_of_entities(client, dice_index):
    data = client.get("/api/entity?type=place&page_size=3").json
    assert data["type"] == "place" and len(data["values"]) == 3 and data["total"] > 3
    top = data["values"][0]
    assert top["count"] == search(dice_index, SearchRequest(places=(top["value"],))).total
    found = client.get("/api/entity?type=person&prefix=muzz").json
    assert found["values"][0]["value"] == MUZZARELLI
    assert client.get("/api/entity").status_code == 400


def test_facet_values_chips_and_article_entities_lead_to_entity_pages(client):
    html = client.get("/").get_data(as_text=True)
    assert PAGE in _links(html, r"^/persona/Gian")  # facet value, and hit chips
    chip = re.search(r'<a class="chip persona" href="([^"]+)"', html).group(1)
    assert client.get(unescape(chip)).status_code == 200
    article = re.search(r'href="(/articolo/[^"]+)"', html).group(1)
    entities = _links(client.get(unescape(article)).get_data(as_text=True),
                      r"^/(persona|luogo|organizzazione)/")
    assert entities and all(client.get(e).status_code == 200 for e in entities[:5])


ODD = ["AC/DC", "Dell'Utri", "Nicolò Ørsted-Šarić", "San Cesario sul Panaro",
       "<script>alert('x')</script>", "50% & più?"]


@pytest.fixture(scope="module")
def odd_client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("odd-names")
    records = [{"id": f"strano-{i}", "title": f"Articolo {i}", "date": "2021-03-0" + str(i + 1),
                "text": "Un articolo con nomi strani.", "persons": ODD[: i + 1]}
               for i in range(len(ODD))]
    index = make_index(folder, records)
    index.close()
    app = create_app({"TESTING": True, "INDEX_DIR": str(folder / "ix")})
    yield app.test_client()
    app.extensions["cerca"].close()


@pytest.mark.parametrize("name", ODD)
def test_names_round_trip_through_their_urls_and_are_escaped(odd_client, name):
    search_page = odd_client.get("/").get_data(as_text=True)
    links = [unquote(urlsplit(link).path) for link in _links(search_page, r"^/persona/")]
    assert f"/persona/{name}" in links
    url = next(link for link in _links(search_page, r"^/persona/")
               if unquote(urlsplit(link).path) == f"/persona/{name}")
    response = odd_client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert" not in html
    h1 = re.search(r"<h1>(.*?)</h1>", html).group(1)
    assert unescape(h1) == name
    assert odd_client.get("/api" + url.replace("/persona/", "/entity/person/")).json["name"] == name


def test_the_search_page_chart_has_readable_labels_and_a_table(seeds_client):
    html = seeds_client.get("/").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert not re.search(r"\d{4}\d{1,2} (gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|"
                         r"agosto|settembre|ottobre|novembre|dicembre)", text)
    chart = html.split('class="grafico istogramma"', 1)[1].split("</figure>", 1)[0]
    assert "<title" in chart and "<desc" in chart and "<table>" in chart
    ticks = re.findall(r'<text x="[\d.]+" y="\d+" text-anchor="middle">([^<]+)</text>', chart)
    assert ticks, chart[:500]


@pytest.fixture(scope="module")
def seeds_client(seeds_index_dir):
    app = create_app({"TESTING": True, "INDEX_DIR": str(seeds_index_dir)})
    yield app.test_client()
    app.extensions["cerca"].close()
