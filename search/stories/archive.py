"""What the story step keeps between runs, in ``stories.sqlite`` beside the index.

By content hash: each article's features, the LSH band keys of its
content-word signature, its names, and the pairs already judged related
(the edges). A run adds only its new and changed articles, asks the
stored bands and names for their candidates, judges those pairs, and
regroups every story from the stored edges: its cost follows the articles
it brings, and no run holds the whole archive's features in memory.

Compact, as it lives beside the index: an article's content hash is
stored once and every other table refers to it by a small integer; a name
is stored once too; the features are one blob
(``Features.pack``) beside the signature, the only part a candidate needs
before its pair is worth judging. Band keys and name postings have no
second index: an article's own keys and names are computed again from its
features when it is looked up or forgotten.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing
from pathlib import Path
from typing import cast

import numpy as np

from search.stories.features import NUM_PERM, Features

CACHE = "stories.sqlite"
VERSION = 7  # a new number whenever features, bands or rules change: a new file
# Candidates: content-word similarity (estimated) worth a look. The bands,
# 37 of 3 hash values at 128 permutations, are the ones datasketch's
# MinHashLSH chooses for this threshold (a test checks it); written out,
# as building one costs a numeric integration in every process.
CANDIDATE_LSH = 0.3
ROWS = 3
BANDS: list[tuple[int, int]] = [(start, start + ROWS) for start in range(0, 37 * ROWS, ROWS)]
# A band key shared by more articles than this is boilerplate (a footer, a
# template, a text of a few common words), like a common name: it finds no
# candidates, so an archive of near-identical texts is not compared all
# with all.
BUCKET_MAX = 100
CHUNK = 500  # the number of hashes in one SQL statement
# Features of about 2.5 KB an article: pages of 4 KB held one each.
PAGE = 16384


_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64)
_BAND = np.arange(len(BANDS), dtype=np.uint64) * np.uint64(0x27D4EB2F165667C5)


def postings(feats: Mapping[int, Features]) -> tuple[np.ndarray, np.ndarray]:
    """The LSH band keys of the articles ``feats`` (id -> features), each
    beside its article's id; an article without content words has none."""
    signed = [i for i, f in feats.items() if f.n_words]
    if not signed:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    keys = bands(np.stack([feats[i].words for i in signed]))
    return keys.ravel(), np.repeat(np.array(signed, dtype=np.int64), len(BANDS))


def _rows_of(feats: Mapping[int, Features]) -> tuple[list[tuple[int, int]], list[tuple[int, str]]]:
    """What the articles ``feats`` hold in the bands and mentions tables:
    (band key, id) and (id, name) rows, stored and deleted alike."""
    keys, owners = postings(feats)
    return (list(zip(keys.tolist(), owners.tolist(), strict=True)),
            [(i, name) for i, f in feats.items() for name in f.names])


def bands(signatures: np.ndarray) -> np.ndarray:
    """The LSH band keys of each of ``signatures`` (one a row), each band's
    hash values mixed into one 64-bit integer (a collision only adds a
    candidate, judged like any other)."""
    rows = signatures[:, :len(BANDS) * ROWS].astype(np.uint64).reshape(-1, len(BANDS), ROWS)
    with np.errstate(over="ignore"):
        keys = (rows * _MIX[:ROWS]).sum(axis=2, dtype=np.uint64) ^ _BAND
    return keys.view(np.int64)


def _pairs(probe_keys: np.ndarray, probe_ids: np.ndarray, keys: np.ndarray,
           ids: np.ndarray) -> np.ndarray:
    """(probe id, id) for each probe and each row of ``keys`` and ``ids``
    (sorted by key) holding the probe's key: the join, in numpy."""
    start = np.searchsorted(keys, probe_keys, "left")
    n = np.searchsorted(keys, probe_keys, "right") - start
    # Each probe's rows, start to start + n, one after the other.
    rows = np.arange(int(n.sum())) + np.repeat(start - (np.cumsum(n) - n), n)
    return np.stack([np.repeat(probe_ids, n), ids[rows]], axis=1)


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _marks(chunk: list) -> str:
    return ",".join("?" * len(chunk))


