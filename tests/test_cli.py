"""The cerca command's contract: shapes, exit codes, one-line errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from cerca.cli import cli
from tests.conftest import ARTICLES, SEEDS, make_index

HIT_KEYS = {"id", "title", "date", "source", "url", "score", "snippet", "persons", "places",
            "orgs", "author"}


@pytest.fixture
def runner():
    return CliRunner()


def invoke(runner, *args, input=None):
    return runner.invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


def test_index_reports_and_second_run_says_nothing_changed(runner, tmp_path):
    first = invoke(runner, "index", ARTICLES, "--index", tmp_path)
    assert first.exit_code == 0
    assert "aggiunti: 11" in first.output
    # The folder is quoted as a path, not read as a name ("Indice index").
    assert f"Aggiornato l'indice in {tmp_path}/: 11 articoli" in first.output
    second = invoke(runner, "index", ARTICLES, "--index", tmp_path)
    assert "Nessuna modifica" in second.output and "invariati: 11" in second.output
    assert f"l'indice in {tmp_path}/ è già aggiornato" in second.output


def test_index_lists_each_skip_with_its_reason(runner, tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "vuoto.txt").write_text("")
    result = invoke(runner, "index", tmp_path / "src", "--index", tmp_path / "ix")
    assert "saltati: 1" in result.output and "vuoto.txt: file vuoto" in result.output


def test_search_json_contract(runner, index_dir):
    result = invoke(runner, "search", "missili", "--index", index_dir, "--json")
    data = json.loads(result.output)
    assert set(data) == {"query", "total", "results", "collapse", "others", "others_listed",
                         "page", "page_size", "hits",
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


def test_batch_refuses_an_unknown_key_like_the_api(runner, index_dir):
    lines = json.dumps({"q": "energia", "persona": "Giorgia Meloni"}) + "\n"
    result = invoke(runner, "search", "--batch", "-", "--index", index_dir, input=lines)
    error = json.loads(result.output)["error"]
    assert error["code"] == "unknown_parameter" and "«persona»" in error["message"]
    assert "person" in error["valid"]


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


def test_search_shows_the_author_of_a_hit(runner, index_dir):
    data = json.loads(invoke(runner, "search", "metropolitana", "--index", index_dir,
                             "--json").output)
    assert [(h["id"], h["author"]) for h in data["hits"]] == [("roma-metro", "Giulia Bianchi")]
    text = invoke(runner, "search", "metropolitana", "--index", index_dir).output
    assert "Giulia Bianchi" in text


def test_search_prints_every_date_bucket_and_counts_the_values_left_out(runner, tmp_path):
    """13 periods, the latest years and the undated last: all printed (the
    first 8 used to hide them); 12 places: 8 shown and "e altri 4"."""
    records = [{"id": f"y{year}", "date": f"{year}-05-01", "text": f"Notizia del {year}.",
                "persons": [], "places": [f"Luogo{year}"], "orgs": []}
               for year in range(2010, 2022)]
    records.append({"id": "undated", "text": "Notizia senza data.", "persons": [],
                    "places": [], "orgs": []})
    make_index(tmp_path, records).close()
    output = invoke(runner, "search", "", "--index", tmp_path / "ix").output
    dates = next(line for line in output.splitlines() if line.startswith("Data:"))
    assert dates == "Data: " + ", ".join(
        [f"{year} (1)" for year in range(2010, 2022)] + ["senza data (1)"])
    places = next(line for line in output.splitlines() if line.startswith("Luoghi:"))
    assert places.count("(1)") == 8 and places.endswith(" e altri 4")


def test_index_progress_shows_the_saving_phase_and_an_honest_eta(tmp_path):
    """A real run, without entities, long enough to measure (some seconds of
    work): the ETA printed at 20% is within 2x of the time its phase really
    took from there to 100%, and after 100% the saving of the index is a
    phase of its own, with its own line and duration, not silence."""
    from tests.test_faults import CERCA, corpus

    source = corpus(tmp_path, 3000)
    proc = subprocess.Popen([*CERCA, "index", str(source), "--index", str(tmp_path / "ix"),
                             "--no-entities", "--jobs", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    with proc.stderr:
        lines = [(time.monotonic(), line.rstrip("\n")) for line in proc.stderr]
    assert proc.wait(timeout=60) == 0
    text = "\n".join(line for _, line in lines)
    counted = [(when, int(m[1]), m[2]) for when, line in lines
               if (m := re.match(r"indicizzati (\d+)/3000 \(.*?(?:ancora (\d+:\d\d))?\)$",
                                 line))]
    assert [n for _, n, _ in counted] == list(range(300, 3001, 300)), text
    when, _, eta = next(c for c in counted if c[1] >= 600 and c[2])
    minutes, seconds = map(int, eta.split(":"))
    promised, real = minutes * 60 + seconds, counted[-1][0] - when
    assert promised / 2 <= real <= promised * 2, (promised, real, text)
    after = [line for _, line in lines][[n for _, n, _ in counted].index(3000) + 1:]
    assert after[0] == "salvataggio dell'indice (scrittura e unione dei segmenti)…", text
    assert re.fullmatch(r"salvataggio dell'indice \(scrittura e unione dei segmenti\): "
                        r"\d+\.\d s", after[1]), text
