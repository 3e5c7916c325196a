"""A full page's speed beside plain Whoosh's, in process and over HTTP, in one run.

    .venv/bin/python bench/page_speed.py WORK [--queries 200] [--repeat 3]

WORK holds ``cerca+entities/`` (a Cerca index) and ``baseline/`` (plain
Whoosh, bench/baseline.py), as bench/run.py lays them out (symlinks do).
In process: bench/queries.py in its own process, each query through plain
Whoosh's top 10 and Cerca's full page (top 10, facets, snippets, rerank,
"why this result", stories grouped) in turn. Over HTTP: Cerca's search
page under gunicorn (webapp/gunicorn_conf.py, one worker) beside Flask
over plain Whoosh (bench/plain_app.py: top 10 with Whoosh's highlights, no
facets, one worker), each query to one then the other, after a warm pass.
Medians of ``--repeat`` passes; ratios are Cerca / plain.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import queries  # noqa: E402

from search import NAME_FACETS, SearchRequest  # noqa: E402
from search.index import open_index  # noqa: E402

GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(args: list[str], env: dict[str, str], cwd: Path):
    """A gunicorn on a free loopback port, until the block ends."""
    port = _free_port()
    proc = subprocess.Popen([GUNICORN, "-b", f"127.0.0.1:{port}", "-w", "1", *args],
                            cwd=cwd, env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/", timeout=60).read()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(f"gunicorn failed: {args}") from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def cerca_url(req: SearchRequest) -> str:
    params = [("q", req.q)] + [(f.key, v) for f in NAME_FACETS for v in getattr(req, f.field)]
    return "/?" + urlencode(params)


def _get(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as answer:
        answer.read()
        if answer.status != 200:
            raise RuntimeError(f"{url}: {answer.status}")
    return time.perf_counter() - start


def bench_http(work: Path, n: int, repeat: int) -> dict:
    reqs = queries.query_set(open_index(work / "cerca+entities"), n)
    paths = [(f"/?{urlencode({'q': r.q})}", cerca_url(r)) for r in reqs]
    cerca_args = ["-c", "python:webapp.gunicorn_conf", "webapp:create_app()"]
    plain_args = ["--threads", "4", "--chdir", str(ROOT / "bench"), "plain_app:app"]
    runs: dict[str, list[dict]] = {"plain Flask+Whoosh": [], "cerca page": []}
    with served(cerca_args, {"CERCA_INDEX_DIR": str(work / "cerca+entities")}, ROOT) as cerca, \
            served(plain_args, {"CERCA_PLAIN_INDEX": str(work / "baseline")}, ROOT) as plain:
        for plain_path, cerca_path in paths:  # warm: per-generation arrays built
            _get(plain + plain_path)
            _get(cerca + cerca_path)
        for _ in range(repeat):
            times: dict[str, list[float]] = {name: [] for name in runs}
            for plain_path, cerca_path in paths:
                times["plain Flask+Whoosh"].append(_get(plain + plain_path))
                times["cerca page"].append(_get(cerca + cerca_path))
            for name, samples in times.items():
                runs[name].append(queries.percentiles([1000 * t for t in samples]))
    return {name: {p: statistics.median(r[p] for r in rs) for p in ("p50", "p95", "p99")}
            for name, rs in runs.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("work", type=Path)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "queries.py"), str(args.work),
                          str(args.queries), str(args.repeat)],
                         check=True, capture_output=True, text=True).stdout
    inside = json.loads(out)
    print(f"{inside['queries']} queries, {args.repeat} passes, medians; "
          f"load {os.getloadavg()[0]:.1f}")
    print(f"{'in process':24} {'p50 ms':>8} {'p95 ms':>8} {'p50 x':>7} {'p95 x':>7}")
    base = inside["baseline top 10"]
    for name in ("baseline top 10", "cerca full page", "  of which rerank"):
        r = inside[name]
        print(f"{name:24} {r['p50']:8.2f} {r['p95']:8.2f} "
              f"{r['p50'] / base['p50']:6.2f}x {r['p95'] / base['p95']:6.2f}x")
    http = bench_http(args.work, args.queries, args.repeat)
    print(f"{'over HTTP':24} {'p50 ms':>8} {'p95 ms':>8} {'p50 x':>7} {'p95 x':>7}")
    base = http["plain Flask+Whoosh"]
    for name, r in http.items():
        print(f"{name:24} {r['p50']:8.2f} {r['p95']:8.2f} "
              f"{r['p50'] / base['p50']:6.2f}x {r['p95'] / base['p95']:6.2f}x")
    print(f"load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
