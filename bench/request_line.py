"""What one oversized request line costs a gunicorn worker: Cerca's
settings (webapp/gunicorn_conf.py, gunicorn's 8190-byte limit kept) beside
the same settings with the limit lifted (``--limit-request-line 0``), in
the same run. Prints seconds until the answer (or the connection closing)
and the worker's peak memory before and after.

    .venv/bin/python bench/request_line.py --mb 1 4
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _peak_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _send(port: int, size: int) -> tuple[float, bytes]:
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port)) as s:
        try:
            s.sendall(b"GET /api/search?q=" + b"a" * size + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = s.recv(64)
        except (BrokenPipeError, ConnectionResetError):
            answer = b"(closed while sending)"
    return time.perf_counter() - started, answer.split(b"\r\n", 1)[0]


def measure(index: Path, extra: list[str], megabytes: list[int]) -> None:
    port = _free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    proc = subprocess.Popen(
        [gunicorn, "-c", "python:webapp.gunicorn_conf", "-b", f"127.0.0.1:{port}", "-w", "1",
         "--no-control-socket", *extra, "webapp:create_app()"],
        cwd=ROOT, env={**os.environ, "CERCA_INDEX_DIR": str(index), "CERCA_REQUEST_LOG": "false"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=5)
                break
            except OSError:
                time.sleep(0.1)
        worker = int(subprocess.check_output(["pgrep", "-P", str(proc.pid)]).split()[0])
        for mb in megabytes:
            before = _peak_kb(worker)
            seconds, answer = _send(port, mb * 1024 * 1024)
            print(f"  {mb:>3} MB line: {seconds:7.2f} s, worker peak {before // 1024} -> "
                  f"{_peak_kb(worker) // 1024} MB, answer {answer.decode('latin-1')}")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from search import index_paths

    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "ix"
        index_paths(index, [ROOT / "tests" / "data" / "articles"], entities=False)
        print("Cerca's settings (limit 8190, JSON refusal):")
        measure(index, [], args.mb)
        print("limit lifted (--limit-request-line 0):")
        measure(index, ["--limit-request-line", "0"], args.mb)


if __name__ == "__main__":
    main()
