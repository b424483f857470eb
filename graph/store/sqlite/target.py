"""Where an index file may be written: never over a directory or a file that is not a kubeatlas
index; and the temp files of killed runs beside it (ours, no longer held by a writer) removed."""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
import time
from pathlib import Path

from kubeatlas.errors import IndexWriteError
from kubeatlas.graph.store.sqlite.sandbox import connect_readonly

SQLITE_HEADER = b"SQLite format 3\x00"
MIN_AGE_S = 10.0  # a temp file younger than this may be a writer's between mkstemp and flock


def check_target(path: Path) -> None:
    """Raise IndexWriteError unless path is free or holds a kubeatlas index (of any version)."""
    path = Path(path)
    if path.is_dir():
        raise IndexWriteError(f"{path} is a directory; give --db a file name such as "
                              f"{path / 'index.sqlite'}", path=str(path))
    if not os.path.lexists(path):
        return
    if not path.is_file() or not is_kubeatlas_index(path):
        raise IndexWriteError(f"{path} exists and is not a kubeatlas index; refusing to "
                              "overwrite it (remove it, or pick another --db)", path=str(path))


def is_kubeatlas_index(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return False
        conn = connect_readonly(path)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        return False
    return row is not None


def temp_pattern(path: Path) -> re.Pattern[str]:
    """Names of the temp files IndexWriter makes for path: `.NAME.<8 random chars>.tmp`."""
    return re.compile(rf"\.{re.escape(Path(path).name)}\.[A-Za-z0-9_]{{8}}\.tmp")


def hold(fd: int) -> None:
    """Mark a temp file as in use: a writer holds an exclusive flock on it while it lives."""
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def remove_stale_temps(path: Path) -> list[Path]:
    """Remove the temp files of runs that were killed before they finished: ours by name, and
    stale because no writer holds their lock (a concurrent writer's stays). The removed ones."""
    path = Path(path)
    pattern = temp_pattern(path)
    removed = []
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    for name in names:
        if not pattern.fullmatch(name):
            continue
        candidate = path.parent / name
        try:
            fd = os.open(candidate, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            young = time.time() - os.fstat(fd).st_mtime < MIN_AGE_S  # just made, not yet held
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # a live writer holds it
            young = True
        if young:
            os.close(fd)
            continue
        try:
            candidate.unlink()
            removed.append(candidate)
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed
