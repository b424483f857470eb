"""Build constraints: //go:build and // +build headers, _GOOS_GOARCH file names, and matches()."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

KNOWN_OS = frozenset((
    "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux", "nacl", "netbsd",
    "openbsd", "plan9", "solaris", "wasip1", "windows", "zos",
))
KNOWN_ARCH = frozenset((
    "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips", "mipsle", "mips64",
    "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le", "riscv", "riscv64", "s390", "s390x", "sparc",
    "sparc64", "wasm",
))
UNIX_OS = frozenset((
    "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "linux", "netbsd", "openbsd",
    "solaris",
))
# The platforms an IMPORTS edge reports; Kubernetes' release platforms.
PLATFORMS = (
    "darwin/amd64", "darwin/arm64", "linux/386", "linux/amd64", "linux/arm", "linux/arm64",
    "linux/ppc64le", "linux/s390x", "windows/amd64", "windows/arm64",
)
GO_RELEASE_MINOR = 30  # go1.1 … go1.30 are satisfied, as by a current toolchain

_TOKEN = re.compile(r"\s*(\(|\)|!|&&|\|\||[A-Za-z0-9_.]+)")

TagTest = Callable[[str], bool]  # is this build tag satisfied?
Predicate = Callable[[TagTest], bool]  # a compiled //go:build expression


def read_build_expr(header: bytes) -> str | None:
    """The file's constraint as a //go:build expression (legacy +build lines converted), or None.

    As go/build's parseFileHeader: the header is the leading run of blank lines, // comments
    and /* */ comments (a UTF-8 byte-order mark skipped); a `//go:build ` line anywhere in it
    outside a block comment controls; otherwise legacy `// +build` lines count when they lie
    above the last blank line before the first non-comment line. `header` ends where the
    package clause starts, so its last, partial line is not a line of its own.
    """
    go_build: str | None = None
    plus_end = 0  # lines [0, plus_end) may hold +build lines
    ended = False
    in_block = False
    lines = header.removeprefix(b"\xef\xbb\xbf").split(b"\n")[:-1]
    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line and not ended:
            plus_end = index
            continue
        if not line.startswith(b"//"):
            ended = True
        if not in_block and _is_go_build(line) and go_build is None:
            go_build = line[len(b"//go:build"):].decode("utf-8", "replace").strip()
        rest = line
        while rest:
            if in_block:
                close = rest.find(b"*/")
                if close < 0:
                    break
                in_block, rest = False, rest[close + 2:].strip()
            elif rest.startswith(b"//"):
                break
            elif rest.startswith(b"/*"):
                in_block, rest = True, rest[2:].strip()
            else:
                return go_build if go_build is not None else _plus_build(lines[:plus_end])
    if go_build is not None:
        return go_build
    return _plus_build(lines[:plus_end])


def _is_go_build(line: bytes) -> bool:
    return line.startswith(b"//go:build") and (len(line) == 10 or line[10:11] in (b" ", b"\t"))


def _plus_build(lines: list[bytes]) -> str | None:
    plus_lines = []
    for raw in lines:
        line = raw.strip()
        text = line[2:].strip() if line.startswith(b"//") else b""
        if text.startswith(b"+build") and text[6:7] in (b" ", b"\t", b""):
            plus_lines.append(text[6:].decode("utf-8", "replace").strip())
    if not plus_lines:
        return None
    return " && ".join(_plus_line_expr(line) for line in plus_lines)


def with_cgo(build_expr: str | None, imports_c: bool) -> str | None:
    """A file importing "C" is a cgo file: it builds only with cgo on, as go/build decides."""
    if not imports_c:
        return build_expr
    return f"cgo && ({build_expr})" if build_expr else "cgo"


def _plus_line_expr(line: str) -> str:
    ors = []
    for term in line.split():
        ands = [f"!{t[1:]}" if t.startswith("!") else t for t in term.split(",") if t]
        # a term of commas alone (`// +build ,`) names no tag: Go reads an empty tag as `ignore`
        ors.append("(" + " && ".join(ands) + ")" if len(ands) > 1 else (ands[0] if ands else "ignore"))
    return "(" + " || ".join(ors) + ")" if len(ors) > 1 else (ors[0] if ors else "true")


def file_name_matches(rel_path: str, goos: str, goarch: str) -> bool:
    """go/build's goodOSArchFile: *_GOOS, *_GOARCH, *_GOOS_GOARCH (before an optional _test)."""
    return _name_allows(_name_constraint(rel_path), goos, goarch)


def _name_allows(constraint: tuple[str | None, str | None], goos: str, goarch: str) -> bool:
    name_os, name_arch = constraint
    return ((name_os is None or _os_matches(name_os, goos))
            and (name_arch is None or name_arch == goarch))


def _name_constraint(rel_path: str) -> tuple[str | None, str | None]:
    """The GOOS and GOARCH a file name demands (None: any)."""
    name = rel_path.rsplit("/", 1)[-1]
    name = name.split(".", 1)[0]
    underscore = name.find("_")
    if underscore < 0:
        return None, None
    parts = name[underscore:].split("_")
    if parts and parts[-1] == "test":
        parts = parts[:-1]
    n = len(parts)
    if n >= 2 and parts[n - 2] in KNOWN_OS and parts[n - 1] in KNOWN_ARCH:
        return parts[n - 2], parts[n - 1]
    if n >= 1 and parts[n - 1] in KNOWN_OS:
        return parts[n - 1], None
    if n >= 1 and parts[n - 1] in KNOWN_ARCH:
        return None, parts[n - 1]
    return None, None


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


@lru_cache(maxsize=4096)
def buildable_somewhere(build_expr: str | None) -> bool:
    """False for files no platform builds with default tags (`//go:build ignore`, tools):
    go/build does not let them name their package."""
    if not build_expr:
        return True
    predicate = _compile(build_expr)
    return any(predicate(_satisfied(goos, goarch, frozenset(), cgo))
               for goos in KNOWN_OS for goarch in KNOWN_ARCH for cgo in (False, True))


def platforms_of(rel_path: str, build_expr: str | None) -> tuple[str, ...]:
    """The PLATFORMS on which this file is compiled with default tags."""
    return _platforms_of(_name_constraint(rel_path), build_expr)


@lru_cache(maxsize=4096)
def _platforms_of(name_constraint: tuple[str | None, str | None],
                  build_expr: str | None) -> tuple[str, ...]:
    predicate = _compile(build_expr) if build_expr else None
    out = []
    for platform in PLATFORMS:
        goos, goarch = platform.split("/")
        if _name_allows(name_constraint, goos, goarch) and (
                predicate is None or predicate(_satisfied(goos, goarch, frozenset(), False))):
            out.append(platform)
    return tuple(out)


@lru_cache(maxsize=256)
def _satisfied(goos: str, goarch: str, tags: frozenset[str], cgo: bool) -> TagTest:
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
def _compile(expr: str) -> Predicate:
    """Compile a //go:build expression into a predicate over a tag->bool function."""
    tokens = _TOKEN.findall(expr)
    position = 0

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        position += 1
        return tokens[position - 1]

    def parse_or() -> Predicate:
        left = parse_and()
        while peek() == "||":
            take()
            right = parse_and()
            left = (lambda a, b: lambda ok: a(ok) or b(ok))(left, right)
        return left

    def parse_and() -> Predicate:
        left = parse_not()
        while peek() == "&&":
            take()
            right = parse_not()
            left = (lambda a, b: lambda ok: a(ok) and b(ok))(left, right)
        return left

    def parse_not() -> Predicate:
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
