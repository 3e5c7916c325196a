"""Which articles are copies of each other, and which tell the same event.

Every run groups the whole archive again from each article's cached
features (``features.py``), so stories depend only on the set of articles,
never on the order files were read, on ``--jobs`` or on the runs before.
Candidates come from datasketch's MinHash LSH (copies, close texts) and
from rare names shared (the same person, shop or street); each candidate
pair is then judged on its own, and the pairs kept are joined strongest
first, a story never growing past ``MAX_STORY`` articles. Nothing is
compared with everything: the cost grows with the archive, not its square.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from search.stories.features import NUM_PERM, SCHEME, SEED, Features

# A copy: most of the shorter text's word 3-shingles are in the longer one.
COPY_CONTAINMENT = 0.55
COPY_JACCARD = 0.3  # LSH threshold for copy candidates (an estimate)
MIN_SHINGLES = 15  # below this a text is too short to call anything a copy of it
MIN_WORDS = 15  # ... or to tell an event by its words
# Same event: close vocabulary, and rare names in common.
EVENT_LSH = 0.35
NAME_DF_MAX = 25  # a name in more articles than this says nothing of one event
MAX_STORY = 40
YEAR = 365


@dataclass(frozen=True)
class Pair:
    """Two articles (``a`` < ``b``) and how they are related."""

    a: str
    b: str
    relation: str  # "copy" | "same_event"
    score: float


def _estimate(x: np.ndarray, y: np.ndarray) -> float:
    """The Jaccard similarity of two sets from their MinHash values."""
    return float(np.count_nonzero(x == y)) / len(x)


def containment(a: Features, b: Features) -> float:
    """How much of the shorter text's shingles the other holds (estimated)."""
    j = _estimate(a.shingles, b.shingles)
    small = min(a.n_shingles, b.n_shingles)
    if not small:
        return 0.0
    return min(1.0, j * (a.n_shingles + b.n_shingles) / (1 + j) / small)


def judge(a: Features, b: Features, rare: Mapping[str, int], total: int) -> Pair | None:
    """Whether two articles are a copy, the same event, or neither; ``rare``
    gives the article count of each name rare enough to tell an event."""
    if min(a.n_shingles, b.n_shingles) >= MIN_SHINGLES:
        contained = containment(a, b)
        if contained >= COPY_CONTAINMENT:
            return Pair("", "", "copy", 1.0 + contained)
    if min(a.n_words, b.n_words) < MIN_WORDS:
        return None
    words = _estimate(a.words, b.words)
    shared = [n for n in set(a.names) & set(b.names) if n in rare]
    persons = [p for p in set(a.persons) & set(b.persons) if p in rare]
    weight = sum(math.log(total / rare[n]) for n in shared) / max(1.0, math.log(total))
    gap = abs(a.day - b.day) if a.day and b.day else None
    if gap is not None and gap > 2 * YEAR and not persons:
        return None
    if (words >= 0.5 or (persons and words >= 0.2) or (len(shared) >= 2 and words >= 0.25)
            or (shared and words >= 0.35)):
        return Pair("", "", "same_event", words + 0.1 * weight)
    return None


def candidates(items: Mapping[str, Features]) -> set[tuple[str, str]]:
    """Pairs worth judging: close by LSH, or sharing a rare name."""
    pairs: set[tuple[str, str]] = set()
    for field, threshold in (("shingles", COPY_JACCARD), ("words", EVENT_LSH)):
        lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        hashes = {key: LeanMinHash(seed=SEED, hashvalues=getattr(f, field), scheme=SCHEME)
                  for key, f in items.items() if getattr(f, "n_" + field)}
        with lsh.insertion_session() as session:
            for key, m in hashes.items():
                session.insert(key, m)
        for key, m in hashes.items():
            pairs.update((min(key, o), max(key, o)) for o in lsh.query(m) if o != key)
    for members in names_index(items).values():
        if len(members) <= NAME_DF_MAX:
            pairs.update(combinations(sorted(members), 2))
    return pairs


def names_index(items: Mapping[str, Features]) -> dict[str, list[str]]:
    index: dict[str, list[str]] = defaultdict(list)
    for key, f in items.items():
        for name in f.names:
            index[name].append(key)
    return index


def related_pairs(items: Mapping[str, Features]) -> list[Pair]:
    """Every pair judged a copy or the same event, strongest first."""
    rare = {n: len(m) for n, m in names_index(items).items() if 2 <= len(m) <= NAME_DF_MAX}
    total = max(2, len(items))
    found = []
    for a, b in candidates(items):
        pair = judge(items[a], items[b], rare, total)
        if pair is not None:
            found.append(Pair(a, b, pair.relation, round(pair.score, 6)))
    found.sort(key=lambda p: (p.relation != "copy", -p.score, p.a, p.b))
    return found


@dataclass
class Grouping:
    """Stories of two articles or more: story id -> [(article id, copy group)];
    articles of one copy group are copies of each other."""

    stories: dict[str, list[tuple[str, int]]]


def story_id(members: Iterable[str], days: Mapping[str, int]) -> str:
    """A story is named after its first article (by date, then id), so it
    keeps its name as later articles join it."""
    first = min(members, key=lambda m: (days.get(m) or 10**8, m))
    return hashlib.sha1(first.encode()).hexdigest()[:12]


def group(items: Mapping[str, Features]) -> Grouping:
    """The stories of an archive from its articles' features."""
    parent = {key: key for key in items}
    size = dict.fromkeys(items, 1)
    copy_parent = dict(parent)

    def root(table: dict[str, str], key: str) -> str:
        while table[key] != key:
            table[key] = table[table[key]]
            key = table[key]
        return key

    for pair in related_pairs(items):
        ra, rb = root(parent, pair.a), root(parent, pair.b)
        if ra != rb:
            if size[ra] + size[rb] > MAX_STORY:
                continue
            parent[ra] = rb
            size[rb] += size[ra]
        if pair.relation == "copy":
            copy_parent[root(copy_parent, pair.a)] = root(copy_parent, pair.b)
    members: dict[str, list[str]] = defaultdict(list)
    for key in items:
        members[root(parent, key)].append(key)
    days = {key: f.day for key, f in items.items()}
    stories: dict[str, list[tuple[str, int]]] = {}
    for group_members in members.values():
        if len(group_members) < 2:
            continue
        numbers: dict[str, int] = {}  # copy groups, numbered within the story
        entries = [(m, numbers.setdefault(root(copy_parent, m), len(numbers)))
                   for m in sorted(group_members)]
        stories[story_id(group_members, days)] = entries
    return Grouping(dict(sorted(stories.items())))
