"""The DICE dev/train split of whole labelled articles, so every model is scored on the same held-out set.

    python training/split.py --out corpus_dice   # writes dice_train.jsonl, dice_dev.jsonl there

The dev ids are the 60 overlap ids (labelled twice: annotator a's labels are taken) plus 60 more drawn
with a fixed seed from the rest; they are recorded in training/dice_labels/dev_ids.txt. If that file
exists it is read, not redrawn, so the split stays put when more articles are labelled.

`--select-size N` also carves a model-selection split of N whole articles out of the training ids
(seed 24, recorded in training/dice_labels/select_ids.txt), so a model can be picked on DICE without
touching the dev split it is reported on.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from label_tool import read_ids, records

LABELS_DIR = Path(__file__).parent / "dice_labels"
DEV_IDS = LABELS_DIR / "dev_ids.txt"
SELECT_IDS = LABELS_DIR / "select_ids.txt"
OVERLAP = 60
SEED = 23
SELECT_SEED = 24


def merged() -> dict[str, dict]:
    """One record per labelled id; the first file (annotator a) wins where both labelled an article."""
    out: dict[str, dict] = {}
    for path in (LABELS_DIR / "labels.jsonl", LABELS_DIR / "labels-b.jsonl"):
        for record in records(path):
            out.setdefault(record["id"], record)
    return out


def dev_ids(labelled: dict[str, dict], size: int) -> list[str]:
    if DEV_IDS.exists():
        return read_ids(DEV_IDS)
    sample = [i for i in read_ids(LABELS_DIR / "sample.txt") if i in labelled]
    overlap, rest = sample[:OVERLAP], sample[OVERLAP:]
    chosen = overlap + random.Random(SEED).sample(rest, size - len(overlap))
    DEV_IDS.write_text(f"# DICE dev split (training/split.py, seed {SEED}): the {OVERLAP} overlap ids, "
                       f"then {size - len(overlap)} drawn from the other labelled ids.\n"
                       + "\n".join(chosen) + "\n", encoding="utf-8")
    return chosen


def select_ids(train: list[str], size: int) -> list[str]:
    """Drawn once from the training ids (in sample order) and recorded, like the dev ids."""
    if SELECT_IDS.exists():
        return read_ids(SELECT_IDS)
    chosen = random.Random(SELECT_SEED).sample(train, size)
    SELECT_IDS.write_text(f"# DICE model-selection split (training/split.py, seed {SELECT_SEED}): {size} "
                          "ids drawn from the training ids (never from dev).\n"
                          + "\n".join(chosen) + "\n", encoding="utf-8")
    return chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--dev-size", type=int, default=120)
    parser.add_argument("--select-size", type=int, default=0)
    args = parser.parse_args()
    labelled = merged()
    dev = set(dev_ids(labelled, args.dev_size))
    train = [i for i in read_ids(LABELS_DIR / "sample.txt") if i in labelled and i not in dev]
    select = set(select_ids(train, args.select_size)) if args.select_size else set()
    split = {i: "dev" if i in dev else "select" if i in select else "train" for i in labelled}
    args.out.mkdir(parents=True, exist_ok=True)
    for name in ("dev", "select", "train") if select else ("dev", "train"):
        chosen = [r for i, r in labelled.items() if split[i] == name]
        with (args.out / f"dice_{name}.jsonl").open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in chosen)
        print(name, len(chosen), "articles")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
