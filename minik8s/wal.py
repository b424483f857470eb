"""The store's write-ahead log: one JSON record per committed change, rewritten as a snapshot on compaction.

Plays the part of etcd's wal and snapshot packages (go.etcd.io/etcd/server, outside the
Kubernetes tree), under the store that kube-apiserver reaches through
k8s.io/apiserver/pkg/storage/etcd3: appends are flushed (and fsynced on request) before a
write is acknowledged, a torn last line is dropped on replay, and a rewrite goes to a
temporary file that atomically replaces the log.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path


class WriteAheadLog:
    def __init__(self, path: str | Path, *, sync: bool = False) -> None:
        self.path = Path(path)
        self.sync = sync
        self._file = None

    def replay(self) -> Iterator[dict]:
        """Every complete record, oldest first."""
        if not self.path.exists():
            return
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:
                    return  # a torn last write: keep what was committed before it

    def append(self, record: dict) -> None:
        if self._file is None:
            self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - kept open for appends
        self._file.write(json.dumps(record) + "\n")
        self._file.flush()
        if self.sync:
            os.fsync(self._file.fileno())

    def rewrite(self, records: Iterable[dict]) -> None:
        """Replace the log by these records, atomically."""
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps(record) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        self.close()
        os.replace(tmp, self.path)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
