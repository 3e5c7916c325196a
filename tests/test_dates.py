"""Dates in Italian text: explicit and relative forms, and the inferred article date."""

from __future__ import annotations

import datetime as dt

import pytest

from search.ingest.dates import find_dates, infer_date
from search.ingest.sources import read_paths
from tests.conftest import SEEDS

PUBLISHED = dt.date(2025, 9, 10)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "value", "granularity"),
    [
        ("il 3 settembre 2025", "2025-09-03", "day"),
        ("il 3 sett. 2025", "2025-09-03", "day"),
        ("il 3/9/2025", "2025-09-03", "day"),
        ("il 1° settembre", "2025-09-01", "day"),
        ("a settembre 2025", "2025-09", "month"),
        ("ieri", "2025-09-09", "day"),
        ("l'altro ieri", "2025-09-08", "day"),
        ("l’altro ieri", "2025-09-08", "day"),
        ("oggi", "2025-09-10", "day"),
        ("questa mattina", "2025-09-10", "day"),
        ("la scorsa settimana", "2025-W36", "week"),
        ("la settimana scorsa", "2025-W36", "week"),
        ("il mese scorso", "2025-08", "month"),
        ("lunedì scorso", "2025-09-08", "day"),
        ("lo scorso venerdì", "2025-09-05", "day"),
        ("l'anno scorso", "2024", "year"),
    ],
)
def test_each_form(text, value, granularity):
    [found] = find_dates(f"Lo ha detto {text}, durante l'incontro.", PUBLISHED)
    assert (found.value, found.granularity) == (value, granularity)
    assert f"Lo ha detto {text}"[found.start:found.end] == found.text


def test_relative_dates_need_a_publication_date():
    assert find_dates("Lo ha detto ieri, la scorsa settimana.") == []
    assert [d.value for d in find_dates("Il 3 settembre 2025 e ieri.")] == ["2025-09-03"]


def test_day_and_month_in_january_is_last_year():
    [found] = find_dates("Il 20 dicembre c'era la neve.", dt.date(2026, 1, 5))
    assert found.value == "2025-12-20"


def test_copyright_years_and_impossible_dates_are_not_dates():
    assert find_dates("Copyright 2024 © Tutti i diritti riservati. Il 31/2/2025.") == []
    assert infer_date("Un articolo. Copyright 2024.") is None


def test_seed_003_carries_its_date_and_is_marked_inferred():
    articles = {a.id[:3]: a for a in read_paths([SEEDS])}
    assert articles["003"].date == dt.date(2025, 9, 3)
    assert articles["003"].date_inferred is True
    assert articles["000"].date is None


def test_front_matter_date_wins_over_the_text(tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ndate: 2025-10-01\n---\nIl 3 settembre 2025 è successo. Ieri altro.\n", "utf-8")
    [article] = list(read_paths([tmp_path]))
    assert article.date == dt.date(2025, 10, 1) and not article.date_inferred
    assert [d.value for d in article.dates] == ["2025-09-03", "2025-09-30"]
