"""The search page in a real Chromium (Debian's), driven by Playwright."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from playwright.sync_api import expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


class Watch:
    """Every request and console error a page makes."""

    def __init__(self, page, base: str) -> None:
        self.base = base
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def check(self) -> None:
        outside = [u for u in self.requests if not u.startswith(self.base)]
        assert outside == [], f"requests left loopback: {outside}"
        assert self.errors == [], f"console errors: {self.errors}"


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="it-IT", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    watch = Watch(page, live_server)
    page.watch = watch
    yield page
    watch.check()
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def count(page) -> str:
    return page.locator("#conteggio").inner_text()


def test_live_search_and_highlighting(page, live_server):
    page.goto(live_server + "/")
    page.keyboard.press("/")
    expect(page.locator("#q")).to_be_focused()
    page.keyboard.type("missile")
    expect(page.locator("#conteggio")).to_contain_text("per «missile»")
    marks = page.locator("#risultati mark").all_inner_texts()
    assert "missili" in [m.lower() for m in marks]
    assert "q=missile" in page.url
    shot(page, "ricerca-live")


def test_selecting_and_excluding_facets(page, live_server):
    page.goto(live_server + "/?q=energia")
    expect(page.locator("#conteggio")).to_contain_text("3 risultati")
    page.get_by_label("Giorgia Meloni").first.check()
    expect(page.locator("#conteggio")).to_contain_text("2 risultati")
    assert "person=Giorgia+Meloni" in page.url
    # Counts follow: only places of Meloni's two articles remain.
    places = page.locator("#facette fieldset").nth(1)
    expect(places).to_contain_text("Bruxelles")
    expect(places).not_to_contain_text("Pechino")
    page.locator("label[title='Escludi Bruxelles']").click()
    expect(page.locator("#conteggio")).to_contain_text("1 risultato")
    assert "not_place=Bruxelles" in page.url
    expect(page.locator(".pillola.esclusa")).to_contain_text("Bruxelles")
    shot(page, "facette")
    page.get_by_role("link", name="Azzera filtri").click()
    expect(page.locator("#conteggio")).to_contain_text("3 risultati")


def test_date_range(page, live_server):
    page.goto(live_server + "/?q=")
    page.fill("#dal", "2025-09-01")
    expect(page.locator("#conteggio")).to_contain_text("8 risultati")
    page.fill("#al", "2025-09-30")
    expect(page.locator("#conteggio")).to_contain_text("5 risultati")
    expect(page).to_have_url(re.compile(r"date_from=2025-09-01&date_to=2025-09-30"))
    dates = page.locator(".hit time").evaluate_all("els => els.map(e => e.dateTime)")
    assert len(dates) == 5 and all(d.startswith("2025-09") for d in dates)
    shot(page, "date")


def test_month_histogram_filters(page, live_server):
    page.goto(live_server + "/")
    page.locator(".barra[aria-label^='luglio 2025']").click()
    expect(page.locator("#conteggio")).to_contain_text("1 risultato")
    assert "date_from=2025-07-01" in page.url and "date_to=2025-07-31" in page.url


def test_url_state_with_back_and_forward(page, live_server):
    page.goto(live_server + "/")
    page.fill("#q", "Pechino")
    expect(page.locator("#conteggio")).to_contain_text("per «Pechino»")
    page.fill("#q", "Parigi")
    expect(page.locator("#conteggio")).to_contain_text("per «Parigi»")
    page.go_back()
    expect(page.locator("#conteggio")).to_contain_text("per «Pechino»")
    assert unquote_plus(page.url).endswith("q=Pechino")
    page.go_forward()
    expect(page.locator("#conteggio")).to_contain_text("per «Parigi»")
    # A copied link reproduces the page.
    copy = page.context.new_page()
    copy.goto(page.url)
    expect(copy.locator("#conteggio")).to_contain_text("per «Parigi»")


def test_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="it-IT")
    page = context.new_page()
    watch = Watch(page, live_server)
    page.goto(live_server + "/?q=missili&sort=date")
    expect(page.locator("#conteggio")).to_contain_text("per «missili»")
    page.fill("#q", "Meloni")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=Meloni"))
    expect(page.locator("#conteggio")).to_contain_text("per «Meloni»")
    page.get_by_label("Bruxelles").first.check()
    page.get_by_role("button", name="Cerca").click()
    expect(page.locator("#conteggio")).to_contain_text("1 risultato")
    shot(page, "senza-js")
    watch.check()
    context.close()


def test_article_page(page, live_server):
    page.goto(live_server + "/?q=Lavrov")
    page.locator(".hit h2 a").first.click()
    page.wait_for_url(re.compile(r"/articolo/"))
    expect(page.locator("h1")).to_contain_text("Lavrov")
    expect(page.locator(".testo mark").first).to_have_text("Lavrov")
    expect(page.locator(".correlati")).to_contain_text("Articoli correlati")
    page.get_by_role("link", name="Sergey Lavrov").click()
    # His entity page, narrowed by the query: the test article and seed 002.
    expect(page.locator("h1")).to_have_text("Sergey Lavrov")
    expect(page.locator("#conteggio")).to_contain_text("2 articoli per «Lavrov»")
    shot(page, "articolo")


def test_phone_layout_and_dark_theme(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    page = context.new_page()
    page.goto(live_server + "/?q=Kim")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 255, 255)"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "telefono-scuro")
    context.close()


def test_date_histogram_drills_from_years_to_months_to_days(browser, years_server):
    context = browser.new_context(locale="it-IT", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    watch = Watch(page, years_server)
    page.goto(years_server + "/")
    histogram = page.locator(".istogramma")
    expect(histogram).to_have_attribute("data-livello", "anno")
    expect(page.locator("#conteggio")).to_contain_text("14 risultati")
    page.locator(".barra[data-periodo='2019']").click()
    expect(histogram).to_have_attribute("data-livello", "mese")
    expect(page.locator("#conteggio")).to_contain_text("6 risultati")
    assert "date_from=2019-01-01" in page.url and "date_to=2019-12-31" in page.url
    expect(page.locator("#dal")).to_have_value("2019-01-01")
    page.locator(".barra[data-periodo='2019-05']").click()
    expect(histogram).to_have_attribute("data-livello", "giorno")
    expect(page.locator("#conteggio")).to_contain_text("3 risultati")
    page.locator(".barra[data-periodo='2019-05-20']").click()
    expect(page.locator("#conteggio")).to_contain_text("1 risultato")
    assert "date_from=2019-05-20" in page.url and "date_to=2019-05-20" in page.url
    shot(page, "date-giorni")
    page.get_by_role("link", name="‹ maggio 2019").click()
    expect(histogram).to_have_attribute("data-livello", "giorno")
    expect(page.locator("#conteggio")).to_contain_text("3 risultati")
    # "Senza data" and "Data dedotta dal testo" filter too.
    page.goto(years_server + "/")
    page.get_by_role("link", name=re.compile("Data dedotta dal testo")).click()
    expect(page.locator("#conteggio")).to_contain_text("1 risultato")
    expect(page.locator(".hit .data-dedotta")).to_contain_text("data dedotta dal testo")
    watch.check()
    context.close()


def test_date_histogram_without_javascript(browser, years_server):
    context = browser.new_context(java_script_enabled=False, locale="it-IT")
    page = context.new_page()
    page.goto(years_server + "/")
    page.locator(".barra[data-periodo='2019']").click()
    page.wait_for_url(re.compile(r"date_from=2019-01-01"))
    expect(page.locator(".istogramma")).to_have_attribute("data-livello", "mese")
    page.fill("#citate-dal", "2019-06-04")
    page.fill("#citate-al", "2019-06-04")
    page.locator("#facette button", has_text="Applica").last.click()
    page.wait_for_url(re.compile(r"mentioned_from=2019-06-04"))
    expect(page.locator("#conteggio")).to_contain_text("1 risultato")
    context.close()
