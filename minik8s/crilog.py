"""Container log files in the CRI format: one record a line, `<RFC3339Nano time> <stream> <F|P> <content>`.

The runtime side (what containerd's and CRI-O's log writers do, outside the tree) is `copy_stream`:
a container's stdout and stderr pipes become records stamped as they are read, `F` for a full line
and `P` for a part of one (a long line, or output without a final newline). The kubelet side
mirrors pkg/kubelet/kuberuntime/logs: `parseCRILog` (`parse`) and `ReadLogs`'s options
(`LogOptions`: `tailLines`, `sinceTime` / `sinceSeconds`, `limitBytes`, `timestamps`).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

MAX_RECORD = 16 * 1024  # containerd splits longer lines into partial records of this size


def stamp(at: float) -> bytes:
    """RFC3339Nano in UTC, as the runtime writes it (microseconds padded to nanoseconds)."""
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f000Z").encode()


def parse_time(text: str) -> float:
    """An RFC3339 time (seconds, fractions up to nanoseconds, Z or an offset) as epoch seconds."""
    value = text.strip()
    if value.endswith("Z") or value.endswith("z"):
        value = value[:-1] + "+00:00"
    head, dot, rest = value.partition(".")
    if dot:  # Python reads at most 6 fraction digits
        digits = rest[:len(rest) - len(rest.lstrip("0123456789"))]
        value = f"{head}.{digits[:6].ljust(6, '0')}{rest[len(digits):]}"
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return parsed.timestamp()


class Writer:
    """Appends records to one log file; the stdout and stderr copiers share it."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()

    def write(self, stream: str, content: bytes, partial: bool, at: float | None = None) -> None:
        record = b"%s %s %s %s\n" % (stamp(time.time() if at is None else at), stream.encode(),
                                      b"P" if partial else b"F", content)
        with self._lock, open(self.path, "ab") as log:
            log.write(record)

    def write_text(self, text: str) -> None:
        """Whole lines of stdout at once (the simulated runtime's output)."""
        for line in text.splitlines():
            self.write("stdout", line.encode(), False)


def copy_stream(pipe: BinaryIO, stream: str, writer: Writer) -> None:
    """Copy a container's output pipe into records until the pipe closes."""
    pending = b""
    try:
        while chunk := pipe.read1(65536):  # type: ignore[attr-defined]
            pending += chunk
            while (end := pending.find(b"\n")) >= 0 or len(pending) >= MAX_RECORD:
                if 0 <= end < MAX_RECORD:
                    writer.write(stream, pending[:end], False)
                    pending = pending[end + 1:]
                else:
                    writer.write(stream, pending[:MAX_RECORD], True)
                    pending = pending[MAX_RECORD:]
    except (OSError, ValueError):
        pass
    finally:
        if pending:
            writer.write(stream, pending, True)
        pipe.close()


@dataclass(frozen=True, slots=True)
class Record:
    time: bytes  # as written, for `timestamps`
    at: float
    stream: str
    partial: bool
    content: bytes

    def output(self, timestamps: bool) -> bytes:
        """What `kubectl logs` prints for this record."""
        return (self.time + b" " if timestamps else b"") + self.content + (b"" if self.partial else b"\n")


def parse(line: bytes) -> Record | None:
    """parseCRILog; None for a line that is not a record."""
    parts = line.rstrip(b"\n").split(b" ", 3)
    if len(parts) < 3 or parts[2] not in (b"F", b"P"):
        return None
    try:
        at = parse_time(parts[0].decode())
    except (ValueError, UnicodeDecodeError):
        return None
    return Record(parts[0], at, parts[1].decode(errors="replace"), parts[2] == b"P",
                  parts[3] if len(parts) > 3 else b"")
