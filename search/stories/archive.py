"""What the story step keeps between runs, in ``stories.sqlite`` beside the index.

By content hash: each article's features, the LSH band keys of its
content-word signature, its names, and the pairs already judged related
(the edges). A run adds only its new and changed articles, asks the
stored bands and names for their candidates, judges those pairs, and
regroups every story from the stored edges: its cost follows the articles
it brings, and no run holds the whole archive's features in memory.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing

import numpy as np
from datasketch import MinHashLSH

from search.stories.features import NUM_PERM, Features

CACHE = "stories.sqlite"
VERSION = "v6"  # a new suffix whenever features, bands or rules change
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


class StoryArchive:
    """The stored features, candidates and edges of one index's articles."""

    def __init__(self, path) -> None:
        self.db = sqlite3.connect(path)
        v = VERSION
        self.db.executescript(f"""
            CREATE TABLE IF NOT EXISTS features_{v} (hash TEXT PRIMARY KEY, shingles BLOB,
                stems BLOB, words BLOB, n_words INTEGER, names TEXT, persons TEXT,
                day INTEGER, numbers TEXT);
            CREATE TABLE IF NOT EXISTS bands_{v} (key INTEGER, hash TEXT,
                PRIMARY KEY (key, hash)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS bands_hash_{v} ON bands_{v} (hash);
            CREATE TABLE IF NOT EXISTS names_{v} (name TEXT, hash TEXT,
                PRIMARY KEY (name, hash)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS names_hash_{v} ON names_{v} (hash);
            CREATE TABLE IF NOT EXISTS edges_{v} (a TEXT, b TEXT, relation TEXT, score REAL,
                PRIMARY KEY (a, b)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS edges_b_{v} ON edges_{v} (b);
            CREATE TABLE IF NOT EXISTS pending_{v} (hash TEXT PRIMARY KEY);
        """)
        self.v = v

    def known(self) -> set[str]:
        with closing(self.db.execute(f"SELECT hash FROM features_{self.v}")) as rows:
            return {h for (h,) in rows}

    def put(self, items: Mapping[str, Features]) -> None:
        """Store the features of new articles, with their bands and names."""
        v = self.v
        with self.db:
            self.db.executemany(f"INSERT OR REPLACE INTO features_{v} VALUES "
                                "(?,?,?,?,?,?,?,?,?)",
                                [(d, *f.to_row()) for d, f in items.items()])
            self.db.executemany(f"INSERT OR IGNORE INTO bands_{v} VALUES (?,?)",
                                [(k, d) for d, f in items.items() for k in band_keys(f)])
            self.db.executemany(f"INSERT OR IGNORE INTO names_{v} VALUES (?,?)",
                                [(name, d) for d, f in items.items() for name in f.names])
            self.db.executemany(f"INSERT OR IGNORE INTO pending_{v} VALUES (?)",
                                [(d,) for d in items])

    def forget(self, gone: Iterable[str]) -> None:
        """Drop articles no longer in the index, and every edge they had."""
        v = self.v
        with self.db:
            for chunk in _chunks(list(gone)):
                marks = ",".join("?" * len(chunk))
                for table, column in ((f"features_{v}", "hash"), (f"bands_{v}", "hash"),
                                      (f"names_{v}", "hash"), (f"pending_{v}", "hash"),
                                      (f"edges_{v}", "a"),
                                      (f"edges_{v}", "b")):
                    self.db.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)

    def pending(self) -> list[str]:
        """The articles stored but not yet compared with the others (this
        run's, or those of a run that failed before its commit), in order."""
        with closing(self.db.execute(f"SELECT hash FROM pending_{self.v} ORDER BY hash")) as rows:
            return [h for (h,) in rows]

    def judged(self, edges: Iterable[tuple[str, str, str, float]]) -> None:
        """Store the edges found for the pending articles; none is pending now."""
        with self.db:
            self.db.executemany(f"INSERT OR REPLACE INTO edges_{self.v} VALUES (?,?,?,?)",
                                edges)
            self.db.execute(f"DELETE FROM pending_{self.v}")

    def count(self, name_df_max: int) -> None:
        """Note the names in at most ``name_df_max`` articles and the band
        keys in more than ``BUCKET_MAX``, for ``candidates``."""
        with self.db:
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS rare (name TEXT PRIMARY KEY)")
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS crowded (key INTEGER PRIMARY KEY)")
            self.db.execute("DELETE FROM temp.rare")
            self.db.execute("DELETE FROM temp.crowded")
            self.db.execute(f"INSERT INTO temp.rare SELECT name FROM names_{self.v} "
                            "GROUP BY name HAVING COUNT(*) <= ?", (name_df_max,))
            self.db.execute(f"INSERT INTO temp.crowded SELECT key FROM bands_{self.v} "
                            "GROUP BY key HAVING COUNT(*) > ?", (BUCKET_MAX,))

    def candidates(self, hashes: list[str]) -> list[tuple[str, str]]:
        """Pairs (a, b), a < b, with at least one of ``hashes``: a shared LSH
        band key, not crowded, or a rare name in common (``count``). A pair of two
        pending articles comes with the first of them only."""
        v = self.v
        # Two pending articles are paired once, from the first of them.
        once = f"(n.hash < o.hash OR o.hash NOT IN (SELECT hash FROM pending_{v}))"
        found: list[tuple[str, str]] = []
        for chunk in _chunks(hashes):
            marks = ",".join("?" * len(chunk))
            query = f"""
                SELECT min(n.hash, o.hash), max(n.hash, o.hash) FROM bands_{v} n JOIN bands_{v} o
                    ON o.key = n.key AND o.hash != n.hash
                    WHERE n.hash IN ({marks}) AND {once}
                        AND n.key NOT IN (SELECT key FROM temp.crowded)
                UNION
                SELECT min(n.hash, o.hash), max(n.hash, o.hash) FROM names_{v} n
                    JOIN temp.rare USING (name)
                    JOIN names_{v} o ON o.name = n.name AND o.hash != n.hash
                    WHERE n.hash IN ({marks}) AND {once}"""
            with closing(self.db.execute(query, [*chunk, *chunk])) as rows:
                found.extend(rows)  # each pair once: from one chunk, by ``once``
        return found

    def features(self, hashes: Iterable[str]) -> dict[str, Features]:
        found: dict[str, Features] = {}
        for chunk in _chunks(sorted(set(hashes))):
            with closing(self.db.execute(
                    f"SELECT * FROM features_{self.v} WHERE hash IN "
                    f"({','.join('?' * len(chunk))})", chunk)) as rows:
                for digest, *row in rows:
                    found[digest] = Features.from_row(tuple(row))
        return found

    def name_counts(self, names: Iterable[str]) -> dict[str, int]:
        """How many stored articles give each of ``names``."""
        counts: dict[str, int] = {}
        for chunk in _chunks(sorted(set(names))):
            with closing(self.db.execute(
                    f"SELECT name, COUNT(*) FROM names_{self.v} WHERE name IN "
                    f"({','.join('?' * len(chunk))}) GROUP BY name", chunk)) as rows:
                counts.update(rows)
        return counts

    def size(self) -> int:
        with closing(self.db.execute(f"SELECT COUNT(*) FROM features_{self.v}")) as rows:
            return int(rows.fetchone()[0])

    def edges(self) -> list[tuple[str, str, str, float]]:
        """Every stored edge, copies first, strongest first, then by hash:
        the order stories are joined in, the same whatever the runs before."""
        with closing(self.db.execute(
                f"SELECT a, b, relation, score FROM edges_{self.v} "
                "ORDER BY relation != 'copy', score DESC, a, b")) as rows:
            return list(rows)

    def days(self) -> dict[str, int]:
        with closing(self.db.execute(f"SELECT hash, day FROM features_{self.v}")) as rows:
            return dict(rows)

    def close(self) -> None:
        self.db.close()
