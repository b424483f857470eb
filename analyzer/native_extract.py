"""Which extractor scans a file: the native one (the Rust extension `_native`, built from
analyzer/native/) when it is importable and was built from this very Python extractor, else
the Python one. The only module that imports `_native`."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kubeatlas.analyzer.model import (
    CallRef,
    ChannelOp,
    Decl,
    DeclKind,
    Field,
    FileFacts,
    ImportRef,
    LocalSource,
    LocalVar,
    MethodSpec,
    Param,
    Problem,
)
from kubeatlas.analyzer.rows import Row
from kubeatlas.errors import KubeatlasError

# The Python modules the extension ports (and compiles in, GO_QUERY included), in the order its
# spec_digest() hashes them: an edit to any of them makes a built extension stale until rebuilt.
SPEC_MODULES = ("goparse.py", "extract.py", "values.py", "typesyntax.py", "body_locals.py",
                "channels.py", "buildtags.py", "model.py", "rows.py")
CHOICES = ("auto", "native", "python")

# the native row function: (content, rel_path, import_path, module, is_test) -> Row, exactly
# rows.facts_to_row(extract.extract_facts(parser, SourceFile(...), content))
RowFunction = Callable[[bytes, str, str, str, bool], Row]

# the native threaded scan: (root, [(rel_path, import_path, module, is_test, cached sha)],
# max_file_bytes, jobs, on_file) -> None, calling on_file(index, status, facts, row) for each
# file in order (see analyzer/scan.py and native/src/scan.rs)
Marshalled = tuple[bytes, bytes]  # a row as the facts cache keeps it: marshalled shell and body
ScanFunction = Callable[[str, list[tuple[str, str, str, bool, str]], int, int,
                         Callable[[int, int, FileFacts | None, Marshalled | None], None]], None]
PARSED, SAME, OTHER = 0, 1, 2  # a file's status in the scan: see native/src/scan.rs


@dataclass(frozen=True, slots=True)
class Extractor:
    name: str  # "native" or "python"
    why: str  # why this one, for the summary: "KUBEATLAS_EXTRACTOR=python", "extension not built", …


def native_row_function() -> tuple[RowFunction | None, str]:
    """The extension's row function, or None and why it cannot be used."""
    try:
        from kubeatlas.analyzer import _native
    except ImportError:
        return None, "native extension not built (`pip install .` builds it where cargo is)"
    if _native.spec_digest() != spec_digest():
        return None, "native extension is stale: built from other Python extractor sources (rebuild it)"
    row: RowFunction = _native.extract_row
    return row, ""


def native_scan_function() -> tuple[ScanFunction | None, str]:
    """The extension's threaded scan, which makes the records of model.py and the cache's
    marshalled rows itself, or None and why it cannot be used."""
    row, why = native_row_function()
    if row is None:
        return None, why
    from kubeatlas.analyzer import _native
    classes = [FileFacts, ImportRef, Decl, CallRef, LocalVar, Problem, ChannelOp, Field,
               MethodSpec, Param]  # the order native/src/rows.rs's Records takes them in
    kinds = {k.value: k for k in DeclKind}
    sources = {s.value: s for s in LocalSource}

    def scan(root: str, files: list[tuple[str, str, str, bool, str]], max_file_bytes: int,
             jobs: int, on_file: Callable[[int, int, FileFacts | None, Marshalled | None], None]) -> None:
        _native.scan_files(root, files, max_file_bytes, jobs, classes, kinds, sources, on_file)
    return scan, ""


def spec_digest() -> str:
    """sha1 of the Python extractor's sources, as the extension hashes the ones it was built from."""
    digest = hashlib.sha1()
    here = Path(__file__).resolve().parent
    for name in SPEC_MODULES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def choose_extractor(wanted: str) -> Extractor:
    """`auto`: the native extractor when usable, else Python; `python`: always Python;
    `native`: the native one or an error saying why not (KUBEATLAS_EXTRACTOR)."""
    wanted = wanted.strip().lower() or "auto"
    if wanted not in CHOICES:
        raise KubeatlasError(f"KUBEATLAS_EXTRACTOR={wanted!r} is not one of {', '.join(CHOICES)} "
                             "(unset it for the default, auto)", setting="KUBEATLAS_EXTRACTOR")
    if wanted == "python":
        return Extractor("python", "KUBEATLAS_EXTRACTOR=python")
    row, why = native_row_function()
    if row is not None:
        return Extractor("native", "")
    if wanted == "native":
        raise KubeatlasError(f"KUBEATLAS_EXTRACTOR=native but the {why}; build it with "
                             "`pip install .` (needs cargo) or unset the variable",
                             setting="KUBEATLAS_EXTRACTOR")
    return Extractor("python", why)
