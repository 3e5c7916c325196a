"""Stories: one news told once.

Two relations between articles, found at index time: copies (the same
text reposted, lightly edited, shortened or extended) and the same event
(different texts about one incident, its follow-ups included). Each
article belongs to one story; the search collapses a story to its best
hit (``search.query.collapse``). ``StoryStep`` is the indexing run's part:
it gathers the features of the articles it writes and, just before the
commit, groups the whole archive and writes the stories of the
generation being committed (``store.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from search.models import Article
from search.stories.features import Features, features
from search.stories.grouping import group
from search.stories.store import FeatureCache, read_stories, story_file, write_stories

if TYPE_CHECKING:
    from search.index import Index

__all__ = ["StoryStep", "read_stories"]


class StoryStep:
    """The story part of one indexing run on the index at ``index.path``."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.cache = FeatureCache(index.path)
        self.fresh: dict[str, Features] = {}  # content hash -> features

    def add(self, article: Article, digest: str) -> None:
        """An article written by this run, its entities found."""
        self.fresh[digest] = features(article.text, article.persons, article.places,
                                      article.orgs, article.date)

    def missing(self, generation: int) -> bool:
        return not story_file(self.index.path, generation).exists()

    def commit(self, live: Mapping[str, str], generation: int) -> None:
        """Group the archive ``live`` (id -> content hash) once this run is
        committed, and write it as ``generation``'s stories."""
        known = self.cache.get(d for d in set(live.values()) if d not in self.fresh)
        known.update(self.fresh)
        unknown = {i: d for i, d in live.items() if d not in known}
        if unknown:
            known.update(self._from_index(unknown))
        computed = set(self.fresh) | set(unknown.values())
        self.cache.put({d: f for d, f in known.items() if d in computed})
        self.cache.keep(set(live.values()))
        write_stories(self.index.path, generation,
                      group({i: known[d] for i, d in live.items()}).stories)

    def _from_index(self, ids: Mapping[str, str]) -> dict[str, Features]:
        """Features of indexed articles not in the cache (an index from
        before stories), read from their stored fields."""
        found: dict[str, Features] = {}
        with self.index.searcher() as searcher:
            for doc_id, digest in ids.items():
                fields = searcher.document(id=doc_id)
                if fields is None:
                    continue
                date = fields.get("date")
                found[digest] = features(fields.get("body", ""), fields.get("persons") or [],
                                         fields.get("places") or [], fields.get("orgs") or [],
                                         date.date() if date else None)
        return found

    def close(self) -> None:
        self.cache.close()
