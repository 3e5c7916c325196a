"""Pasted quotes: 150-word phrases on DICE (10k articles), alone and eight at once.

A journalist looks for where a quote appeared by pasting it in quotes. Each
quote is 150 consecutive words of a DICE article (the first such run that
fits the 1,000 characters a query may have). Alone: each goes through
Cerca's ``search()`` (what every shell calls) and, in the same run, through
plain Whoosh's phrase query and collector on the same index as the
baseline. At once: the eight are sent together to a real gunicorn
(``webapp.gunicorn_conf``: 2 workers, 4 threads) on loopback, after a
warm-up request per worker.

    .venv/bin/python bench/long_quotes.py
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import dice  # noqa: E402
from bench.costly import RESULTS, build  # noqa: E402
from search import InvalidRequest, SearchRequest, open_index, search  # noqa: E402

WORDS = 150


def quotes(count: int) -> list[tuple[str, str]]:
    """(article id, quoted phrase) from the first articles long enough."""
    found = []
    for doc in dice():
        words = doc["text"].split()
        for start in range(0, max(0, len(words) - WORDS), 10):
            q = '"' + " ".join(words[start:start + WORDS]) + '"'
            if len(q) <= 1000:
                found.append((doc["id"], q))
                break
        if len(found) == count:
            return found
    return found


def whoosh_seconds(index, q: str) -> float:
    """Plain Whoosh: its parser's phrase over the exact body, top 10."""
    from whoosh.qparser import QueryParser

    with index.ix.searcher() as searcher:
        parsed = QueryParser("body_exact", index.ix.schema).parse(q)
        start = time.perf_counter()
        searcher.search(parsed, limit=10)
        return time.perf_counter() - start


def cerca_seconds(index, q: str, article_id: str) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        result = search(index, SearchRequest(q=q))
        outcome = "trovato" if result.hits and result.hits[0].id == article_id else "NON trovato"
    except InvalidRequest as exc:
        outcome = exc.code
    return time.perf_counter() - start, outcome


def at_once(index_dir: Path, pairs: list[tuple[str, str]]) -> list[tuple[int, float, str]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "python:webapp.gunicorn_conf",
         "-b", f"127.0.0.1:{port}", "--no-control-socket", "webapp:create_app()"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "CERCA_INDEX_DIR": str(index_dir)})

    def get(url: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(url, timeout=120) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    try:
        for _ in range(300):
            try:
                if get(base + "/api/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        for _ in range(4):
            get(base + "/api/search?q=sindaco")
        barrier = threading.Barrier(len(pairs))
        answers: list[tuple[int, float, str]] = []

        def ask(article_id: str, q: str) -> None:
            barrier.wait()
            start = time.perf_counter()
            status, body = get(f"{base}/api/search?q={quote(q)}")
            seconds = time.perf_counter() - start
            data = json.loads(body)
            outcome = (data["error"]["code"] if status != 200 else
                       "trovato" if data["hits"] and data["hits"][0]["id"] == article_id
                       else "NON trovato")
            answers.append((status, seconds, outcome))

        threads = [threading.Thread(target=ask, args=pair) for pair in pairs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return answers
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quotes", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    index_dir = build(10372, RESULTS)
    index = open_index(index_dir)
    pairs = quotes(args.quotes)
    print(f"DICE: {index.doc_count()} articles; {len(pairs)} quotes of {WORDS} words "
          f"({min(len(q) for _, q in pairs)}-{max(len(q) for _, q in pairs)} characters)")
    print(f"load average: {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} CPUs")
    search(index, SearchRequest(q="sindaco"))  # the index's columns, read once
    ours, base, outcomes = [], [], []
    for article_id, q in pairs:
        runs = [cerca_seconds(index, q, article_id) for _ in range(args.repeat)]
        ours.append(statistics.median(t for t, _ in runs))
        outcomes.append(runs[0][1])
        base.append(statistics.median(whoosh_seconds(index, q) for _ in range(args.repeat)))
    print(f"alone, median of {len(pairs)} quotes x {args.repeat}: "
          f"cerca {statistics.median(ours):.3f} s (worst {max(ours):.3f}), "
          f"plain Whoosh {statistics.median(base):.3f} s (worst {max(base):.3f}); "
          f"found first: {outcomes.count('trovato')}/{len(pairs)}")
    answers = at_once(index_dir, pairs)
    times = sorted(seconds for _, seconds, _ in answers)
    print(f"eight at once through gunicorn: median {statistics.median(times):.3f} s, "
          f"worst {times[-1]:.3f} s; statuses {sorted(s for s, _, _ in answers)}; "
          f"found first: {sum(o == 'trovato' for _, _, o in answers)}/{len(answers)}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
