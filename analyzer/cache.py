"""Content-hash cache of FileFacts: a file whose stat or bytes are unchanged is not parsed again.

On disk: a small marshalled directory (per file: stat, the few header fields a patch needs, and
where its row lies) followed by the rows, each marshalled on its own in two parts: the shell
(everything but the call sites, locals and channel operations) and the body (those). Loading
maps the file and reads the directory only; a row is decoded when it is used, and a symbol
table needs only shells, so a one-file patch decodes the shells of the packages it reaches
instead of 75 MB of rows; saving copies the bytes of unused rows as they are.
"""

from __future__ import annotations

import marshal
import mmap
import os
import struct
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from kubeatlas.analyzer.model import FileFacts
from kubeatlas.analyzer.rows import Row, facts_from_row

ANALYZER_VERSION = 24  # bump when extraction changes, so old caches are ignored
_FORMAT = 4  # bump when the file layout below changes
_BODY = (9, 10, 15)  # the body's fields in a facts row: calls, locals, channels (see rows.py)
# rows are plain tuples of str/int/bool/None, so marshal (7x faster to write than pickle)
# stores them; its format belongs to one Python version, which the header records
_PYTHON = "{}.{}".format(*sys.version_info[:2])
_LENGTH = struct.Struct("<Q")  # the directory's length, before it


class FileHead(NamedTuple):
    """What a patch needs of every cached file without decoding its row."""

    import_path: str
    package: str  # the package clause
    is_test: bool
    build_expr: str | None
    sha: str


class CacheEntry(NamedTuple):
    """One file's cached facts: stat, head and the row (decoded, or its bytes in the file)."""

    mtime_ns: int
    size: int
    head: FileHead
    row: Row | None  # None: not decoded yet, see shell and body
    shell: memoryview | bytes  # the marshalled row without its body (b"": not loaded)
    body: memoryview | bytes  # the marshalled (calls, locals, channels): see _BODY


def _head(row: Row) -> FileHead:
    return FileHead(row[1], row[3], row[4], row[6], row[13])


@dataclass(slots=True)
class FactsCache:
    """rel_path -> cached facts; rows decoded on first use, saved atomically."""

    _entries: dict[str, CacheEntry] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, rel_path: str) -> bool:
        return rel_path in self._entries

    def heads(self) -> Iterator[tuple[str, FileHead]]:
        """(rel_path, head) of every cached file, without decoding any row."""
        return ((path, entry.head) for path, entry in self._entries.items())

    def head(self, rel_path: str) -> FileHead | None:
        entry = self._entries.get(rel_path)
        return entry.head if entry is not None else None

    def row(self, rel_path: str) -> Row:
        """The facts row of a cached file (KeyError if it is not cached)."""
        entry = self._entries[rel_path]
        if entry.row is not None:
            return entry.row
        row = _joined(marshal.loads(entry.shell), marshal.loads(entry.body))
        self._entries[rel_path] = entry._replace(row=row)  # the bytes stay: saving copies them
        return row

    def facts(self, rel_path: str) -> FileFacts:
        return facts_from_row(self.row(rel_path))

    def declarations(self, rel_path: str) -> FileFacts:
        """A cached file's facts without its call sites, locals and channel operations (a
        symbol table reads none of them), decoded from the shell alone."""
        entry = self._entries[rel_path]
        return facts_from_row(marshal.loads(entry.shell) if entry.row is None else entry.row)

    def lookup_stat(self, rel_path: str, mtime_ns: int, size: int) -> FileFacts | None:
        entry = self._entries.get(rel_path)
        if entry is not None and entry.mtime_ns == mtime_ns and entry.size == size:
            return self.facts(rel_path)
        return None

    def sha_of(self, rel_path: str) -> str:
        """The content sha1 recorded for rel_path ("" if none): equal bytes need no parse."""
        entry = self._entries.get(rel_path)
        return entry.head.sha if entry is not None else ""

    def remember(self, row: Row, mtime_ns: int, size: int) -> None:
        self._entries[row[0]] = CacheEntry(mtime_ns, size, _head(row), row, b"", b"")

    def remember_marshalled(self, facts: FileFacts, shell: bytes, body: bytes, mtime_ns: int,
                            size: int) -> None:
        """As remember, for a row given marshalled as the file keeps it (the native scan's)."""
        head = FileHead(facts.import_path, facts.package, facts.is_test, facts.build_expr, facts.sha)
        self._entries[facts.rel_path] = CacheEntry(mtime_ns, size, head, None, shell, body)

    def entry(self, rel_path: str) -> CacheEntry | None:
        """The opaque entry of rel_path, to put back with `restore` if a patch is abandoned."""
        return self._entries.get(rel_path)

    def restore(self, rel_path: str, entry: CacheEntry) -> None:
        self._entries[rel_path] = entry

    def keep_only(self, rel_paths: set[str]) -> None:
        for gone in set(self._entries) - rel_paths:
            del self._entries[gone]

    def _blobs(self) -> Iterator[tuple[str, CacheEntry, bytes, bytes]]:
        """Each entry with its marshalled shell and body: the bytes it was loaded from, if any."""
        for path, entry in self._entries.items():
            if entry.shell:
                yield path, entry, bytes(entry.shell), bytes(entry.body)
            else:
                row = entry.row
                assert row is not None
                yield (path, entry, marshal.dumps(tuple(() if i in _BODY else part
                                                        for i, part in enumerate(row))),
                       marshal.dumps(tuple(row[i] for i in _BODY)))


