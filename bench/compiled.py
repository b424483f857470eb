"""What compiling the analyzer's Python with mypyc would buy, measured: the package as it is
beside a copy whose modules are compiled, on the same tree, interleaved.

    python bench/compiled.py /path/to/kubernetes [--jobs 2] [--repeat 3] [--part resolve]

Per round, for each build: a forced re-index from a warm facts cache (resolution, build,
knowledge stages and writing) and, unless --no-cold, a cold index (extraction too). Prints
wall and CPU seconds with the phases, and checks that both builds wrote the same graph.
`--part` picks what is compiled: `resolve` (graph/resolve and graph/build) or `extract`
(the analyzer's extraction modules) or both (repeat the flag). Needs mypy (the dev extra) and
a C compiler; nothing outside a temporary directory is touched.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "kubeatlas"
PARTS = {
    # call_workers.py subclasses RuntimeError, which mypyc does not compile: it stays Python
    "resolve": [f"graph/resolve/{p.name}" for p in sorted((PACKAGE / "graph/resolve").glob("*.py"))
                if p.name not in ("__init__.py", "call_workers.py")]
    + [f"graph/build/{p.name}" for p in sorted((PACKAGE / "graph/build").glob("*.py"))
       if p.name != "__init__.py"],
    "extract": [f"analyzer/{name}.py" for name in (
        "extract", "channels", "values", "body_locals", "typesyntax", "rows", "model", "goparse")],
}


def children_cpu() -> float:
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return kids.ru_utime + kids.ru_stime


def make_builds(work: Path, parts: list[str]) -> dict[str, Path]:
    builds = {}
    for name in ("python", "compiled"):
        home = work / name
        shutil.copytree(PACKAGE, home / "kubeatlas", ignore=shutil.ignore_patterns("__pycache__"))
        builds[name] = home
    modules = [f"kubeatlas/{m}" for part in parts for m in PARTS[part]]
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mypyc", *modules], cwd=builds["compiled"], check=True,
                   capture_output=True)
    print(f"mypyc compiled {len(modules)} modules ({', '.join(parts)}) in "
          f"{time.perf_counter() - began:.0f} s")
    probe = "import kubeatlas.graph.resolve.calls as c, kubeatlas.analyzer.extract as e; print(c.__file__, e.__file__)"
    for name, home in builds.items():
        loaded = subprocess.run([sys.executable, "-c", probe], cwd=home, env=_env(home), check=True,
                                capture_output=True, text=True).stdout.split()
        print(f"  {name}: loads {', '.join(Path(p).name for p in loaded)}")
    return builds


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(home)}


def index(home: Path, root: Path, db: Path, jobs: int, force: bool) -> tuple[float, float, dict]:
    command = [sys.executable, "-m", "kubeatlas", "index", str(root), "--db", str(db),
               "--k8s-version", "bench", "--jobs", str(jobs), "--json"] + (["--force"] if force else [])
    began, cpu = time.perf_counter(), children_cpu()
    out = subprocess.run(command, cwd=home, env=_env(home), check=True, capture_output=True,
                         text=True).stdout
    return time.perf_counter() - began, children_cpu() - cpu, json.loads(out).get("phases", {})


def graph_digest(db: Path) -> str:
    """The graph as rows, without the tree node (it holds the time of the index)."""
    digest = hashlib.sha256()
    with sqlite3.connect(db) as conn:
        for query in ("SELECT * FROM nodes WHERE id NOT LIKE 'tree:%' ORDER BY id",
                      "SELECT * FROM edges ORDER BY 1, 2, 3"):
            for row in conn.execute(query):
                digest.update(repr(row).encode())
    return digest.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("root", type=Path, nargs="?", default=os.environ.get("KUBEATLAS_K8S_ROOT"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--part", action="append", choices=sorted(PARTS))
    ap.add_argument("--no-cold", action="store_true", help="only the forced re-index")
    args = ap.parse_args()
    if args.root is None or not Path(args.root).is_dir():
        raise SystemExit("give a Kubernetes checkout (or set KUBEATLAS_K8S_ROOT)")
    if shutil.which("gcc") is None and shutil.which("cc") is None:
        raise SystemExit("compiling with mypyc needs a C compiler (gcc)")
    root = Path(args.root).resolve()
    parts = args.part or ["resolve"]
    print(f"machine: {os.cpu_count()} cores; jobs={args.jobs}; tree {root}")
    with tempfile.TemporaryDirectory(prefix="kubeatlas-compiled-") as tmp:
        work = Path(tmp)
        builds = make_builds(work, parts)
        figures: dict[tuple[str, str], list[tuple[float, float, dict]]] = {}
        for name, home in builds.items():  # a first cold index each: the warm facts cache
            index(home, root, work / f"{name}.sqlite", args.jobs, force=False)
        for _ in range(args.repeat):
            for name, home in builds.items():
                todo = [("forced re-index (warm facts)", work / f"{name}.sqlite", True)]
                if not args.no_cold:
                    cold = work / f"{name}-cold.sqlite"
                    for stale in (cold, Path(f"{cold}.facts")):
                        stale.unlink(missing_ok=True)
                    todo.append(("cold index", cold, False))
                for what, db, force in todo:
                    figures.setdefault((what, name), []).append(index(home, root, db, args.jobs, force))
        for (what, name), runs in sorted(figures.items()):
            walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
            phases = {k: round(statistics.median(r[2].get(k, 0) for r in runs), 2)
                      for k in runs[0][2]}
            print(f"{what:30} {name:8}: {statistics.median(walls):6.2f} s wall "
                  f"({min(walls):.2f}-{max(walls):.2f}), {statistics.median(cpus):6.2f} CPU-s "
                  f"({min(cpus):.2f}-{max(cpus):.2f}); median phases {phases}")
        same = graph_digest(work / "python.sqlite") == graph_digest(work / "compiled.sqlite")
        print("graphs equal" if same else "GRAPHS DIFFER: the compiled build wrote another graph")
        if not same:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
