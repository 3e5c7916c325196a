"""Serving: errors in the caller's format from the app, from `cerca serve`
(werkzeug) and from gunicorn on loopback; request logs; health; rate limits."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from webapp import create_app

ROOT = Path(__file__).resolve().parent.parent
LONG_QUERY = "/api/search?q=" + "a" * 100_000
LONG_ID = "/api/articles/" + "x" * 10_240


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                    timeout=30) as r:
            return r.status, r.headers["Content-Type"], r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read()


@contextmanager
def _server(command: list[str], env: dict[str, str], base: str):
    """A real server process on loopback, its stderr kept for the test."""
    log = open(env["CERCA_TEST_LOG"], "w+b")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(200):
            try:
                if _get(base + "/api/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError(Path(env["CERCA_TEST_LOG"]).read_text())
        yield lambda: Path(env["CERCA_TEST_LOG"]).read_text("utf-8")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def _assert_json_error(status, content_type, body, expected=414):
    assert status == expected and content_type.startswith("application/json"), (status, body[:200])
    error = json.loads(body)["error"]
    assert error["code"] in ("uri_too_long", "headers_too_large") and error["message"]


def _assert_italian_page(status, content_type, body):
    assert status == 414 and content_type.startswith("text/html"), (status, body[:200])
    assert "Indirizzo troppo lungo." in body.decode("utf-8")


def _log_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


# -- the app itself ---------------------------------------------------------

def test_the_app_refuses_long_urls_in_the_callers_format(client):
    for url in (LONG_QUERY, LONG_ID, "/feed.atom?q=" + "a" * 20_000):
        response = client.get(url)
        assert response.status_code == 414 and response.is_json, url[:40]
        assert response.json["error"]["message"] == "Indirizzo troppo lungo."
    page = client.get("/?q=" + "a" * 100_000)
    assert page.status_code == 414 and page.mimetype == "text/html"
    assert "Indirizzo troppo lungo." in page.get_data(as_text=True)
    assert client.get("/api/search?q=" + "a" * 900).status_code == 200


# -- real servers -----------------------------------------------------------

@pytest.fixture
def server_env(index_dir, tmp_path):
    return {"CERCA_INDEX_DIR": str(index_dir), "CERCA_TEST_LOG": str(tmp_path / "server.log")}


def test_cerca_serve_answers_long_urls_in_json_and_logs_each_request(server_env):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-c", "from cerca.cli import main; main()", "serve",
               "--port", str(port)]
    with _server(command, server_env, base) as log:
        # 100 KB is past werkzeug's own 64 KB limit: its refusal, in our format.
        _assert_json_error(*_get(base + LONG_QUERY))
        _assert_json_error(*_get(base + "/api/search?q=" + "a" * 20_000))  # the app's limit
        _assert_json_error(*_get(base + LONG_ID))
        _assert_italian_page(*_get(base + "/?q=" + "a" * 100_000))
        _assert_italian_page(*_get(base + "/?q=" + "a" * 20_000))
        _assert_json_error(*_get(base + "/api/health", {"X-Lungo": "a" * 70_000}), 431)
        status, _, _ = _get(base + "/api/search?q=missili")
        assert status == 200
        time.sleep(0.3)
        lines = _log_lines(log())
    searches = [line for line in lines if line["status"] == 200 and line["path"] == "/api/search"]
    assert len(searches) == 1
    line = searches[0]
    assert line["method"] == "GET" and line["remote"] == "127.0.0.1"
    assert line["ms"] > 0 and line["bytes"] > 100
    assert sum(1 for line in lines if line["status"] in (414, 431)) == 6
    assert '"GET /api/search' not in log()  # werkzeug's own access line is off


def test_gunicorn_answers_long_urls_in_json(server_env):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [gunicorn, "-c", "python:webapp.gunicorn_conf", "-b", f"127.0.0.1:{port}",
               "-w", "1", "--no-control-socket", "webapp:create_app()"]
    with _server(command, server_env, base) as log:
        _assert_json_error(*_get(base + LONG_QUERY))  # past gunicorn's limit: its worker
        _assert_json_error(*_get(base + LONG_ID))  # past gunicorn's limit too
        # Between the app's limit and gunicorn's: the app answers, knowing the path.
        _assert_json_error(*_get(base + "/api/search?q=" + "a" * 8_050))
        _assert_italian_page(*_get(base + "/?q=" + "a" * 8_050))
        _assert_json_error(*_get(base + "/api/health", {"X-Lungo": "a" * 10_000}), 431)
        assert _get(base + "/api/search?q=missili")[0] == 200
        time.sleep(0.3)
        lines = _log_lines(log())
    assert any(line["path"] == "/api/search" and line["status"] == 200 for line in lines)
    assert sum(1 for line in lines if line["status"] in (414, 431)) == 5


# -- request log ------------------------------------------------------------

def test_one_parseable_log_line_per_request(index_dir, capsys):
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "REQUEST_LOG": True})
    capsys.readouterr()
    client = app.test_client()
    with client.get("/api/search?q=missili") as response:
        body = response.get_data()
    with client.get("/api/export?q=missili&format=jsonl") as response:
        exported = response.get_data()
    lines = _log_lines(capsys.readouterr().err)
    assert [(line["path"], line["status"]) for line in lines] == [
        ("/api/search", 200), ("/api/export", 200)]
    assert lines[0]["bytes"] == len(body) and lines[1]["bytes"] == len(exported) > 0
    assert all(line["ms"] >= 0 and line["method"] == "GET" for line in lines)


def test_tests_are_quiet_unless_asked(client, capsys):
    with client.get("/api/search?q=missili") as response:
        response.get_data()
    assert not _log_lines(capsys.readouterr().err)


# -- health -----------------------------------------------------------------

@pytest.fixture
def index_copy(index_dir, tmp_path) -> Path:
    target = tmp_path / "ix"
    shutil.copytree(index_dir, target)
    return target


# Whoosh leaves the TOC file open when it fails to read it.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_health_is_503_when_the_index_cannot_be_opened(index_copy):
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_copy)}).test_client()
    assert client.get("/api/health").status_code == 200
    [toc] = index_copy.glob("*.toc")
    good = toc.read_bytes()
    for damaged in (b"rovinato" * 8, good[: len(good) // 2]):
        toc.write_bytes(damaged)
        response = client.get("/api/health")
        assert response.status_code == 503 and response.json["error"]["code"] == "index_unreadable"
        assert "L'indice non si apre" in response.json["error"]["message"]
    toc.write_bytes(good)
    assert client.get("/api/health").status_code == 200
    toc.unlink()
    response = client.get("/api/health")
    assert response.status_code == 503 and response.is_json


# -- rate limits ------------------------------------------------------------

def test_rate_limits_are_off_by_default(client):
    assert all(client.get("/api/search?q=missili").status_code == 200 for _ in range(30))


def test_rate_limits_per_client_in_json(index_dir):
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir),
                      "RATE_LIMIT_SEARCH": "3/minute", "RATE_LIMIT_EXPORT": "1/minute"})
    client = app.test_client()
    assert [client.get("/api/search?q=missili").status_code for _ in range(4)] == \
        [200, 200, 200, 429]
    refused = client.get("/api/search?q=porto")
    assert refused.status_code == 429 and refused.is_json
    assert refused.json["error"] == {"code": "rate_limited",
                                     "message": "Troppe richieste: riprova tra poco.",
                                     "message_en": "Too many requests: try again shortly."}
    assert int(refused.headers["Retry-After"]) > 0
    # Another client has its own count; other endpoints are not limited.
    other = client.get("/api/search?q=missili", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert other.status_code == 200
    assert client.get("/api/health").status_code == 200
    assert client.get("/?q=missili").status_code == 200
    assert client.get("/api/export?q=missili").status_code == 200
    assert client.get("/api/export?q=missili").status_code == 429


def test_rate_limits_come_from_the_environment(index_dir, monkeypatch):
    monkeypatch.setenv("CERCA_RATE_LIMIT_EXPORT", "1/minute")
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    assert [client.get("/api/export?q=missili").status_code for _ in range(2)] == [200, 429]


def test_openapi_documents_the_new_refusals(client):
    paths = client.get("/api/openapi.json").json["paths"]
    for path, operations in paths.items():
        assert "414" in operations["get"]["responses"], path
    for path in ("/api/search", "/api/export"):
        assert "429" in paths[path]["get"]["responses"]


def test_behind_a_proxy_the_client_is_the_forwarded_address(index_dir, capsys):
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "REQUEST_LOG": True,
                      "PROXY_COUNT": 1, "RATE_LIMIT_SEARCH": "1/minute"})
    capsys.readouterr()
    client = app.test_client()

    def status(headers=None):
        with client.get("/api/search?q=missili", headers=headers or {}) as response:
            return response.status_code

    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    assert [status(forwarded), status(forwarded)] == [200, 429]
    assert status() == 200  # the proxy's own address is another client
    lines = _log_lines(capsys.readouterr().err)
    assert [line["remote"] for line in lines] == ["203.0.113.7", "203.0.113.7", "127.0.0.1"]


def test_a_mistyped_rate_limit_stops_the_app_with_a_message(index_dir):
    with pytest.raises(ValueError, match="CERCA_RATE_LIMIT_SEARCH non valido"):
        create_app({"TESTING": True, "INDEX_DIR": str(index_dir),
                    "RATE_LIMIT_SEARCH": "60 al minuto"})
