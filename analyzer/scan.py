"""Scan a tree's files into FileFacts, in parallel, reusing the cache; problems never stop it."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import stat
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from kubeatlas.analyzer.cache import FactsCache
from kubeatlas.analyzer.extract import extract_facts
from kubeatlas.analyzer.gcpolicy import relax_for_worker
from kubeatlas.analyzer.goparse import GoParser
from kubeatlas.analyzer.model import FileFacts, Problem, SourceFile
from kubeatlas.analyzer.native_extract import (
    OTHER,
    PARSED,
    Marshalled,
    RowFunction,
    ScanFunction,
    choose_extractor,
    native_row_function,
    native_scan_function,
)
from kubeatlas.analyzer.reading import NotRegular, read_head
from kubeatlas.analyzer.rows import Row, facts_from_row, facts_to_row
from kubeatlas.settings import setting

DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024
_DECLS_START = re.compile(rb"^(func|type|var|const)\b", re.MULTILINE)

_parser: GoParser | None = None  # the Python extractor's, built only when it is the one used
_native_row: RowFunction | None = None  # the native extractor's row function, when it is used
_SAME = "\0same"  # a worker's answer for a file whose bytes match the cached sha


@dataclass(frozen=True, slots=True)
class ScanStats:
    files: int
    parsed: int
    reused: int
    bytes_read: int
    extractor: str = "python"  # which extractor parsed the files: "native" or "python"
    extractor_why: str = ""  # why not the native one ("" when it ran)


def scan_files(
    root: Path,
    sources: Iterable[SourceFile],
    *,
    cache: FactsCache,
    jobs: int = 0,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    on_progress: Callable[[int], None] = lambda n: None,
    prune: bool = True,
    extractor: str | None = None,
) -> tuple[list[FileFacts], ScanStats]:
    """FileFacts for every source (sorted by path); unchanged files come from the cache, which
    then forgets every other file unless `prune` is False (a scan of a few changed files).
    `extractor` is auto, native or python (default: KUBEATLAS_EXTRACTOR): see native_extract."""
    chosen = choose_extractor(extractor if extractor is not None else setting("extractor"))
    native = chosen.name == "native"
    facts: list[FileFacts] = []
    todo: list[tuple[SourceFile, int, int]] = []
    sources = list(sources)
    for source in sources:
        full = root / source.rel_path
        try:
            st = os.stat(full)
            if not stat.S_ISREG(st.st_mode):  # a FIFO would block the read, a device never end
                raise NotRegular(0, "not a regular file: not read", str(full))
        except OSError as exc:
            facts.append(_unreadable(source, exc))
            continue
        hit = cache.lookup_stat(source.rel_path, st.st_mtime_ns, st.st_size)
        if hit is not None and hit.import_path == source.import_path:
            facts.append(hit)
        else:
            todo.append((source, st.st_mtime_ns, st.st_size))
    on_progress(len(facts))
    reused = len(facts)
    bytes_read = 0
    jobs = jobs or os.cpu_count() or 1
    args = [(str(root), source, max_file_bytes, cache.sha_of(source.rel_path))
            for source, _, _ in todo]
    stamps = {source.rel_path: (mtime, size) for source, mtime, size in todo}
    threaded = native_scan_function()[0] if native else None
    if threaded is not None:  # threads of the extension, however few the files: none to start
        bytes_read = _scan_threaded(threaded, args, jobs, facts, cache, stamps, on_progress)
    elif jobs > 1 and len(args) > 64:
        chunk = max(8, min(64, len(args) // (jobs * 8) or 1))
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_pool_worker, initargs=(native,))
        try:
            for row in pool.map(_scan_one_row, args, chunksize=chunk):
                bytes_read += _collect(row, facts, cache, stamps)
                on_progress(1)
        except BaseException:  # Ctrl-C: drop the work not started; the workers, which leave
            pool.shutdown(cancel_futures=True)  # Ctrl-C to us, end the chunk they are on
            raise
        pool.shutdown()
    else:
        _init_worker(native)
        for arg in args:
            bytes_read += _collect(_scan_one_row(arg), facts, cache, stamps)
            on_progress(1)
    if prune:
        cache.keep_only({s.rel_path for s in sources})
    facts.sort(key=lambda f: f.rel_path)
    return facts, ScanStats(len(facts), len(todo), reused, bytes_read, chosen.name, chosen.why)


def _scan_threaded(scan: ScanFunction, args: list[tuple[str, SourceFile, int, str]], jobs: int,
                   facts: list[FileFacts], cache: FactsCache, stamps: dict[str, tuple[int, int]],
                   on_progress: Callable[[int], None]) -> int:
    """Scan the files of args with the native extractor's threads (one call; the records and
    the cache's marshalled rows come made): those it leaves to this code (too large,
    unreadable, not regular) are scanned as _scan_one_row scans them. The bytes read."""
    global _native_row
    _native_row = native_row_function()[0]
    read = 0

    def on_file(index: int, status: int, item: FileFacts | None, row: Marshalled | None) -> None:
        nonlocal read
        if status == PARSED:
            assert item is not None and row is not None
            facts.append(item)
            cache.remember_marshalled(item, *row, *stamps[item.rel_path])
            read += item.size
        else:
            arg = args[index]
            read += _collect(_scan_one_row(arg) if status == OTHER else (_SAME, arg[1].rel_path),
                             facts, cache, stamps)
        on_progress(1)

    if args:
        root, max_file_bytes = args[0][0], args[0][2]
        scan(root, [(*source, sha) for _, source, _, sha in args], max_file_bytes, jobs, on_file)
    return read


def _collect(row: Row, facts: list[FileFacts], cache: FactsCache, stamps: dict[str, tuple[int, int]]) -> int:
    if row[0] == _SAME:  # touched but byte-identical: the cached facts stand
        row = cache.row(row[1])
    item = facts_from_row(row)
    facts.append(item)
    mtime, size = stamps[item.rel_path]
    if not any(p.kind in ("unreadable", "not-regular") for p in item.problems):
        cache.remember(row, mtime, size)
    return item.size


def _init_pool_worker(native: bool = False) -> None:
    """A pool worker leaves Ctrl-C to the parent, which stops the scan: a worker killed by it
    in the middle of sending a result would leave the parent waiting for that result."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _init_worker(native)


