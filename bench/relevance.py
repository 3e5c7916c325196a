"""SQuAD-it question -> paragraph retrieval: MRR@10, Recall@1, Recall@10.

Runs Cerca as the held-out measure does: ``cerca index`` on corpus.jsonl as
it is (title and text), then every question through ``cerca search
--batch``. In the same run, plain Whoosh with ``LanguageAnalyzer('it')``
over the same title and text is the baseline.

    .venv/bin/python bench/relevance.py [--data DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import LanguageAnalyzer
from whoosh.fields import ID, TEXT, Schema

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "squad_it"
CERCA = Path(sys.executable).parent / "cerca"
K = 10


def load(data: Path, limit: int | None):
    corpus = [json.loads(line) for line in (data / "corpus.jsonl").open(encoding="utf-8")]
    queries = [json.loads(line) for line in (data / "queries.jsonl").open(encoding="utf-8")]
    return corpus, queries[:limit] if limit else queries


def metrics(ranked: list[list[str]], queries) -> dict[str, float]:
    mrr = r1 = r10 = 0.0
    for ids, q in zip(ranked, queries, strict=True):
        if q["doc_id"] in ids[:K]:
            rank = ids.index(q["doc_id"]) + 1
            mrr += 1 / rank
            r1 += rank == 1
            r10 += 1
    n = len(queries)
    return {"MRR@10": mrr / n, "R@1": r1 / n, "R@10": r10 / n}


def run_cerca(corpus_path: Path, queries, workdir: Path) -> tuple[list[list[str]], float]:
    """``cerca index`` then ``cerca search --batch``, as separate processes."""
    index_dir = workdir / "cerca"
    subprocess.run([str(CERCA), "index", str(corpus_path), "--index", str(index_dir),
                    "--no-entities"], check=True, capture_output=True)
    requests = workdir / "requests.jsonl"
    with requests.open("w", encoding="utf-8") as out:
        for q in queries:
            out.write(json.dumps({"q": q["question"], "limit": K}, ensure_ascii=False) + "\n")
    started = time.perf_counter()
    done = subprocess.run([str(CERCA), "search", "--index", str(index_dir), "--batch",
                           str(requests)], check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    ranked = [[hit["id"] for hit in json.loads(line)["hits"]]
              for line in done.stdout.splitlines()]
    return ranked, seconds


def run_baseline(corpus, queries, workdir: Path) -> tuple[list[list[str]], float]:
    schema = Schema(id=ID(stored=True), content=TEXT(analyzer=LanguageAnalyzer("it")))
    path = workdir / "baseline"
    path.mkdir()
    ix = whoosh_index.create_in(path, schema)
    writer = ix.writer(limitmb=256)
    for doc in corpus:
        writer.add_document(id=doc["id"], content=f"{doc['title']}\n{doc['text']}")
    writer.commit()
    analyzer = LanguageAnalyzer("it")
    ranked = []
    started = time.perf_counter()
    with ix.searcher() as searcher:
        for q in queries:
            # The analysed words OR-ed together, as peers measure it; Whoosh's
            # QueryParser would keep "1973?" as one (wildcard) term.
            terms = [wq.Term("content", t.text) for t in analyzer(q["question"])]
            results = searcher.search(wq.Or(terms), limit=K)
            ranked.append([r["id"] for r in results])
    return ranked, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="only the first N questions")
    args = parser.parse_args()
    corpus, queries = load(args.data, args.limit)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base_ranked, base_time = run_baseline(corpus, queries, work)
        cerca_ranked, cerca_time = run_cerca(args.data / "corpus.jsonl", queries, work)
    rows = [
        ("Whoosh LanguageAnalyzer('it')", metrics(base_ranked, queries), base_time),
        ("Cerca (cerca search --batch)", metrics(cerca_ranked, queries), cerca_time),
    ]
    print(f"SQuAD-it: {len(corpus)} paragraphs (title + text), {len(queries)} questions")
    print(f"{'system':32} {'MRR@10':>7} {'R@1':>7} {'R@10':>7} {'ms/query':>9}")
    for name, m, seconds in rows:
        print(f"{name:32} {m['MRR@10']:7.4f} {m['R@1']:7.4f} {m['R@10']:7.4f} "
              f"{1000 * seconds / len(queries):9.2f}")


if __name__ == "__main__":
    main()
