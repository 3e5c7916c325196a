"""One real index per session, built from tests/data/articles and seeds/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from search import create_index, open_index, update_index
from search.entities.ner import EntityEnricher

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
ARTICLES = DATA / "articles"
SEEDS = ROOT / "seeds"
YEARS = DATA / "years"


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("index")
    index = create_index(path)
    report = update_index(index, [ARTICLES], entities=False)
    assert not report.skipped, report.skipped
    return path


@pytest.fixture(scope="session")
def index(index_dir):
    opened = open_index(index_dir)
    yield opened
    opened.close()  # its searchers hold segment files open


@pytest.fixture(scope="session")
def seeds_index_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seeds-index")
    enricher = EntityEnricher(path)
    update_index(create_index(path), [SEEDS], enrich=enricher)
    enricher.close()
    return path


@pytest.fixture
def articles_copy(tmp_path) -> Path:
    """A private copy of the test articles, for tests that change files."""
    target = tmp_path / "articles"
    shutil.copytree(ARTICLES, target)
    return target


@pytest.fixture(scope="session")
def app(index_dir):
    from webapp import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})
    yield app
    _close(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def site_index_dir(tmp_path_factory) -> Path:
    """The seeds plus the test articles (which carry entities and dates)."""
    path = tmp_path_factory.mktemp("site-index")
    enricher = EntityEnricher(path)
    update_index(create_index(path), [SEEDS, ARTICLES], enrich=enricher)
    enricher.close()
    return path


EDITOR_PASSWORD = "una-password-lunga"


@pytest.fixture(scope="module")
def editable(dice_index_dir, tmp_path_factory) -> Path:
    """A module's own copy of the DICE-derived index, with one editor, anna."""
    from webapp import accounts

    path = tmp_path_factory.mktemp("editable") / "index"
    shutil.copytree(dice_index_dir, path)
    accounts.add(path, "anna", EDITOR_PASSWORD)
    return path


def _serve(index_dir: Path):
    """The real app on a free loopback port, served by a real HTTP server."""
    import threading

    from werkzeug.serving import make_server

    from webapp import create_app

    app = create_app({"INDEX_DIR": str(index_dir)})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    _close(app)


def _close(app) -> None:
    """Close the app's index: its searchers hold segment files open."""
    app.extensions["cerca"].close()


@pytest.fixture(scope="session")
def live_server(site_index_dir):
    yield from _serve(site_index_dir)


@pytest.fixture(scope="session")
def years_index_dir(tmp_path_factory) -> Path:
    """Local news spanning 2015-2021, one dated by its dateline, one undated."""
    path = tmp_path_factory.mktemp("years-index")
    update_index(create_index(path), [YEARS], entities=False)
    return path


@pytest.fixture(scope="session")
def years_server(years_index_dir):
    yield from _serve(years_index_dir)


def make_index(folder: Path, records: list[dict]):
    """A real index of a few JSONL records, for tests that need odd articles."""
    import json

    source = folder / "articles.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                      encoding="utf-8")
    index = create_index(folder / "ix")
    update_index(index, [source], entities=False)
    return index


STORIES = DATA / "stories"
DICE = DATA / "dice"


@pytest.fixture(scope="session")
def stories_index_dir(tmp_path_factory) -> Path:
    """Six real DICE articles: a copy pair, a same-event pair, two apart."""
    path = tmp_path_factory.mktemp("stories-index")
    update_index(create_index(path), [STORIES])
    return path


@pytest.fixture(scope="session")
def stories_server(stories_index_dir):
    yield from _serve(stories_index_dir)


@pytest.fixture(scope="session")
def dice_index_dir(tmp_path_factory) -> Path:
    """Forty-nine real DICE articles (Gazzetta di Modena), entities by our NER."""
    path = tmp_path_factory.mktemp("dice-index")
    enricher = EntityEnricher(path)
    update_index(create_index(path), [DICE / "articles.jsonl"], enrich=enricher)
    enricher.close()
    return path


def opened(index_dir: Path):
    """An index open for a fixture's life (``yield from``)."""
    index = open_index(index_dir)
    yield index
    index.close()


def app_for(index_dir: Path):
    """The app in testing mode on ``index_dir``, closed after (``yield from``)."""
    from webapp import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})
    yield app
    _close(app)


@pytest.fixture(scope="session")
def dice_index(dice_index_dir):
    yield from opened(dice_index_dir)


@pytest.fixture(scope="session")
def dice_app(dice_index_dir):
    yield from app_for(dice_index_dir)


@pytest.fixture(scope="session")
def dice_server(dice_index_dir):
    yield from _serve(dice_index_dir)
