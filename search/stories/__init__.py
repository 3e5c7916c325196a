"""Stories: one news told once.

Two relations between articles, found at index time: copies (the same
text reposted, lightly edited, shortened or extended) and the same event
(different texts about one incident, its follow-ups included). Each
article belongs to one story; the search collapses a story to its best
hit (``search.query.collapse``). ``StoryStep`` is the indexing run's part:
it stores the features of the articles it writes and, just before the
commit, compares only them with the archive (``archive.py``), regroups
every story from the stored edges and writes the stories of the
generation being committed (``store.py``).
"""

from __future__ import annotations

import pickle
import sqlite3
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING

import numpy as np

from search.models import Article
from search.sqlite_disk import disk_errors
from search.stories.archive import CACHE, StoryArchive
from search.stories.features import Features, features
from search.stories.grouping import NAME_DF_MAX, Grouping, group, judge, worth_judging
from search.stories.store import read_stories, story_file, write_stories

if TYPE_CHECKING:
    from search.index import Index

__all__ = ["StoryStep", "read_stories", "regroup"]

BATCH = 1000  # features spilled and stored at a time, so a run never holds them all
# Pending articles compared with the archive at a time: 1000 did a fifth
# less work than 500 on DICE, and 2000 no less again, for more memory (the
# candidates of a batch are joined in memory).
JUDGED = 1000


def regroup(archive: StoryArchive, live: Mapping[str, str]) -> Grouping:
    """Compare the archive's pending articles with every other, store the
    edges found, and group the archive ``live`` (id -> content hash)."""
    pending = archive.pending()
    total = archive.size()
    edges = []
    archive.count(NAME_DF_MAX)
    for start in range(0, len(pending), JUDGED):
        pairs = archive.candidates(pending[start:start + JUDGED])
        # Most candidates are told apart by their signatures alone.
        ids, index = np.unique(pairs, return_inverse=True)
        pairs = pairs[worth_judging(*archive.signatures(ids), index.reshape(-1, 2))]
        feats = archive.features(np.unique(pairs).tolist())
        hashes = archive.hashes(feats)
        rare = archive.rare(n for f in feats.values() for n in f.names)
        by_hash = {hashes[i]: f for i, f in feats.items()}
        named = sorted((min(hashes[a], hashes[b]), max(hashes[a], hashes[b]))
                       for a, b in pairs.tolist())
        edges += [(p.a, p.b, p.relation, p.score) for p in judge(named, by_hash, rare, total)]
    archive.judged(edges)
    return group(live, archive.edges(), archive.days())


class StoryStep:
    """The story part of one indexing run on the index at ``index.path``."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self._archive: StoryArchive | None = None  # opened at the commit
        self.batch: dict[str, Features] = {}  # content hash -> features, not yet spilled
        # The run's features wait outside the index folder until the commit,
        # so a failed run (a full disk) leaves nothing of them behind.
        self.spill: IO[bytes] = tempfile.TemporaryFile()

    @property
    def archive(self) -> StoryArchive:
        if self._archive is None:
            with disk_errors():
                self._archive = StoryArchive(Path(self.index.path) / CACHE)
        return self._archive

    def add(self, article: Article, digest: str) -> None:
        """An article written by this run, its entities found."""
        self.batch[digest] = features(article.text, article.persons, article.places,
                                      article.orgs, article.date)
        if len(self.batch) >= BATCH:
            self._spill()

    def _spill(self) -> None:
        if self.batch:
            pickle.dump(self.batch, self.spill, pickle.HIGHEST_PROTOCOL)
        self.batch = {}

    def _store(self) -> None:
        """Move the spilled features into the archive, a batch at a time."""
        self._spill()
        self.spill.seek(0)
        while True:
            try:
                rows = pickle.load(self.spill)
            except EOFError:
                break
            self.archive.put(rows)
        self.spill.seek(0)
        self.spill.truncate()

    def missing(self, generation: int) -> bool:
        return not story_file(self.index.path, generation).exists()

    def commit(self, live: Mapping[str, str], generation: int) -> None:
        """Group the archive ``live`` (id -> content hash) once this run is
        committed, and write it as ``generation``'s stories."""
        with disk_errors():
            self._store()
            known = self.archive.known()
            self.archive.forget(known - set(live.values()))
            self._from_index({i: d for i, d in sorted(live.items()) if d not in known})
            grouping = regroup(self.archive, live)
        write_stories(self.index.path, generation, grouping.stories)

    def _from_index(self, ids: Mapping[str, str]) -> None:
        """Store the features of indexed articles the archive lacks (an
        index from before stories), read from their stored fields."""
        with self.index.searcher() as searcher:
            for doc_id, digest in ids.items():
                fields = searcher.document(id=doc_id)
                if fields is None or digest in self.batch:
                    continue
                date = fields.get("date")
                self.batch[digest] = features(fields.get("body", ""), fields.get("persons") or [],
                                              fields.get("places") or [], fields.get("orgs") or [],
                                              date.date() if date else None)
                if len(self.batch) >= BATCH:
                    self._spill()
        self._store()

    def close(self) -> None:
        """Close the archive; after a failed run (a full disk) that must not
        raise over the run's own error."""
        self.spill.close()
        if self._archive is not None:
            try:
                self._archive.close()
            except sqlite3.Error:
                pass
