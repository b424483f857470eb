"""Function values through the CLI: `path`, `callers` and `callees` follow REFERENCES and say so."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURE_TREE, write_tree

from kubeatlas.app.cli import main
from kubeatlas.graph.notes.verify import check_claims
from kubeatlas.graph.notes.walk import find_chain
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.store.sqlite.reader import SqliteReader

SCHED = "method:k8s.io/kubernetes/pkg/scheduler.(*Scheduler)"


def indexed(root: Path, db: Path) -> str:
    """Index the tree at root into db through the CLI; db's path, as the commands take it."""
    assert main(["index", str(root), "--db", str(db), "--jobs", "1", "--json"]) == 0
    return str(db)


def indexed_files(tmp_path: Path, files: dict[str, str]) -> str:
    """Write a tree of files (path -> text) under tmp_path and index it; the index's path."""
    return indexed(write_tree(tmp_path / "kubernetes", files), tmp_path / "index.sqlite")


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    return indexed(FIXTURE_TREE, tmp_path_factory.mktemp("values") / "ktree.sqlite")


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


CALLSHAPES = "k8s.io/kubernetes/pkg/controller/callshapes"


def test_a_func_fields_value_passed_on_references_what_was_stored_there(db, capsys):
    """`pop(r.config.Process)` passes what `Config{Process: c.sync}` stored: a REFERENCES edge
    via "stored" naming the field, followed by `path` and listed by `callers`."""
    loop, sync = f"method:{CALLSHAPES}.(*Runner).loop", f"method:{CALLSHAPES}.(*Controller).sync"
    rows = run_json(capsys, "callers", "callshapes.(*Controller).sync", "--db", db)["callers"]
    passed = [r for r in rows if r["source"] == loop]
    assert passed and passed[0]["kind"] == "REFERENCES" and passed[0]["via"] == "stored"
    assert passed[0]["field"] == f"{CALLSHAPES}.Config.Process"
    assert (passed[0]["file"], passed[0]["line"]) == ("pkg/controller/callshapes/fieldvalue.go", 20)
    found = run_json(capsys, "path", "callshapes.(*Runner).loop", "callshapes.(*Controller).sync",
                     "--db", db)
    assert found["hops"][-1] == {"id": sync, "kind": "value", "via": "stored"}
    capsys.readouterr()
    assert main(["path", "callshapes.(*Runner).loop", "callshapes.(*Controller).sync",
                 "--db", db]) == 0
    assert "passes as a value what a field holds" in capsys.readouterr().out


def test_a_function_handed_to_a_constructor_is_what_calls_through_its_field_reach(db, capsys):
    """`newPeriodic(c.resync)` hands fn on to `buildPeriodic`, which stores it in periodic.fn:
    `p.fn()` in tick calls resync (via "stored"), as the kube-proxy's BoundedFrequencyRunner
    calls the syncProxyRules its constructor was given."""
    rows = run_json(capsys, "callers", "callshapes.(*Controller).resync", "--db", db)["callers"]
    assert [(r["source"], r["via"], r.get("field"), r["line"]) for r in rows] == [
        (f"method:{CALLSHAPES}.(*periodic).tick", "stored", f"{CALLSHAPES}.periodic.fn", 36),
        (f"method:{CALLSHAPES}.(*Controller).startPeriodic", "value", None, 38)]
    capsys.readouterr()
    assert main(["callers", "callshapes.(*Controller).resync", "--db", db]) == 0
    assert "stored (field fn)" in capsys.readouterr().out  # the table names the field


def test_a_note_cites_a_func_fields_value_and_the_check_holds_it(db):
    atlas = Atlas(SqliteReader(Path(db)))
    hops = find_chain(atlas, f"method:{CALLSHAPES}.(*Runner).loop",
                      f"method:{CALLSHAPES}.(*Controller).sync")
    assert hops is not None and [h.kind for h in hops] == ["references-field"]
    claim = hops[0].claim
    assert (claim.kind, claim.path, claim.line, claim.object_path) == (
        "references-field", "pkg/controller/callshapes/fieldvalue.go", 20,
        f"{CALLSHAPES}.Config.Process")
    assert check_claims([claim], FIXTURE_TREE) == []
    moved = replace(claim, line=claim.line + 1)  # `}`: no value of the field there
    assert check_claims([moved], FIXTURE_TREE) != []


