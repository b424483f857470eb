"""Benchmark the spine on a real Kubernetes tree: cold index, unchanged and one-file re-index,
peak RSS, and the tree-sitter parse floor measured in the same run with the same workers.

    python bench/index.py /path/to/kubernetes [--jobs 2]

Works on a scratch copy of the tree (pkg/ staging/ cmd/ plugin/ go.mod), so the one-file
change never touches the original. Each cold index starts as after `rm` of the index before it
(the index file and its facts cache): kept, the earlier rounds' files (~0.5 GB a round) would
hold the memory the next round's index would otherwise reuse, and each round would run slower
than the one before (full index 8.9 -> 9.8 s over five rounds; flat when removed).
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kubeatlas.analyzer.discover import discover
from kubeatlas.analyzer.goparse import GoParser
from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.graph.index.pipeline import index_tree
from kubeatlas.graph.index.stages import default_stages

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the oracle helpers
from call_oracle import K8S_SCOPE, go_sites, index_pairs, render, score
from handoff_oracle import K8S_SCOPE as HANDOFF_SCOPE
from handoff_oracle import expected_handoffs, go_ends, index_handoffs
from handoff_oracle import render as render_handoffs
from handoff_oracle import score as score_handoffs
from oracle import build_tool, go_available

_parser = None


def _parse_only(path: str) -> int:
    global _parser
    if _parser is None:
        _parser = GoParser()
    with open(path, "rb") as fh:
        content = fh.read()
    _parser.parse(content)
    return len(content)


def cpu_seconds() -> float:
    """User + system CPU of this process and every child it has reaped so far."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def parse_floor(root: Path, jobs: int) -> tuple[float, int, int, float]:
    files = [str(root / s.rel_path) for s in discover(root)]
    began, cpu = time.perf_counter(), cpu_seconds()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        size = sum(pool.map(_parse_only, files, chunksize=64))
    return time.perf_counter() - began, len(files), size, cpu_seconds() - cpu


def copy_tree(src: Path, dst: Path) -> None:
    for name in ("pkg", "staging", "cmd", "plugin"):
        if (src / name).is_dir():
            shutil.copytree(src / name, dst / name, symlinks=True)
    shutil.copy2(src / "go.mod", dst / "go.mod")


def timed_index(root: Path, db: Path, jobs: int, *, spine_only: bool = False):
    gc.collect()  # the previous run's graph is garbage: do not bill its collection to this run
    began, cpu = time.perf_counter(), cpu_seconds()
    summary = index_tree(describe_checkout(root), db, jobs=jobs, max_file_bytes=8 << 20,
                         stages=() if spine_only else default_stages(jobs))
    summary.figures["cpu_seconds"] = cpu_seconds() - cpu  # workers included once reaped
    return time.perf_counter() - began, summary


def discard(db: Path) -> None:
    """Remove an index and what lies beside it (its facts cache, a patch's delta file)."""
    for path in db.parent.glob(db.name + "*"):
        path.unlink()


