"""An editor in a real Chromium: log in, merge two persons on a copy of the
DICE-derived index, see the facet and the entity page change and the edit
in the history, undo it and see everything as before; log out and the
controls are gone."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.conftest import EDITOR_PASSWORD as PASSWORD
from tests.conftest import _serve
from tests.test_curation_web import persons
from tests.test_entity_browser import ARGS, CHROMIUM

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium")


@pytest.fixture(scope="module")
def server(editable):
    yield from _serve(editable)



def test_merge_history_undo_logout(server, editable):
    (a, na), (b, nb) = persons(editable)[:2]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_context(locale="it-IT").new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{server}/persona/{quote(a, safe='')}")
        expect(page.locator("#modifica")).to_have_count(0)
        page.get_by_role("link", name="Accesso editori").click()
        page.fill("#username", "anna")
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="Entra").click()
        expect(page.locator("h1")).to_have_text(a)  # back where the editor was
        # Merge, with the suggestion list, after the preview.
        merge = page.locator("form.modifica-merge")
        merge.locator("input[name=target]").fill(b)
        merge.get_by_role("button", name="Unisci").click()
        expect(page.locator("#esito-modifica")).to_contain_text(f"interessa {na} articoli")
        page.get_by_role("button", name="Conferma").click()
        expect(page.locator("h1")).to_have_text(b)
        merged = persons(editable)[0]
        assert merged[0] == b and merged[1] >= max(na, nb)
        expect(page.locator("#conteggio")).to_contain_text(f"{merged[1]} articoli")
        page.goto(f"{server}/")
        facet = page.locator("#valori-person")
        expect(facet).not_to_contain_text(a)
        expect(facet.locator(f"a.correggi[title='Correggi {b}']")).to_have_count(1)
        # The history, and the undo.
        page.goto(f"{server}/modifiche")
        row = page.locator("#modifica-1")
        expect(row).to_contain_text(f"«{a}» unito a «{b}»")
        expect(row).to_contain_text("anna")
        row.get_by_role("button", name="Annulla").click()
        expect(page.locator("#modifica-2")).to_contain_text("annullata la modifica n. 1")
        expect(page.locator("#modifica-1")).to_contain_text("annullata")
        assert persons(editable)[:2] == [(a, na), (b, nb)]
        page.goto(f"{server}/persona/{quote(a, safe='')}")
        expect(page.locator("#conteggio")).to_contain_text(f"{na} articoli")
        page.goto(f"{server}/")
        expect(page.locator("#valori-person")).to_contain_text(a)
        # Log out: the controls are gone.
        page.get_by_role("button", name="Esci").click()
        page.goto(f"{server}/persona/{quote(a, safe='')}")
        expect(page.locator("#modifica")).to_have_count(0)
        page.goto(f"{server}/")
        expect(page.locator("a.correggi")).to_have_count(0)
        assert errors == []
        browser.close()
