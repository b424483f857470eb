"""CacheWriter: the facts cache written by a forked process is the file save_cache writes, it
replaces the old cache only on commit(), and an abandoned or failed writer leaves no temp file."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import SMALL_TREE, write_tree

import kubeatlas.analyzer.cache as facts_cache
from kubeatlas.analyzer.cache import FactsCache, load_cache, save_cache
from kubeatlas.analyzer.cache_writer import CacheWriter
from kubeatlas.analyzer.discover import discover, find_modules
from kubeatlas.analyzer.scan import scan_files
from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.graph.index.pipeline import facts_cache_path, index_tree
from kubeatlas.graph.index.stages import default_stages
from kubeatlas.graph.store.sqlite.target import remove_stale_temps, temp_pattern


def scanned(tmp_path: Path) -> FactsCache:
    root = write_tree(tmp_path / "k", SMALL_TREE)
    cache = FactsCache()
    sources = list(discover(root, find_modules(root)))
    scan_files(root, sources, cache=cache, jobs=1, max_file_bytes=1 << 20)
    assert len(cache) == len(sources) > 0
    return cache


def temps(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_a_live_writers_temp_file_is_held(tmp_path):
    cache = scanned(tmp_path)
    path = tmp_path / "i.sqlite.facts"
    with CacheWriter(cache, path) as saving:
        saving.start()
        assert saving._tmp is not None and temp_pattern(path).fullmatch(saving._tmp.name)
        os.utime(saving._tmp, (1, 1))
        assert remove_stale_temps(path) == []  # locked: left alone
        assert saving.commit()
    assert len(load_cache(path)) == len(cache)


@pytest.mark.parametrize("platform", [sys.platform, "darwin"])
def test_committed_cache_is_what_save_cache_writes(tmp_path, monkeypatch, platform):
    cache = scanned(tmp_path)
    expected = tmp_path / "expected.facts"
    save_cache(cache, expected)
    path = tmp_path / "i.sqlite.facts"
    path.write_bytes(b"the old cache")
    monkeypatch.setattr(sys, "platform", platform)
    with CacheWriter(cache, path) as saving:
        saving.start()
        assert path.read_bytes() == b"the old cache"  # until commit
        saving.retire_old()
        assert not path.exists()
        assert saving.commit()
    assert path.read_bytes() == expected.read_bytes()
    assert temps(tmp_path) == []


def test_an_abandoned_writer_leaves_the_old_cache_and_no_temp_file(tmp_path):
    cache = scanned(tmp_path)
    path = tmp_path / "i.sqlite.facts"
    path.write_bytes(b"the old cache")
    with pytest.raises(KeyboardInterrupt), CacheWriter(cache, path) as saving:
        saving.start()
        pid = saving._pid
        raise KeyboardInterrupt
    assert path.read_bytes() == b"the old cache"
    assert temps(tmp_path) == []
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # collected


def test_a_failed_writer_is_replaced_by_a_foreground_write(tmp_path, monkeypatch, capfd):
    cache = scanned(tmp_path)
    parent = os.getpid()
    real = facts_cache.write_to

    def failing_in_child(cache, fd):
        if os.getpid() != parent:
            raise OSError("disk full")
        real(cache, fd)

    monkeypatch.setattr("kubeatlas.analyzer.cache_writer.write_to", failing_in_child)
    path = tmp_path / "i.sqlite.facts"
    with CacheWriter(cache, path) as saving:
        saving.start()
        assert saving.commit()
    assert "background cache writer failed (disk full)" in capfd.readouterr().err
    assert len(load_cache(path)) == len(cache)
    assert temps(tmp_path) == []


def test_a_failed_index_keeps_the_old_cache(tmp_path):
    root = write_tree(tmp_path / "k", SMALL_TREE)
    db = tmp_path / "i.sqlite"
    index_tree(describe_checkout(root), db, jobs=1, max_file_bytes=1 << 20,
               stages=default_stages())
    before = facts_cache_path(db).read_bytes()
    (root / "pkg/b/b.go").write_text("package b\n\nfunc Changed() {}\n")

    def explode(graph, facts):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        index_tree(describe_checkout(root), db, jobs=1, max_file_bytes=1 << 20,
                   stages=[("explode", explode)], force=True)
    assert facts_cache_path(db).read_bytes() == before
    assert temps(tmp_path) == []


def test_a_killed_runs_cache_temp_file_is_removed_by_the_next_run(tmp_path):
    root = write_tree(tmp_path / "k", SMALL_TREE)
    db = tmp_path / "i.sqlite"
    stale = tmp_path / ".i.sqlite.facts.abcd1234.tmp"  # as CacheWriter names them
    stale.write_bytes(b"half a cache")
    os.utime(stale, (1, 1))
    index_tree(describe_checkout(root), db, jobs=1, max_file_bytes=1 << 20,
               stages=default_stages())
    assert not stale.exists()
    assert temps(tmp_path) == []
    assert len(load_cache(facts_cache_path(db))) > 0
