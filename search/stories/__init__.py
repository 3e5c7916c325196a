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

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from search.models import Article
from search.stories.archive import CACHE, StoryArchive
from search.stories.features import Features, features
from search.stories.grouping import NAME_DF_MAX, Grouping, group, judge
from search.stories.store import read_stories, story_file, write_stories

if TYPE_CHECKING:
    from search.index import Index

__all__ = ["StoryStep", "read_stories", "regroup"]

BATCH = 1000  # features stored at a time, so a run never holds them all
JUDGED = 500  # pending articles compared with the archive at a time


def regroup(archive: StoryArchive, live: Mapping[str, str]) -> Grouping:
    """Compare the archive's pending articles with every other, store the
    edges found, and group the archive ``live`` (id -> content hash)."""
    pending = archive.pending()
    total = archive.size()
    edges = []
    archive.count(NAME_DF_MAX)
    for start in range(0, len(pending), JUDGED):
        pairs = archive.candidates(pending[start:start + JUDGED])
        feats = archive.features(h for pair in pairs for h in pair)
        counts = archive.name_counts(n for f in feats.values() for n in f.names)
        rare = {n: c for n, c in counts.items() if 2 <= c <= NAME_DF_MAX}
        edges += [(p.a, p.b, p.relation, p.score) for p in judge(pairs, feats, rare, total)]
    archive.judged(edges)
    return group(live, archive.edges(), archive.days())


class StoryStep:
    """The story part of one indexing run on the index at ``index.path``."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.archive = StoryArchive(Path(index.path) / CACHE)
        self.batch: dict[str, Features] = {}  # content hash -> features, not yet stored
        self.stored: set[str] = set()

    def add(self, article: Article, digest: str) -> None:
        """An article written by this run, its entities found."""
        self.batch[digest] = features(article.text, article.persons, article.places,
                                      article.orgs, article.date)
        if len(self.batch) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        self.archive.put(self.batch)
        self.stored.update(self.batch)
        self.batch = {}

    def missing(self, generation: int) -> bool:
        return not story_file(self.index.path, generation).exists()

    def commit(self, live: Mapping[str, str], generation: int) -> None:
        """Group the archive ``live`` (id -> content hash) once this run is
        committed, and write it as ``generation``'s stories."""
        self._flush()
        digests = set(live.values())
        known = self.archive.known()
        self.archive.forget(known - digests)
        unknown = {i: d for i, d in sorted(live.items()) if d not in known}
        self._from_index(unknown)
        write_stories(self.index.path, generation, regroup(self.archive, live).stories)

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
                    self._flush()
        self._flush()

    def close(self) -> None:
        self.archive.close()
