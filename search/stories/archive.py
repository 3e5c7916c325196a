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

import numpy as np
from datasketch import MinHashLSH

from search.stories.features import NUM_PERM, Features

CACHE = "stories.sqlite"
VERSION = 7  # a new number whenever features, bands or rules change: a new file
# Candidates: content-word similarity (estimated) worth a look; datasketch
# chooses the bands (37 of 3 hash values at 128 permutations).
CANDIDATE_LSH = 0.3
_LSH = MinHashLSH(threshold=CANDIDATE_LSH, num_perm=NUM_PERM)
BANDS: list[tuple[int, int]] = list(_LSH.hashranges)
ROWS = _LSH.r
# A band key shared by more articles than this is boilerplate (a footer, a
# template, a text of a few common words), like a common name: it finds no
# candidates, so an archive of near-identical texts is not compared all
# with all.
BUCKET_MAX = 100
CHUNK = 500  # the number of hashes in one SQL statement
ROWS_AT_ONCE = 100_000
# Features of about 2.5 KB an article: pages of 4 KB held one each.
PAGE = 16384


_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64)
_BAND = np.arange(len(BANDS), dtype=np.uint64) * np.uint64(0x27D4EB2F165667C5)


def band_keys(f: Features) -> list[int]:
    """The LSH band keys of an article's content-word signature, each
    band's hash values mixed into one 64-bit integer (a collision only adds
    a candidate, judged like any other)."""
    if not f.n_words:
        return []
    rows = f.words[:len(BANDS) * ROWS].astype(np.uint64).reshape(len(BANDS), ROWS)
    with np.errstate(over="ignore"):
        keys = (rows * _MIX[:ROWS]).sum(axis=1, dtype=np.uint64) ^ _BAND
    return keys.view(np.int64).tolist()


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
            CREATE TEMP TABLE probe_bands (key INTEGER, id INTEGER);
            CREATE TEMP TABLE probe_names (nid INTEGER, id INTEGER);
            CREATE TEMP TABLE rare (nid INTEGER PRIMARY KEY);
            CREATE TEMP TABLE crowded (key INTEGER PRIMARY KEY);
        """)
        self.db.execute(f"PRAGMA user_version = {VERSION}")

    def known(self) -> set[str]:
        with closing(self.db.execute("SELECT hash FROM articles")) as rows:
            return {h for (h,) in rows}

    def put(self, items: Mapping[str, Features]) -> None:
        """Store the features of new articles, with their bands and names; an
        article already stored (the same content hash) is only compared again."""
        db = self.db
        with db:
            known = self._ids(items)
            ids = []
            for digest, f in items.items():
                if digest in known:
                    continue
                cursor = db.execute("INSERT INTO articles VALUES (NULL,?,?,?,?,?)",
                                    (digest, f.day, f.n_words,
                                     f.words.astype("<u4").tobytes(), f.pack()))
                ids.append((cursor.lastrowid, f))
            db.executemany("INSERT OR IGNORE INTO names (name) VALUES (?)",
                           [(name,) for _, f in ids for name in f.names])
            db.executemany("INSERT OR IGNORE INTO bands VALUES (?,?)",
                           [(k, i) for i, f in ids for k in band_keys(f)])
            db.executemany("INSERT OR IGNORE INTO mentions SELECT nid, ? FROM names "
                           "WHERE name = ?", [(i, name) for i, f in ids for name in f.names])
            db.executemany("INSERT OR IGNORE INTO pending VALUES (?)",
                           [(i,) for i in [*known.values(), *(i for i, _ in ids)]])

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
        db = self.db
        with db:
            for chunk in _chunks(list(gone)):
                found = self.features(self._ids(chunk).values())
                db.executemany("DELETE FROM bands WHERE key = ? AND id = ?",
                               [(k, i) for i, f in found.items() for k in band_keys(f)])
                db.executemany("DELETE FROM mentions WHERE id = ? AND nid = "
                               "(SELECT nid FROM names WHERE name = ?)",
                               [(i, name) for i, f in found.items() for name in f.names])
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
        """Note the names in at most ``name_df_max`` articles and the band
        keys in more than ``BUCKET_MAX``, for ``candidates``."""
        with self.db:
            self.db.execute("DELETE FROM temp.rare")
            self.db.execute("DELETE FROM temp.crowded")
            self.db.execute("INSERT INTO temp.rare SELECT nid FROM mentions "
                            "GROUP BY nid HAVING COUNT(*) <= ?", (name_df_max,))
            self.db.execute("INSERT INTO temp.crowded SELECT key FROM bands "
                            "GROUP BY key HAVING COUNT(*) > ?", (BUCKET_MAX,))

    def candidates(self, ids: list[int]) -> np.ndarray:
        """Pairs of articles (ids, the smaller first), one of them in ``ids``:
        a shared LSH band key, not crowded, or a rare name in common
        (``count``). A pair of two pending articles comes with the first of
        them only."""
        db = self.db
        # Two pending articles are paired once, from the first of them.
        once = "(p.id < o.id OR o.id NOT IN (SELECT id FROM pending))"
        found = []
        for chunk in _chunks(ids):
            feats = self.features(chunk)
            with db:
                db.execute("DELETE FROM temp.probe_bands")
                db.execute("DELETE FROM temp.probe_names")
                db.executemany("INSERT INTO temp.probe_bands VALUES (?,?)",
                               [(k, i) for i, f in feats.items() for k in band_keys(f)])
                db.executemany("INSERT INTO temp.probe_names SELECT nid, ? FROM names "
                               "WHERE name = ?", [(i, n) for i, f in feats.items()
                                                  for n in f.names])
            query = f"""
                SELECT min(p.id, o.id), max(p.id, o.id) FROM temp.probe_bands p JOIN bands o
                    ON o.key = p.key AND o.id != p.id
                    WHERE {once} AND p.key NOT IN (SELECT key FROM temp.crowded)
                UNION
                SELECT min(p.id, o.id), max(p.id, o.id) FROM temp.probe_names p
                    JOIN temp.rare USING (nid)
                    JOIN mentions o ON o.nid = p.nid AND o.id != p.id
                    WHERE {once}"""
            with closing(db.execute(query)) as rows:  # a block at a time: no list of millions
                while block := rows.fetchmany(ROWS_AT_ONCE):
                    found.append(np.array(block, dtype=np.int64))
        return np.concatenate(found) if found else np.empty((0, 2), dtype=np.int64)

    def signatures(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The content-word signatures and sizes of the articles ``ids``
        (sorted, distinct), in their order."""
        words = np.empty((len(ids), NUM_PERM), dtype=np.uint32)
        n_words = np.empty(len(ids), dtype=np.int64)
        row = 0
        for chunk in _chunks(ids.tolist()):
            with closing(self.db.execute(
                    f"SELECT signature, n_words FROM articles WHERE id IN ({_marks(chunk)}) "
                    "ORDER BY id", chunk)) as rows:
                for signature, n in rows:
                    words[row], n_words[row] = np.frombuffer(signature, "<u4"), n
                    row += 1
        return words, n_words

    def hashes(self, ids: Iterable[int]) -> dict[int, str]:
        return dict(self._rows("SELECT id, hash FROM articles WHERE id IN ({})", sorted(ids)))

    def features(self, ids: Iterable[int]) -> dict[int, Features]:
        return {i: Features.unpack(*row) for i, *row in self._rows(
            "SELECT id, signature, n_words, day, packed FROM articles WHERE id IN ({})",
            sorted(ids))}

    def name_counts(self, names: Iterable[str]) -> dict[str, int]:
        """How many stored articles give each of ``names``."""
        return dict(self._rows("SELECT name, COUNT(*) FROM names JOIN mentions USING (nid) "
                               "WHERE name IN ({}) GROUP BY nid", sorted(set(names))))

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
