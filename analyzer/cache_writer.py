"""The facts cache of a full index, written by a forked process while the graph is built and
the index written (Linux), and put in place only once that index is.

A later patch takes a changed file's cached facts as what the index holds for it, so the cache
must belong to the index beside it: the old cache goes before the new index replaces the old
one (`retire_old`), the new one comes after (`commit`). A crash in between leaves no cache,
which costs a full parse, never a wrong patch."""

from __future__ import annotations

import fcntl
import gc
import os
import signal
import sys
import tempfile
from contextlib import suppress
from pathlib import Path

from kubeatlas.analyzer.cache import FactsCache, delta_path, save_cache, write_to


class CacheWriter:
    """`with CacheWriter(cache, path) as saving:` ... `saving.start()` ... `saving.commit()`;
    leaving the block without commit() (an error, Ctrl-C) stops the writer and removes its
    temp file."""

    def __init__(self, cache: FactsCache, path: Path) -> None:
        self._cache = cache
        self._path = Path(path)
        self._pid: int | None = None  # the forked writer, until it is collected
        self._tmp: Path | None = None  # its temp file, until it is renamed or removed
        self._held: int | None = None  # a descriptor of it holding its lock

    def start(self) -> None:
        """Fork the writer (once; Linux only: forking a threaded process is not safe elsewhere,
        and there commit() writes the cache). While the writer lives, every page the parent
        writes is a copy-on-write fault: fork it where this process has a core's worth of
        single-threaded work to do anyway (the index forks it before building the graph,
        whose first half leaves the second core idle)."""
        if self._tmp is not None or not sys.platform.startswith("linux"):
            return
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            # named and locked as IndexWriter's temp files are (`.NAME.<8 chars>.tmp`, held
            # while in use), so a later run removes it if this one is killed (remove_stale_temps)
            fd, tmp = tempfile.mkstemp(dir=self._path.parent, prefix=f".{self._path.name}.",
                                       suffix=".tmp")
        except OSError:
            return  # commit() writes it in the foreground
        self._tmp = Path(tmp)
        self._held = fd  # the lock lasts while this descriptor is open, until commit or exit
        with suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        pid = os.fork()
        if pid == 0:
            _write_and_exit(self._cache, fd)
        self._pid = pid

    def __enter__(self) -> CacheWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pid is not None:
            with suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self._wait()
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)
        if self._held is not None:
            os.close(self._held)
            self._held = None

    def retire_old(self) -> None:
        """Remove the cache of the index that is about to be replaced."""
        self._path.unlink(missing_ok=True)
        delta_path(self._path).unlink(missing_ok=True)

    def commit(self) -> bool:
        """Put the new cache in place (once its index is); False if it could not be written,
        and then there is none."""
        if self._pid is not None and self._wait() and self._tmp is not None:
            os.replace(self._tmp, self._path)
            self._tmp = None
            return True
        try:  # no background writer here, or it failed: write it now
            save_cache(self._cache, self._path)
            return True
        except OSError:
            self.retire_old()
            return False

    def _wait(self) -> bool:
        """Collect the writer; True if it wrote the whole file."""
        assert self._pid is not None
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        return os.waitstatus_to_exitcode(status) == 0


def _write_and_exit(cache: FactsCache, fd: int) -> None:
    """In the forked child: write the cache file, then leave at once (no atexit handlers, no
    flushing of the parent's buffers)."""
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        gc.disable()  # a short-lived copy: collecting would only duplicate the parent's pages
        write_to(cache, os.dup(fd))  # (write_to closes what it is given)
        # synced here, off the critical path: pages left dirty were written back by the next
        # fsyncs on the file system (ext4 ordered mode), the index writers' or a later run's,
        # at a cost that grew with every run (the foreground fallback and a patch's small delta
        # file are not synced: there a sync would be on the critical path)
        os.fsync(fd)
        status = 0
    except BaseException as exc:  # the parent sees the status and writes the cache itself
        with suppress(OSError):
            os.write(2, f"kubeatlas: background cache writer failed ({exc}); "
                        "writing it in the foreground\n".encode())
    finally:
        os._exit(status)
