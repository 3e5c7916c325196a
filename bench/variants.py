"""Which spellings of one name the archive merges ("Giancarlo" into "Gian Carlo"), to eyeball.

    .venv/bin/python bench/variants.py [--index /tmp/dice-facets] [--show 200]

Reads all of DICE as ``cerca index`` does (the archive's evidence; NER from the entity cache in
``--index`` when there, so copy one: ``cp -a /tmp/dice-main /tmp/x``) and prints each group of
keys that differ only in spaces, hyphens and apostrophes (``keys.compact_key``): the spelling the
facet shows, then each merged spelling with its mentions. Needs ../shared/data.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.entities.ner import EntityEnricher  # noqa: E402
from search.ingest.readers import read_jsonl  # noqa: E402
from search.models import Article  # noqa: E402

DICE = ROOT.parent / "shared" / "data" / "dice" / "docs.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, default=Path("/tmp/dice-facets"))
    parser.add_argument("--show", type=int, default=200,
                        help="groups printed, most mentioned first")
    args = parser.parse_args()
    enricher = EntityEnricher(args.index)
    enricher.prepare(a for a in read_jsonl(DICE) if isinstance(a, Article))
    evidence = enricher.canon.evidence
    enricher.close()
    groups = [keys for keys in evidence.variants.values() if len(keys) > 1]
    groups.sort(key=lambda keys: -sum(keys.values()))
    merged = sum(sum(keys.values()) - max(keys.values()) for keys in groups)
    print(f"{len(groups)} groups of spellings merged, {merged} mentions renamed")
    for keys in groups[:args.show]:
        shown = evidence.variant(next(iter(keys)))
        print(f"{evidence.spelling(shown)!s:40} <- " + ", ".join(
            f"{evidence.spelling(k)} ({n})" for k, n in keys.most_common() if k != shown))


if __name__ == "__main__":
    main()
