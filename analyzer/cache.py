"""Content-hash cache of FileFacts: a file whose stat or bytes are unchanged is not parsed again."""

from __future__ import annotations

import marshal
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from kubeatlas.analyzer.gcpolicy import paused_gc
from kubeatlas.analyzer.model import FileFacts
from kubeatlas.analyzer.rows import Row, facts_from_row

ANALYZER_VERSION = 12  # bump when extraction changes, so old caches are ignored
# rows are plain tuples of str/int/bool/None, so marshal (7x faster to write than pickle)
# stores them; its format belongs to one Python version, which the header records
_PYTHON = "{}.{}".format(*sys.version_info[:2])

CacheEntry = tuple[int, int, Row]  # (mtime_ns, size, facts row)


@dataclass(slots=True)
class FactsCache:
    """rel_path -> (mtime_ns, size, facts row); kept in the compact row form, loaded whole and
    saved atomically, rows turned into FileFacts only when used."""

    entries: dict[str, CacheEntry] = field(default_factory=dict)

    def lookup_stat(self, rel_path: str, mtime_ns: int, size: int) -> FileFacts | None:
        entry = self.entries.get(rel_path)
        if entry is not None and entry[0] == mtime_ns and entry[1] == size:
            return facts_from_row(entry[2])
        return None

    def sha_of(self, rel_path: str) -> str:
        """The content sha1 recorded for rel_path ("" if none): equal bytes need no parse."""
        entry = self.entries.get(rel_path)
        return entry[2][13] if entry is not None else ""

    def remember(self, row: Row, mtime_ns: int, size: int) -> None:
        self.entries[row[0]] = (mtime_ns, size, row)

    def keep_only(self, rel_paths: set[str]) -> None:
        for gone in set(self.entries) - rel_paths:
            del self.entries[gone]


def load_cache(path: Path) -> FactsCache:
    """The cache at path (plus its delta file), or an empty one if absent, unreadable or
    from another analyzer version."""
    entries = _read(path)
    if entries is None:
        return FactsCache()
    entries.update(_read(_delta_path(path)) or {})
    return FactsCache(entries)


def save_cache(cache: FactsCache, path: Path, only: set[str] | None = None) -> None:
    """Write the whole cache atomically; with `only`, write just those entries to a small
    delta file beside it (a body edit then costs milliseconds, not a full rewrite)."""
    delta = _delta_path(path)
    if only is not None and path.is_file():
        rows = _read(delta) or {}
        rows.update({p: cache.entries[p] for p in only if p in cache.entries})
        _write(rows, delta)
        return
    _write(cache.entries, path)
    delta.unlink(missing_ok=True)


def _delta_path(path: Path) -> Path:
    return path.with_name(path.name + ".delta")


def _read(path: Path) -> dict[str, CacheEntry] | None:
    try:
        with open(path, "rb") as fh, paused_gc():
            version, python, entries = marshal.loads(fh.read())  # one read: load(fh) is slow
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if version != ANALYZER_VERSION or python != _PYTHON or not isinstance(entries, dict):
        return None
    return entries


def _write(entries: dict[str, CacheEntry], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            marshal.dump((ANALYZER_VERSION, _PYTHON, entries), fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
