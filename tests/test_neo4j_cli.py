"""The Neo4j commands through the real entry point: neo4j start/stop/status, load (list,
replace, delete), query commands with --neo4j answering like --db, cypher, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import SMALL_TREE, write_tree
from test_resolve import TREE as RESOLVE_TREE

from kubeatlas.app.cli import main

pytestmark = pytest.mark.neo4j


def run(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    base = tmp_path_factory.mktemp("cli")
    out = {}
    for name, files in (("small", SMALL_TREE), ("resolve", RESOLVE_TREE)):
        root = write_tree(base / name, files)
        out[name] = base / f"{name}.sqlite"
        assert main(["index", str(root), "--db", str(out[name]), "--jobs", "1", "--json"]) == 0
    return out


def test_load_list_replace_delete(neo4j_env, indexes, capsys):
    code, out, _ = run(capsys, "load", "--db", str(indexes["small"]), "--neo4j", "--replace",
                       "cli-small", "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["tree"] == "cli-small" and summary["nodes"] > 0 and summary["edges"] > 0
    assert summary["batch_size"] > 0 and summary["entities_per_s"] > 0
    code, out, _ = run(capsys, "load", "--db", str(indexes["resolve"]), "--replace",
                       "cli-resolve", "--batch-size", "10", "--json")
    assert code == 0 and json.loads(out)["batch_size"] == 10
    code, out, _ = run(capsys, "load", "--list", "--json")
    listed = {t["tree"]: t for t in json.loads(out)}
    assert listed["cli-small"]["complete"] and listed["cli-small"]["nodes"] == summary["nodes"]
    code, out, _ = run(capsys, "load", "--delete", "cli-small", "--json")
    assert json.loads(out) == {"deleted": "cli-small", "found": True}
    code, out, _ = run(capsys, "load", "--list", "--json")
    assert "cli-small" not in {t["tree"] for t in json.loads(out)}


@pytest.mark.parametrize("args", [
    ["stats"],
    ["stats", "--problems"],
    ["deps", "pkg/impl"],
    ["deps", "k8s.io/api/core/v1", "--reverse", "--depth", "3"],
    ["deps", "pkg/impl", "--goos", "linux", "--goarch", "amd64", "--tests"],
    ["find", "Run"],
    ["find", "Po", "--kind", "Type"],
    ["implements", "k8s.io/kubernetes/pkg/iface.Runner"],
    ["interfaces", "k8s.io/kubernetes/pkg/impl.Pointer"],
    ["callers", "method:k8s.io/kubernetes/pkg/iface.(Runner).Run"],
    ["callees", "method:k8s.io/kubernetes/pkg/impl.(*Holder).Drive"],
    ["path", "method:k8s.io/kubernetes/pkg/impl.(*Holder).Drive",
     "method:k8s.io/kubernetes/pkg/impl.(*Pointer).Run"],
    ["role"],
    ["role", "kubelet"],
])
def test_query_commands_answer_the_same_from_neo4j(neo4j_env, indexes, capsys, monkeypatch,
                                                   args):
    assert main(["load", "--db", str(indexes["resolve"]), "--replace", "cli-same"]) == 0
    monkeypatch.setenv("KUBEATLAS_NEO4J_TREE", "cli-same")
    code_db, out_db, err_db = run(capsys, *args, "--db", str(indexes["resolve"]), "--json")
    code_neo, out_neo, err_neo = run(capsys, *args, "--neo4j", "--json")
    assert (code_neo, err_neo) == (code_db, err_db)
    assert json.loads(out_neo) == json.loads(out_db)


def test_cypher_command(neo4j_env, indexes, capsys):
    assert main(["load", "--db", str(indexes["small"]), "--replace", "cli-cypher"]) == 0
    code, out, _ = run(capsys, "cypher", "MATCH (n:Package {tree: $tree}) RETURN n.id AS id "
                       "ORDER BY id", "--param", "tree=cli-cypher", "--json")
    assert code == 0
    assert json.loads(out) == {"columns": ["id"], "truncated": False, "rows": [
        ["pkg:k8s.io/api/core/v1"], ["pkg:k8s.io/kubernetes/pkg/a"],
        ["pkg:k8s.io/kubernetes/pkg/b"]]}
    code, out, _ = run(capsys, "cypher", "MATCH (n:Package {tree: $tree}) RETURN count(n)",
                       "--param", "tree=x' OR 1=1 //", "--json")
    assert json.loads(out)["rows"] == [[0]]
    code, out, _ = run(capsys, "cypher", "UNWIND range(1, 5000) AS x RETURN x", "--json")
    assert json.loads(out)["truncated"] and len(json.loads(out)["rows"]) == 1000
    code, out, _ = run(capsys, "cypher", "MATCH (n:Package) RETURN n LIMIT 1")
    assert code == 0 and "_labels" in out


@pytest.mark.parametrize("args, env, message", [
    (["cypher", "MATCH (n) DETACH DELETE n"], {}, "only read-only Cypher"),
    (["cypher", "CREATE (n:X)"], {}, "CREATE is refused"),
    (["stats", "--neo4j"], {"NEO4J_PASSWORD": "wrong-password"}, "refused the credentials"),
    (["stats", "--neo4j"], {"KUBEATLAS_NEO4J_TREE": "no-such-tree"}, "no tree 'no-such-tree'"),
    (["load", "--list"], {"NEO4J_URI": "bolt://127.0.0.1:9"}, "cannot reach Neo4j"),
    (["stats", "--neo4j", "bolt://127.0.0.1:9"], {}, "cannot reach Neo4j"),
    (["load", "--db", "/nonexistent.sqlite"], {}, "no index at"),
    (["cypher", "MATCH (n RETURN n"], {}, "query refused"),
])
def test_errors_are_one_line_with_exit_code_2(neo4j_env, indexes, args, env, message):
    proc = subprocess.run([sys.executable, "-m", "kubeatlas.app.cli", *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **env})
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and proc.stderr.startswith("error:")
    assert message in " ".join(proc.stderr.split())


def test_local_server_is_the_default(neo4j_server, indexes, capsys, monkeypatch):
    """No NEO4J_* at all: the server of `kubeatlas neo4j start` in the cache dir is used."""
    for name in ("NEO4J_URI", "NEO4J_PASSWORD", "NEO4J_USER", "KUBEATLAS_NEO4J_TREE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KUBEATLAS_CACHE", str(neo4j_server.cache))
    code, out, _ = run(capsys, "neo4j", "status", "--json")
    status = json.loads(out)
    assert code == 0 and status["running"] and status["uri"] == neo4j_server.uri
    assert main(["load", "--db", str(indexes["small"]), "--replace", "cli-local"]) == 0
    code, out, _ = run(capsys, "neo4j", "status", "--json")
    assert any(t["tree"] == "cli-local" and t["complete"] for t in json.loads(out)["trees"])
    monkeypatch.setenv("KUBEATLAS_NEO4J_TREE", "cli-local")
    code, out, _ = run(capsys, "deps", "pkg/a", "--neo4j", "--json")
    assert [d["id"] for d in json.loads(out)["deps"]] == ["pkg:k8s.io/kubernetes/pkg/b"]
    proc = subprocess.run([sys.executable, "-m", "kubeatlas.graph.store.neo4j.local.server", "status"],
                          capture_output=True, text=True, env=os.environ, timeout=60)
    assert json.loads(proc.stdout)["running"] is True


def test_neo4j_start_status_stop(neo4j_server, tmp_path, capsys, monkeypatch):
    """A second server through the CLI, in its own cache dir (jars shared)."""
    from kubeatlas.graph.store.neo4j.local.runtime import layout

    for name in ("NEO4J_URI", "NEO4J_PASSWORD", "NEO4J_USER", "KUBEATLAS_NEO4J_TREE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KUBEATLAS_CACHE", str(tmp_path))
    where = layout(tmp_path)
    where.home.mkdir(parents=True)
    where.jars.symlink_to(layout(neo4j_server.cache).jars, target_is_directory=True)
    try:
        code, out, err = run(capsys, "neo4j", "start", "--heap-mb", "512", "--pagecache-mb",
                             "128", "--json")
        assert code == 0, err  # a failed start says why (on stderr), not a JSON error
        started = json.loads(out)
        assert code == 0 and started["running"] and started["uri"].startswith("bolt://127.0.0.1:")
        assert (where.password_file.stat().st_mode & 0o777) == 0o600
        assert len(where.password_file.read_text().strip()) >= 16
        code, out, err = run(capsys, "neo4j", "start", "--json")  # already running: same server
        assert code == 0, err
        assert json.loads(out)["pid"] == started["pid"]
        code, _, err = run(capsys, "stats", "--neo4j")  # reached, and it is empty
        assert code == 2 and "holds no kubeatlas tree" in " ".join(err.split())
        conf = (where.conf / "neo4j.conf").read_text()
        assert "server.default_listen_address=127.0.0.1" in conf
        assert "dbms.security.auth_enabled=true" in conf
    finally:
        code, out, _ = run(capsys, "neo4j", "stop")
    assert code == 0 and "stopped" in out
    code, out, err = run(capsys, "neo4j", "status", "--json")
    assert code == 0, err
    assert json.loads(out)["running"] is False
