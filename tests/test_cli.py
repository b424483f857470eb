"""The CLI through its real entry point: outputs, --json, one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import SMALL_TREE, write_tree

from kubeatlas.app.cli import main


def kubeatlas(*args: str) -> tuple[int, str, str]:
    """Run the CLI in a fresh interpreter, as a user would."""
    proc = subprocess.run([sys.executable, "-m", "kubeatlas.app.cli", *args], capture_output=True,
                          text=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def indexed(small_tree, tmp_path):
    db = tmp_path / "index.sqlite"
    assert main(["index", str(small_tree), "--db", str(db), "--jobs", "1", "--json"]) == 0
    return db


def test_index_json_summary(small_tree, tmp_path, capsys):
    db = tmp_path / "x.sqlite"
    assert main(["index", str(small_tree), "--db", str(db), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["files"] == 4 and summary["counts"]["Package"] == 3
    assert set(summary["phases"]) >= {"discover", "scan", "build", "resolve", "write"}


def test_deps_accepts_dir_and_import_path(indexed, capsys):
    capsys.readouterr()
    for arg in ("pkg/a", "k8s.io/kubernetes/pkg/a", "pkg:k8s.io/kubernetes/pkg/a"):
        assert main(["deps", arg, "--db", str(indexed), "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert [d["id"] for d in data["deps"]] == ["pkg:k8s.io/kubernetes/pkg/b"]


def test_deps_platform_view_and_reverse(indexed, capsys):
    capsys.readouterr()
    main(["deps", "pkg/b", "--db", str(indexed), "--goos", "windows", "--goarch", "amd64",
          "--json"])
    assert json.loads(capsys.readouterr().out)["deps"] == []
    main(["deps", "pkg/b", "--db", str(indexed), "--goos", "linux", "--goarch", "amd64",
          "--json"])
    assert [d["id"] for d in json.loads(capsys.readouterr().out)["deps"]] == ["ext:os"]
    main(["deps", "pkg/b", "--reverse", "--db", str(indexed), "--json"])
    assert [d["id"] for d in json.loads(capsys.readouterr().out)["deps"]] == [
        "pkg:k8s.io/kubernetes/pkg/a"]


def test_find_stats_and_sql(indexed, capsys):
    capsys.readouterr()
    main(["find", "Pod", "--db", str(indexed), "--json"])
    assert [h["id"] for h in json.loads(capsys.readouterr().out)] == ["type:k8s.io/api/core/v1.Pod"]
    main(["stats", "--db", str(indexed), "--json"])
    assert json.loads(capsys.readouterr().out)["counts"]["CALLS"] == 1
    main(["sql", "SELECT count(*) AS n FROM nodes WHERE kind = 'Package'", "--db", str(indexed),
          "--json"])
    assert json.loads(capsys.readouterr().out)["rows"] == [[3]]


@pytest.mark.parametrize("args, message", [
    (["stats", "--db", "/nonexistent/i.sqlite"], "no index at"),
    (["deps", "pkg/nope"], "nothing named"),
    (["sql", "DELETE FROM nodes"], "only read-only"),
    (["sql", "SELECT 1; DROP TABLE nodes"], ""),
    (["index", "/"], "not a Kubernetes tree"),
    (["sql", "  "], "the query is empty"),
    (["callers", "a.A", "--pick", "2"], "names one node only (func:k8s.io/kubernetes/pkg/a.A)"),
])
def test_errors_are_one_line_with_exit_code_2(indexed, args, message):
    if "--db" not in args and args[0] != "index":
        args = [*args, "--db", str(indexed)]
    code, out, err = kubeatlas(*args)
    assert code == 2, (out, err)
    assert "Traceback" not in err
    assert err.startswith("error:") and message in err


@pytest.mark.parametrize("args, message", [
    (["find", " "], "give part of a name"),
    (["deps", "pkg/a", "--depth", "0"], "0 is not in the range"),
])
def test_usage_errors_say_what_to_give(indexed, args, message):
    code, out, err = kubeatlas(*args, "--db", str(indexed))
    assert code == 2 and not out, (out, err)
    assert "Traceback" not in err and message in err


def test_corrupt_index_is_reported_not_crashed(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not sqlite" * 100)
    code, _, err = kubeatlas("stats", "--db", str(bad))
    assert code == 2 and "not a kubeatlas index" in err


def test_sql_console_is_read_only(indexed):
    code, _, _ = kubeatlas("sql", "WITH x AS (SELECT 1) DELETE FROM nodes", "--db", str(indexed))
    assert code == 2
    code, out, _ = kubeatlas("sql", "SELECT count(*) FROM nodes", "--db", str(indexed), "--json")
    assert code == 0 and json.loads(out)["rows"][0][0] > 0


def test_export_formats_read_back(indexed, tmp_path):
    import networkx as nx

    out_json = tmp_path / "g.json"
    assert main(["export", "--format", "json", str(out_json), "--db", str(indexed)]) == 0
    graph = nx.node_link_graph(json.loads(out_json.read_text()), edges="edges")
    assert graph.nodes["pkg:k8s.io/kubernetes/pkg/a"]["kind"] == "Package"
    imports = [d for _, _, d in graph.edges(data=True) if d["kind"] == "IMPORTS"]
    assert all("test_only" in d and "platforms" in d for d in imports)
    assert main(["export", "--format", "graphml", str(tmp_path / "g.graphml"), "--db",
                 str(indexed)]) == 0
    assert nx.read_graphml(tmp_path / "g.graphml").number_of_nodes() == graph.number_of_nodes()
    assert main(["export", "--format", "csv", str(tmp_path / "csv"), "--db", str(indexed)]) == 0
    header = (tmp_path / "csv" / "nodes_Package.csv").read_text().splitlines()[0]
    assert header.startswith("id:ID,") and header.endswith(":LABEL")
    assert (tmp_path / "csv" / "rels_IMPORTS.csv").read_text().startswith(":START_ID,:END_ID,:TYPE")


def _tagged_repo(root, files, tag: str):
    write_tree(root, files)
    for args in (["init", "-q"], ["add", "-A"],
                 ["-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "x"],
                 ["tag", tag], ["config", "uploadpack.allowFilter", "true"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, check=True, capture_output=True,
                          text=True).stdout.strip()


def test_index_clone_is_shallow_sparse_and_records_ref(tmp_path, monkeypatch, capsys):
    files = {**SMALL_TREE, "README.md": "not wanted\n", "docs/x.go": "package docs\n"}
    commit = _tagged_repo(tmp_path / "upstream", files, "v1.28.7")
    monkeypatch.setenv("KUBEATLAS_CACHE", str(tmp_path / "cache"))
    url = (tmp_path / "upstream").as_uri()
    assert main(["index", "--clone", url, "--ref", "v1.28.7", "--jobs", "1", "--json"]) == 0
    capsys.readouterr()
    clone = tmp_path / "cache" / "src" / "v1.28.7"
    assert (clone / "pkg/a/a.go").is_file() and not (clone / "README.md").exists()
    assert not (clone / "docs").exists()  # only pkg/ staging/ cmd/ plugin/ go.mod CHANGELOG/
    shallow = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=clone,
                             capture_output=True, text=True).stdout.strip()
    assert shallow == "true"
    assert main(["stats", "--json"]) == 0
    tree = json.loads(capsys.readouterr().out)["tree"]
    assert (tree["ref"], tree["commit"], tree["k8s_version"]) == ("v1.28.7", commit, "v1.28.7")
    assert main(["index", "--clone", url, "--ref", "v9.9.9"]) == 2
    assert "cannot clone" in capsys.readouterr().err
    assert not (tmp_path / "cache" / "src" / "v9.9.9").exists()


EXIT_CTRL_C = """
import atexit, os, signal, sys
from kubeatlas.app.cli import main
atexit.register(os.kill, os.getpid(), signal.SIGINT)  # Ctrl-C while Python exits, after main
sys.exit(main())
"""


def test_ctrl_c_after_a_complete_index_is_quiet(small_tree, tmp_path):
    """A Ctrl-C that lands while the interpreter exits after `kubeatlas index` finished prints
    nothing and changes nothing (before: a KeyboardInterrupt traceback from Python's exit)."""
    db = tmp_path / "index.sqlite"
    proc = subprocess.run([sys.executable, "-c", EXIT_CTRL_C, "index", str(small_tree), "--db",
                           str(db), "--json"], capture_output=True, text=True, timeout=120)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert json.loads(proc.stdout)["counts"]["Package"] > 0
    assert main(["stats", "--db", str(db), "--json"]) == 0  # the index is whole
