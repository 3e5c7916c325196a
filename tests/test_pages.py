"""The pages through Flask's test client: fragments, escaping, headers, errors."""

from __future__ import annotations

import pytest

from tests.conftest import make_index
from webapp import create_app


def test_full_page_and_fragment(client):
    full = client.get("/?q=missili")
    assert full.status_code == 200
    assert b"<!doctype html>" in full.data and b'id="ricerca"' in full.data
    fragment = client.get("/?q=missili", headers={"HX-Request": "true"})
    assert b"<!doctype html>" not in fragment.data
    assert b'id="conteggio"' in fragment.data
    assert b'hx-swap-oob="true"' in fragment.data  # the facets come along out of band
    assert full.headers["Vary"] == "HX-Request"


def test_history_restore_gets_the_whole_page(client):
    response = client.get("/?q=missili", headers={"HX-Request": "true",
                                                  "HX-History-Restore-Request": "true"})
    assert b"<!doctype html>" in response.data


def test_count_snippet_and_json_twin(client):
    response = client.get("/?q=missile")
    text = response.get_data(as_text=True)
    assert "1 risultato per «missile»" in text
    assert "<mark>missili</mark>" in text
    assert 'rel="alternate"' in response.headers["Link"]
    assert "/api/search?q=missile" in response.headers["Link"]


def test_query_and_article_text_are_escaped(tmp_path):
    make_index(tmp_path, [{"id": "x", "title": "<script>alert(1)</script>",
                           "text": "Testo <img src=x onerror=alert(1)> sul missile.",
                           "persons": ["<b>Mario</b>"]}])
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "ix")}).test_client()
    for url in ("/?q=missile", '/?q=<script>"x"</script>', "/articolo/x?q=missile",
                "/?person=<b>Mario</b>"):
        text = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in text and "<img src=x" not in text
        assert "<b>Mario</b>" not in text
        assert '<script>"x"' not in text



def test_facet_rows_escape_every_place_a_value_shows(tmp_path):
    names = [f'Rossi & "{i}" <x>' for i in range(12)]
    make_index(tmp_path, [{"id": f"a{i}", "text": "Il missile cade.", "persons": names[:i + 1]}
                          for i in range(12)])
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "ix")}).test_client()
    text = client.get("/?q=missile&person=" + names[0].replace("&", "%26")).get_data(as_text=True)
    assert "<x>" not in text and '"0"' not in text
    shown = "Rossi &amp; &#34;0&#34; &lt;x&gt;"
    assert f'<li class="scelto">\n    <input type="checkbox" id="f-person-1" name="person" ' \
           f'value="{shown}" checked data-opposto="x-person-1">' in text
    for place in (f'<span class="valore">{shown}</span>', f'title="Scheda di {shown}"',
                  f'name="not_person" value="{shown}"', f'title="Escludi {shown}"'):
        assert place in text
    # The page's query string is escaped in each link to the entity's page.
    assert 'href="/persona/Rossi%20%26%20%220%22%20%3Cx%3E?q=missile&amp;person=' in text
    # Past the first ten, the rows sit under "mostra altri" and are numbered on.
    assert "mostra altri (2)" in text and 'id="f-person-12"' in text

def test_why_this_result_opens_on_request_and_is_escaped(tmp_path):
    make_index(tmp_path, [{"id": "n", "title": "Il nucleare <i>iraniano</i>",
                           "text": "Il programma nucleare torna al centro."}])
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "ix")}).test_client()
    text = client.get("/?q=nucleari").get_data(as_text=True)
    assert "<details class=\"perche\">" in text
    assert "<summary>Perché questo risultato</summary>" in text
    assert "«nucleari» trovata come «nucleare»" in text
    text = client.get("/?q=<i>").get_data(as_text=True)
    assert "«<i>»" not in text


