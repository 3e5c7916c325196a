"""Facet precision and recall on 50 hand-labelled DICE articles.

    .venv/bin/python bench/facets_eval.py [--index /tmp/dice-facets]

``bench/facets_gold.jsonl`` holds, per article id, the persons, places and
organisations a reader would expect in the facets (each as "Name|alias"),
and the article's dateline and byline author. Cerca names entities as
``cerca index`` does: it reads all of DICE first (the archive's evidence;
NER comes from the entity cache in ``--index`` when there), then the 50.
The baseline, measured in the same run, is the Tint ``entities`` DICE
ships. Precision is over the values shown, recall over the labelled
entities; names match case- and accent-insensitively (``name_key``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.entities.archive import shouted  # noqa: E402
from search.entities.keys import name_key  # noqa: E402
from search.entities.ner import EntityEnricher  # noqa: E402
from search.entities.surface import clean  # noqa: E402
from search.ingest.readers import read_jsonl  # noqa: E402
from search.models import Article  # noqa: E402

DICE = ROOT.parent / "shared" / "data" / "dice" / "docs.jsonl"
GOLD = ROOT / "bench" / "facets_gold.jsonl"
FACETS = (("persons", "PER"), ("places", "LOC"), ("orgs", "ORG"))


def keys(entry: str) -> set[str]:
    return {name_key(alias) for alias in entry.split("|")}


def cerca(index_dir: Path, ids: set[str],
          disabled: frozenset[str] = frozenset()) -> dict[str, Article]:
    enricher = EntityEnricher(index_dir, disabled=disabled)
    enricher.prepare(a for a in read_jsonl(DICE) if isinstance(a, Article))
    wanted = [a for a in read_jsonl(DICE) if isinstance(a, Article) and a.id in ids]
    enricher.name(wanted)
    enricher.close()
    return {a.id: a for a in wanted}


def tint(ids: set[str]) -> dict[str, dict[str, list[str]]]:
    found = {}
    for line in DICE.open(encoding="utf-8"):
        record = json.loads(line)
        if record["id"] in ids:
            found[record["id"]] = {
                field: list(dict.fromkeys(clean(e["text"]) for e in record["entities"]
                                          if e["label"] == label and clean(e["text"])))
                for field, label in FACETS}
    return found


def longer_form(value: str, entity: set[str]) -> bool:
    """Whether a value is a labelled name or a longer form of one, at either
    end: "Pavullo nel Frignano" for "Pavullo", "Enrico Stefani" for "Stefani".
    Gold derived from spans (``agreement.py facets``) has no aliases; the
    hand-made facet gold has them for such forms."""
    words = name_key(value).split()
    return any(words == (alias := a.split()) or len(words) > len(alias) and alias in (
        words[:len(alias)], words[-len(alias):]) for a in entity)


def score(gold: list[dict], predicted: dict[str, dict[str, list[str]]],
          short_forms: bool = False) -> dict:
    out = {}
    def same(value: str, entity: set[str]) -> bool:
        return longer_form(value, entity) if short_forms else name_key(value) in entity
    for field, _ in FACETS:
        shown = right = labelled = found = caps = 0
        for entry in gold:
            values = predicted[entry["id"]][field]
            entities = [keys(e) for e in entry[field]]
            shown += len(values)
            caps += sum(shouted(v) and len(v) > 3 for v in values)
            right += sum(any(same(v, e) for e in entities) for v in values)
            labelled += len(entities)
            found += sum(any(same(v, e) for v in values) for e in entities)
        out[field] = (right / max(shown, 1), found / max(labelled, 1), caps)
    datelines = [e for e in gold if e["dateline"]]
    out["dateline"] = (sum(any(same(v, keys(e["dateline"]))
                               for v in predicted[e["id"]]["places"]) for e in datelines),
                       len(datelines))
    bylines = [e for e in gold if e["author"]]
    out["byline"] = (sum(name_key(e["author"]) in {name_key(v) for v in
                                                    predicted[e["id"]]["persons"]}
                         for e in bylines), len(bylines))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, default=Path("/tmp/dice-facets"),
                        help="folder whose entities.sqlite caches NER over DICE")
    parser.add_argument("--gold", type=Path, default=GOLD,
                        help="labels to score (facets_check.jsonl: 12 articles labelled "
                             "after the rules were written)")
    parser.add_argument("--show", action="store_true", help="print each article's values")
    parser.add_argument("--short-forms", action="store_true",
                        help="a value also matches a labelled name it is the longer form of "
                             "(for gold without aliases, such as agreement.py facets)")
    parser.add_argument("--disable", nargs="*", default=[], metavar="FAMILY",
                        help="rule families to switch off (search/entities/rules.py)")
    args = parser.parse_args()
    gold = [json.loads(line) for line in args.gold.open(encoding="utf-8")]
    ids = {e["id"] for e in gold}
    args.index.mkdir(parents=True, exist_ok=True)
    articles = cerca(args.index, ids, frozenset(args.disable))
    ours = {i: {f: getattr(a, f) for f, _ in FACETS} for i, a in articles.items()}
    systems = {"Cerca": score(gold, ours, args.short_forms),
               "Tint (DICE)": score(gold, tint(ids), args.short_forms)}
    print(f"{len(gold)} articles, {sum(len(e[f]) for e in gold for f, _ in FACETS)} entities")
    print(f"{'facet':<10}" + "".join(f"{name:>26}" for name in systems))
    for field, _ in FACETS:
        cells = [f"P {p:.2f} R {r:.2f} caps {c}" for p, r, c in
                 (s[field] for s in systems.values())]
        print(f"{field:<10}" + "".join(f"{c:>26}" for c in cells))
    for row, text in (("dateline", "dateline among places"), ("byline", "byline as person")):
        print(f"{text:<22}" + "".join(f"{f'{s[row][0]} of {s[row][1]}':>14}"
                                       for s in systems.values()))
    if args.show:
        for entry in gold:
            a = articles[entry["id"]]
            print(entry["id"], a.dateline, "|", a.author, "|", ours[entry["id"]])


if __name__ == "__main__":
    main()
