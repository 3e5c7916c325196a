"""The JSON API: every endpoint, every error path, CORS, caching, schema."""

from __future__ import annotations

import csv
import io
import json
import re

import feedparser
import pytest
import schemathesis
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from cerca.cli import cli
from search import create_index, open_index, update_index
from search.models import SearchRequest
from search.query.pipeline import search
from webapp import create_app


def test_search_matches_the_cli_and_the_core(client, index_dir):
    api = client.get("/api/search?q=energia&person=Giorgia+Meloni").json
    out = CliRunner().invoke(cli, ["search", "energia", "--person", "Giorgia Meloni",
                                   "--index", str(index_dir), "--json"]).output
    core = search(open_index(index_dir), SearchRequest(q="energia", persons=("Giorgia Meloni",)))
    ids = [h["id"] for h in api["hits"]]
    assert ids == [h["id"] for h in json.loads(out)["hits"]] == [h.id for h in core.hits]
    assert ids and api == json.loads(out)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/api/search?sort=caso", "invalid_sort"),
        ("/api/search?page=0", "invalid_page"),
        ("/api/search?page_size=10000", "invalid_page_size"),
        ("/api/search?date_from=ieri", "invalid_date"),
        ("/api/search?date_from=2025-10-01&date_to=2025-09-01", "invalid_date_range"),
        ("/api/search?date_source=forse", "invalid_date_source"),
        ("/api/search?mentioned_from=ieri", "invalid_date"),
        ("/api/search?mentioned_from=2025-10-01&mentioned_to=2025-09-01", "invalid_date_range"),
        ("/api/facets/colore", "unknown_facet"),
        ("/api/facets/person?limit=0", "invalid_limit"),
        ("/api/export?format=xls", "invalid_format"),
        ("/api/suggest?q=" + "x" * 300, "query_too_long"),
    ],
)
def test_bad_parameters_get_400_in_two_languages(client, url, code):
    response = client.get(url)
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == code and error["message"] and error["message_en"]