PLATFORM_TREE = {
    "go.mod": "module k8s.io/kubernetes\n",
    "pkg/util/util_unix.go": "//go:build linux || darwin\n\npackage util\n\n"
                             "// Listen listens.\nfunc Listen() { unixOnly() }\n\nfunc unixOnly() {}\n",
    "pkg/util/util_windows.go": "//go:build windows\n\npackage util\n\n"
                                "func Listen() { windowsOnly() }\n\nfunc windowsOnly() {}\n",
}


def test_one_platform_view_keeps_linux_calls_and_lists_variants(tmp_path, capsys):
    db = indexed_files(tmp_path, PLATFORM_TREE)
    callees = run_json(capsys, "callees", "util.Listen", "--db", db)["callees"]
    assert [c["target"] for c in callees] == ["func:k8s.io/kubernetes/pkg/util.unixOnly"]
    node = run_json(capsys, "find", "Listen", "--kind", "Function", "--db", db)[0]
    assert (node["file"], node["line"]) == ("pkg/util/util_unix.go", 6)
    assert node["variants"] == [{"file": "pkg/util/util_windows.go", "line": 5,
                                 "platforms": ["windows/amd64", "windows/arm64"]}]
    assert node["test_helper"] is False and node["generated"] is False
    windows = run_json(capsys, "callees", "util.Listen", "--db", db, "--goos", "windows",
                       "--goarch", "amd64")["callees"]
    assert [c["target"] for c in windows] == ["func:k8s.io/kubernetes/pkg/util.windowsOnly"]


MANAGER = "method:k8s.io/kubernetes/pkg/kubelet/kuberuntime.(*kubeGenericRuntimeManager)"
APPLY = "kuberuntime.(*kubeGenericRuntimeManager).applyPlatformSpecificContainerConfig"
WINDOWS = ["--goos", "windows", "--goarch", "amd64"]


@pytest.mark.parametrize("platform, expected", [
    ([], {("generateLinuxContainerConfig", "call")}),
    (WINDOWS, {("generateWindowsContainerConfig", "call"), ("windowsSecurityContext", "value")}),
    (["--goos", "darwin", "--goarch", "arm64"], set()),  # the `!linux && !windows` body
    (["--goos", "linux", "--goarch", "arm64"], {("generateLinuxContainerConfig", "call")}),
])
def test_platform_view_follows_the_body_that_platform_builds(db, capsys, platform, expected):
    found = run_json(capsys, "callees", APPLY, "--db", db, *platform)
    assert {(c["target"].rsplit(".", 1)[-1], c["hop"]) for c in found["callees"]} == expected
    assert found["platform"] == ("/".join(platform[1::2]) if platform else "linux/amd64")
    if platform == WINDOWS:  # the variant's file, line and kind, as the default view has them
        assert {(c["kind"], c["file"], c["line"]) for c in found["callees"]} == {
            ("CALLS", "pkg/kubelet/kuberuntime/kuberuntime_container_windows.go", 16),
            ("REFERENCES", "pkg/kubelet/kuberuntime/kuberuntime_container_windows.go", 16)}


def test_platform_view_answers_callers_and_paths_too(db, capsys):
    windows_only = f"{MANAGER}.generateWindowsContainerConfig"
    assert run_json(capsys, "callers", windows_only, "--db", db)["callers"] == []
    callers = run_json(capsys, "callers", windows_only, "--db", db, *WINDOWS)["callers"]
    assert [c["source"] for c in callers] == [f"{MANAGER}.applyPlatformSpecificContainerConfig"]
    linux_only = f"{MANAGER}.generateLinuxContainerConfig"
    assert run_json(capsys, "callers", linux_only, "--db", db, *WINDOWS)["callers"] == []
    start, value = f"{MANAGER}.SyncPod", f"{MANAGER}.windowsSecurityContext"
    assert run_json(capsys, "path", start, value, "--db", db)["chain"] is None
    chain = run_json(capsys, "path", start, value, "--db", db, *WINDOWS)
    assert chain["platform"] == "windows/amd64"
    assert [h["kind"] for h in chain["hops"]] == ["start", "call", "call", "value"]
    capsys.readouterr()
    assert main(["path", start, value, "--db", db, *WINDOWS]) == 0
    text = capsys.readouterr().out
    assert "platform view windows/amd64" in text
    assert "kuberuntime_container_windows.go:14" in text  # the node reads as its variant