def _init_worker(native: bool) -> None:
    """The chosen extractor, ready: the native row function, or a Python GoParser (never both)."""
    global _parser, _native_row
    relax_for_worker()
    _native_row = native_row_function()[0] if native else None
    if _native_row is None and _parser is None:
        _parser = GoParser()


def _scan_one_row(arg: tuple[str, SourceFile, int, str]) -> Row:
    root, source, max_file_bytes, cached_sha = arg
    try:  # regular files only, size from fstat, never more than max_file_bytes + 1 read
        head = read_head(os.path.join(root, source.rel_path), max_file_bytes + 1)
    except OSError as exc:
        return facts_to_row(_unreadable(source, exc))
    if cached_sha and hashlib.sha1(head.data).hexdigest() == cached_sha:
        return (_SAME, source.rel_path)
    return _scan_content(source, head.data, head.size, max_file_bytes)


def _extract_row(source: SourceFile, content: bytes) -> Row:
    """The Row of `content` by the chosen extractor (both give the very same)."""
    if _native_row is not None:
        return _native_row(content, *source)
    assert _parser is not None
    return facts_to_row(extract_facts(_parser, source, content))


def _scan_content(source: SourceFile, content: bytes, size: int, max_file_bytes: int) -> Row:
    """The Row of a file whose first bytes are `content` (all of it unless size says more)."""
    if size <= max_file_bytes and len(content) == size:
        return _extract_row(source, content)
    # Too large to parse whole (and only its first max_file_bytes were read): parse the header
    # (package clause, imports) only, so imports stay exact, and record the problem.
    content = content[:max_file_bytes]
    head = _DECLS_START.search(content)
    facts = facts_from_row(_extract_row(source, content[: head.start() if head else max_file_bytes]))
    problem = Problem("too-large", f"{size // 1024} KiB > limit "
                      f"{max_file_bytes // 1024} KiB (KUBEATLAS_MAX_FILE_MB): declarations skipped"
                      " (lines and sha of the first part only)")
    return facts_to_row(_replace(facts, content, size, problem))


def _replace(facts: FileFacts, content: bytes, size: int, problem: Problem) -> FileFacts:
    return facts._replace(
        lines=content.count(b"\n"),
        size=size,
        sha=hashlib.sha1(content).hexdigest(),
        problems=(*(p for p in facts.problems if p.kind != "syntax"), problem),
    )


def _unreadable(source: SourceFile, exc: OSError) -> FileFacts:
    kind = "not-regular" if isinstance(exc, NotRegular) else "unreadable"
    return FileFacts(
        rel_path=source.rel_path, import_path=source.import_path, module=source.module,
        package="", is_test=source.is_test, is_generated=False, build_expr=None, imports=(),
        decls=(), calls=(), locals=(), lines=0, size=0, sha="",
        problems=(Problem(kind, exc.strerror or str(exc)),),
    )
