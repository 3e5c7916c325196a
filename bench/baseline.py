"""Plain Whoosh, as peers use it: LanguageAnalyzer('it'), one writer,
limitmb=256, text stored. Run as a script to index in its own process."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import LanguageAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser


def schema() -> Schema:
    return Schema(id=ID(stored=True, unique=True),
                  content=TEXT(analyzer=LanguageAnalyzer("it"), stored=True))


def build(corpus: Path, target: Path) -> int:
    target.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(target, schema())
    writer = ix.writer(limitmb=256)
    n = 0
    with corpus.open(encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            writer.add_document(id=doc["id"], content=doc["text"])
            n += 1
    writer.commit()
    return n


def searcher(target: Path):
    ix = whoosh_index.open_dir(target)
    return ix.searcher(), QueryParser("content", ix.schema)


if __name__ == "__main__":
    print(build(Path(sys.argv[1]), Path(sys.argv[2])))
