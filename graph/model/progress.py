"""Progress reporting for long work (indexing, loading): the protocol the CLI's rich bar
implements, and the silent default for library callers and tests."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def start(self, phase: str, total: int | None) -> None: ...

    def advance(self, n: int) -> None: ...


class SilentProgress:
    def start(self, phase: str, total: int | None) -> None:
        pass

    def advance(self, n: int) -> None:
        pass