def cli_wall(root: Path, db: Path, jobs: int) -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kubeatlas.app.cli", "index", str(root), "--db", str(db),
                    "--jobs", str(jobs)], check=True, capture_output=True,
                   cwd=Path(__file__).resolve().parents[1])
    return time.perf_counter() - began


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def _spread(values, unit: str = "s") -> str:
    """Median and range of a few measurements: '9.81 s (9.61-10.02, 3 rounds)'."""
    values = sorted(values)
    return (f"{statistics.median(values):.2f} {unit} "
            f"({values[0]:.2f}-{values[-1]:.2f}, {len(values)} rounds)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", type=Path, nargs="?", default=os.environ.get("KUBEATLAS_K8S_ROOT"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3,
                    help="rounds of floor + cold indexes; medians and ranges are printed")
    ap.add_argument("--no-oracle", action="store_true",
                    help="skip the go/types comparison of CALLS and REFERENCES")
    args = ap.parse_args()
    if not args.root:
        sys.exit("give a Kubernetes tree (or set KUBEATLAS_K8S_ROOT)")
    with tempfile.TemporaryDirectory(prefix="kubeatlas-bench-") as scratch:
        root = Path(scratch) / "kubernetes"
        root.mkdir()
        copy_tree(args.root.resolve(), root)
        rounds = []  # floor, spine and full cold index side by side, so drift hits all three
        cpu_rounds = []  # CPU seconds of the floor and the full index: what load changes least
        spine_db, db = Path(scratch) / "spine.sqlite", Path(scratch) / "index.sqlite"
        for _ in range(args.repeat):
            floor, nfiles, size, floor_cpu = parse_floor(root, args.jobs)
            spine, spine_summary = timed_index(root, spine_db, args.jobs, spine_only=True)
            discard(spine_db)
            discard(db)
            cold, summary = timed_index(root, db, args.jobs)
            rounds.append((floor, spine, cold))
            cpu_rounds.append((floor_cpu, summary.figures["cpu_seconds"]))
        rss_cold = peak_rss_mb()
        accuracy = "" if args.no_oracle else call_accuracy(args.root.resolve(), db, scratch)
        unchanged, again = timed_index(root, db, args.jobs)
        unchanged_cli = cli_wall(root, db, args.jobs)
        victim = root / "pkg/kubelet/kubelet.go"
        with open(victim, "a", encoding="utf-8") as fh:
            fh.write("\n// touched by bench/index.py\n")
        one_file, changed = timed_index(root, db, args.jobs)
        with open(victim, "a", encoding="utf-8") as fh:
            fh.write("// and again\n")
        one_file_cli = cli_wall(root, db, args.jobs)
    counts = summary.counts
    nodes = sum(v for k, v in counts.items() if not k.isupper())
    edges = sum(v for k, v in counts.items() if k.isupper())
    calls = summary.figures.get("resolve", {}).get("calls", {})
    print(f"machine: {os.cpu_count()} cores; jobs={args.jobs}; extractor {summary.extractor} "
          "(KUBEATLAS_EXTRACTOR=python|native to choose)")
    print(f"files {nfiles}  MB {size / 1e6:.1f}  packages {counts.get('Package', 0)}  "
          f"nodes {nodes}  edges {edges}")
    print(f"parse floor (tree-sitter parse only, {args.jobs} workers): "
          f"{_spread(r[0] for r in rounds)}")
    print(f"cold index, spine only (no knowledge stages): {_spread(r[1] for r in rounds)}  = "
          f"{_spread((r[1] / r[0] for r in rounds), 'x')} floor  "
          f"phases (last round) {spine_summary.phases}")
    print(f"cold index, full (with the knowledge stages): {_spread(r[2] for r in rounds)}  = "
          f"{_spread((r[2] / r[0] for r in rounds), 'x')} floor; knowledge stages "
          f"{_spread((100 * (r[2] - r[1]) / r[1] for r in rounds), '%')} over the spine  "
          f"phases (last round) {summary.phases}")
    print(f"CPU seconds, all processes: parse floor {_spread(r[0] for r in cpu_rounds)}, "
          f"full cold index {_spread(r[1] for r in cpu_rounds)} = "
          f"{_spread((r[1] / r[0] for r in cpu_rounds), 'x')} the floor's")
    print(f"unchanged re-index: {unchanged:.2f} s in-process, {unchanged_cli:.2f} s as CLI "
          f"(up_to_date={again.up_to_date})")
    print(f"one changed file: {one_file:.2f} s in-process (parsed {changed.parsed}), "
          f"{one_file_cli:.2f} s as CLI  phases {changed.phases}")
    print(f"peak RSS: {rss_cold:.0f} MB (max of the main process and one worker)")
    sites = calls.get('resolved', 0) + calls.get('unresolved', 0)
    print(f"calls resolved: {calls.get('resolved_share_pct')} % of {sites} "
          f"in-tree call sites ({calls.get('external', 0)} to external packages, "
          f"{calls.get('builtin', 0)} builtins)")
    print(f"load average during the run (1, 5, 15 min): {os.getloadavg()}")
    if accuracy:
        print("CALLS and REFERENCES against go/types (linux/amd64, non-test files), "
              f"scope {', '.join(K8S_SCOPE)}:\n{accuracy}")


def call_accuracy(source: Path, db: Path, scratch: str) -> str:
    """Recall per category and precision of the index's CALLS/REFERENCES against go/types
    (tools/goimports/calls) over the issue's scope, and of its HANDS_OFF (tools/goimports/
    handoffs); "" without a Go toolchain."""
    if not go_available():
        return ""
    tool = build_tool(Path(scratch), "calls")
    sites = go_sites(tool, source, K8S_SCOPE)
    scores, precision = score(sites, index_pairs(db, K8S_SCOPE))
    ends = go_ends(build_tool(Path(scratch), "handoffs"), source, HANDOFF_SCOPE)
    handed = score_handoffs(expected_handoffs(ends), index_handoffs(db, HANDOFF_SCOPE))
    return (f"{render(scores, precision)}\n\nHANDS_OFF against go/types (tools/goimports/"
            f"handoffs), scope {', '.join(HANDOFF_SCOPE)}:\n{render_handoffs(handed)}")


if __name__ == "__main__":
    main()