def test_a_long_quote_is_accepted_past_the_plain_query_limit(client):
    """A pasted quote longer than MAX_QUERY_CHARS is searched (it is the most
    selective query there is); the same words unquoted, or a quote past
    MAX_QUOTED_QUERY_CHARS, are refused with the limits named."""
    from search import MAX_QUERY_CHARS, MAX_QUOTED_QUERY_CHARS

    words = ("il ministro ha detto che la riunione con il leader nordcoreano "
             "si terrà a Pyongyang entro la fine del mese ").split()
    quote = " ".join(words * (MAX_QUERY_CHARS // len(" ".join(words)) + 1))
    assert MAX_QUERY_CHARS < len(quote) < MAX_QUOTED_QUERY_CHARS
    found = client.get("/api/search", query_string={"q": f'"{quote}" Lavrov'})
    assert found.status_code == 200 and found.json["total"] == 0
    page = client.get("/", query_string={"q": f'"{quote}"'})
    assert page.status_code == 200 and "caratteri" not in page.get_data(as_text=True)
    for q in (quote, '"' + "parola " * (MAX_QUOTED_QUERY_CHARS // 7 + 1) + '"'):
        error = client.get("/api/search", query_string={"q": q}).json["error"]
        assert error["code"] == "query_too_long"
        assert f"{MAX_QUERY_CHARS} caratteri fuori dalle virgolette" in error["message"]
        assert str(MAX_QUOTED_QUERY_CHARS) in error["message"]


def test_unknown_article_and_route_are_404_json(client):
    assert client.get("/api/articles/non-esiste").json["error"]["code"] == "not_found"
    assert client.get("/api/nessuna-rotta").status_code == 404


def test_article(client):
    data = client.get("/api/articles/lavrov-pyongyang").json
    assert data["title"].startswith("Lavrov a Pyongyang")
    assert "Sergey Lavrov" in data["persons"] and data["date"] == "2025-09-28"
    assert "Pyongyang" in data["text"]


def test_facets_with_a_substring(client):
    data = client.get("/api/facets/person?prefix=lavrov").json
    assert data == {"facet": "person", "values": [{"value": "Sergey Lavrov", "count": 1}]}
    places = client.get("/api/facets/place?q=energia").json["values"]
    assert {"value": "Bruxelles", "count": 1} in places


def test_suggest(client):
    data = client.get("/api/suggest?q=mel").json
    assert {"value": "Giorgia Meloni", "kind": "person"} in data["suggestions"]
    titles = client.get("/api/suggest?q=missil").json["suggestions"]
    assert {"value": "Missili nel Mar del Giappone", "kind": "title"} in titles


def test_health(client):
    data = client.get("/api/health").json
    assert data["status"] == "ok" and data["documents"] == 11 and data["last_update"]


def test_no_index_is_503(tmp_path):
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "none")}).test_client()
    response = client.get("/api/search?q=x")
    assert response.status_code == 503 and response.json["error"]["code"] == "no_index"


@pytest.fixture(scope="module")
def big_client(tmp_path_factory):
    """1,500 articles: enough to show the export has no cap."""
    folder = tmp_path_factory.mktemp("big")
    with (folder / "big.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(1500):
            person = "Mario Rossi" if i % 3 else "Anna Verdi"
            fh.write(json.dumps({"id": f"a{i}", "text": f"Notizia numero {i} sul porto.",
                                 "date": f"2025-{i % 12 + 1:02d}-01", "persons": [person]}) + "\n")
    update_index(create_index(folder / "ix"), [folder / "big.jsonl"], entities=False)
    return create_app({"TESTING": True, "INDEX_DIR": str(folder / "ix")}).test_client()


def test_export_streams_the_whole_filtered_set(big_client):
    total = big_client.get("/api/search?q=porto&person=Mario+Rossi").json["total"]
    assert total == 1000
    response = big_client.get("/api/export?q=porto&person=Mario+Rossi&format=jsonl")
    assert response.is_streamed
    rows = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert len(rows) == total and len({r["id"] for r in rows}) == total
    assert all(r["persons"] == ["Mario Rossi"] for r in rows)
    data = big_client.get("/api/export?person=Anna+Verdi&format=csv").get_data(as_text=True)
    table = list(csv.DictReader(io.StringIO(data)))
    assert len(table) == 500 and table[0]["persons"] == "Anna Verdi"


def test_feed_is_valid_atom(client):
    response = client.get("/feed.atom?q=energia")
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    titles = [e.title for e in feed.entries]
    assert titles[:2] == ["Energia, Meloni incontra i sindacati", "Vertice europeo sull'energia"]


def test_etag_and_last_modified(client):
    first = client.get("/api/search?q=missili")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get("/api/search?q=missili", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_cors_is_off_by_default_and_configurable(app, index_dir):
    origin = {"Origin": "https://altro.example"}
    assert "Access-Control-Allow-Origin" not in app.test_client().get(
        "/api/search?q=x", headers=origin).headers
    allowed = create_app({"TESTING": True, "INDEX_DIR": str(index_dir),
                          "CORS_ORIGINS": ["https://altro.example"]}).test_client()
    headers = allowed.get("/api/search?q=x", headers=origin).headers
    assert headers["Access-Control-Allow-Origin"] == "https://altro.example"
    other = allowed.get("/api/search?q=x", headers={"Origin": "https://male.example"}).headers
    assert "Access-Control-Allow-Origin" not in other


def test_openapi_is_valid_and_lists_every_route(app, client):
    spec = client.get("/api/openapi.json").json
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    documented = set(spec["paths"])
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)  # <converter:name>
            assert path in documented, path


def test_api_against_its_schema(app):
    """Schemathesis: generated requests for every operation; no 5xx, and
    every response matches the schema. (Driven by hand: its pytest plugin's
    fixture loader does not work with pytest 9.)"""
    api = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 7
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(
                checks=[not_a_server_error, response_schema_conformance, content_type_conformance]
            )

        check()


def test_embed_is_bare_and_frameable(client):
    response = client.get("/embed?q=missili")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "<mark>missili</mark>" in text
    assert 'id="ricerca"' not in text and "<script" not in text
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in client.get("/").headers["Content-Security-Policy"]


def test_readme_python_example_runs(tmp_path, index_dir, monkeypatch):
    import re
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    section = readme.split("## Python API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    shutil.copytree(Path(__file__).resolve().parent.parent / "seeds", tmp_path / "seeds")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=True).stdout
    assert out.startswith("aggiunti: 5 saltati: 0\nrisultati: ")
    assert int(out.splitlines()[1].split()[1]) >= 1 and "_" in out.splitlines()[2]


def test_dates_carry_their_source_and_filter(years_index_dir):
    client = create_app({"TESTING": True, "INDEX_DIR": str(years_index_dir)}).test_client()
    data = client.get("/api/search?date_source=inferred&date_source=none").json
    assert {(h["id"], h["date_source"]) for h in data["hits"]} == {
        ("anni-dedotta", "inferred"), ("anni-senza-data", "none")}
    assert client.get("/api/articles/anni-dedotta").json["date_source"] == "inferred"
    years = [v["value"] for v in client.get("/api/search").json["facets"]["date"]]
    assert years[:7] == ["2015", "2016", "2017", "2018", "2019", "2020", "2021"]
    cited = client.get("/api/search?mentioned_from=2019-06-03&mentioned_to=2019-06-05").json
    assert [h["id"] for h in cited["hits"]] == ["anni-07"]
    rows = client.get("/api/export?date_source=inferred&format=csv").get_data(as_text=True)
    assert "date_source" in rows.splitlines()[0] and "inferred" in rows.splitlines()[1]
    page = client.get("/?q=incidente").get_data(as_text=True)
    assert "data dedotta dal testo" in page


@pytest.mark.parametrize("url", ["/api/search?persona=Giorgia+Meloni",
                                 "/api/export?q=energia&formato=csv",
                                 "/api/facets/place?q=energia&prefisso=bru",
                                 "/feed.atom?q=energia&luogo=Roma"])
def test_an_unknown_parameter_is_400_with_the_valid_names(client, url):
    """A typo ("persona") must not answer for the whole archive."""
    response = client.get(url)
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "unknown_parameter"
    typo = url.rsplit("&", 1)[-1].split("?")[-1].split("=")[0]
    assert f"«{typo}»" in error["message"] and f"«{typo}»" in error["message_en"]
    assert {"q", "person", "place", "date_from", "sort"} <= set(error["valid"])
    assert all(name in error["message"] for name in error["valid"])
    assert typo not in error["valid"]


@pytest.mark.parametrize("url", ["/api/search?q=energia", "/api/export?q=energia&format=csv",
                                 "/api/facets/place?q=energia", "/feed.atom?q=energia"])
def test_a_cache_buster_is_ignored(client, url):
    """jQuery's ``cache: false`` appends ``_=<timestamp>``: the same answer,
    not a 400, and the underscore is not offered as a valid name."""
    plain = client.get(url)
    busted = client.get(url + "&_=1712345678")
    assert plain.status_code == busted.status_code == 200
    echoed = busted.get_data(as_text=True).replace("&amp;_=1712345678", "").replace(
        "&_=1712345678", "")  # a feed links to itself
    assert echoed == plain.get_data(as_text=True)
    typo = client.get(url + "&_=1&persona=X").json["error"]
    assert "_" not in typo["valid"] and "«_»" not in typo["message"]


def test_author_is_on_every_hit_and_in_the_openapi_hit(client):
    hits = client.get("/api/search?page_size=100").json["hits"]
    assert hits and all("author" in h for h in hits)
    assert {h["id"]: h["author"] for h in hits}["roma-metro"] == "Giulia Bianchi"
    signed = client.get("/api/search?author=Giulia+Bianchi").json["hits"]
    assert [(h["id"], h["author"]) for h in signed] == [("roma-metro", "Giulia Bianchi")]
    # Every shell that renders a hit shows it: the page, the embed, the feed.
    page = client.get("/?q=metropolitana").get_data(as_text=True)
    assert '<span class="firma">Giulia Bianchi</span>' in page
    assert " · Giulia Bianchi</p>" in client.get("/embed?q=metropolitana").get_data(as_text=True)
    entry = feedparser.parse(client.get("/feed.atom?q=metropolitana").data).entries[0]
    assert entry.author == "Giulia Bianchi"
    schema = client.get("/api/openapi.json").json["components"]["schemas"]["Hit"]
    assert schema["properties"]["author"] == {"type": "string"}
    assert "author" in schema["required"]


def test_csv_export_opens_in_a_spreadsheet(client):
    """BOM (Excel reads UTF-8 by it), author and the Cerca page per row, a
    file name after the search and one charset in Content-Type."""
    response = client.get("/api/export?q=metropolitana&not_place=Milano&format=csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="cerca-metropolitana-senza-milano.csv"'
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbfid,")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["id"], r["author"]) for r in rows] == [("roma-metro", "Giulia Bianchi")]
    # Absolute only under BASE_URL or TRUSTED_HOSTS (public_url), else relative.
    assert rows[0]["cerca_url"] == "/articolo/roma-metro"
    lines = client.get("/api/export?q=metropolitana").get_data(as_text=True).splitlines()
    assert json.loads(lines[0])["cerca_url"] == "/articolo/roma-metro"
    assert client.get("/api/export?q=metropolitana").headers["Content-Type"] == \
        "application/x-ndjson; charset=utf-8"
    assert 'filename="cerca-tutti.jsonl"' in client.get("/api/export").headers[
        "Content-Disposition"]
