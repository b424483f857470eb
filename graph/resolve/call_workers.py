"""CALLS resolution spread over forked worker processes, the edges handed back in file order."""

from __future__ import annotations

import gc
import marshal
import multiprocessing
import os
import signal
import sys
import traceback
from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import accumulate, pairwise
from multiprocessing.connection import Connection

from kubeatlas.analyzer.model import FileFacts
from kubeatlas.graph.resolve.calls import CallEdge, resolve_file_calls
from kubeatlas.graph.resolve.symbols import SymbolTable

MIN_FILES = 500  # below this, forking costs more than it saves
# The share of the call sites the parent keeps, relative to one worker's: it also finds
# IMPLEMENTS while the workers resolve, and adds every edge. Measured on v1.28.7, 2 cores,
# after resolution learned to keep line-free answers (2026-12-02, calls phase after
# IMPLEMENTS): 3.5-3.8 s at 0.35, 2.85 s at 0.5, 3.0-3.1 s at 0.6, 2.8-3.1 s at 0.7-0.8.
PARENT_WEIGHT = 0.6
PIECE_FILES = 128  # a worker hands its edges over in pieces of this many files

_shared: tuple[Sequence[FileFacts], SymbolTable] | None = None  # what a forked worker reads


class CallWorkerFailed(RuntimeError):
    """A worker resolving calls raised (its traceback is in the message) or died."""


def worker_count(jobs: int, files: int, min_files: int = MIN_FILES) -> int:
    """Forked workers to start besides this process: none for `jobs` 1, few files, or no fork."""
    jobs = jobs or os.cpu_count() or 1
    if jobs < 2 or files < min_files or not sys.platform.startswith("linux"):
        return 0
    return jobs - 1


class _Worker:
    """One forked process, the pipe it reports on, and the memory file it writes edges to."""

    def __init__(self, context: multiprocessing.context.ForkContext, start: int, stop: int) -> None:
        self.reader, writer = context.Pipe(duplex=False)
        self.memory = os.memfd_create("kubeatlas-calls")
        self.process = context.Process(target=_work, args=(start, stop, writer, self.memory),
                                       daemon=True, name=f"kubeatlas-calls-{start}-{stop}")
        try:
            self.process.start()
        except BaseException:
            self.reader.close()
            os.close(self.memory)
            raise
        finally:
            writer.close()  # before the next fork: a dead worker's pipe must read as EOF

    def pieces(self, tally: Counter[str]) -> Iterator[list[CallEdge]]:
        """The worker's edges piece by piece as it sends them; its tally added at the end."""
        while True:
            try:
                message = marshal.loads(self.reader.recv_bytes())
            except EOFError:
                self.process.join()
                raise CallWorkerFailed(f"{self.process.name} died before answering "
                                       f"(exit code {self.process.exitcode})") from None
            if isinstance(message, tuple):
                offset, size = message
                data = os.pread(self.memory, size, offset)
                if len(data) != size:
                    raise CallWorkerFailed(f"{self.process.name}: read {len(data)} of {size} bytes")
                yield marshal.loads(data)
            elif isinstance(message, dict):
                tally.update(message)
                return
            else:
                raise CallWorkerFailed(f"{self.process.name} failed:\n{message}")

    def stop(self) -> None:
        """Stop the process if it still runs, reap it (no zombie), release pipe and memory."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.reader.close()
        os.close(self.memory)


class CallWorkers:
    """Resolves the calls of every file in file order: the first share in this process, the
    others in workers forked on entry (they inherit facts and symbols), so the caller can do
    other work meanwhile. Workers hand their edges over in pieces as they go."""

    def __init__(self, facts: Sequence[FileFacts], symbols: SymbolTable, *, jobs: int,
                 min_files: int = MIN_FILES) -> None:
        self.facts = facts
        self.symbols = symbols
        self._wanted = worker_count(jobs, len(facts), min_files)
        self._own = len(facts)  # this process resolves facts[:_own]
        self._workers: list[_Worker] = []

    def __enter__(self) -> CallWorkers:
        if self._wanted:
            self._start(_shares(self.facts, self._wanted))
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self, bounds: list[int]) -> None:
        global _shared
        context = multiprocessing.get_context("fork")
        _shared = (self.facts, self.symbols)
        try:
            for start, stop in pairwise(bounds[1:]):
                self._workers.append(_Worker(context, start, stop))
        except BaseException:
            self.close()
            raise
        finally:
            _shared = None
        self._own = bounds[1]

    def close(self) -> None:
        """Stop the workers still running and reap every one."""
        workers, self._workers = self._workers, []
        for worker in workers:
            worker.stop()

    def resolved(self, tally: Counter[str]) -> Iterator[CallEdge]:
        """Every file's resolved calls in file order; `tally` counts them as they are read."""
        for f in self.facts[:self._own]:
            yield from resolve_file_calls(f, self.symbols, tally)
        for worker in self._workers:
            for piece in worker.pieces(tally):
                yield from piece


def _shares(facts: Sequence[FileFacts], workers: int) -> list[int]:
    """Bounds [0, b1, ..., len(facts)]: the parent's share, then one contiguous share per
    worker, balanced by number of call sites."""
    weights = list(accumulate(len(f.calls) for f in facts))
    total = weights[-1] if weights else 0
    parts = [PARENT_WEIGHT] + [1.0] * workers
    bounds, index, done = [0], 0, 0.0
    for part in parts[:-1]:
        done += part
        target = total * done / sum(parts)
        while index < len(facts) and weights[index] < target:
            index += 1
        bounds.append(index)
    bounds.append(len(facts))
    return bounds


def _work(start: int, stop: int, writer: Connection, memory: int) -> None:
    """In a forked worker: resolve facts[start:stop] piece by piece, each piece's edges written
    to `memory` and announced as (offset, size); then the tally, or a traceback."""
    gc.disable()  # a short life: a collection would only copy inherited pages
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the parent, which stops us
    try:
        assert _shared is not None, "a worker is forked after the parent set _shared"
        facts, symbols = _shared
        tally: Counter[str] = Counter()
        offset = 0
        for first in range(start, stop, PIECE_FILES):
            edges = [edge for f in facts[first:min(first + PIECE_FILES, stop)]
                     for edge in resolve_file_calls(f, symbols, tally)]
            data = marshal.dumps(edges)
            written = os.pwrite(memory, data, offset)
            if written != len(data):
                raise OSError(f"wrote {written} of {len(data)} bytes to the edge memory file")
            writer.send_bytes(marshal.dumps((offset, len(data))))
            offset += len(data)
        message: dict[str, int] | str = dict(tally)
    except BaseException:
        message = traceback.format_exc()
    writer.send_bytes(marshal.dumps(message))
    writer.close()
