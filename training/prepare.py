"""Convert KIND Wikinews (wikinews_sentences.jsonl, or WN_*.tsv) into spaCy DocBins.

Usage:
    python training/prepare.py --input-dir /work/shared/data/kind --output-dir corpus

Writes <output-dir>/train.spacy and <output-dir>/dev.spacy (one Doc per sentence,
gold KIND tokenization, entity spans PER/LOC/ORG).
If wikinews_sentences.jsonl exists it is used (character offsets -> spans);
otherwise WN_train.tsv / WN_dev.tsv (BIO tags) are read.
"""

import argparse
import json
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin
from spacy.training import biluo_tags_to_spans, iob_to_biluo


def words_and_spaces(text, tokens):
    """Locate tokens in text sequentially to recover trailing whitespace."""
    spaces, pos = [], 0
    for tok in tokens:
        idx = text.find(tok, pos)
        if idx < 0:
            raise ValueError(f"token {tok!r} not found in {text!r}")
        end = idx + len(tok)
        spaces.append(False)
        if spaces and len(spaces) > 1 and idx > pos:
            spaces[-2] = True
        pos = end
    return spaces


def docs_from_jsonl(path, vocab):
    out = {"train": [], "dev": []}
    n_bad = 0
    with open(path, encoding="utf8") as f:
        for line in f:
            r = json.loads(line)
            spaces = words_and_spaces(r["text"], r["tokens"])
            doc = Doc(vocab, words=r["tokens"], spaces=spaces)
            if doc.text != r["text"].rstrip():
                # fall back: offsets are relative to r["text"]; keep going but count
                pass
            ents = []
            for e in r["entities"]:
                span = doc.char_span(
                    e["start"], e["end"], label=e["label"], alignment_mode="contract"
                )
                if span is None or span.text != e["text"]:
                    n_bad += 1
                    if span is None:
                        continue
                ents.append(span)
            doc.ents = ents
            out[r["split"]].append(doc)
    return out, n_bad


def docs_from_tsv(path, vocab):
    docs, words, tags = [], [], []

    def flush():
        if words:
            doc = Doc(vocab, words=list(words))
            doc.ents = biluo_tags_to_spans(doc, iob_to_biluo(tags))
            docs.append(doc)
            words.clear()
            tags.clear()

    with open(path, encoding="utf8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                flush()
                continue
            tok, tag = line.split("\t")[:2]
            words.append(tok)
            tags.append(tag)
    flush()
    return docs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input-dir", default="/work/shared/data/kind")
    ap.add_argument("--output-dir", default="corpus")
    ap.add_argument("--format", choices=["auto", "jsonl", "tsv"], default="auto")
    a = ap.parse_args()
    inp, out = Path(a.input_dir), Path(a.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    nlp = spacy.blank("it")
    jsonl = inp / "wikinews_sentences.jsonl"
    if a.format == "jsonl" or (a.format == "auto" and jsonl.exists()):
        splits, n_bad = docs_from_jsonl(jsonl, nlp.vocab)
        print(f"misaligned entities: {n_bad}")
    else:
        splits = {
            "train": docs_from_tsv(inp / "WN_train.tsv", nlp.vocab),
            "dev": docs_from_tsv(inp / "WN_dev.tsv", nlp.vocab),
        }
    for name, docs in splits.items():
        DocBin(docs=docs, store_user_data=False).to_disk(out / f"{name}.spacy")
        counts = {}
        for d in docs:
            for e in d.ents:
                counts[e.label_] = counts.get(e.label_, 0) + 1
        print(name, len(docs), "docs", sum(len(d) for d in docs), "tokens", counts)


if __name__ == "__main__":
    main()