class StoryArchive:
    """The stored features, candidates and edges of one index's articles."""

    def __init__(self, path) -> None:
        self.db = _open(Path(path))
        self.db.executescript("""
            CREATE TABLE IF NOT EXISTS articles (id INTEGER PRIMARY KEY, hash TEXT UNIQUE,
                day INTEGER, n_words INTEGER, signature BLOB, packed BLOB);
            CREATE TABLE IF NOT EXISTS bands (key INTEGER, id INTEGER,
                PRIMARY KEY (key, id)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS names (nid INTEGER PRIMARY KEY, name TEXT UNIQUE);
            CREATE TABLE IF NOT EXISTS mentions (nid INTEGER, id INTEGER,
                PRIMARY KEY (nid, id)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS edges (a INTEGER, b INTEGER, relation TEXT, score REAL,
                PRIMARY KEY (a, b)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS edges_b ON edges (b);
            CREATE TABLE IF NOT EXISTS pending (id INTEGER PRIMARY KEY);
            CREATE TEMP TABLE rare (nid INTEGER PRIMARY KEY, n INTEGER);
        """)
        self.db.execute(f"PRAGMA user_version = {VERSION}")
        # What finds candidates (``count``): shared band keys, pending articles.
        self._shared = self._pending = np.empty(0, dtype=np.int64)

    def known(self) -> set[str]:
        with closing(self.db.execute("SELECT hash FROM articles")) as rows:
            return {h for (h,) in rows}

    def put(self, items: Mapping[str, Features]) -> None:
        """Store the features of new articles, with their bands and names; an
        article already stored (the same content hash) is only compared again."""
        db = self.db
        with db:
            known = self._ids(items)
            ids: dict[int, Features] = {}
            for digest, f in items.items():
                if digest in known:
                    continue
                cursor = db.execute("INSERT INTO articles VALUES (NULL,?,?,?,?,?)",
                                    (digest, f.day, f.n_words,
                                     f.words.astype("<u4").tobytes(), f.pack()))
                ids[cast(int, cursor.lastrowid)] = f  # an INSERT's rowid
            db.executemany("INSERT OR IGNORE INTO names (name) VALUES (?)",
                           [(name,) for f in ids.values() for name in f.names])
            band_rows, mention_rows = _rows_of(ids)
            db.executemany("INSERT OR IGNORE INTO bands VALUES (?,?)", band_rows)
            db.executemany("INSERT OR IGNORE INTO mentions SELECT nid, ? FROM names "
                           "WHERE name = ?", mention_rows)
            db.executemany("INSERT OR IGNORE INTO pending VALUES (?)",
                           [(i,) for i in [*known.values(), *ids]])

    def _ids(self, hashes: Iterable[str]) -> dict[str, int]:
        """The stored ones of ``hashes``, with their ids."""
        return dict(self._rows("SELECT hash, id FROM articles WHERE hash IN ({})", list(hashes)))

    def _rows(self, query: str, keys: list) -> Iterator[tuple]:
        """The rows of ``query`` for ``keys`` (its ``{}`` their marks), a chunk at a time."""
        for chunk in _chunks(keys):
            with closing(self.db.execute(query.format(_marks(chunk)), chunk)) as rows:
                yield from rows

    def forget(self, gone: Iterable[str]) -> None:
        """Drop articles no longer in the index, and every edge they had."""
        gone = list(gone)
        if not gone:
            return  # no names left unmentioned to look for
        db = self.db
        with db:
            for chunk in _chunks(gone):
                found = self.features(self._ids(chunk).values())
                band_rows, mention_rows = _rows_of(found)
                db.executemany("DELETE FROM bands WHERE key = ? AND id = ?", band_rows)
                db.executemany("DELETE FROM mentions WHERE id = ? AND nid = "
                               "(SELECT nid FROM names WHERE name = ?)", mention_rows)
                ids = list(found)
                for table, column in (("articles", "id"), ("pending", "id"), ("edges", "a"),
                                      ("edges", "b")):
                    db.execute(f"DELETE FROM {table} WHERE {column} IN ({_marks(ids)})", ids)
            db.execute("DELETE FROM names WHERE nid NOT IN (SELECT nid FROM mentions)")

    def pending(self) -> list[int]:
        """The articles stored but not yet compared with the others (this
        run's, or those of a run that failed before its commit), by hash."""
        with closing(self.db.execute(
                "SELECT id FROM pending JOIN articles USING (id) ORDER BY hash")) as rows:
            return [i for (i,) in rows]

    def judged(self, edges: Iterable[tuple[str, str, str, float]]) -> None:
        """Store the edges found for the pending articles; none is pending now."""
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO edges SELECT x.id, y.id, ?, ? FROM articles x, articles y "
                "WHERE x.hash = ? AND y.hash = ?",
                [(relation, score, a, b)
                 for a, b, relation, score in edges])
            self.db.execute("DELETE FROM pending")

    def count(self, name_df_max: int) -> None:
        """Note what can find candidates (``candidates``): the names in 2 to
        ``name_df_max`` articles, with their counts, and the band keys of 2
        to ``BUCKET_MAX`` articles (a key or name of one article finds
        none), and which articles are pending."""
        with self.db:
            self.db.execute("DELETE FROM temp.rare")
            self.db.execute("INSERT INTO temp.rare SELECT nid, COUNT(*) FROM mentions "
                            "GROUP BY nid HAVING COUNT(*) BETWEEN 2 AND ?", (name_df_max,))
        self._shared = self._column("SELECT key FROM bands GROUP BY key "
                                    "HAVING COUNT(*) BETWEEN 2 AND ?", (BUCKET_MAX,))
        self._pending = self._column("SELECT id FROM pending", ())

    def _column(self, query: str, args: tuple) -> np.ndarray:
        """The one column of ``query``'s rows, sorted."""
        with closing(self.db.execute(query, args)) as rows:
            return np.sort(np.fromiter((value for (value,) in rows), dtype=np.int64))

    def candidates(self, ids: list[int]) -> np.ndarray:
        """Distinct pairs of articles (ids, the smaller first), one of them in
        ``ids``: an LSH band key or a rare name in common (``count``). A pair
        of two pending articles comes with the first of them only. The
        stored postings of the keys and names of ``ids`` are read, and
        joined here (a join in SQL cost a row lookup for each of the many
        keys no other article has)."""
        feats = self.features(ids)
        keys, probes = postings(feats)
        shared = np.isin(keys, self._shared)
        found = [self._join("SELECT key, id FROM bands WHERE key IN ({})", keys[shared],
                            probes[shared])]
        nids = dict(self._rows("SELECT name, nid FROM names JOIN temp.rare USING (nid) "
                               "WHERE name IN ({})", sorted({n for f in feats.values()
                                                             for n in f.names})))
        named = [(nids[n], i) for i, f in feats.items() for n in f.names if n in nids]
        found.append(self._join("SELECT nid, id FROM mentions WHERE nid IN ({})",
                                np.array([n for n, _ in named], dtype=np.int64),
                                np.array([i for _, i in named], dtype=np.int64)))
        pairs = np.concatenate(found)
        probe, other = pairs.T
        # Two pending articles are paired once, from the first of them.
        keep = (probe != other) & ((probe < other) | ~np.isin(other, self._pending))
        pairs = np.sort(pairs[keep], axis=1)
        pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
        first = np.ones(len(pairs), dtype=bool)  # of each run of equal pairs
        first[1:] = (pairs[1:] != pairs[:-1]).any(axis=1)
        return pairs[first]

    def _join(self, query: str, keys: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """(id, other id) for each of ``keys``, ``ids`` and each stored row
        of ``query`` (key, other id) with that key."""
        rows = np.array(list(self._rows(query, np.unique(keys).tolist())),
                        dtype=np.int64).reshape(-1, 2)
        rows = rows[np.argsort(rows[:, 0], kind="stable")]
        return _pairs(keys, ids, rows[:, 0], rows[:, 1])

    def signatures(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The content-word signatures and sizes of the articles ``ids``
        (sorted, distinct), in their order."""
        rows = list(self._rows("SELECT id, signature, n_words FROM articles WHERE id IN ({})",
                               ids.tolist()))
        rows.sort()
        words = np.frombuffer(b"".join(s for _, s, _ in rows), "<u4").reshape(-1, NUM_PERM)
        return words, np.array([n for _, _, n in rows], dtype=np.int64)

    def hashes(self, ids: Iterable[int]) -> dict[int, str]:
        return dict(self._rows("SELECT id, hash FROM articles WHERE id IN ({})", sorted(ids)))

    def features(self, ids: Iterable[int]) -> dict[int, Features]:
        return {i: Features.unpack(*row) for i, *row in self._rows(
            "SELECT id, signature, n_words, day, packed FROM articles WHERE id IN ({})",
            sorted(ids))}

    def rare(self, names: Iterable[str]) -> dict[str, int]:
        """The article count of each of ``names`` given by 2 to ``name_df_max``
        articles (``count``)."""
        return dict(self._rows("SELECT name, n FROM names JOIN temp.rare USING (nid) "
                               "WHERE name IN ({})", sorted(set(names))))

    def size(self) -> int:
        with closing(self.db.execute("SELECT COUNT(*) FROM articles")) as rows:
            return int(rows.fetchone()[0])

    def edges(self) -> list[tuple[str, str, str, float]]:
        """Every stored edge, copies first, strongest first, then by hash:
        the order stories are joined in, the same whatever the runs before."""
        with closing(self.db.execute(
                "SELECT x.hash, y.hash, relation, score FROM edges "
                "JOIN articles x ON x.id = a JOIN articles y ON y.id = b")) as rows:
            found = [(a, b, relation, score) for a, b, relation, score in rows]
        return sorted(found, key=lambda e: (e[2] != "copy", -e[3], e[0], e[1]))

    def days(self) -> dict[str, int]:
        with closing(self.db.execute("SELECT hash, day FROM articles")) as rows:
            return {h: day for h, day in rows}

    def close(self) -> None:
        self.db.close()


def _open(path: Path) -> sqlite3.Connection:
    """The archive at ``path``; one of another version (or of the tables
    before versions were numbered) is deleted first: it is only a cache,
    and a run fills it again from the index."""
    db = sqlite3.connect(path)
    with closing(db.execute("PRAGMA user_version")) as rows:
        version = rows.fetchone()[0]
    with closing(db.execute("SELECT COUNT(*) FROM sqlite_schema")) as rows:
        empty = not rows.fetchone()[0]
    if version == VERSION or empty:
        if empty:
            db.execute(f"PRAGMA page_size = {PAGE}")
        return db
    db.close()
    path.unlink()
    return _open(path)
