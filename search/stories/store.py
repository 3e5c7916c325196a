"""Where stories live: one file per index generation, beside its TOC.

``stories-<generation>.json`` is written (to a temporary name, flushed,
renamed) before the commit that makes that generation current, so a
reader that opens a generation always finds its own stories, and a story
is never split by a switch. A failed run leaves at most a file for a
generation that never came; the next run overwrites it. The features of
each article are cached by content hash in ``stories.sqlite``, so a run
computes them only for new and changed articles.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterable, Mapping
from contextlib import closing
from pathlib import Path

from search.stories.features import Features

CACHE = "stories.sqlite"
TABLE = "features_v4"  # a new name whenever the features change
VERSION = 1
# Older generations' files kept for servers still reading them.
KEEP = 3
_NAME = re.compile(r"stories-(\d+)\.json$")


def story_file(path: Path, generation: int) -> Path:
    return Path(path) / f"stories-{generation}.json"


def write_stories(path: Path, generation: int,
                  stories: Mapping[str, list[tuple[str, int]]]) -> None:
    """Write the stories of ``generation`` atomically, and drop files of
    generations long past."""
    target = story_file(path, generation)
    temporary = target.with_name(target.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as out:
        json.dump({"version": VERSION, "stories": stories}, out, ensure_ascii=False,
                  separators=(",", ":"))
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, target)
    for old in Path(path).glob("stories-*.json"):
        found = _NAME.search(old.name)
        if found and int(found.group(1)) <= generation - KEEP:
            old.unlink(missing_ok=True)


def read_stories(path: Path, generation: int) -> dict[str, list[tuple[str, int]]]:
    """The stories of ``generation`` (none for an index built before them)."""
    try:
        with open(story_file(path, generation), encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        return {}
    return {sid: [(m, int(c)) for m, c in members] for sid, members in data["stories"].items()}


def move_stories(source: Path, generation: int, target: Path, new_generation: int) -> None:
    """Carry a built index's stories to the generation it becomes (a
    rebuild or a restored snapshot switched in)."""
    built = story_file(source, generation)
    if built.exists():
        os.replace(built, story_file(target, new_generation))
    if (Path(source) / CACHE).exists():
        os.replace(Path(source) / CACHE, Path(target) / CACHE)


class FeatureCache:
    """Features by content hash, in ``stories.sqlite`` beside the index."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(Path(path) / CACHE)
        self.db.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (hash TEXT PRIMARY KEY, "
                        "shingles BLOB, stems BLOB, words BLOB, n_words INTEGER, "
                        "names TEXT, persons TEXT, day INTEGER, numbers TEXT)")

    def get(self, digests: Iterable[str]) -> dict[str, Features]:
        wanted = list(digests)
        found: dict[str, Features] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            with closing(self.db.execute(
                    f"SELECT * FROM {TABLE} WHERE hash IN ({','.join('?' * len(chunk))})",
                    chunk)) as rows:
                for digest, *row in rows:
                    found[digest] = Features.from_row(tuple(row))
        return found

    def put(self, items: Mapping[str, Features]) -> None:
        with self.db:
            self.db.executemany(f"INSERT OR REPLACE INTO {TABLE} VALUES (?,?,?,?,?,?,?,?,?)",
                                [(d, *f.to_row()) for d, f in items.items()])

    def keep(self, digests: set[str]) -> None:
        """Forget the features of articles no longer in the index."""
        with self.db:
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS live (hash TEXT PRIMARY KEY)")
            self.db.execute("DELETE FROM live")
            self.db.executemany("INSERT OR IGNORE INTO live VALUES (?)", [(d,) for d in digests])
            self.db.execute(f"DELETE FROM {TABLE} WHERE hash NOT IN (SELECT hash FROM live)")

    def close(self) -> None:
        self.db.close()
