"""The NER pool's workers share what the indexer loaded before forking
them (``processes.shared_pool``) instead of each holding a copy."""

from __future__ import annotations

from pathlib import Path

from search.indexing.processes import shared_pool

MB = 1_048_576
_loaded: list[bytes] = []


def _load() -> None:
    _loaded.append(b"m" * (64 * MB))  # written, so every page is resident


def _memory(_: int) -> tuple[int, int]:
    """This worker's resident and private memory, in bytes."""
    fields = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0]) * 1024
    return fields["Rss"], fields["Private_Clean"] + fields["Private_Dirty"]


def test_the_workers_share_what_was_loaded_before_them():
    pool = shared_pool(2, _load)
    try:
        sizes = pool.map(_memory, range(2), chunksize=1)
    finally:
        pool.terminate()
        pool.join()
        _loaded.clear()
    for resident, private in sizes:
        assert resident > 64 * MB  # the workers see the loaded pages...
        assert private < 32 * MB  # ...without a copy of their own
