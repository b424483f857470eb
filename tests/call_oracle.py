"""Go's type checker as ground truth for CALLS and REFERENCES: run tools/goimports/calls and
measure the index's recall and precision against it, per category of call site."""

from __future__ import annotations

import sqlite3
import subprocess
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kubeatlas.analyzer.buildtags import matches

# The scope: where a learner looks for main loops.
K8S_SCOPE = ("pkg/kubelet/...", "pkg/scheduler/...", "pkg/controller/...",
             "staging/src/k8s.io/client-go/tools/cache")


@dataclass(frozen=True, slots=True)
class Site:
    kind: str  # call | value
    caller: str
    callee: str
    category: str
    where: str  # file:line


@dataclass(frozen=True, slots=True)
class Score:
    category: str
    expected: int
    found: int
    missed: tuple[tuple[str, str], ...]

    @property
    def recall(self) -> float:
        return 100.0 * self.found / self.expected if self.expected else 100.0


def run_tool(binary: Path, root: Path, scope: tuple[str, ...] = (), goos: str = "linux",
             goarch: str = "amd64") -> list[list[str]]:
    """A built command's lines for the tree at root, split at tabs."""
    proc = subprocess.run([str(binary), "-root", str(root), "-goos", goos, "-goarch", goarch,
                           "-scope", ",".join(scope)], check=True, capture_output=True,
                          timeout=1800, text=True)
    return [line.split("\t") for line in proc.stdout.splitlines() if line]


def go_sites(binary: Path, root: Path, scope: tuple[str, ...] = (), goos: str = "linux",
             goarch: str = "amd64") -> list[Site]:
    return [Site(*fields) for fields in run_tool(binary, root, scope, goos, goarch)]


def in_scope(path: str, scope: tuple[str, ...]) -> bool:
    directory = path.rpartition("/")[0]
    for entry in scope:
        base, recursive = (entry[:-4], True) if entry.endswith("/...") else (entry, False)
        if directory == base or (recursive and directory.startswith(base + "/")):
            return True
    return not scope


def reported(conn: sqlite3.Connection, scope: tuple[str, ...], goos: str, goarch: str
             ) -> Callable[[str], bool]:
    """Is a function one the oracle reports on: declared in a non-test file of the scope that
    goos/goarch builds?"""
    build = dict(conn.execute("SELECT json_extract(attrs, '$.path'), "
                              "json_extract(attrs, '$.build_expr') FROM nodes "
                              "WHERE kind = 'File'"))
    files = dict(conn.execute("SELECT id, json_extract(attrs, '$.file') FROM nodes "
                              "WHERE kind IN ('Function', 'Method')"))

    def kept(function: str) -> bool:
        path = files.get(function) or ""
        return (bool(path) and not path.endswith("_test.go") and in_scope(path, scope)
                and matches(path, build.get(path) or None, goos, goarch))
    return kept


def index_pairs(db: Path, scope: tuple[str, ...] = (), goos: str = "linux",
                goarch: str = "amd64") -> dict[str, set[tuple[str, str]]]:
    """kind (call/value) -> (caller, callee) pairs of the index whose caller is declared in a
    non-test file of the scope that goos/goarch builds. Calls through func-typed fields to the
    functions stored there (via "stored") are no static calls, so no part of the comparison."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        kept = reported(conn, scope, goos, goarch)
        out: dict[str, set[tuple[str, str]]] = {"call": set(), "value": set()}
        for source, target, kind in conn.execute(
                "SELECT source, target, kind FROM edges WHERE kind IN ('CALLS', 'REFERENCES') "
                "AND coalesce(json_extract(attrs, '$.via'), '') != 'stored'"):  # not static
            if kept(source):
                out["call" if kind == "CALLS" else "value"].add((source, target))
        return out
    finally:
        conn.close()


def score(sites: list[Site], ours: dict[str, set[tuple[str, str]]]
          ) -> tuple[dict[str, list[Score]], dict[str, tuple[int, int]]]:
    """Per kind: recall per category (a pair's category is its first site's), and
    (pairs of ours the oracle confirms, pairs of ours) for precision."""
    first: dict[tuple[str, str, str], Site] = {}
    for site in sorted(sites, key=lambda s: (s.where.rpartition(":")[0],
                                             int(s.where.rpartition(":")[2]))):
        first.setdefault((site.kind, site.caller, site.callee), site)
    by_category: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for (kind, caller, callee), site in first.items():
        by_category[kind][site.category].append((caller, callee))
    scores: dict[str, list[Score]] = {}
    precision: dict[str, tuple[int, int]] = {}
    for kind in ("call", "value"):
        have = ours.get(kind, set())
        rows = []
        for category, pairs in sorted(by_category[kind].items()):
            missed = tuple(sorted(p for p in pairs if p not in have))
            rows.append(Score(category, len(pairs), len(pairs) - len(missed), missed))
        everything = {p for pairs in by_category[kind].values() for p in pairs}
        rows.append(Score("all", len(everything), len(everything & have),
                          tuple(sorted(everything - have))))
        scores[kind] = rows
        precision[kind] = (len(have & everything), len(have))
    return scores, precision


def extra_pairs(sites: list[Site], ours: dict[str, set[tuple[str, str]]], kind: str
                ) -> list[tuple[str, str]]:
    """Pairs of ours the oracle does not have (precision misses)."""
    theirs = {(s.caller, s.callee) for s in sites if s.kind == kind}
    return sorted(ours.get(kind, set()) - theirs)


def render(scores: dict[str, list[Score]], precision: dict[str, tuple[int, int]]) -> str:
    lines = ["| kind | category | expected | found | recall |", "|---|---|---|---|---|"]
    for kind, rows in scores.items():
        for r in rows:
            lines.append(f"| {kind} | {r.category} | {r.expected} | {r.found} | {r.recall:.1f} % |")
    for kind, (good, total) in precision.items():
        share = 100.0 * good / total if total else 100.0
        lines.append(f"| {kind} | precision | {total} | {good} | {share:.1f} % |")
    return "\n".join(lines)
