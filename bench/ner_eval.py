"""Evaluate a Cerca NER model: entity-level exact-span P/R/F1 per type on KIND dev,
and single-core throughput (tokens/s) on DICE news text.

Usage:
    .venv/bin/python bench/ner_eval.py [MODEL_DIR] [--dev DEV.spacy ...] [--dice DOCS.jsonl]
                   [--n-docs 2000] [--batch-size 128]

Several --dev DocBins (e.g. corpus/dev.spacy corpus/proxy.spacy corpus/ADG_dev.spacy) are scored
one after the other, each under its file name.

Defaults: the model shipped in search/entities/ner_model, KIND dev converted on the
fly from ../shared/data/kind, DICE from ../shared/data/dice.
"""
import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import spacy  # noqa: E402
from spacy.tokens import Doc, DocBin  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

import search.entities.gazetteer  # noqa: E402,F401 - registers the model's gazetteer pipe

LABELS = ["PER", "LOC", "ORG"]


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate_ner(nlp, dev_path, batch_size):
    gold_docs = list(DocBin().from_disk(dev_path).get_docs(nlp.vocab))
    # predict on the gold tokenization (exact-span scoring on KIND tokens)
    inputs = (Doc(nlp.vocab, words=[t.text for t in d], spaces=[bool(t.whitespace_) for t in d])
              for d in gold_docs)
    tp, fp, fn = Counter(), Counter(), Counter()
    for gold, pred in zip(gold_docs, nlp.pipe(inputs, batch_size=batch_size), strict=True):
        g = {(e.start, e.end, e.label_) for e in gold.ents}
        p = {(e.start, e.end, e.label_) for e in pred.ents}
        for s in p & g:
            tp[s[2]] += 1
        for s in p - g:
            fp[s[2]] += 1
        for s in g - p:
            fn[s[2]] += 1
    rows = []
    for lab in LABELS:
        rows.append((lab, *prf(tp[lab], fp[lab], fn[lab]), tp[lab] + fn[lab]))
    T, F, N = sum(tp.values()), sum(fp.values()), sum(fn.values())
    rows.append(("ALL(micro)", *prf(T, F, N), T + N))
    return rows, len(gold_docs)


def measure_speed(nlp, dice_path, n_docs, batch_size):
    """Wall-clock and CPU seconds: on a loaded machine the CPU time is the
    closer estimate of what one quiet core would do."""
    texts = []
    with open(dice_path, encoding="utf8") as f:
        for line in f:
            texts.append(json.loads(line)["text"])
            if len(texts) >= n_docs:
                break
    list(nlp.pipe(texts[:50], batch_size=batch_size))  # warm-up
    start, cpu = time.perf_counter(), time.process_time()
    n_tok = 0
    for doc in nlp.pipe(texts, batch_size=batch_size):
        n_tok += len(doc)
    return n_tok, time.perf_counter() - start, time.process_time() - cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model", nargs="?", default=str(ROOT / "search" / "entities" / "ner_model"))
    ap.add_argument("--dev", nargs="*", default=None,
                    help="dev DocBins (default: KIND dev, converted)")
    ap.add_argument("--dice", default=str(SHARED / "dice" / "docs.jsonl"))
    ap.add_argument("--n-docs", type=int, default=2000)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--no-speed", action="store_true")
    a = ap.parse_args()
    if a.dev is None:
        out = tempfile.mkdtemp()
        subprocess.run([sys.executable, str(ROOT / "training" / "prepare.py"),
                        "--input-dir", str(SHARED / "kind"), "--output-dir", out], check=True,
                       stdout=subprocess.DEVNULL)
        a.dev = [str(Path(out) / "dev.spacy")]
    nlp = spacy.load(a.model)
    keep = [n for n in nlp.pipe_names if n in ("gazetteer", "tok2vec", "ner")]
    nlp.select_pipes(enable=keep)
    meta = nlp.meta
    print(f"model: {a.model}  name={meta.get('lang')}_{meta.get('name')} "
          f"version={meta.get('version')} spacy={spacy.__version__} pipes={nlp.pipe_names}")
    size = subprocess.run(["du", "-sh", a.model], capture_output=True, text=True).stdout.split()[0]
    print(f"model size on disk (du -sh): {size}")
    for dev in a.dev:
        rows, n = evaluate_ner(nlp, dev, a.batch_size)
        print(f"\n{dev} ({n} sentences), entity-level exact span:")
        print(f"{'type':<11} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6}")
        for lab, p, r, f, g in rows:
            print(f"{lab:<11} {p:6.4f} {r:6.4f} {f:6.4f} {g:6d}")
    if not a.no_speed:
        n_tok, dt, cpu = measure_speed(nlp, a.dice, a.n_docs, a.batch_size)
        print(f"\nspeed: {n_tok} tokens from first {a.n_docs} DICE articles in {dt:.1f}s "
              f"= {n_tok / dt:,.0f} tokens/s wall, {n_tok / cpu:,.0f} tokens per CPU second "
              f"(nlp.pipe batch_size={a.batch_size}, 1 process, "
              f"OMP/BLAS threads={os.environ.get('OMP_NUM_THREADS')})")


if __name__ == "__main__":
    main()
