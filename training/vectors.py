"""Build static word vectors for the Cerca NER tok2vec from raw Italian text.

Step 1 tokenizes the raw corpora with spaCy's Italian tokenizer (same tokenizer as
the pipeline), one paragraph per line, tokens separated by spaces (case kept).
Step 2 trains vectors on it (floret = fastText with hashed subword table, or
gensim word2vec), single thread by default.

Usage (from /work/ner):
  python training/vectors.py tokenize --out vectors/raw_tok.txt \
      --jsonl /work/shared/data/dice/docs.jsonl /work/shared/data/squad_it/corpus.jsonl \
      --kind-train /work/shared/data/kind/wikinews_sentences.jsonl
  python training/vectors.py floret --corpus vectors/raw_tok.txt --out vectors/floret_it \
      --dim 100 --bucket 50000
  python -m spacy init vectors it vectors/floret_it.floret vectors/floret_it_spacy --mode floret
  # or word2vec:
  python training/vectors.py word2vec --corpus vectors/raw_tok.txt --out vectors/w2v_it.txt --dim 100
  python -m spacy init vectors it vectors/w2v_it.txt vectors/w2v_it_spacy --prune 20000
  # raw text for `spacy pretrain`:
  python training/vectors.py pretrain-jsonl --out vectors/pretrain_text.jsonl \
      --jsonl /work/shared/data/dice/docs.jsonl /work/shared/data/squad_it/corpus.jsonl \
      --kind-train /work/shared/data/kind/wikinews_sentences.jsonl
Only KIND *train* sentences are used (split == "train"); dev text is never used.
"""

import argparse
import json
import re
import sys

import spacy


def iter_texts(jsonl_paths, kind_train):
    for p in jsonl_paths:
        with open(p, encoding="utf8") as f:
            for line in f:
                r = json.loads(line)
                for para in re.split(r"\n+", r.get("text") or ""):
                    if para.strip():
                        yield para
    if kind_train:
        with open(kind_train, encoding="utf8") as f:
            for line in f:
                r = json.loads(line)
                if r.get("split") == "train":
                    yield r["text"]


def cmd_tokenize(a):
    nlp = spacy.blank("it")
    n_tok = n_lines = 0
    with open(a.out, "w", encoding="utf8") as out:
        for doc in nlp.tokenizer.pipe(iter_texts(a.jsonl, a.kind_train), batch_size=1000):
            toks = [t.text for t in doc if not t.is_space]
            if toks:
                out.write(" ".join(toks) + "\n")
                n_tok += len(toks)
                n_lines += 1
    print(f"wrote {n_lines} lines, {n_tok} tokens to {a.out}")


def cmd_pretrain_jsonl(a):
    """Raw text as JSONL {"text": ...} for `spacy pretrain` (no tokenization needed)."""
    n = 0
    with open(a.out, "w", encoding="utf8") as out:
        for para in iter_texts(a.jsonl, a.kind_train):
            out.write(json.dumps({"text": para}, ensure_ascii=False) + "\n")
            n += 1
    print(f"wrote {n} texts to {a.out}")


def cmd_floret(a):
    import floret

    m = floret.train_unsupervised(
        a.corpus,
        model=a.model,
        mode="floret",
        hashCount=a.hash_count,
        bucket=a.bucket,
        minn=a.minn,
        maxn=a.maxn,
        dim=a.dim,
        epoch=a.epoch,
        minCount=a.min_count,
        thread=a.threads,
    )
    m.save_floret_vectors(a.out + ".floret")
    print("saved", a.out + ".floret")


def cmd_word2vec(a):
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence

    m = Word2Vec(
        LineSentence(a.corpus),
        vector_size=a.dim,
        window=5,
        min_count=a.min_count,
        sg=0,
        workers=a.threads,
        epochs=a.epoch,
        seed=a.seed,
    )
    m.wv.save_word2vec_format(a.out, binary=False)
    print("saved", a.out, len(m.wv), "words")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("tokenize")
    t.add_argument("--out", required=True)
    t.add_argument("--jsonl", nargs="*", default=[], help="jsonl files with a 'text' field")
    t.add_argument(
        "--kind-train", default=None, help="KIND wikinews_sentences.jsonl (train split only)"
    )
    pj = sub.add_parser("pretrain-jsonl")
    pj.add_argument("--out", required=True)
    pj.add_argument("--jsonl", nargs="*", default=[])
    pj.add_argument("--kind-train", default=None)
    for name in ("floret", "word2vec"):
        s = sub.add_parser(name)
        s.add_argument("--corpus", required=True)
        s.add_argument("--out", required=True)
        s.add_argument("--dim", type=int, default=100)
        s.add_argument("--epoch", type=int, default=5)
        s.add_argument("--min-count", type=int, default=3)
        s.add_argument("--threads", type=int, default=1)
        s.add_argument("--seed", type=int, default=0)
        if name == "floret":
            s.add_argument("--model", default="cbow")
            s.add_argument("--bucket", type=int, default=50000)
            s.add_argument("--hash-count", type=int, default=2)
            s.add_argument("--minn", type=int, default=4)
            s.add_argument("--maxn", type=int, default=5)
    a = ap.parse_args()
    {
        "tokenize": cmd_tokenize,
        "pretrain-jsonl": cmd_pretrain_jsonl,
        "floret": cmd_floret,
        "word2vec": cmd_word2vec,
    }[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
