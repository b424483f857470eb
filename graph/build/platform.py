"""The one platform view: a declaration written once per OS is read from the file that
linux/amd64 builds; the other variants are kept beside it, not mixed into it."""

from __future__ import annotations

from kubeatlas.analyzer.buildtags import matches, platforms_of

PRIMARY_GOOS = "linux"
PRIMARY_GOARCH = "amd64"


def variant_rank(rel_path: str, build_expr: str | None, is_test: bool,
                 goos: str = PRIMARY_GOOS, goarch: str = PRIMARY_GOARCH) -> tuple[int, str]:
    """Sort key among the files declaring one id: the non-test file goos/goarch builds first,
    then other non-test files, then the test file it builds, then other test files (a test
    written per OS reads as its linux file); the path breaks ties."""
    built = matches(rel_path, build_expr, goos, goarch)
    return (2 if is_test else 0) + (0 if built else 1), rel_path


def variant_record(rel_path: str, build_expr: str | None, line: int) -> dict:
    """What a node keeps of a variant it was not read from: {file, line, platforms}."""
    platforms = platforms_of(rel_path, build_expr)
    return {"file": rel_path, "line": line, "platforms": list(platforms)}
