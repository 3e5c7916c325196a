"""Agreement between two annotators, facets from spans, and training files from the DICE labels.

    python training/agreement.py f1 labels_a.jsonl labels_b.jsonl   # span F1 per label, shared ids
                                        # (the second file may be `cerca extract --jsonl` output)
    python training/agreement.py facets labels.jsonl                # facet values (GUIDELINES.md)
    python training/agreement.py docbin labels.jsonl out.spacy      # spaCy DocBin, one Doc per article
    python training/agreement.py tsv labels.jsonl out.tsv           # KIND-style BIO, one sentence a block
    python training/agreement.py stats labels.jsonl                 # articles, spans, datelines, bylines

Span F1 is exact (same start, end and label); datelines and bylines are compared as strings.
The converters tokenise with spaCy's Italian tokenizer; a span that does not fall on token
edges is widened to them and counted, so none is lost in silence.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from label_tool import load_texts, records

LABELS = ("PER", "LOC", "ORG")
STREET = re.compile(r"(via|viale|piazza|piazzale|corso|largo|vicolo|strada|stradello|"
                    r"tangenziale|autostrada)\b", re.IGNORECASE)
SEAT = re.compile(r"\b(?:di|a|del|della|dei|delle)\s+([A-ZÀ-Ý][\w'’ -]*)$")


def spans(record: dict) -> set[tuple[int, int, str]]:
    return {(e["start"], e["end"], e["label"]) for e in record["entities"]}


def f1(first: list[dict], second: list[dict]) -> dict[str, tuple[int, int, int, float]]:
    """Per label: (spans in first, spans in second, both, F1) over the ids both labelled."""
    by_id = {r["id"]: r for r in second}
    shared = [r for r in first if r["id"] in by_id]
    out = {}
    for label in (*LABELS, "all"):
        a = b = both = 0
        for record in shared:
            left = {s for s in spans(record) if label in ("all", s[2])}
            right = {s for s in spans(by_id[record["id"]]) if label in ("all", s[2])}
            a, b, both = a + len(left), b + len(right), both + len(left & right)
        out[label] = (a, b, both, 2 * both / max(a + b, 1))
    for field in ("dateline", "byline"):
        same = sum(r.get(field, "") == by_id[r["id"]].get(field, "") for r in shared)
        out[field] = (len(shared), len(shared), same, same / max(len(shared), 1))
    return out


def facets(labelled: list[dict]) -> list[dict]:
    """The facet values a reader expects, derived from the flat spans as GUIDELINES.md says."""
    places_anywhere = {e["text"] for r in labelled for e in r["entities"] if e["label"] == "LOC"}
    out = []
    for record in labelled:
        ents = record["entities"]
        byline = record["byline"]
        named = [e["text"] for e in ents if e["label"] == "PER"]
        persons = [n for n in named if n != byline or named.count(n) > 1]
        places = [e["text"] for e in ents if e["label"] == "LOC" and not STREET.match(e["text"])]
        for e in ents:
            seat = SEAT.search(e["text"]) if e["label"] == "ORG" else None
            if seat and seat.group(1) in places_anywhere:
                places.append(seat.group(1))
        orgs = [e["text"] for e in ents if e["label"] == "ORG"]
        out.append({"id": record["id"], "dateline": record["dateline"], "author": byline,
                    "persons": list(dict.fromkeys(persons)), "places": list(dict.fromkeys(places)),
                    "orgs": list(dict.fromkeys(orgs))})
    return out


def docs(labelled: list[dict]):  # -> Iterator[spacy.tokens.Doc]; spaCy is imported only here
    import spacy

    nlp = spacy.blank("it")
    texts = load_texts({r["id"] for r in labelled})
    widened = 0
    for record in labelled:
        doc = nlp(texts[record["id"]])
        ents = []
        for e in record["entities"]:
            span = doc.char_span(e["start"], e["end"], label=e["label"])
            if span is None:
                span = doc.char_span(e["start"], e["end"], label=e["label"],
                                     alignment_mode="expand")
                widened += 1
            ents.append(span)
        doc.ents = ents
        doc.user_data["id"] = record["id"]
        yield doc
    if widened:
        print(f"{widened} span(s) widened to token edges", file=sys.stderr)


def write_tsv(labelled: list[dict], path: Path) -> None:
    import spacy

    sentencizer = spacy.blank("it").add_pipe("sentencizer")
    with path.open("w", encoding="utf-8") as out:
        for doc in docs(labelled):
            for sent in sentencizer(doc).sents:
                for token in sent:
                    if token.is_space:
                        continue
                    tag = f"{token.ent_iob_}-{token.ent_type_}" if token.ent_type_ else "O"
                    out.write(f"{token.text}\t{tag}\n")
                out.write("\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("f1", "facets", "docbin", "tsv", "stats"))
    parser.add_argument("labels", type=Path)
    parser.add_argument("other", type=Path, nargs="?", help="second annotator's file, or output")
    args = parser.parse_args(argv)
    labelled = records(args.labels)
    if args.command == "facets":
        for entry in facets(labelled):
            print(json.dumps(entry, ensure_ascii=False))
        return 0
    if args.command == "stats":
        counts = Counter(e["label"] for r in labelled for e in r["entities"])
        print(f"{len(labelled)} articles; spans {dict(sorted(counts.items()))}, "
              f"{sum(counts.values())} in all; datelines {sum(bool(r['dateline']) for r in labelled)}, "
              f"bylines {sum(bool(r['byline']) for r in labelled)}")
        return 0
    if args.other is None:
        parser.error(f"{args.command} needs a second path")
    if args.command == "f1":
        result = f1(labelled, records(args.other))
        print(f"{'':9} {'first':>6} {'second':>6} {'both':>6} {'F1':>6}")
        for label, (a, b, both, score) in result.items():
            print(f"{label:9} {a:6} {b:6} {both:6} {score:6.3f}")
        return 0
    if args.command == "docbin":
        from spacy.tokens import DocBin

        bin_ = DocBin(store_user_data=True)
        counts: Counter[str] = Counter()
        for doc in docs(labelled):
            bin_.add(doc)
            counts.update(e.label_ for e in doc.ents)
        bin_.to_disk(args.other)
        print(f"{len(bin_)} docs, {dict(counts)} -> {args.other}")
        return 0
    write_tsv(labelled, args.other)
    print(f"{len(labelled)} articles -> {args.other}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