def test_platform_options_go_together(db, capsys):
    assert main(["callees", APPLY, "--db", db, "--goos", "windows"]) == 2


FLAGS_TREE = {
    "go.mod": "module k8s.io/kubernetes\n",
    "pkg/x/x.go": "package x\n\n// Doer does.\ntype Doer interface{ Do() }\n\n"
                  "// Namer names.\ntype Namer interface{ Name() string }\n\n"
                  "type Real struct{}\n\nfunc (Real) Do() {}\n\nfunc (Real) Name() string { return \"\" }\n",
    "pkg/x/zz_generated.x.go": "// Code generated by hand-gen. DO NOT EDIT.\n\npackage x\n\n"
                               "type Gen struct{}\n\nfunc (Gen) Do() {}\n",
    "pkg/x/testing/fake.go": "package testing\n\ntype Fake struct{}\n\nfunc (Fake) Do() {}\n",
    "pkg/x/x_test.go": "package x\n\ntype inTest struct{}\n\nfunc (inTest) Do() {}\n",
    # a helper package named test (as pkg/controller/nodeipam/ipam/test): not production either
    "pkg/x/ipam/test/helper.go": "package test\n\ntype Stub struct{}\n\nfunc (Stub) Do() {}\n",
}


def test_flags_rank_listings_and_picks(tmp_path, capsys):
    db = indexed_files(tmp_path, FLAGS_TREE)
    pkg = "k8s.io/kubernetes/pkg/x"
    ranked = [i["type"] for i in run_json(capsys, "implements", "x.Doer", "--db", db)["implementers"]]
    assert ranked[0] == f"type:{pkg}.Real"  # production first, helpers and generated after
    assert set(ranked[1:]) == {f"type:{pkg}.Gen", f"type:{pkg}/testing.Fake", f"type:{pkg}.inTest",
                               f"type:{pkg}/ipam/test.Stub"}
    production = run_json(capsys, "implements", "x.Doer", "--production", "--db", db)
    assert [i["type"] for i in production["implementers"]] == [f"type:{pkg}.Real"]
    flags = {n["id"]: (n["test_helper"], n["generated"])
             for n in run_json(capsys, "find", "Do", "--kind", "Method", "--db", db)}
    assert flags[f"method:{pkg}.(Real).Do"] == (False, False)
    assert flags[f"method:{pkg}.(Gen).Do"] == (False, True)
    assert flags[f"method:{pkg}/testing.(Fake).Do"] == (True, False)
    assert flags[f"method:{pkg}.(inTest).Do"] == (True, False)
    assert flags[f"method:{pkg}/ipam/test.(Stub).Do"] == (True, False)
    first = run_json(capsys, "callers", "Do", "--db", db)["function"]
    assert first["picked"] == 1 and len(first["candidates"]) >= 4
    assert first["id"] in (f"method:{pkg}.(Real).Do", f"method:{pkg}.(Doer).Do")
    second = run_json(capsys, "callers", "Do", "--pick", "2", "--db", db)["function"]
    assert second["id"] == first["candidates"][1]
    from kubeatlas.graph.query.atlas import Atlas
    from kubeatlas.graph.store.sqlite.reader import SqliteReader

    atlas = Atlas(SqliteReader(Path(db)))
    assert atlas.is_trivial_interface(f"type:{pkg}.Namer")
    assert not atlas.is_trivial_interface(f"type:{pkg}.Doer")


