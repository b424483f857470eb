"""Hostile trees (issue 11, item 6): a FIFO named y.go, a symlink z.go -> /dev/zero, a sparse
file far past the size limit, and file and directory names that are not UTF-8 are listed as
problems; the index neither hangs, nor reads without bound, nor crashes."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CHECKOUT, SMALL_TREE, write_tree

from kubeatlas.analyzer.reading import NotRegular, read_head, read_small

ADDRESS_SPACE = 3 << 30  # the indexer runs in 3 GiB of address space; the sparse file is 8 GiB


def _kubeatlas(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    return subprocess.run([sys.executable, "-m", "kubeatlas", *args], cwd=CHECKOUT,
                          capture_output=True, text=True, timeout=timeout, preexec_fn=limit)


@pytest.fixture
def hostile_tree(tmp_path) -> Path:
    root = write_tree(tmp_path / "kubernetes", SMALL_TREE)
    os.mkfifo(root / "pkg/a/y.go")
    (root / "pkg/a/z.go").symlink_to("/dev/zero")
    with open(root / "pkg/b/huge.go", "wb") as fh:  # 8 GiB, sparse: a header, then holes
        fh.write(b"package b\n\nimport \"strings\"\n\nvar _ = strings.ToUpper\n")
        fh.truncate(8 << 30)
    base = os.fsencode(root)
    os.makedirs(base + b"/pkg/bad\xffdir")
    Path(os.fsdecode(base + b"/pkg/bad\xffdir/c.go")).write_text("package c\n")
    Path(os.fsdecode(base + b"/pkg/a/n\xfeame.go")).write_text("package a\n")
    return root


def test_hostile_files_are_problems_not_hangs(hostile_tree, tmp_path):
    db = tmp_path / "index.sqlite"
    done = _kubeatlas("index", str(hostile_tree), "--db", str(db), "--jobs", "1", "--json")
    assert done.returncode == 0, done.stderr
    listed = _kubeatlas("stats", "--problems", "--db", str(db), "--json")
    problems = {p["file"]: (p["kind"], p["message"]) for p in json.loads(listed.stdout)}
    assert problems["pkg/a/y.go"][0] == "not-regular"
    assert problems["pkg/a/z.go"][0] == "not-regular"
    assert problems["pkg/b/huge.go"][0] == "too-large"
    assert problems["pkg/bad\\xffdir"] == ("bad-name", "directory name is not valid UTF-8: "
                                           "not walked")
    assert problems["pkg/a/n\\xfeame.go"][0] == "bad-name"
    found = _kubeatlas("find", "B", "--db", str(db), "--json")  # the rest was indexed
    assert "func:k8s.io/kubernetes/pkg/b.B" in {h["id"] for h in json.loads(found.stdout)}
    deps = _kubeatlas("deps", "pkg/b", "--db", str(db), "--json")
    assert "ext:strings" in {d["id"] for d in json.loads(deps.stdout)["deps"]}  # huge.go's header


def test_read_head_is_bounded_and_refuses_special_files(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(NotRegular, match="FIFO"):
        read_head(fifo, 100)
    with pytest.raises(NotRegular, match="character device"):
        read_head("/dev/zero", 100)
    sparse = tmp_path / "sparse"
    with open(sparse, "wb") as fh:
        fh.truncate(1 << 40)
    head = read_head(sparse, 1000)
    assert len(head.data) == 1000 and head.size == 1 << 40 and not head.whole
    assert read_small(sparse) is None and read_small(fifo) is None
    go_mod = tmp_path / "go.mod"
    go_mod.write_text("module x\n")
    assert read_small(go_mod) == b"module x\n"


def test_a_fifo_go_mod_does_not_hang_the_tree_check(tmp_path):
    root = write_tree(tmp_path / "kubernetes", {k: v for k, v in SMALL_TREE.items()
                                                 if k != "go.mod"})
    os.mkfifo(root / "go.mod")
    done = _kubeatlas("index", str(root), "--db", str(tmp_path / "i.sqlite"), timeout=60)
    assert done.returncode == 2
    assert "no go.mod" in done.stderr and "Traceback" not in done.stderr
