"""The cerca command's contract: shapes, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cerca.cli import cli
from tests.conftest import ARTICLES, SEEDS

HIT_KEYS = {"id", "title", "date", "source", "url", "score", "snippet", "persons", "places",
            "orgs"}


@pytest.fixture
def runner():
    return CliRunner()


def invoke(runner, *args, input=None):
    return runner.invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


def test_index_reports_and_second_run_says_nothing_changed(runner, tmp_path):
    first = invoke(runner, "index", ARTICLES, "--index", tmp_path)
    assert first.exit_code == 0
    assert "aggiunti: 11" in first.output
    second = invoke(runner, "index", ARTICLES, "--index", tmp_path)
    assert "Nessuna modifica" in second.output and "invariati: 11" in second.output


def test_index_lists_each_skip_with_its_reason(runner, tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "vuoto.txt").write_text("")
    result = invoke(runner, "index", tmp_path / "src", "--index", tmp_path / "ix")
    assert "saltati: 1" in result.output and "vuoto.txt: file vuoto" in result.output


def test_search_json_contract(runner, index_dir):
    result = invoke(runner, "search", "missili", "--index", index_dir, "--json")
    data = json.loads(result.output)
    assert set(data) == {"query", "total", "others", "others_listed", "page", "page_size", "hits",
                         "facets", "suggestion", "notices"}
    assert data["total"] == 1 and data["hits"][0]["id"] == "esteri-002"
    assert data["others"] == 0 and data["hits"][0]["words"] == "all"
    assert HIT_KEYS <= set(data["hits"][0])
    assert data["hits"][0]["date"] == "2025-09-14"
    assert data["hits"][0]["matched"][0]["word"] == "missili"
    assert set(data["facets"]) >= {"person", "place", "date"}
    assert set(data["facets"]["place"][0]) == {"value", "count"}


def test_search_filters_and_options(runner, index_dir):
    result = invoke(
        runner, "search", "", "--index", index_dir, "--person", "Giorgia Meloni",
        "--date-from", "2025-10-10", "--sort", "date", "--limit", "5", "--json",
    )
    data = json.loads(result.output)
    assert [h["id"] for h in data["hits"]] == ["esteri-005"]
    assert data["page_size"] == 5


def test_search_for_a_person_reads_well(runner, index_dir):
    result = invoke(runner, "search", "missli", "--index", index_dir)
    assert result.exit_code == 0
    assert "Forse cercavi: missili" in result.output
    result = invoke(runner, "search", "missili", "--index", index_dir)
    assert "1 risultato per «missili»" in result.output and "«missili»" in result.output


def test_batch(runner, index_dir):
    lines = "\n".join([
        json.dumps({"q": "missili"}),
        "non json",
        json.dumps({"q": "", "person": ["Giorgia Meloni"], "limit": 1}),
        json.dumps({"q": "x", "date_from": "ieri"}),
    ])
    result = invoke(runner, "search", "--batch", "-", "--index", index_dir, input=lines)
    out = [json.loads(line) for line in result.output.splitlines()]
    assert len(out) == 4
    assert out[0]["total"] == 1
    assert out[1]["error"]["code"] == "invalid_json" and out[1]["line"] == 2
    assert out[2]["total"] == 2 and len(out[2]["hits"]) == 1
    assert out[3]["error"]["code"] == "invalid_date"


def test_stats(runner, index_dir):
    data = json.loads(invoke(runner, "stats", "--index", index_dir, "--json").output)
    assert data["documents"] == 11 and data["size_bytes"] > 0
    assert "body" in data["fields"] and data["last_update"]


@pytest.mark.parametrize(
    "args",
    [
        ["search", "x", "--date-from", "ieri"],
        ["search", "x", "--sort", "caso"],
        ["search", "x", "--page", "0"],
        ["search", "x", "--limit", "10000"],
        ["search", "x", "--bogus"],
        ["stats", "--index", "/nonexistent/index"],
    ],
)
def test_errors_exit_1_with_one_line(args, index_dir):
    if "--index" not in args:
        args = [*args, "--index", str(index_dir)]
    proc = subprocess.run(
        [sys.executable, "-c", "from cerca.cli import main; main()", *args],
        capture_output=True, text=True,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("cerca: errore: ")
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_seeds_end_to_end(runner, tmp_path):
    invoke(runner, "index", SEEDS, "--index", tmp_path)
    data = json.loads(invoke(runner, "search", "missili", "--index", tmp_path, "--json").output)
    assert [h["id"] for h in data["hits"]] == ["002_3d3caf7afbdfbf2d"]


def test_extract_jsonl_resolves_relative_dates_against_the_line_date(runner):
    lines = "\n".join(json.dumps(r) for r in [
        {"id": "a", "date": "2025-09-04",
         "text": "Ieri Sergey Lavrov ha incontrato Kim Jong-un a Pyongyang."},
        {"id": "b", "text": "Ieri Sergey Lavrov ha incontrato Kim Jong-un a Pyongyang."},
        {"id": "c", "date": "4 settembre", "text": "Ieri."},
    ]) + "\n"
    out = [json.loads(line) for line in invoke(runner, "extract", "--jsonl", "-",
                                               input=lines).output.splitlines()]
    assert (out[0]["date"], out[0]["date_source"]) == ("2025-09-04", "given")
    assert [(d["text"], d["value"], d["granularity"]) for d in out[0]["dates"]] == [
        ("Ieri", "2025-09-03", "day")]
    assert out[1]["date_source"] == "none" and out[1]["dates"][0]["value"] is None
    assert out[2]["line"] == 3 and out[2]["error"]["code"] == "invalid_date"


def test_extract_json_resolves_against_the_article_date(runner, tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ndate: 2025-09-04\n---\nIeri Lavrov è arrivato. Lunedì prossimo riparte.\n", "utf-8")
    record = json.loads(invoke(runner, "extract", tmp_path / "a.md", "--json").output)
    assert (record["date"], record["date_source"]) == ("2025-09-04", "given")
    assert [d["value"] for d in record["dates"]] == ["2025-09-03", "2025-09-08"]


def test_search_json_and_option_carry_the_date_source(runner, tmp_path):
    years = ARTICLES.parent / "years"
    invoke(runner, "index", years, "--index", tmp_path)
    data = json.loads(invoke(runner, "search", "", "--index", tmp_path, "--json",
                             "--date-source", "inferred").output)
    assert [(h["id"], h["date_source"]) for h in data["hits"]] == [("anni-dedotta", "inferred")]
    result = invoke(runner, "search", "incidente", "--index", tmp_path)
    assert "2018-09-03 (dedotta dal testo)" in result.output