def test_security_headers(client):
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_no_inline_script_and_vendored_htmx(client):
    text = client.get("/").get_data(as_text=True)
    assert "<script>" not in text
    assert '/static/htmx.min.js' in text and "://" not in text.split("<body>")[0].replace(
        "http://www.w3.org", "")
    with client.get("/static/htmx.min.js") as static:
        assert static.status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/?page=0", "/?date_from=ieri", "/?sort=caso", "/?page_size=1000",
     "/?q=" + "x" * 2000, "/?person=" + "y" * 500],
)
def test_bad_parameters_get_a_page_not_a_500(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "Ricerca non valida" in response.get_data(as_text=True)


@pytest.mark.parametrize("q", ['"', "(((", "*", "~", "titolo:", "-", "a OR", "NOT"])
def test_odd_queries_render(client, q):
    assert client.get("/", query_string={"q": q}).status_code == 200


def test_an_unknown_parameter_is_ignored_with_a_notice(client):
    """"persona" is no filter: the page says so rather than quietly showing
    every article, and the search still runs."""
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get("/?q=energia&persona=Giorgia+Meloni", headers=headers)
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and "3 risultati" in text
        assert "Ignorato: parametro sconosciuto «persona» (validi: q, person, place" in text
    assert "parametro sconosciuto" not in client.get("/?q=energia").get_data(as_text=True)
    busted = client.get("/?q=energia&_=1712345678").get_data(as_text=True)
    assert "3 risultati" in busted and "parametro sconosciuto" not in busted  # a cache-buster


def test_export_links_carry_the_search_and_its_filters(client):
    text = client.get("/?q=energia&not_place=Bruxelles&page=1").get_data(as_text=True)
    for fmt in ("csv", "jsonl"):
        link = f'href="/api/export?q=energia&amp;not_place=Bruxelles&amp;format={fmt}"'
        assert link in text
    assert client.get("/api/export?q=energia&not_place=Bruxelles&format=csv").status_code == 200


def test_unknown_facet_value_is_an_empty_result(client):
    response = client.get("/?person=Nessuno+Così")
    assert response.status_code == 200
    assert "Nessun risultato" in response.get_data(as_text=True)


def test_facets_filters_pills_and_clear(client):
    text = client.get("/?person=Giorgia+Meloni&not_place=Bruxelles").get_data(as_text=True)
    assert "1 risultato" in text
    assert "Rimuovi il filtro persona: Giorgia Meloni" in text
    assert "Azzera filtri" in text
    assert 'name="not_place" value="Bruxelles" checked' in text


def test_facet_filter_box_finds_a_surname(client):
    text = client.get("/facette/person?contains=lavrov").get_data(as_text=True)
    assert "Sergey Lavrov" in text and "Giorgia Meloni" not in text
    assert client.get("/facette/nonexistent").status_code == 404


def test_article_page(client):
    response = client.get("/articolo/lavrov-pyongyang?q=Lavrov")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<mark>Lavrov</mark>" in text
    assert "Articoli correlati" in text
    assert "/persona/Sergey%20Lavrov?q=Lavrov" in text  # its entity page, narrowed by q
    assert client.get("/articolo/cronaca/alluvione").status_code == 200
    assert client.get("/articolo/non-esiste").status_code == 404


def test_empty_index_explains(tmp_path):
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "none")}).test_client()
    text = client.get("/").get_data(as_text=True)
    assert "L'indice è vuoto" in text


def test_unknown_page_is_an_italian_404(client):
    response = client.get("/non-esiste")
    assert response.status_code == 404 and "Pagina non trovata" in response.get_data(as_text=True)


def test_article_page_links_the_days_it_cites(years_index_dir):
    client = create_app({"TESTING": True, "INDEX_DIR": str(years_index_dir)}).test_client()
    text = client.get("/articolo/anni-07").get_data(as_text=True)
    assert "Date citate" in text
    assert "/?mentioned_from=2019-06-03&amp;mentioned_to=2019-06-05" in text
    found = client.get("/?mentioned_from=2019-06-03&mentioned_to=2019-06-05").get_data(as_text=True)
    assert "Date citate:" in found and "anni-07" in found
    inferred = client.get("/articolo/anni-dedotta").get_data(as_text=True)
    assert "data dedotta dal testo" in inferred


def test_article_page_with_a_day_before_the_calendar(tmp_path):
    make_index(tmp_path, [{"id": "cesare", "date": "2025-03-15",
                           "text": "Il 15 marzo 44 a.C. Cesare fu ucciso in Senato, e il 3 "
                                   "marzo 2025 se ne è parlato."}])
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "ix")}).test_client()
    response = client.get("/articolo/cesare")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "15 marzo 44 a.C." in text and "mentioned_from=2025-03-03" in text
