"""One result per story: the collapse step over a search's ordered matches.

The order of the matches is the pipeline's; collapsing keeps, for each
story (or each text and its copies), its first article in that order and
hides the others under it. Pages are slices of that sequence, so page 2
starts where page 1 ended and a hit's story cannot change between them.
The stories are those of the searcher's generation (``stories-<gen>.json``),
read once per generation like the other columns.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh.searching import Searcher

from search.models import Story, StoryMember, iso
from search.stories.store import read_stories

Ordered = Callable[[int | None], list[tuple[int, float | None]]]


@dataclass(frozen=True)
class StoryColumns:
    """Each document's story and copy group, as numbers over docnums."""

    story: np.ndarray  # story number; an article alone has its own
    copy: np.ndarray  # copy group number, unique across stories
    names: dict[int, str]  # story number -> story id, for stories of two or more
    ids: list[str]
    members: np.ndarray  # docnums grouped by story number ...
    starts: np.ndarray  # ... story s is members[starts[s]:starts[s + 1]]

    def name(self, docnum: int) -> str:
        """The story id of ``docnum``."""
        number = int(self.story[docnum])
        if number in self.names:
            return self.names[number]
        return hashlib.sha1(self.ids[docnum].encode()).hexdigest()[:12]

    def of_story(self, docnum: int) -> np.ndarray:
        s = int(self.story[docnum])
        return self.members[self.starts[s]:self.starts[s + 1]]

    def find(self, story: str) -> np.ndarray | None:
        """The docnums of the story named ``story``, None if there is none."""
        for number, name in self.names.items():
            if name == story:
                return self.members[self.starts[number]:self.starts[number + 1]]
        for docnum, doc_id in enumerate(self.ids):
            if doc_id and hashlib.sha1(doc_id.encode()).hexdigest()[:12] == story \
                    and int(self.story[docnum]) not in self.names:
                return np.array([docnum])
        return None


def read_columns(searcher: Searcher, path: Path) -> StoryColumns:
    """The story columns of the searcher's generation."""
    reader = searcher.reader()
    ids = list(reader.column_reader("id")) if reader.doc_count_all() else []
    docnum = {doc_id: n for n, doc_id in enumerate(ids)}
    story = np.full(len(ids), -1, dtype=np.int64)
    copy = np.full(len(ids), -1, dtype=np.int64)
    names: dict[int, str] = {}
    for name, entries in read_stories(path, reader.generation()).items():
        found = [(docnum[m], c) for m, c in entries if m in docnum]
        if len(found) < 2:
            continue
        number = len(names)
        names[number] = name
        base = int(copy.max(initial=-1)) + 1
        for n, c in found:
            story[n], copy[n] = number, base + c
    alone = story < 0
    story[alone] = len(names) + np.arange(int(alone.sum()))
    copy[alone] = int(copy.max(initial=-1)) + 1 + np.arange(int(alone.sum()))
    members = np.argsort(story, kind="stable")
    starts = np.searchsorted(story[members], np.arange(len(ids) + 1))
    return StoryColumns(story, copy, names, ids, members, starts)


def key_of(columns: StoryColumns, collapse: str) -> np.ndarray | None:
    """What one result stands for; None: each article is its own result."""
    return {"story": columns.story, "copies": columns.copy}.get(collapse)


def count(key: np.ndarray | None, matched: np.ndarray) -> int:
    """How many results the matches make once collapsed."""
    if key is None:
        return int(matched.sum())
    return int(np.unique(key[matched]).size)


def first_of_each(ordered: Ordered, key: np.ndarray | None, total: int,
                  wanted: int | None) -> list[tuple[int, float | None]]:
    """The first ``wanted`` results (all if None): each group's first
    article in the pipeline's order. The order is asked for in growing
    prefixes until enough groups are seen."""
    if key is None:
        return ordered(wanted)
    limit = total if wanted is None else min(total, max(2 * wanted, 50))
    while True:
        seen: set[int] = set()
        first = []
        for docnum, score in ordered(limit):
            group = int(key[docnum])
            if group not in seen:
                seen.add(group)
                first.append((docnum, score))
                if wanted is not None and len(first) == wanted:
                    return first
        if limit >= total:
            return first
        limit = min(total, limit * 4)


def members_of(columns: StoryColumns, docnum: int, matched: np.ndarray | None,
               fields: Callable[[int], dict]) -> list[StoryMember]:
    """The other articles of ``docnum``'s story (those ``matched``, when
    given), by date then id, each a copy of it or related."""
    others = [int(m) for m in columns.of_story(docnum)
              if m != docnum and (matched is None or matched[m])]
    if not others:
        return []
    return _members(columns, others, lambda m: columns.copy[m] == columns.copy[docnum], fields)


def story_of(columns: StoryColumns, story: str, live: np.ndarray,
             fields: Callable[[int], dict]) -> Story | None:
    """Every live article of the story named ``story``, by date."""
    found = columns.find(story)
    if found is None:
        return None
    docs = [int(d) for d in found if live[d]]
    if not docs:
        return None
    sizes = np.bincount(columns.copy[docs] - columns.copy[docs].min())
    base = columns.copy[docs].min()
    return Story(story, _members(columns, docs, lambda m: sizes[columns.copy[m] - base] > 1,
                                 fields))


def _members(columns: StoryColumns, docs: list[int], is_copy: Callable[[int], bool],
             fields: Callable[[int], dict]) -> list[StoryMember]:
    entries = []
    for m in docs:
        stored = fields(m)
        entries.append(StoryMember(
            stored["id"], stored.get("title", ""), iso(stored.get("date")),
            stored.get("source", ""), "copy" if is_copy(m) else "related",
            int(columns.copy[m])))
    entries.sort(key=lambda e: (e.date or "9999", e.id))
    groups: dict[int, int] = {}
    for e in entries:  # copy groups numbered by their first article's date
        e.group = groups.setdefault(e.group, len(groups))
    return entries
