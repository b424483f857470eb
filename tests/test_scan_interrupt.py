"""Ctrl-C in the middle of a parallel scan: the work not started is dropped, the workers (which
leave SIGINT to the parent) end the chunk they are on, and none is left behind: before, the
scan either finished every file first or, with a worker killed while it sent a result, left
the command waiting for that result forever."""

from __future__ import annotations

import multiprocessing
import signal
import time
from concurrent.futures import ProcessPoolExecutor

import pytest
from conftest import write_tree

from kubeatlas.analyzer import scan
from kubeatlas.analyzer.cache import load_cache
from kubeatlas.analyzer.discover import discover, find_modules

FILES = 2400
BODY = """package p{package}

import "fmt"

// Worker{n} does one thing.
type Worker{n} struct {{
	name  string
	count int
}}

// Run runs it.
func (w *Worker{n}) Run(items []string) error {{
	for i, item := range items {{
		if err := w.step(i, item); err != nil {{
			return fmt.Errorf("step %d: %w", i, err)
		}}
	}}
	return nil
}}

func (w *Worker{n}) step(i int, item string) error {{
	w.count += i
	if item == w.name {{
		return fmt.Errorf("%s twice", item)
	}}
	return nil
}}
"""


def test_an_interrupted_scan_stops_at_once_and_leaves_no_worker(tmp_path):
    files = {"go.mod": "module k8s.io/kubernetes\n\ngo 1.20\n"}
    files.update({f"pkg/p{n // 40}/f{n}.go": "".join(  # ten types a file: ~250 lines
        BODY.format(package=n // 40, n=f"{n}x{k}").split("\n", 3)[3] if k else
        BODY.format(package=n // 40, n=f"{n}x{k}") for k in range(10)) for n in range(FILES)})
    root = write_tree(tmp_path / "kubernetes", files)
    sources = list(discover(root, find_modules(root)))
    assert len(sources) == FILES

    began = time.perf_counter()
    facts, _ = scan.scan_files(root, sources, cache=load_cache(tmp_path / "whole"), jobs=2)
    whole = time.perf_counter() - began
    assert len(facts) == FILES and not any(f.problems for f in facts)

    reports: list[int] = []

    def ctrl_c_after_the_first_file(count: int) -> None:
        reports.append(count)
        if len(reports) == 2:  # the first report counts the cache's hits, the second a file
            raise KeyboardInterrupt

    began = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        scan.scan_files(root, sources, cache=load_cache(tmp_path / "cut"), jobs=2,
                        on_progress=ctrl_c_after_the_first_file)
    stopped = time.perf_counter() - began
    assert multiprocessing.active_children() == []  # every worker ended, none killed
    assert stopped < whole / 2, (stopped, whole)  # the files not started were dropped


def test_a_scan_worker_leaves_ctrl_c_to_the_parent():
    with ProcessPoolExecutor(1, initializer=scan._init_pool_worker) as pool:
        assert pool.submit(signal.getsignal, signal.SIGINT).result() == signal.SIG_IGN
