"""The copy decision on real DICE pairs (tests/data/copy_rules/dice.jsonl,
see tests/data/SOURCE.txt), labelled in bench/stories_fresh2.jsonl: the two
guards of the copy tests, and an extended version they leave a copy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search.stories.features import features
from search.stories.grouping import (
    COPY_CONTAINMENT,
    _estimate,
    containment,
    copy_score,
    other_ages,
)

TEXTS = Path(__file__).resolve().parent / "data" / "copy_rules" / "dice.jsonl"


@pytest.fixture(scope="module")
def feats():
    docs = [json.loads(line) for line in TEXTS.read_text(encoding="utf-8").splitlines()]
    return {d["id"]: features(d["text"], [], [], [], None) for d in docs}


def _copy(feats, x: str, y: str) -> float | None:
    a, b = feats[f"dice-{x}"], feats[f"dice-{y}"]
    return copy_score(a, b, _estimate(a.words, b.words))


def test_a_follow_up_with_much_of_its_own_is_no_copy_however_much_it_shares(feats):
    # Nanetti's account, then the reactions reusing it: same event, not a copy.
    a, b = feats["dice-269014"], feats["dice-273297"]
    assert containment(a, b) >= COPY_CONTAINMENT
    assert _copy(feats, "269014", "273297") is None


def test_a_template_filled_in_for_people_of_other_ages_is_no_copy(feats):
    # Two drink-driving notes of one template: a 33-year-old and a 29-year-old.
    assert other_ages(feats["dice-4489271"], feats["dice-4823691"])
    assert _copy(feats, "4489271", "4823691") is None


def test_an_extended_version_stays_a_copy(feats):
    # The stolen chihuahua: one text is the other with more details.
    assert not other_ages(feats["dice-9407"], feats["dice-9409"])
    assert _copy(feats, "9407", "9409") is not None
