"""Leftovers and messages (issue 11, item 8): stale temp files of killed runs are removed (ours,
not a live writer's); bad targets, corrupt or foreign indexes and a file-size limit give one
line and exit 2; `sql --json` is strict JSON; a 10,000-character name is answered fast."""

from __future__ import annotations

import fcntl
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CHECKOUT, SMALL_TREE, write_tree

from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.graph.index.pipeline import index_tree
from kubeatlas.graph.store.sqlite.target import remove_stale_temps


def _kubeatlas(*args: str, preexec=None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kubeatlas", *args], cwd=CHECKOUT,
                          capture_output=True, text=True, timeout=timeout, preexec_fn=preexec)


def _one_line_error(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    for word in words:
        assert word in done.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    root = write_tree(tmp_path_factory.mktemp("leftovers") / "kubernetes", SMALL_TREE)
    db = root.parent / "index.sqlite"
    index_tree(describe_checkout(root), db, jobs=1, max_file_bytes=1 << 20)
    return root, db


def test_stale_temp_files_are_removed_but_not_a_live_writers(built, tmp_path):
    root, _ = built
    target = tmp_path / "index.sqlite"
    stale = tmp_path / ".index.sqlite.abcd1234.tmp"  # a killed run's
    live = tmp_path / ".index.sqlite.live5678.tmp"  # a concurrent writer's, holding its lock
    other = tmp_path / ".other.sqlite.abcd1234.tmp"  # another index's
    young = tmp_path / ".index.sqlite.young123.tmp"  # just made by a writer, not yet locked
    for path in (stale, live, other, young):
        path.write_bytes(b"x" * 1000)
    for path in (stale, live, other):
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    holder = os.open(live, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        index_tree(describe_checkout(root), target, jobs=1, max_file_bytes=1 << 20)
        assert not stale.exists()
        assert live.exists() and other.exists() and young.exists()
        assert remove_stale_temps(target) == []
    finally:
        os.close(holder)
    assert {p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")} == {
        live.name, other.name, young.name}  # the run left none of its own


def test_a_killed_run_leaves_a_temp_file_the_next_run_removes(built, tmp_path):
    root, _ = built
    target = tmp_path / "index.sqlite"
    code = ("import os, sys\n"
            "from pathlib import Path\n"
            "from kubeatlas.graph.store.sqlite.writer import IndexWriter\n"
            "w = IndexWriter(Path(sys.argv[1]))\n"
            "print(w._tmp, flush=True)\n"
            "os.kill(os.getpid(), 9)\n")
    done = subprocess.run([sys.executable, "-c", code, str(target)], cwd=CHECKOUT,
                          capture_output=True, text=True, timeout=60)
    left = Path(done.stdout.strip())
    assert left.exists()  # SIGKILL: nothing could clean up
    os.utime(left, (time.time() - 60, time.time() - 60))
    index_tree(describe_checkout(root), target, jobs=1, max_file_bytes=1 << 20)
    assert not left.exists()


def test_index_into_a_directory_or_over_a_foreign_file_is_refused(built, tmp_path):
    root, _ = built
    _one_line_error(_kubeatlas("index", str(root), "--db", str(tmp_path)), "is a directory")
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    _one_line_error(_kubeatlas("index", str(root), "--db", str(notes)), "not a kubeatlas index")
    assert notes.read_text() == "my notes\n"
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).executescript("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
    _one_line_error(_kubeatlas("index", str(root), "--db", str(other)), "refusing to overwrite")


def test_indexing_under_a_file_size_limit_is_one_line(built, tmp_path):
    root, _ = built

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, 16 * 1024))

    db = tmp_path / "index.sqlite"
    done = _kubeatlas("index", str(root), "--db", str(db), "--jobs", "1", preexec=limit)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "could not write the index" in done.stderr.strip().splitlines()[-1]
    assert not db.exists() and not list(tmp_path.glob(".*.tmp"))


def _corrupt(db: Path, into: Path) -> Path:
    """A copy of db with the pages of the nodes table overwritten with garbage."""
    shutil.copy(db, into)
    with sqlite3.connect(db) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = [r[0] for r in conn.execute(
            "SELECT pageno FROM dbstat WHERE name IN ('nodes', 'edges') AND pageno > 1")]
    with open(into, "r+b") as fh:
        for page in pages:
            fh.seek((page - 1) * page_size)
            fh.write(os.urandom(page_size))
    return into


@pytest.mark.parametrize("args", [
    ["find", "Pod"], ["deps", "pkg/a"], ["role", "kubelet"], ["path", "pkg/a", "pkg/b"],
    ["export", "--format", "json"],
])
def test_a_corrupt_index_is_one_line(built, tmp_path, args):
    _, db = built
    bad = _corrupt(db, tmp_path / "bad.sqlite")
    if args[0] == "export":
        args = [*args, str(tmp_path / "out.json")]
    done = _kubeatlas(*args, "--db", str(bad))
    _one_line_error(done)


@pytest.mark.parametrize("content", [b"not an index at all", None])
def test_export_of_a_bad_or_other_version_index_is_one_line(built, tmp_path, content):
    _, db = built
    bad = tmp_path / "bad.sqlite"
    if content is None:  # a kubeatlas index of another schema version
        shutil.copy(db, bad)
        with sqlite3.connect(bad) as conn:
            conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    else:
        bad.write_bytes(content)
    _one_line_error(_kubeatlas("export", "--format", "json", str(tmp_path / "o.json"),
                               "--db", str(bad)))


def test_sql_json_is_strict_json(built):
    _, db = built
    done = _kubeatlas("sql", "SELECT 1e999 AS inf, -1e999 AS ninf, 1.5 AS x", "--db", str(db),
                      "--json")
    assert done.returncode == 0, done.stderr
    assert "Infinity" not in done.stdout and "NaN" not in done.stdout
    data = json.loads(done.stdout, parse_constant=lambda c: pytest.fail(f"bare {c}"))
    assert data["rows"] == [[None, None, 1.5]]


@pytest.mark.parametrize("command", ["find", "deps", "role"])
def test_a_ten_thousand_character_name_is_answered_fast(built, command):
    _, db = built
    began = time.monotonic()
    done = _kubeatlas(command, "kubelet" * 1430, "--db", str(db))
    assert time.monotonic() - began < 10  # the process, imports included
    # find says "no name contains …" with exit 1 (nothing found), the others an error with 2
    assert done.returncode == (1 if command == "find" else 2) and "Traceback" not in done.stderr
    from kubeatlas.graph.query.atlas import Atlas
    from kubeatlas.graph.store.sqlite.reader import SqliteReader

    reader = SqliteReader(db)
    began = time.monotonic()
    assert reader.search("kubelet" * 1430, [], 50) == []
    assert Atlas(reader).find("Pod" * 3400, [], 50) == []
    assert time.monotonic() - began < 0.5
