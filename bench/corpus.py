"""Benchmark corpora: DICE as it is, and a deterministic 100k grown from it.

The 100k corpus repeats every DICE article with a new id ("<id>~<k>") and a
light, deterministic shuffle of its sentences (each copy swaps a few
neighbouring sentences, seeded by the id and the copy number), so documents
differ while vocabulary and length stay realistic.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DICE = ROOT.parent / "shared" / "data" / "dice" / "docs.jsonl"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý«“\"])")


def dice(path: Path = DICE) -> list[dict]:
    """DICE articles with only what Cerca reads (no gold entities)."""
    docs = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            doc = {"id": d["id"], "text": d["text"]}
            if d.get("date"):
                doc["date"] = d["date"]
            if d.get("url"):
                doc["url"] = d["url"]
            docs.append(doc)
    return docs


def shuffled(text: str, rng: random.Random) -> str:
    sentences = _SENTENCE.split(text)
    for _ in range(max(1, len(sentences) // 4)):
        if len(sentences) < 2:
            break
        i = rng.randrange(len(sentences) - 1)
        sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
    return " ".join(sentences)


def grown(base: list[dict], size: int) -> Iterator[dict]:
    """``size`` documents: the base, then shuffled copies of it."""
    n = 0
    copy = 0
    while n < size:
        for doc in base:
            if n >= size:
                return
            if copy == 0:
                yield doc
            else:
                rng = random.Random(f"{doc['id']}~{copy}")
                yield {**doc, "id": f"{doc['id']}~{copy}", "text": shuffled(doc["text"], rng)}
            n += 1
        copy += 1


def write(docs, path: Path) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return path
