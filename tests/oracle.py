"""Go's own parser as ground truth: run tools/goimports and compare its imports with the index."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections import defaultdict
from pathlib import Path

from kubeatlas.analyzer.buildtags import matches

TOOL = Path(__file__).resolve().parents[1] / "tools" / "goimports"


def go_available() -> bool:
    return shutil.which("go") is not None and (TOOL / "go.mod").is_file()


def build_tool(out_dir: Path, command: str = "") -> Path:
    """Build tools/goimports (the imports tool), or one of its commands (calls, handoffs),
    into out_dir."""
    binary = out_dir / (f"{command}-oracle" if command else "goimports")
    subprocess.run(["go", "build", "-o", str(binary), f"./{command}"], cwd=TOOL, check=True,
                   capture_output=True, timeout=600, env=_go_env())
    return binary


def _go_env() -> dict[str, str]:
    import os

    return {**os.environ, "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local"}


def go_imports(binary: Path, root: Path, goos: str = "linux", goarch: str = "amd64") -> dict:
    proc = subprocess.run([str(binary), "-root", str(root), "-goos", goos, "-goarch", goarch],
                          check=True, capture_output=True, timeout=600)
    return json.loads(proc.stdout)


def index_imports(db: Path, skip_files: set[str], goos: str, goarch: str) -> dict[str, dict]:
    """dir -> {"all": set, "selected": set} from the index's IMPORTS edges over non-test files."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        dirs = dict(conn.execute("SELECT id, json_extract(attrs, '$.dir') FROM nodes "
                                 "WHERE kind = 'Package'"))
        build = dict(conn.execute("SELECT json_extract(attrs, '$.path'), "
                                  "json_extract(attrs, '$.build_expr') FROM nodes "
                                  "WHERE kind = 'File'"))
        out: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"all": set(), "selected": set()})
        for source, target, paths in conn.execute(
                "SELECT source, target, json_extract(attrs, '$.file_paths') FROM edges "
                "WHERE kind = 'IMPORTS'"):
            files = [p for p in json.loads(paths) if not p.endswith("_test.go")
                     and p not in skip_files]
            if not files:
                continue
            imported = target.split(":", 1)[1]
            entry = out[dirs[source]]
            entry["all"].add(imported)
            if any(matches(p, build.get(p) or None, goos, goarch) for p in files):
                entry["selected"].add(imported)
        return dict(out)
    finally:
        conn.close()


def compare(oracle: dict, ours: dict[str, dict]) -> tuple[int, list[str]]:
    """(packages compared, mismatch descriptions) over every dir either side knows."""
    theirs = oracle["packages"]
    dirs = {d for d, v in theirs.items() if v.get("all")} | set(ours)
    mismatches = []
    for d in sorted(dirs):
        want = theirs.get(d, {})
        have = ours.get(d, {"all": set(), "selected": set()})
        for view in ("all", "selected"):
            expected = set(want.get(view) or ())
            if expected != have[view]:
                mismatches.append(f"{d} [{view}]: missing {sorted(expected - have[view])} "
                                  f"extra {sorted(have[view] - expected)}")
    return len(dirs), mismatches
