"""The copy decision on real DICE pairs (tests/data/copy_rules/dice.jsonl,
see tests/data/SOURCE.txt), labelled in bench/stories_fresh2.jsonl: the two
guards of the copy tests (a text of its own, other ages, other figures), an
extended version they leave a copy, and the test of a shorter text with no
passage of its own (``own_run``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search.stories.features import features
from search.stories.grouping import (
    COPY_CONTAINMENT,
    OWN_RUN,
    SHORTER_IN_ORDER,
    SHORTER_SHINGLES,
    SHORTER_SHINGLES_NOTHING_OWN,
    _estimate,
    containment,
    copy_score,
    in_order,
    other_ages,
    other_figures,
    own_run,
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


def test_a_shortened_note_with_no_passage_of_its_own_is_a_copy(feats):
    # The R-Nord checks: one text is the other's note shortened and reworded,
    # too far from it for the other tests.
    a, b = feats["dice-2399182"], feats["dice-2401828"]
    assert SHORTER_SHINGLES_NOTHING_OWN <= containment(a, b) < COPY_CONTAINMENT
    assert in_order(a, b) < SHORTER_IN_ORDER * min(len(a.stems), len(b.stems))
    assert own_run(a, b) < OWN_RUN
    assert _copy(feats, "2399182", "2401828") is not None


def test_a_round_up_with_items_of_its_own_is_no_copy(feats):
    # A round-up leading with the other article shortened, then two other
    # thefts: as much of it is shared, but it has passages of its own.
    a, b = feats["dice-2072979"], feats["dice-2086433"]
    assert SHORTER_SHINGLES_NOTHING_OWN <= containment(a, b) < SHORTER_SHINGLES
    assert own_run(a, b) >= OWN_RUN
    assert _copy(feats, "2072979", "2086433") is None


def test_the_passage_of_its_own_does_not_hang_on_the_pair_order(feats):
    for x, y in (("2399182", "2401828"), ("2072979", "2086433"), ("9407", "9409")):
        a, b = feats[f"dice-{x}"], feats[f"dice-{y}"]
        assert own_run(a, b) == own_run(b, a)


def test_a_bulletin_filled_in_again_is_no_copy_however_much_it_shares(feats):
    # Two Policlinico Covid bulletins a week apart: the same words, other counts.
    a, b = feats["dice-4544409"], feats["dice-4571722"]
    assert containment(a, b) >= COPY_CONTAINMENT
    assert other_figures(a, b)
    assert _copy(feats, "4544409", "4571722") is None


def test_a_copy_with_a_few_figures_changed_stays_a_copy(feats):
    a, b = feats["dice-1744627"], feats["dice-1758110"]
    assert min(len(set(a.numbers)), len(set(b.numbers))) >= 6
    assert not other_figures(a, b)
    assert _copy(feats, "1744627", "1758110") is not None
