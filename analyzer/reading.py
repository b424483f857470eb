"""Read a file of the tree safely: regular files only (a FIFO never blocks, a device is never
read), the size taken from fstat before reading, and never more than a bounded number of bytes."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass


class NotRegular(OSError):
    """The path is a FIFO, a device, a socket or a directory: it is not read."""


@dataclass(frozen=True, slots=True)
class Head:
    data: bytes  # at most `limit` bytes from the start of the file
    size: int  # the file's size according to fstat
    mtime_ns: int

    @property
    def whole(self) -> bool:
        return len(self.data) >= self.size


def read_head(path: str | os.PathLike[str], limit: int) -> Head:
    """The first `limit` bytes of the regular file at path (following symlinks). A FIFO, device
    or other special file raises NotRegular without blocking; a read never exceeds `limit`."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(0, f"not a regular file ({_kind(st.st_mode)}): not read",
                             os.fspath(path))
        chunks: list[bytes] = []
        left = min(limit, st.st_size + 1)  # +1: notice a file that grew since the stat
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        return Head(data, max(st.st_size, len(data)), st.st_mtime_ns)
    finally:
        os.close(fd)


def read_small(path: str | os.PathLike[str], limit: int = 1 << 20) -> bytes | None:
    """A small regular file's bytes (go.mod, …); None if it is missing, special or too large."""
    try:
        head = read_head(path, limit)
    except OSError:
        return None
    return head.data if head.whole else None


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISDIR, "a directory")):
        if test(mode):
            return name
    return "a special file"
