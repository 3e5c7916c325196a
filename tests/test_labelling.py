"""The labelling tools of issue 23: surfaces become the right offsets, and bad annotations fail."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))

from agreement import f1, facets  # noqa: E402
from label_tool import AnnotationError, parse_blocks, resolve  # noqa: E402

TEXT = ("CARPI. I carabinieri della Compagnia di Carpi hanno fermato Mario Rossi in via Mario "
        "Rossi. Rossi era noto al Tribunale di Modena; il Carpi ha vinto. Di Anna Bianchi")


def block(source: str):
    return parse_blocks("@ 1\n" + source)[0]


def test_surfaces_become_every_occurrence_longest_first():
    spans = resolve(block("dateline: CARPI\nLOC: CARPI; Carpi; via Mario Rossi\n"
                          "PER: Mario Rossi; Rossi\nORG: carabinieri; Compagnia di Carpi; "
                          "Tribunale di Modena\n"), TEXT)
    got = [(s["text"], s["label"]) for s in spans]
    assert got == [("CARPI", "LOC"), ("carabinieri", "ORG"), ("Compagnia di Carpi", "ORG"),
                   ("Mario Rossi", "PER"), ("via Mario Rossi", "LOC"), ("Rossi", "PER"),
                   ("Tribunale di Modena", "ORG"), ("Carpi", "LOC")]
    assert all(TEXT[s["start"]:s["end"]] == s["text"] for s in spans)


def test_an_occurrence_number_gives_one_surface_two_readings():
    spans = resolve(block("LOC: Carpi\nORG: Carpi#2\nO: Rossi#3\nPER: Rossi"), TEXT)
    carpi = [(s["start"], s["label"]) for s in spans if s["text"] == "Carpi"]
    assert [label for _, label in carpi] == ["LOC", "ORG"]
    assert [s["text"] for s in spans].count("Rossi") == 2  # 3 occurrences, the third left out


@pytest.mark.parametrize("source, message", [
    ("PER: Giulia", "does not occur"),
    ("ORG: Carpi#5", "only 2 occurrence"),
    ("LOC: via Mario Rossi#1\nPER: Mario Rossi#2", "overlaps"),
    ("LOC: via Mario Rossi\nPER: Mario Rossi#2", "crosses"),
    ("ORG: Compagnia di Carpi\nLOC: Carpi hanno", "crosses"),
    ("ORG: Tribunale di Modena\nLOC: Modena", "inside a longer span"),
    ("byline: Anna Rossi", "byline"),
])
def test_bad_annotations_fail_with_a_reason(source, message):
    with pytest.raises(AnnotationError, match=message):
        resolve(block(source), TEXT)


def test_facets_drop_streets_and_bylines_and_add_the_seat_town():
    spans = resolve(block("LOC: CARPI; via Mario Rossi; Carpi\nPER: Anna Bianchi\n"
                          "ORG: Tribunale di Modena; Compagnia di Carpi"), TEXT)
    record = {"id": "1", "entities": spans, "dateline": "CARPI", "byline": "Anna Bianchi"}
    other = {"id": "2", "entities": [{"start": 0, "end": 6, "text": "Modena", "label": "LOC"}],
             "dateline": "", "byline": ""}
    derived = facets([record, other])[0]
    assert derived["persons"] == []
    assert derived["places"] == ["CARPI", "Carpi", "Modena"]
    assert derived["orgs"] == ["Compagnia di Carpi", "Tribunale di Modena"]


def test_f1_counts_exact_spans_per_label():
    a = {"id": "1", "dateline": "", "byline": "", "entities": [
        {"start": 0, "end": 5, "label": "LOC"}, {"start": 9, "end": 20, "label": "ORG"}]}
    b = dict(a, entities=[{"start": 0, "end": 5, "label": "LOC"},
                          {"start": 9, "end": 21, "label": "ORG"}])
    scores = f1([a], [b])
    assert scores["LOC"][3] == 1.0 and scores["ORG"][3] == 0.0 and scores["all"][3] == 0.5
