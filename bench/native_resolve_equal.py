"""Do the Python and the native resolvers give the same call edges and tally, and the same
IMPLEMENTS and DISPATCHES edges in the same order?

    python bench/native_resolve_equal.py                  # the fixture tree tests/fixtures/ktree
    python bench/native_resolve_equal.py --facts PATH     # a facts cache (e.g. an index's .facts)
    python bench/native_resolve_equal.py --root ROOT      # a tree scanned with the Python extractor

Prints the count of files whose edge lists differ, the first few differences (edges only in
one, or the same edges in another order), the tally's differing keys and both timings."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from kubeatlas.analyzer.cache import load_cache
from kubeatlas.analyzer.model import FileFacts
from kubeatlas.graph.build.structure import TreeInfo, build_graph
from kubeatlas.graph.model.schema import EdgeKind
from kubeatlas.graph.resolve.calls import CallEdge, resolve_file_calls
from kubeatlas.graph.resolve.implements import add_implements
from kubeatlas.graph.resolve.native_calls import (
    Native,
    NativeResolution,
    native_resolve_function,
    resolve_all,
)
from kubeatlas.graph.resolve.symbols import SymbolTable

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "ktree"


def load_facts(root: Path | None, facts_path: Path | None) -> list[FileFacts]:
    if facts_path is not None:
        cache = load_cache(facts_path)
        return [cache.facts(path) for path in sorted(p for p, _ in cache.heads())]
    from kubeatlas.analyzer.discover import discover, find_modules
    from kubeatlas.analyzer.scan import scan_files

    root = root or FIXTURE
    with tempfile.TemporaryDirectory() as scratch:
        facts, _ = scan_files(root, list(discover(root, find_modules(root))),
                              cache=load_cache(Path(scratch) / "facts"), jobs=1)
    return facts


def python_edges(facts: list[FileFacts]) -> tuple[list[list[CallEdge]], dict[str, int]]:
    symbols = SymbolTable.of(facts)
    tally: Counter[str] = Counter()
    return [resolve_file_calls(f, symbols, tally) for f in facts], dict(tally)


def differences(facts: list[FileFacts], ours: list[list[CallEdge]], theirs: list[list[CallEdge]]
                ) -> list[tuple[str, list[CallEdge], list[CallEdge], bool]]:
    """(file, edges only Python gives, edges only native gives, same set in another order)."""
    found = []
    for f, a, b in zip(facts, ours, theirs, strict=True):
        if a != b:
            set_a, set_b = set(a), set(b)
            only_a = [e for e in a if e not in set_b]
            only_b = [e for e in b if e not in set_a]
            found.append((f.rel_path, only_a, only_b, not only_a and not only_b))
    return found


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", type=Path)
    ap.add_argument("--facts", type=Path)
    ap.add_argument("--show", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    resolve, why = native_resolve_function()
    if resolve is None:
        print(why)
        return 2
    facts = load_facts(args.root, args.facts)
    started = time.perf_counter()
    ours, our_tally = python_edges(facts)
    python_s = time.perf_counter() - started
    started = time.perf_counter()
    theirs, their_tally = resolve_all(resolve, facts, args.threads)
    native_s = time.perf_counter() - started
    found = differences(facts, ours, theirs)
    edges = sum(map(len, ours))
    print(f"{len(facts)} files, {edges} edges; python {python_s:.2f} s, native {native_s:.2f} s")
    print(f"files differing: {len(found)} (order only: {sum(1 for d in found if d[3])})")
    for path, only_a, only_b, order in found[:args.show]:
        print(f"  {path}: {'same edges, other order' if order else ''}")
        for e in only_a[:4]:
            print(f"    python only: {e}")
        for e in only_b[:4]:
            print(f"    native only: {e}")
    keys = sorted(set(our_tally) | set(their_tally))
    tally_diff = {k: (our_tally.get(k), their_tally.get(k)) for k in keys
                  if our_tally.get(k) != their_tally.get(k)}
    print(f"tally differing keys: {tally_diff or 'none'}")
    ours_i, theirs_i = implements_edges(facts, None), implements_edges(facts, resolve)
    ours_set, theirs_set = set(ours_i[0]), set(theirs_i[0])
    missing = [e for e in ours_i[0] if e not in theirs_set]
    extra = [e for e in theirs_i[0] if e not in ours_set]
    print(f"IMPLEMENTS/DISPATCHES: {len(ours_i[0])} python, {len(theirs_i[0])} native; "
          f"only python {len(missing)}, only native {len(extra)}, same order "
          f"{ours_i[0] == theirs_i[0]}; figures {ours_i[1]} vs {theirs_i[1]}")
    for e in missing[:args.show]:
        print(f"  python only: {e}")
    for e in extra[:args.show]:
        print(f"  native only: {e}")
    same_implements = ours_i == theirs_i
    return 1 if found or tally_diff or not same_implements else 0


def implements_edges(facts: list[FileFacts], native: Native | None) -> tuple[list, dict]:
    """IMPLEMENTS and DISPATCHES edges in the order added, and the figures."""
    graph = build_graph(facts, [], TreeInfo("t", "", "", "", "", ""))
    if native is None:
        figures = add_implements(graph, SymbolTable.of(facts))
    else:
        figures = NativeResolution(native, facts, graph).add_implements(graph)
    return [(e.source, e.target, e.kind, tuple(sorted(e.attrs.items()))) for e in graph.edges()
            if e.kind in (EdgeKind.IMPLEMENTS, EdgeKind.DISPATCHES)], figures


if __name__ == "__main__":
    sys.exit(main())