@pytest.mark.parametrize("command, name, role, expected", [
    # `Run` is declared in five roles: without one the most called production one wins
    ("callers", "Run", None, "func:k8s.io/component-base/cli.Run"),
    ("callers", "Run", "kube-scheduler", "method:k8s.io/kubernetes/pkg/scheduler.(*Scheduler).Run"),
    ("callees", "Run", "kubelet", "method:k8s.io/kubernetes/pkg/kubelet.(*Kubelet).Run"),
    # `run` is each binary's: the role's own binary first
    ("callees", "run", "kube-scheduler", "func:k8s.io/kubernetes/cmd/kube-scheduler.run"),
    ("callees", "run", "role:kube-apiserver", "func:k8s.io/kubernetes/cmd/kube-apiserver.run"),
    # `Interface`: client-go's clientset (the shallowest), or, when the informer machinery is
    # the question, the shallowest of its packages' (the work queue's)
    ("implements", "Interface", None, "type:k8s.io/client-go/kubernetes.Interface"),
    ("implements", "Interface", "informer-machinery", "type:k8s.io/client-go/util/workqueue.Interface"),
])
def test_role_in_question_ranks_its_candidates_first(db, capsys, command, name, role, expected):
    found = run_json(capsys, command, name, "--db", db, *(["--role", role] if role else []))
    picked = found["candidates"] if command == "implements" else found["function"]
    assert picked["id"] == expected
    assert len(picked["candidates"]) > 1


def test_role_of_path_and_an_unknown_role(db, capsys):
    chain = run_json(capsys, "path", "run", "Run", "--role", "kube-scheduler", "--db", db)
    assert (chain["from"], chain["to"]) == ("func:k8s.io/kubernetes/cmd/kube-scheduler.run",
                                            f"{SCHED}.Run")
    assert main(["callers", "Run", "--role", "no-such-role", "--db", db]) == 2
    assert "no role 'no-such-role'" in capsys.readouterr().err


ROLES_TREE = {
    "go.mod": "module k8s.io/kubernetes\n",
    "pkg/kubelet/testing/fake.go": "package testing\n\nfunc Start() {}\n",
    "pkg/scheduler/start.go": "package scheduler\n\nfunc Start() {}\n",
    "pkg/proxy/start.go": "package proxy\n\nfunc Start() {}\n",
}


def test_role_ranks_after_production_before_test(tmp_path, capsys):
    """A test helper of the role in question still comes after production code elsewhere."""
    db = indexed_files(tmp_path, ROLES_TREE)
    k = "func:k8s.io/kubernetes/pkg"
    ranked = {role: run_json(capsys, "callers", "Start", "--role", role, "--db", db)["function"]
              for role in ("kubelet", "kube-proxy", "kube-scheduler")}
    assert ranked["kubelet"]["candidates"] == [f"{k}/proxy.Start", f"{k}/scheduler.Start",
                                               f"{k}/kubelet/testing.Start"]
    assert ranked["kube-proxy"]["candidates"][0] == f"{k}/proxy.Start"
    assert ranked["kube-scheduler"]["candidates"][:2] == [f"{k}/scheduler.Start",
                                                          f"{k}/proxy.Start"]


def test_a_common_name_lists_every_candidate_and_ranks_examples_after_components(tmp_path, capsys):
    """`callers Run` on a tree with 60 functions named Run lists all 60 (not the first 50 the
    search returned), and an example's Run (shallower) comes after a component's."""
    files = {"go.mod": "module k8s.io/kubernetes\n",
             "pkg/examples/run.go": "package examples\n\nfunc Run() {}\n",
             "pkg/controller/deep/er/run.go": "package er\n\nfunc Run() {}\n"}
    files |= {f"pkg/p{i:02d}/sub/run.go": "package sub\n\nfunc Run() {}\n" for i in range(58)}
    db = indexed_files(tmp_path, files)
    picked = run_json(capsys, "callers", "Run", "--db", db)["function"]
    k = "func:k8s.io/kubernetes/pkg"
    assert len(picked["candidates"]) == 60
    assert picked["candidates"][-1] == f"{k}/examples.Run"  # shallowest, but an example
    assert picked["candidates"][0] == f"{k}/p00/sub.Run"
