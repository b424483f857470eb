"""CALLS resolved by forked workers equal the one-process resolution exactly (same edges in the
same order, same tallies); a failing, dying or interrupted worker surfaces in the parent and
leaves no process behind; a ring of embedded types resolves the same in workers."""

from __future__ import annotations

import multiprocessing
import os
import re
import sqlite3
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import FIXTURE_TREE, write_tree

import kubeatlas.graph.resolve.call_workers as call_workers
from kubeatlas.analyzer.cache import load_cache
from kubeatlas.analyzer.discover import discover, find_modules
from kubeatlas.analyzer.scan import scan_files
from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.graph.index.pipeline import index_tree
from kubeatlas.graph.index.stages import Resolution, default_stages
from kubeatlas.graph.resolve.call_workers import CallWorkerFailed, CallWorkers
from kubeatlas.graph.resolve.symbols import SymbolTable

pytestmark = pytest.mark.skipif(not hasattr(os, "memfd_create"), reason="workers need Linux")

RING = {
    "go.mod": "module k8s.io/kubernetes\n",
    "pkg/ring/ring.go": """package ring

type A struct{ *B }
type B struct{ *A }

func (a *A) Left() int  { return 1 }
func (b *B) Right() int { return 2 }

func Use(a *A, b *B) int { return a.Right() + b.Left() }
""",
    "pkg/user/user.go": """package user

import "k8s.io/kubernetes/pkg/ring"

func Call(a *ring.A) int { return a.Left() + ring.Use(a, nil) }
""",
}


@pytest.fixture
def started(monkeypatch) -> list[tuple[int, int]]:
    """The (start, stop) file ranges of the workers started, in the parent's view."""
    ranges: list[tuple[int, int]] = []
    monkeypatch.setenv("KUBEATLAS_RESOLVER", "python")  # the forked workers are Python's
    original = call_workers._Worker.__init__

    def spy(self, context, start, stop):
        ranges.append((start, stop))
        original(self, context, start, stop)

    monkeypatch.setattr(call_workers._Worker, "__init__", spy)
    monkeypatch.setattr(call_workers, "PIECE_FILES", 3)  # several pieces per worker
    return ranges


def _index(root: Path, db: Path, resolution: Resolution) -> tuple[list, dict]:
    summary = index_tree(describe_checkout(root), db, jobs=1, max_file_bytes=8 << 20,
                         stages=[("resolve", resolution), *default_stages()[1:]])
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        edges = conn.execute("SELECT source, target, kind, attrs FROM edges ORDER BY rowid")
        return list(edges), summary.figures["resolve"]


@pytest.mark.parametrize("jobs", [2, 3])
def test_workers_resolve_the_fixture_tree_exactly_as_one_process(tmp_path, started, jobs):
    serial_edges, serial_figures = _index(FIXTURE_TREE, tmp_path / "serial.sqlite",
                                          Resolution(jobs=1))
    assert not started
    edges, figures = _index(FIXTURE_TREE, tmp_path / "parallel.sqlite",
                            Resolution(jobs=jobs, min_parallel_files=1))
    assert len(started) == jobs - 1
    assert started[-1][1] > started[-1][0] + 3  # the last worker sent more than one piece
    assert sum(1 for e in serial_edges if e[2] == "CALLS") > 50
    assert [e for e in edges if e[2] == "CALLS"] == [e for e in serial_edges if e[2] == "CALLS"]
    assert edges == serial_edges
    assert list(figures["calls"].items()) == list(serial_figures["calls"].items())
    assert figures == serial_figures
    assert not multiprocessing.active_children()


def test_few_files_stay_in_one_process(tmp_path, started):
    _index(FIXTURE_TREE, tmp_path / "index.sqlite", Resolution(jobs=2))  # under MIN_FILES
    assert not started


def test_a_ring_of_embedded_types_resolves_the_same_in_workers(tmp_path, started):
    root = write_tree(tmp_path / "kubernetes", RING)
    serial_edges, serial_figures = _index(root, tmp_path / "serial.sqlite", Resolution(jobs=1))
    edges, figures = _index(root, tmp_path / "ring.sqlite",
                            Resolution(jobs=2, min_parallel_files=1))
    assert started
    assert (edges, figures) == (serial_edges, serial_figures)
    calls = {(s, t) for s, t, k, _ in edges if k == "CALLS"}
    ring = "k8s.io/kubernetes/pkg/ring"
    assert (f"func:{ring}.Use", f"method:{ring}.(*B).Right") in calls
    assert (f"func:{ring}.Use", f"method:{ring}.(*A).Left") in calls  # b.Left() through *A


def _facts_and_symbols(root: Path):
    facts, _ = scan_files(root, list(discover(root, find_modules(root))), cache=load_cache(
        root / "no-cache"), jobs=1)
    return facts, SymbolTable.of(facts)


def test_method_sets_in_a_ring_do_not_depend_on_which_type_is_asked_first(tmp_path):
    root = write_tree(tmp_path / "k", RING)
    ring = "type:k8s.io/kubernetes/pkg/ring"
    answers = []
    for first, second in ((f"{ring}.A", f"{ring}.B"), (f"{ring}.B", f"{ring}.A")):
        symbols = _facts_and_symbols(root)[1]
        sets = {first: symbols.method_set(first), second: symbols.method_set(second)}
        answers.append({tid: sorted(entries) for tid, entries in sets.items()})
    assert answers[0] == answers[1]
    assert answers[0][f"{ring}.A"] == answers[0][f"{ring}.B"] == ["Left", "Right"]


def _in_workers_only(action):
    """A resolve_file_calls that runs `action` in a forked worker, the real one in the parent."""
    parent = os.getpid()
    real = call_workers.resolve_file_calls

    def resolve(f, symbols, tally):
        if os.getpid() != parent:
            action()
        return real(f, symbols, tally)

    return resolve


def _raise():
    raise ValueError("boom in a worker")


def _hang():
    time.sleep(60)


@pytest.mark.parametrize("action, message", [
    (_raise, "ValueError: boom in a worker"),
    (lambda: os._exit(3), "died before answering (exit code 3)"),
], ids=["raises", "dies"])
def test_a_failing_worker_surfaces_in_the_parent(monkeypatch, started, action, message):
    facts, symbols = _facts_and_symbols(FIXTURE_TREE)
    monkeypatch.setattr(call_workers, "resolve_file_calls", _in_workers_only(action))
    with (pytest.raises(CallWorkerFailed, match=re.escape(message)),
          CallWorkers(facts, symbols, jobs=2, min_files=1) as calls):
        list(calls.resolved(Counter()))
    assert started
    assert not multiprocessing.active_children()


def test_an_interrupt_stops_and_reaps_the_workers(monkeypatch, started):
    facts, symbols = _facts_and_symbols(FIXTURE_TREE)
    monkeypatch.setattr(call_workers, "resolve_file_calls", _in_workers_only(_hang))
    with pytest.raises(KeyboardInterrupt), CallWorkers(facts, symbols, jobs=2, min_files=1):
        raise KeyboardInterrupt  # as Ctrl-C would, while the worker is busy
    assert started
    assert not multiprocessing.active_children()
