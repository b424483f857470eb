"""Function values through the CLI: `path`, `callers` and `callees` follow REFERENCES and say so."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURE_TREE, write_tree

from kubeatlas.app.cli import main

SCHED = "method:k8s.io/kubernetes/pkg/scheduler.(*Scheduler)"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("values") / "ktree.sqlite"
    assert main(["index", str(FIXTURE_TREE), "--db", str(path), "--jobs", "1", "--json"]) == 0
    return str(path)


def run_json(capsys, *args: str) -> dict:
    capsys.readouterr()
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_path_through_a_method_value_names_each_hop(db, capsys):
    found = run_json(capsys, "path", "scheduler.(*Scheduler).Run",
                     "scheduler.(*Scheduler).scheduleOne", "--db", db)
    assert found["chain"] == [f"{SCHED}.Run", f"{SCHED}.scheduleOne"]
    assert found["hops"] == [{"id": f"{SCHED}.Run", "kind": "start", "via": ""},
                             {"id": f"{SCHED}.scheduleOne", "kind": "value", "via": "value"}]
    capsys.readouterr()
    assert main(["path", "scheduler.(*Scheduler).Run", "scheduler.(*Scheduler).scheduleOne",
                 "--db", db]) == 0
    assert "passes as a value" in capsys.readouterr().out


@pytest.mark.parametrize("command, name, other, key", [
    ("callers", "scheduler.(*Scheduler).scheduleOne", f"{SCHED}.Run", "source"),
    ("callees", "scheduler.(*Scheduler).Run", f"{SCHED}.scheduleOne", "target"),
])
def test_callers_and_callees_list_values_apart_from_calls(db, capsys, command, name, other, key):
    rows = run_json(capsys, command, name, "--db", db)[command]
    value = [r for r in rows if r[key] == other]
    assert value and value[0]["kind"] == "REFERENCES" and value[0]["hop"] == "value"
    assert value[0]["file"] == "pkg/scheduler/scheduler.go" and value[0]["line"] == 34
    assert all(r["hop"] in ("call", "dispatch", "value") for r in rows)


PLATFORM_TREE = {
    "go.mod": "module k8s.io/kubernetes\n",
    "pkg/util/util_unix.go": "//go:build linux || darwin\n\npackage util\n\n"
                             "// Listen listens.\nfunc Listen() { unixOnly() }\n\nfunc unixOnly() {}\n",
    "pkg/util/util_windows.go": "//go:build windows\n\npackage util\n\n"
                                "func Listen() { windowsOnly() }\n\nfunc windowsOnly() {}\n",
}


def test_one_platform_view_keeps_linux_calls_and_lists_variants(tmp_path, capsys):
    root = write_tree(tmp_path / "kubernetes", PLATFORM_TREE)
    db = str(tmp_path / "p.sqlite")
    assert main(["index", str(root), "--db", db, "--jobs", "1", "--json"]) == 0
    callees = run_json(capsys, "callees", "util.Listen", "--db", db)["callees"]
    assert [c["target"] for c in callees] == ["func:k8s.io/kubernetes/pkg/util.unixOnly"]
    node = run_json(capsys, "find", "Listen", "--kind", "Function", "--db", db)[0]
    assert (node["file"], node["line"]) == ("pkg/util/util_unix.go", 6)
    assert node["variants"] == [{"file": "pkg/util/util_windows.go", "line": 5,
                                 "platforms": ["windows/amd64", "windows/arm64"]}]
    assert node["test_helper"] is False and node["generated"] is False
