"""Where stories live: one file per index generation, beside its TOC.

``stories-<generation>.json`` is written (to a temporary name, flushed,
renamed) before the commit that makes that generation current, so a
reader that opens a generation always finds its own stories, and a story
is never split by a switch. A failed run leaves at most a file for a
generation that never came; the next run overwrites it. What the step
keeps between runs is in ``stories.sqlite`` (``archive.py``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

from search.stories.archive import CACHE

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
