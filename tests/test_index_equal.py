"""The index the indexer writes today equals the one written before the
indexing package (commit ba2670b): every stored field and every term of
every field, facets included, on the DICE sample, with and without
entities and with two processes. ``tests/index_dump.py`` made the
reference and explains how to make it again. The entity builds were
remade (``index_dump._build_all``) when issue 23 removed three naming
rules on purpose (lone first names, initials, names ending in an
organisation): their facets changed, nothing else did. They were remade
again for the v1.2 NER model (trained on KIND and DICE labels): facets and
the content hash (it covers the model version) changed, nothing else did;
with it the countries family came back (a country is a place). Remade
again for CANON_VERSION 9: only the content hash changed. Remade for
CANON_VERSION 10: a name ending in an initial keeps the initial's dot
("M. P.", not "M. P"), as the text writes it."""

from __future__ import annotations

import json
from pathlib import Path

import index_dump
import pytest

REFERENCE = Path(__file__).parent / "data" / "dice" / "reference.json"


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads(REFERENCE.read_text("utf-8"))


@pytest.mark.parametrize(("name", "entities", "jobs"), index_dump.BUILDS,
                         ids=[b[0] for b in index_dump.BUILDS])
def test_the_index_equals_the_one_built_before(reference, tmp_path, name, entities, jobs):
    index_dump.build(tmp_path / name, entities, jobs)
    built = index_dump.dump(tmp_path / name)
    expected = reference[name]
    assert built["documents"].keys() == expected["documents"].keys()
    for doc_id, fields in expected["documents"].items():
        assert built["documents"][doc_id] == fields, doc_id
    # Fields added since, each tested where it is used: the spellings and
    # types of entities (test_entity.py).
    added = set(built["terms"]) - set(expected["terms"])
    assert added <= {"spellings", "votes"} and (added or not entities)
    assert {name: built["terms"][name] for name in expected["terms"]} == expected["terms"]
