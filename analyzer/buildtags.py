"""Build constraints: //go:build and // +build headers, _GOOS_GOARCH file names, and matches()."""

from __future__ import annotations

import re
from functools import lru_cache

KNOWN_OS = frozenset(
    "aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 "
    "solaris wasip1 windows zos".split()
)
KNOWN_ARCH = frozenset(
    "386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 "
    "mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm".split()
)
UNIX_OS = frozenset(
    "aix android darwin dragonfly freebsd hurd illumos ios linux netbsd openbsd solaris".split()
)
# The platforms an IMPORTS edge reports; Kubernetes' release platforms.
PLATFORMS = (
    "darwin/amd64", "darwin/arm64", "linux/386", "linux/amd64", "linux/arm", "linux/arm64",
    "linux/ppc64le", "linux/s390x", "windows/amd64", "windows/arm64",
)
GO_RELEASE_MINOR = 30  # go1.1 … go1.30 are satisfied, as by a current toolchain

_TOKEN = re.compile(r"\s*(\(|\)|!|&&|\|\||[A-Za-z0-9_.]+)")


def read_build_expr(header: bytes) -> str | None:
    """The file's constraint as a //go:build expression (legacy +build lines converted), or None.

    As in go/build: a //go:build line counts anywhere in the leading run of // comments; legacy
    +build lines count only above the last blank line of that run. `header` ends where the
    package clause starts, so its last, partial line is not a line of its own.
    """
    go_build: str | None = None
    plus_lines: list[str] = []
    block_end = 0
    lines = header.split(b"\n")[:-1]
    candidates: list[tuple[int, bytes]] = []
    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            block_end = index
            continue
        if not line.startswith(b"//"):
            break
        candidates.append((index, line))
    for index, line in candidates:
        if line.startswith(b"//go:build") and go_build is None:
            go_build = line[len(b"//go:build"):].decode("utf-8", "replace").strip()
        elif index < block_end and (line.startswith(b"// +build") or line.startswith(b"//+build")):
            plus_lines.append(line.split(b"build", 1)[1].decode("utf-8", "replace").strip())
    if go_build is not None:
        return go_build
    if plus_lines:
        return " && ".join(_plus_line_expr(line) for line in plus_lines)
    return None


def _plus_line_expr(line: str) -> str:
    ors = []
    for term in line.split():
        ands = [f"!{t[1:]}" if t.startswith("!") else t for t in term.split(",") if t]
        ors.append("(" + " && ".join(ands) + ")" if len(ands) > 1 else ands[0])
    return "(" + " || ".join(ors) + ")" if len(ors) > 1 else (ors[0] if ors else "true")


def file_name_matches(rel_path: str, goos: str, goarch: str) -> bool:
    """go/build's goodOSArchFile: *_GOOS, *_GOARCH, *_GOOS_GOARCH (before an optional _test)."""
    name = rel_path.rsplit("/", 1)[-1]
    name = name.split(".", 1)[0]
    underscore = name.find("_")
    if underscore < 0:
        return True
    parts = name[underscore:].split("_")
    if parts and parts[-1] == "test":
        parts = parts[:-1]
    n = len(parts)
    if n >= 2 and parts[n - 2] in KNOWN_OS and parts[n - 1] in KNOWN_ARCH:
        return _os_matches(parts[n - 2], goos) and parts[n - 1] == goarch
    if n >= 1 and parts[n - 1] in KNOWN_OS:
        return _os_matches(parts[n - 1], goos)
    if n >= 1 and parts[n - 1] in KNOWN_ARCH:
        return parts[n - 1] == goarch
    return True


def _os_matches(name: str, goos: str) -> bool:
    return name == goos or (name == "linux" and goos == "android") or (
        name == "solaris" and goos == "illumos") or (name == "darwin" and goos == "ios")


def matches(rel_path: str, build_expr: str | None, goos: str, goarch: str,
            tags: frozenset[str] = frozenset(), cgo: bool = False) -> bool:
    """Would `go build` for goos/goarch (with these tags, cgo on or off) compile this file?"""
    if not file_name_matches(rel_path, goos, goarch):
        return False
    if not build_expr:
        return True
    return _compile(build_expr)(_satisfied(goos, goarch, tags, cgo))


def platforms_of(rel_path: str, build_expr: str | None) -> tuple[str, ...]:
    """The PLATFORMS on which this file is compiled with default tags."""
    return tuple(p for p in PLATFORMS if matches(rel_path, build_expr, *p.split("/")))


@lru_cache(maxsize=256)
def _satisfied(goos: str, goarch: str, tags: frozenset[str], cgo: bool):
    def ok(tag: str) -> bool:
        if tag in (goos, goarch, "gc") or tag in tags:
            return True
        if tag == "unix":
            return goos in UNIX_OS
        if tag == "cgo":
            return cgo
        if tag.startswith("go1."):
            minor = tag[4:]
            return minor.isdigit() and int(minor) <= GO_RELEASE_MINOR
        return _os_matches(tag, goos) if tag in KNOWN_OS else False

    return ok


@lru_cache(maxsize=4096)
def _compile(expr: str):
    """Compile a //go:build expression into a predicate over a tag->bool function."""
    tokens = _TOKEN.findall(expr)
    position = 0

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        position += 1
        return tokens[position - 1]

    def parse_or():
        left = parse_and()
        while peek() == "||":
            take()
            right = parse_and()
            left = (lambda a, b: lambda ok: a(ok) or b(ok))(left, right)
        return left

    def parse_and():
        left = parse_not()
        while peek() == "&&":
            take()
            right = parse_not()
            left = (lambda a, b: lambda ok: a(ok) and b(ok))(left, right)
        return left

    def parse_not():
        token = take() if peek() is not None else "false"
        if token == "!":
            inner = parse_not()
            return lambda ok: not inner(ok)
        if token == "(":
            inner = parse_or()
            if peek() == ")":
                take()
            return inner
        if token == "true":
            return lambda ok: True
        return lambda ok: ok(token)

    try:
        return parse_or()
    except IndexError:
        return lambda ok: False
