"""Garbage-collector settings for bulk work: indexing allocates millions of small tuples and
records that never form cycles, and the default collector rescans them over and over (measured
on v1.28.7: 20.2 s cold index with the defaults, 17.5 s relaxed, 17.1 s with it off). Even
relaxed, a cold index of v1.28.7 ran 25 young collections of ~28 ms each in the main process
(0.7 CPU-s: every survivor is traversed once) that found 612 objects in all, so indexing runs
with the collector paused; cycles made meanwhile are collected after it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """No collection at all, for bulk work that makes (next to) no cycles: one decode, an
    index."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def relax_for_worker() -> None:
    """Scan workers live only for the scan and make no cycles: no cyclic collection at all."""
    gc.disable()
