"""Do the Python and the native extractors give the same Row for every file?

    python bench/native_equal.py                 # every .go file of tests/fixtures/ktree
    python bench/native_equal.py ROOT [--limit N] # every file discover() finds under ROOT

Prints the count of mismatching files, and for the first few the path inside the row where
the two first differ, with both values."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from kubeatlas.analyzer.discover import discover
from kubeatlas.analyzer.extract import extract_facts
from kubeatlas.analyzer.goparse import GoParser
from kubeatlas.analyzer.model import SourceFile
from kubeatlas.analyzer.native_extract import native_row_function
from kubeatlas.analyzer.rows import facts_to_row

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "ktree"


def first_difference(a: Any, b: Any, where: tuple[int, ...] = ()) -> tuple[tuple[int, ...], Any, Any] | None:
    if type(a) is not type(b):
        return where, a, b
    if isinstance(a, tuple):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = first_difference(x, y, (*where, i))
            if found:
                return found
        return (where, f"len {len(a)}", f"len {len(b)}") if len(a) != len(b) else None
    return None if a == b else (where, a, b)


def sources(root: Path | None) -> list[tuple[Path, SourceFile]]:
    if root is None:
        return [(p, SourceFile(p.relative_to(FIXTURE).as_posix(), "example.com/x", "example.com",
                               p.name.endswith("_test.go"))) for p in sorted(FIXTURE.rglob("*.go"))]
    return [(root / s.rel_path, s) for s in discover(root)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("root", nargs="?", type=Path)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--show", type=int, default=5)
    args = ap.parse_args()
    native_row, why = native_row_function()
    if native_row is None:
        sys.exit(why)
    parser = GoParser()
    files = sources(args.root)
    if args.limit:
        files = files[: args.limit]
    bad = []
    python_s = native_s = 0.0
    for path, source in files:
        content = path.read_bytes()
        t0 = time.perf_counter()
        expected = facts_to_row(extract_facts(parser, source, content))
        t1 = time.perf_counter()
        got = native_row(content, *source)
        native_s += time.perf_counter() - t1
        python_s += t1 - t0
        diff = first_difference(expected, got)
        if diff:
            bad.append((source.rel_path, diff))
    print(f"{len(bad)} of {len(files)} files differ (python {python_s:.2f} s, native {native_s:.2f} s)")
    for rel_path, (where, want, got) in bad[: args.show]:
        print(f"  {rel_path} at {list(where)}:\n    python {want!r}\n    native {got!r}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
