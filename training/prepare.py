"""Convert KIND Wikinews (wikinews_sentences.jsonl, or WN_*.tsv) into spaCy DocBins.

Usage:
    python training/prepare.py --input-dir /work/shared/data/kind --output-dir corpus

Writes <output-dir>/train.spacy and <output-dir>/dev.spacy (one Doc per sentence,
gold KIND tokenization, entity spans PER/LOC/ORG).
If wikinews_sentences.jsonl exists it is used (character offsets -> spans);
otherwise WN_train.tsv / WN_dev.tsv (BIO tags) are read.

v1.2 options (training/README.md): `--holdout-blocks N` cuts N contiguous runs of whole articles
out of Wikinews train into proxy.spacy (a held-out set never trained or selected on, since KIND's
WN_test is not available); `--extra NAME:FRACTION` adds an evenly spread FRACTION of another KIND chapter
(ADG_train, FIC_train, moro_train; moro's bare IO tags are read as one entity per run of a label);
`--wn-copies K` repeats the Wikinews part K times so news stays dominant. `--docbin PATH:COPIES` adds
DocBins (the DICE labels) to train, `--dev-docbin PATH` to dev, the set the model is selected on. Every `*_dev.tsv` other
than WN_dev in the input dir is also written as <NAME>.spacy for out-of-domain checks.
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
            if tag != "O" and tag[:2] not in ("B-", "I-"):  # IO (moro): a run of one label
                tag = ("I-" if tags and tags[-1][2:] == tag else "B-") + tag
            words.append(tok)
            tags.append(tag)
    flush()
    return docs


def is_title(doc):
    """A Wikinews headline: no closing punctuation (articles follow one another in KIND)."""
    return len(doc) >= 3 and doc[-1].text not in {".", "!", "?", "»", ":", ";", '"', ")", "...", "…"}


def article_starts(docs):
    return [i for i, d in enumerate(docs) if is_title(d) and (i == 0 or not is_title(docs[i - 1]))]


def hold_out(docs, n_blocks, fraction):
    """Split docs into (kept, held) with n_blocks evenly spread runs of whole articles."""
    starts = article_starts(docs) + [len(docs)]
    size = int(len(docs) * fraction / n_blocks)
    held_idx = set()
    for b in range(n_blocks):
        first = min(starts, key=lambda s: abs(s - (b + 0.5) * len(docs) / n_blocks))
        last = next(s for s in starts if s >= first + size)
        held_idx.update(range(first, last))
    kept = [d for i, d in enumerate(docs) if i not in held_idx]
    return kept, [d for i, d in enumerate(docs) if i in held_idx]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input-dir", default="/work/shared/data/kind")
    ap.add_argument("--output-dir", default="corpus")
    ap.add_argument("--format", choices=["auto", "jsonl", "tsv"], default="auto")
    ap.add_argument("--holdout-blocks", type=int, default=0)
    ap.add_argument("--holdout-fraction", type=float, default=0.1)
    ap.add_argument("--extra", nargs="*", default=[], help="NAME:FRACTION, e.g. ADG_train:1.0")
    ap.add_argument("--wn-copies", type=int, default=1)
    ap.add_argument("--docbin", nargs="*", default=[],
                    help="PATH:COPIES, DocBins added to train, e.g. the DICE labels (agreement.py docbin)")
    ap.add_argument("--dev-docbin", nargs="*", default=[],
                    help="DocBins added to dev (the model-selection set), e.g. the DICE selection split")
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
    if a.holdout_blocks:
        splits["train"], splits["proxy"] = hold_out(
            splits["train"], a.holdout_blocks, a.holdout_fraction
        )
    splits["train"] = splits["train"] * a.wn_copies
    for spec in a.extra:
        name, _, frac = spec.partition(":")
        docs = docs_from_tsv(inp / f"{name}.tsv", nlp.vocab)
        f = float(frac or 1)  # every k-th sentence, so a fraction still spans the whole chapter
        splits["train"] += [d for i, d in enumerate(docs) if int((i + 1) * f) > int(i * f)]
    for spec in a.docbin:
        path, _, copies = spec.partition(":")
        splits["train"] += list(DocBin().from_disk(path).get_docs(nlp.vocab)) * int(copies or 1)
    for path in a.dev_docbin:
        splits["dev"] += list(DocBin().from_disk(path).get_docs(nlp.vocab))
    if a.holdout_blocks or a.extra:
        for path in sorted(inp.glob("*_dev.tsv")):
            if path.stem != "WN_dev":
                splits[path.stem] = docs_from_tsv(path, nlp.vocab)
    for name, docs in splits.items():
        DocBin(docs=docs, store_user_data=False).to_disk(out / f"{name}.spacy")
        counts = {}
        for d in docs:
            for e in d.ents:
                counts[e.label_] = counts.get(e.label_, 0) + 1
        print(name, len(docs), "docs", sum(len(d) for d in docs), "tokens", counts)


if __name__ == "__main__":
    main()
