"""One real index per session, built from tests/data/articles and seeds/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from search.index import create_index, open_index, update_index

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
ARTICLES = DATA / "articles"
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("index")
    index = create_index(path)
    report = update_index(index, [ARTICLES])
    assert not report.skipped, report.skipped
    return path


@pytest.fixture(scope="session")
def index(index_dir):
    return open_index(index_dir)


@pytest.fixture(scope="session")
def seeds_index_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seeds-index")
    update_index(create_index(path), [SEEDS])
    return path


@pytest.fixture
def articles_copy(tmp_path) -> Path:
    """A private copy of the test articles, for tests that change files."""
    target = tmp_path / "articles"
    shutil.copytree(ARTICLES, target)
    return target
