"""Content-hash cache of FileFacts: a file whose stat or bytes are unchanged is not parsed again."""

from __future__ import annotations

import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.model import FileFacts
from analyzer.rows import facts_from_row, facts_to_row

ANALYZER_VERSION = 3  # bump when extraction changes, so old caches are ignored


@dataclass(slots=True)
class FactsCache:
    """rel_path -> (mtime_ns, size, facts); loaded whole, saved atomically."""

    entries: dict[str, tuple[int, int, FileFacts]] = field(default_factory=dict)
    by_sha: dict[str, FileFacts] = field(default_factory=dict)

    def lookup_stat(self, rel_path: str, mtime_ns: int, size: int) -> FileFacts | None:
        entry = self.entries.get(rel_path)
        if entry is not None and entry[0] == mtime_ns and entry[1] == size:
            return entry[2]
        return None

    def lookup_sha(self, rel_path: str, sha: str) -> FileFacts | None:
        facts = self.by_sha.get(sha)
        return facts if facts is not None and facts.rel_path == rel_path else None

    def remember(self, facts: FileFacts, mtime_ns: int, size: int) -> None:
        self.entries[facts.rel_path] = (mtime_ns, size, facts)

    def keep_only(self, rel_paths: set[str]) -> None:
        for gone in set(self.entries) - rel_paths:
            del self.entries[gone]


def load_cache(path: Path) -> FactsCache:
    """The cache at path, or an empty one if absent, unreadable or from another version."""
    try:
        with open(path, "rb") as fh:
            version, rows = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
        return FactsCache()
    if version != ANALYZER_VERSION:
        return FactsCache()
    entries = {path: (mtime, size, facts_from_row(row)) for path, (mtime, size, row) in rows.items()}
    return FactsCache(entries, {facts.sha: facts for _, _, facts in entries.values()})


def save_cache(cache: FactsCache, path: Path) -> None:
    """Write the cache atomically (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            rows = {path: (mtime, size, facts_to_row(facts))
                    for path, (mtime, size, facts) in cache.entries.items()}
            pickle.dump((ANALYZER_VERSION, rows), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
