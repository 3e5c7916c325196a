"""Editing over HTTP, on a live server (werkzeug on loopback) over a copy of
the DICE-derived index: who may edit, CSRF, sessions, the login rate
limit, hostile names, and a second server seeing an edit."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from search import SearchRequest, entities, open_index
from search.curation import Store
from tests.conftest import EDITOR_PASSWORD as PASSWORD
from tests.conftest import _serve

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def server(editable):
    yield from _serve(editable)


@pytest.fixture(scope="module")
def other_server(editable):
    """A second server on the same index, as another host or worker."""
    yield from _serve(editable)


def persons(path: Path) -> list[tuple[str, int]]:
    index = open_index(path)
    try:
        return [(v.value, v.count) for v in
                entities(index, "person", SearchRequest(page_size=5), "", None).values]
    finally:
        index.close()


def login(server: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    token = TOKEN.search(session.get(f"{server}/accesso").text).group(1)
    answer = session.post(f"{server}/accesso", data={
        "username": "anna", "password": PASSWORD, "csrf_token": token}, allow_redirects=False)
    assert answer.status_code == 303, answer.text
    page = session.get(f"{server}/").text
    return session, TOKEN.search(page).group(1)


def test_no_edit_route_without_an_account(dice_server):
    for method, path in [("get", "/accesso"), ("post", "/accesso"), ("get", "/modifiche"),
                         ("post", "/modifiche"), ("post", "/modifiche/anteprima"),
                         ("post", "/modifiche/1/annulla")]:
        assert getattr(requests, method)(dice_server + path).status_code == 404, path
    page = requests.get(f"{dice_server}/").text
    assert "Accesso editori" not in page and 'class="correggi"' not in page


def test_anonymous_edits_are_refused(server, editable):
    name = persons(editable)[0][0]
    for path in ("/modifiche", "/modifiche/anteprima", "/modifiche/1/annulla"):
        answer = requests.post(server + path, data={"op": "suppress", "type": "person",
                                                    "value": name})
        assert answer.status_code == 401, path
    assert requests.get(server + "/modifiche").status_code == 401
    page = requests.get(f"{server}/persona/{name}").text
    assert 'id="modifica"' not in page and "Accesso editori" in page
    assert Store(editable).edits() == []


def test_login_needs_the_csrf_token_and_sets_a_safe_cookie(server):
    session = requests.Session()
    token = TOKEN.search(session.get(f"{server}/accesso").text).group(1)
    form = {"username": "anna", "password": PASSWORD}
    assert session.post(f"{server}/accesso", data=form).status_code == 403
    assert session.post(f"{server}/accesso", data=form | {"csrf_token": "x" + token}) \
        .status_code == 403
    wrong = session.post(f"{server}/accesso", data=form | {"password": "no", "csrf_token": token})
    assert wrong.status_code == 401 and "errati" in wrong.text
    answer = session.post(f"{server}/accesso", data=form | {"csrf_token": token},
                          allow_redirects=False)
    assert answer.status_code == 303
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP on loopback; HTTPS requests get it


def test_edits_need_the_csrf_token(server, editable):
    session, token = login(server)
    name = persons(editable)[0][0]
    form = {"op": "suppress", "type": "person", "value": name}
    assert session.post(f"{server}/modifiche", data=form).status_code == 403
    assert session.post(f"{server}/modifiche", data=form | {"csrf_token": token[:-1]}) \
        .status_code == 403
    assert session.post(f"{server}/modifiche/1/annulla").status_code == 403
    assert Store(editable).edits() == [] and persons(editable)[0][0] == name


def test_a_cookie_signed_by_another_secret_is_refused(server, editable):
    other = Flask("altro")
    other.secret_key = "un altro segreto"
    forged = SecureCookieSessionInterface().get_signing_serializer(other).dumps(
        {"editor": "anna", "csrf": "t"})
    answer = requests.post(f"{server}/modifiche", cookies={"cerca_sessione": forged}, data={
        "op": "suppress", "type": "person", "value": persons(editable)[0][0], "csrf_token": "t"})
    assert answer.status_code == 401
    assert Store(editable).edits() == []


@pytest.mark.parametrize("field, value", [
    ("target", '<img src=x onerror="alert(1)">'),
    ("target", "x" * 5000),
    ("value", "<script>alert(1)</script>"),
    ("type", "<b>animale</b>"),
])
def test_hostile_names_are_refused_and_escaped(server, editable, field, value):
    session, token = login(server)
    form = {"op": "rename", "type": "person", "value": persons(editable)[0][0],
            "target": "Nome", "csrf_token": token} | {field: value}
    for path in ("/modifiche/anteprima", "/modifiche"):
        answer = session.post(server + path, data=form)
        assert answer.status_code == 400
        assert "Modifica non fatta" in answer.text and "<img" not in answer.text \
            and "<script>alert" not in answer.text and "<b>animale" not in answer.text
    assert Store(editable).edits() == []


def test_an_edit_is_previewed_applied_and_seen_by_another_server(server, other_server,
                                                                  editable):
    session, token = login(server)
    (a, na), (b, _) = persons(editable)[:2]
    requests.get(f"{other_server}/api/entity?type=person")  # the other server is warm
    form = {"op": "merge", "type": "person", "value": a, "target": b, "csrf_token": token}
    shown = session.post(f"{server}/modifiche/anteprima", data=form)
    assert f"interessa {na} articoli" in shown.text
    seen = re.search(r'name="seen" value="([^"]+)"', shown.text).group(1)
    done = session.post(f"{server}/modifiche", data=form | {"seen": seen},
                        allow_redirects=False)
    assert done.status_code == 303 and done.headers["Location"].startswith("/persona/")
    started = time.monotonic()
    while a in requests.get(f"{other_server}/api/entity?type=person").text:
        assert time.monotonic() - started < 5, "the other server still shows the old value"
        time.sleep(0.1)
    # The same form again is a stale view now: refused, and nothing changes.
    stale = session.post(f"{server}/modifiche", data=form | {"seen": seen})
    assert stale.status_code == 400 and "è cambiato" in stale.text
    history = session.get(f"{server}/modifiche").text
    assert "unito a" in history and "anna" in history
    undo = session.post(f"{server}/modifiche/1/annulla", data={"csrf_token": token},
                        allow_redirects=False)
    assert undo.status_code == 303
    assert persons(editable)[0] == (a, na)


def test_login_is_rate_limited(server):
    session = requests.Session()
    token = TOKEN.search(session.get(f"{server}/accesso").text).group(1)
    codes = [session.post(f"{server}/accesso", data={
        "username": "anna", "password": "sbagliata", "csrf_token": token}).status_code
        for _ in range(12)]  # the earlier tests' logins count too
    assert 429 in codes and set(codes[:codes.index(429)]) <= {401}
    right = session.post(f"{server}/accesso", data={
        "username": "anna", "password": PASSWORD, "csrf_token": token}, allow_redirects=False)
    assert right.status_code == 429  # even the right password, until the window passes
