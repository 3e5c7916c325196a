"""Hostile web inputs at full size: time, peak memory and what each run said.

Each case is indexed alone beside three control articles by a real
``cerca index`` process (entities on, ``--jobs`` default), the memory of
its whole process tree (resident, a page its processes share counted once:
``hostile_web.tree_memory``) sampled every 0.1 s; then all of them in one
folder. The baseline, in the same run, is the controls alone (three
texts, a small page, a section front: see ``hostile_web.write_controls``):
the run's own memory (Python, the model, the page reader's tables). The
bound is that plus ten times the largest page the run reads.

    .venv/bin/python bench/web_bombs.py
    .venv/bin/python bench/web_bombs.py --cases deep cut   # a few
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import hostile_web as h  # noqa: E402

MB = 1_048_576
# name -> (file name, maker, the largest page it holds in bytes)
CASES = {
    "huge": ("enorme.warc.gz", lambda p: h.huge_page_warc(p, 2 * 1024 * MB), 50 * MB),
    "cut": ("troncato.warc.gz", h.cut_warc, 0),
    "overlong": ("lungo.warc", lambda p: h.overlong_warc(p, 50 * MB), 0),
    "deep": ("profonda.html", lambda p: h.deep_page(p, 100_000), 0),
    "paragraphs": ("paragrafi.html", lambda p: h.paragraphs_page(p, 45 * MB), 45 * MB),
    "jsonl": ("riga.jsonl", lambda p: h.jsonl_line(p, 30 * MB), 30 * MB),
    "png": ("immagine.html", h.png_as_html, 0),
    "laughs": ("risate.html", h.billion_laughs, 0),
    "javascript": ("canonico.html", h.javascript_canonical, 0),
    "many": ("duemila.warc.gz", lambda p: h.many_pages_warc(p, 2000), 0),
}
CERCA = [sys.executable, "-c", "from cerca.cli import main; main()"]


def run(folder: Path, work: Path) -> tuple[int, str, float, int]:
    index_dir = work / "ix"
    shutil.rmtree(index_dir, ignore_errors=True)
    code, out, err, seconds, peak = h.run_measured(
        [*CERCA, "index", str(folder), "--index", str(index_dir)], cwd=ROOT)
    said = [line.strip() for line in (out + err).splitlines()
            if line.strip() and not line.startswith("indicizzati")]
    return code, " | ".join(said)[-600:], seconds, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", nargs="*", default=list(CASES))
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cerca-bombs-"))
    print(f"load average: {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} CPUs")
    try:
        controls = work / "controls"
        controls.mkdir()
        h.write_controls(controls)
        _, _, seconds, base = run(controls, work)
        print(f"baseline (controls): {seconds:.1f} s, peak {base / MB:.0f} MB")
        together = work / "all"
        together.mkdir()
        h.write_controls(together)
        largest = 0
        for name in args.cases:
            file_name, make, page = CASES[name]
            folder = work / name
            folder.mkdir()
            h.write_controls(folder)
            make(folder / file_name)
            shutil.copy(folder / file_name, together / file_name)
            page = max(page, (folder / file_name).stat().st_size if file_name.endswith(
                (".html", ".jsonl")) else 0)
            largest = max(largest, page)
            code, said, seconds, peak = run(folder, work)
            bound = base + 10 * page
            print(f"\n{name}: exit {code}, {seconds:.1f} s, peak {peak / MB:.0f} MB "
                  f"(bound {bound / MB:.0f} MB{' EXCEEDED' if peak > bound else ''})\n  {said}")
            shutil.rmtree(folder)
        code, said, seconds, peak = run(together, work)
        bound = base + 10 * largest
        print(f"\nall in one folder: exit {code}, {seconds:.1f} s, peak {peak / MB:.0f} MB "
              f"(bound {bound / MB:.0f} MB{' EXCEEDED' if peak > bound else ''})\n  {said}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
