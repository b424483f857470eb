"""How far a native extractor could go: the tree-sitter work every extractor pays, measured from
Rust (bench/native_floor/, no Python in the way) beside the Python parse floor of bench/index.py.

    python bench/native_floor.py /path/to/kubernetes [--jobs 2] [--repeat 3]

Per round, interleaved: the Python parse floor (2 worker processes), and the native program in
three modes with as many threads — `parse`, `walk` (parse, then every node visited once with a
tree cursor: the least a hand-written extractor does) and `query` (parse, then the analyzer's
own extraction query, every capture's text and position read). Prints wall and CPU seconds and
each as a multiple of the Python floor's CPU. Needs cargo (crates from crates.io).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from index import cpu_seconds, parse_floor  # bench/index.py

from kubeatlas.analyzer.discover import discover
from kubeatlas.analyzer.goparse import GO_QUERY

CRATE = Path(__file__).resolve().parent / "native_floor"
MODES = ("parse", "walk", "query")


def build() -> Path:
    if shutil.which("cargo") is None:
        raise SystemExit("native_floor needs cargo (Rust); install it with rustup")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=CRATE, check=True)
    return CRATE / "target" / "release" / "native-floor"


def native(binary: Path, mode: str, jobs: int, query: Path, files: str) -> tuple[float, float]:
    began, cpu = time.perf_counter(), cpu_seconds()
    subprocess.run([str(binary), mode, str(jobs), str(query)], input=files, text=True,
                   check=True, capture_output=True)
    return time.perf_counter() - began, cpu_seconds() - cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("root", type=Path, nargs="?", default=os.environ.get("KUBEATLAS_K8S_ROOT"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if args.root is None or not Path(args.root).is_dir():
        raise SystemExit("give a Kubernetes checkout (or set KUBEATLAS_K8S_ROOT)")
    binary = build()
    files = "\n".join(str(args.root / s.rel_path) for s in discover(args.root)) + "\n"
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in ("python floor", *MODES)}
    with tempfile.TemporaryDirectory() as tmp:
        query = Path(tmp) / "extract.scm"
        query.write_text(GO_QUERY)
        for _ in range(max(1, args.repeat)):
            wall, _count, _size, cpu = parse_floor(args.root, args.jobs)
            runs["python floor"].append((wall, cpu))
            for mode in MODES:
                runs[mode].append(native(binary, mode, args.jobs, query, files))
    floor_cpu = statistics.median(cpu for _, cpu in runs["python floor"])
    print(f"machine: {os.cpu_count()} cores; jobs={args.jobs}; {files.count(chr(10))} files; "
          f"load at the end {os.getloadavg()}")
    for name, values in runs.items():
        wall = statistics.median(w for w, _ in values)
        cpu = statistics.median(c for _, c in values)
        print(f"{name:13s} wall {wall:6.2f} s   CPU {cpu:6.2f} s = {cpu / floor_cpu:4.2f} x the "
              f"Python floor's CPU")


if __name__ == "__main__":
    main()
