"""An entity page in a real Chromium: from a facet to the company's search,
and axe-core's accessibility rules."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

from search import SearchRequest, entity, open_index, search

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
# Screenshots; the README's copy is webapp/static/readme/entita.png.
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
MUZZARELLI = "Gian Carlo Muzzarelli"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium")


@pytest.fixture(scope="module")
def page(dice_server):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(locale="it-IT", viewport={"width": 1100, "height": 800})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        yield page
        assert errors == []
        browser.close()


def test_facet_to_entity_page_to_bar_to_company_search(page, dice_server, dice_index_dir):
    index = open_index(dice_index_dir)
    page.goto(dice_server + "/")
    page.locator(f"#valori-person a.scheda[title='Scheda di {MUZZARELLI}']").click()
    expect(page.locator("h1")).to_have_text(MUZZARELLI)
    whole = entity(index, "person", MUZZARELLI)
    expect(page.locator("#conteggio")).to_contain_text(f"{whole.count} articoli")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "entita.png"))
    # A bar narrows the page to its year, and the chart to its months.
    page.locator(".linea-tempo .barra[data-periodo='2021']").click()
    page.wait_for_url(re.compile(r"date_from=2021-01-01&date_to=2021-12-31"))
    expect(page.locator(".linea-tempo .istogramma")).to_have_attribute("data-livello", "mese")
    year = entity(index, "person", MUZZARELLI, SearchRequest(
        date_from=dt.date(2021, 1, 1),
        date_to=dt.date(2021, 12, 31)))
    expect(page.locator("#conteggio")).to_contain_text(f"{year.count} articoli")
    dates = page.locator(".articoli .hit time").all_inner_texts()
    assert dates and all(d.endswith("2021") for d in dates)
    # A companion's link: the search on both, within the same year.
    first = year.company["place"][0]
    page.locator(".compagnia .gruppo").nth(1).locator("ol li a").first.click()
    page.wait_for_url(re.compile(r"place="))
    both = search(index, SearchRequest(persons=(MUZZARELLI,), places=(first.value,),
                                       date_from=year.request.date_from,
                                       date_to=year.request.date_to))
    assert both.total == first.count
    expect(page.locator("#conteggio")).to_contain_text(
        f"{both.total} risultat{'o' if both.total == 1 else 'i'}")
    expect(page.locator(".pillole")).to_contain_text(first.value)
    index.close()


def test_axe_finds_no_violation_on_the_entity_page(page, dice_server):
    """Every rule axe-core runs by default (WCAG 2.x A/AA and best practices)."""
    page.goto(dice_server + "/persona/Gian%20Carlo%20Muzzarelli")
    page.locator(".tabella-dati summary").click()  # the table too
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    # The search page, with its chart: every rule too (its h1 is the name "Cerca").
    page.goto(dice_server + "/")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.locator("h1").inner_text() == "Cerca"