def _joined(shell: Row, body: Row) -> Row:
    """A whole facts row from its shell and its body (the body's fields back in their places)."""
    parts = list(shell)
    for index, part in zip(_BODY, body, strict=True):
        parts[index] = part
    return tuple(parts)


def load_cache(path: Path) -> FactsCache:
    """The cache at path (plus its delta file), or an empty one if absent, unreadable or
    from another analyzer version."""
    entries = _read(path)
    if entries is None:
        return FactsCache()
    entries.update(_read(delta_path(path)) or {})
    return FactsCache(entries)


def save_cache(cache: FactsCache, path: Path, only: set[str] | None = None) -> None:
    """Write the whole cache atomically; with `only`, write just those entries to a small
    delta file beside it (a body edit then costs milliseconds, not a full rewrite)."""
    delta = delta_path(path)
    if only is not None and path.is_file():
        rows = FactsCache(_read(delta) or {})
        for rel_path in only:
            entry = cache.entry(rel_path)
            if entry is not None:
                rows.restore(rel_path, entry)
        _write(rows, delta)
        return
    _write(cache, path)
    delta.unlink(missing_ok=True)


def delta_path(path: Path) -> Path:
    return path.with_name(path.name + ".delta")


def _read(path: Path) -> dict[str, CacheEntry] | None:
    """The entries of the cache file at path, its rows left in the mapped file until used."""
    try:
        with open(path, "rb") as fh:  # the map outlives the descriptor; a later save replaces
            data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)  # the file, not its pages
        (length,) = _LENGTH.unpack_from(data)
        layout, version, python, directory = marshal.loads(memoryview(data)[8:8 + length])
    except (OSError, EOFError, ValueError, TypeError, struct.error):
        return None
    if (layout, version, python) != (_FORMAT, ANALYZER_VERSION, _PYTHON) or \
            not isinstance(directory, dict):
        return None
    rows = memoryview(data)[8 + length:]
    try:
        return {rel_path: CacheEntry(mtime, size, FileHead(*head), None, rows[start:middle],
                                     rows[middle:end])
                for rel_path, (mtime, size, head, start, middle, end) in directory.items()}
    except (TypeError, ValueError):
        return None


def _write(cache: FactsCache, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        write_to(cache, fd)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_to(cache: FactsCache, fd: int) -> None:
    """The cache file's bytes into fd (closed after)."""
    directory: dict[str, tuple[int, int, tuple[object, ...], int, int, int]] = {}
    blobs: list[bytes] = []
    offset = 0
    for rel_path, entry, shell, body in cache._blobs():
        middle = offset + len(shell)
        directory[rel_path] = (entry.mtime_ns, entry.size, tuple(entry.head), offset, middle,
                               middle + len(body))
        blobs += (shell, body)
        offset = middle + len(body)
    head = marshal.dumps((_FORMAT, ANALYZER_VERSION, _PYTHON, directory))
    with os.fdopen(fd, "wb") as fh:
        fh.write(_LENGTH.pack(len(head)))
        fh.write(head)
        fh.writelines(blobs)
