"""Hops through the API server: a function that writes an API kind through client-go's typed
client, and the packages that watch it — on the kind's card and between a flow's steps."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURE_TREE

from kubeatlas.app.cli import main
from kubeatlas.graph.notes.claim import parse_claims
from kubeatlas.graph.notes.flow import flow_note
from kubeatlas.graph.notes.lang import say
from kubeatlas.graph.notes.role import role_note
from kubeatlas.graph.notes.verify import check_claims
from kubeatlas.graph.query.apiserver import (
    VERBS,
    client_methods,
    kind_written,
    through_apiserver,
    verb_of,
    writes_by,
)
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.store.sqlite.reader import SqliteReader

DC = "method:k8s.io/kubernetes/pkg/controller/deployment.(*DeploymentController)"
RSC = "method:k8s.io/kubernetes/pkg/controller/replicaset.(*ReplicaSetController)"
CREATE = "method:k8s.io/client-go/kubernetes/typed/apps/v1.(ReplicaSetInterface).Create"


@pytest.fixture(scope="module")
def db(ktree_db) -> str:
    return str(ktree_db)


def test_typed_client_methods_name_the_kind_they_write():
    for verb in VERBS:  # a note says each in both languages
        assert say("en", f"verb_{verb}") and say("zh", f"verb_{verb}")
    assert CREATE in client_methods("kind:apps/v1.ReplicaSet")
    assert kind_written(CREATE) == "kind:apps/v1.ReplicaSet"
    assert kind_written("method:k8s.io/client-go/kubernetes/typed/core/v1.(PodInterface)"
                        ".UpdateStatus") == "kind:core/v1.Pod"
    assert kind_written("method:k8s.io/client-go/kubernetes/typed/core/v1.(PodInterface)"
                        ".Get") == ""  # a read writes nothing
    assert kind_written("method:k8s.io/client-go/listers/apps/v1.(ReplicaSetLister).List") == ""
    # the event recorder's sink writes into the event's own namespace: a Create all the same
    sink = "method:k8s.io/client-go/kubernetes/typed/core/v1.(EventExpansion).CreateWithEventNamespace"
    assert sink in client_methods("kind:core/v1.Event")
    assert (kind_written(sink), verb_of(sink)) == ("kind:core/v1.Event", "Create")
    assert verb_of(CREATE) == "Create"
    assert kind_written(sink.replace("CreateWith", "SearchWith")) == ""


def test_the_kind_card_lists_who_writes_it_with_the_call(db, capsys):
    capsys.readouterr()
    assert main(["kind", "ReplicaSet", "--db", db, "--json"]) == 0
    relations = json.loads(capsys.readouterr().out)["relations"]
    assert ["WRITES", f"{DC}.getNewReplicaSet", "pkg/controller/deployment/sync.go:24 Create"] \
        in relations


def test_the_kind_card_names_the_components_that_write_it_and_how(db, capsys):
    """Who writes Leases? The kubelet (its heartbeat, through the lease controller it runs) and
    the scheduler (its leader election): each role once, with its first write."""
    capsys.readouterr()
    assert main(["kind", "Lease", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["roles_writing"] == [
        ["role:kube-scheduler", "func:k8s.io/kubernetes/cmd/kube-scheduler.leaderElect", "Update",
         12, "func:k8s.io/client-go/tools/leaderelection.RunOrDie", 30,
         "method:k8s.io/client-go/tools/leaderelection.(*LeaderElector).renew"],
        ["role:kubelet", "method:k8s.io/kubernetes/pkg/kubelet.(*Kubelet).runNodeLease", "Create",
         13, "method:k8s.io/component-helpers/apimachinery/lease.(Controller).Run", 39,
         "method:k8s.io/component-helpers/apimachinery/lease.(*controller).ensureLease"]]
    assert main(["kind", "Pod", "--db", db, "--json"]) == 0
    assert [row[:3] for row in json.loads(capsys.readouterr().out)["roles_writing"]] == [
        ["role:kube-controller-manager", "method:k8s.io/kubernetes/pkg/controller.(RealPodControl)"
         ".DeletePod", "Delete"],
        ["role:kube-scheduler", f"{SCHED}.bind", "Bind"],
        ["role:kubelet", "func:k8s.io/kubernetes/pkg/kubelet.deleteOrphanedMirrorPod", "Delete"]]
    assert main(["kind", "Job", "--db", db]) == 0
    assert "no component writes it" in capsys.readouterr().out


def test_a_flow_step_reached_through_the_api_server_says_how_and_the_check_holds_it(db):
    atlas = Atlas(SqliteReader(Path(db)))
    write, watch = through_apiserver(atlas, [f"{DC}.getNewReplicaSet"], f"{RSC}.syncReplicaSet")
    assert (write.client, write.verb, write.line) == (CREATE, "Create", 24)
    assert watch.source == "pkg:k8s.io/kubernetes/pkg/controller/replicaset"
    # the Deployment controller watches ReplicaSets too: the one it creates wakes it as well
    assert through_apiserver(atlas, [f"{DC}.getNewReplicaSet"], f"{DC}.syncDeployment")
    # a package that watches no ReplicaSet is not reached that way, nor is a type
    listener = "method:k8s.io/kubernetes/pkg/controller/callshapes.(*listener).run"
    assert through_apiserver(atlas, [f"{DC}.getNewReplicaSet"], listener) is None
    assert through_apiserver(atlas, [f"{DC}.getNewReplicaSet"],
                             "type:k8s.io/kubernetes/pkg/controller/replicaset."
                             "ReplicaSetController") is None
    note = flow_note(atlas, "deployment-flow")
    line = next(x for x in note.markdown.splitlines() if x.startswith("- `replicaset.(*Replica"
                                                                      "SetController).syncRep"))
    assert "reached through the API server" in line and "no call" not in line
    claims = [c for c in parse_claims(note.markdown) if c.object == CREATE]
    assert [(c.kind, c.subject, c.path, c.line) for c in claims] == [
        ("calls", f"{DC}.getNewReplicaSet", "pkg/controller/deployment/sync.go", 24)]
    assert check_claims(claims, FIXTURE_TREE) == []
    assert check_claims([replace(claims[0], line=22)], FIXTURE_TREE) != []  # no Create there


BIND = "method:k8s.io/client-go/kubernetes/typed/core/v1.(PodExpansion).Bind"
SCHED = "method:k8s.io/kubernetes/pkg/scheduler.(*Scheduler)"
KUBELET = "pkg:k8s.io/kubernetes/pkg/kubelet"


def test_a_pods_binding_is_a_write_of_the_pod():
    assert kind_written(BIND) == "kind:core/v1.Pod"  # the Expansion interface's Bind
    assert BIND in client_methods("kind:core/v1.Pod")
    assert kind_written(BIND.replace(".Bind", ".ProxyGet")) == ""  # a read writes nothing


def test_watches_are_read_from_calls_and_from_a_list_watch_of_a_named_resource(db, capsys):
    capsys.readouterr()
    assert main(["kind", "Pod", "--db", db, "--json"]) == 0
    watches = {r[1]: r[2] for r in json.loads(capsys.readouterr().out)["relations"]
               if r[0] == "WATCHES"}
    assert watches == {
        # `informerFactory.Core().Pods().Informer()`: no field or parameter names the Pod
        "pkg:k8s.io/kubernetes/pkg/scheduler": "pkg/scheduler/scheduler.go:28 Informer called in New",
        # the kubelet's pod source: a list-watch of "pods" from client-go's cache
        KUBELET: 'pkg/kubelet/kubelet.go:69 NewListWatchFromClient lists and watches "pods" in '
                 "newPodSource",
        # a typed field still says it best; client-go's own informers watch nothing
        "pkg:k8s.io/kubernetes/pkg/controller/deployment":
            "pkg/controller/deployment/deployment_controller.go:22 DeploymentController podLister "
            "corelisters.PodLister",
        "pkg:k8s.io/kubernetes/pkg/controller/replicaset":
            "pkg/controller/replicaset/replica_set.go:18 ReplicaSetController podLister "
            "corelisters.PodLister",
    }


def test_the_schedulers_binding_reaches_the_kubelet_through_the_api_server(db, tmp_path):
    atlas = Atlas(SqliteReader(Path(db)))
    worker = "method:k8s.io/kubernetes/pkg/kubelet.(*podWorkers).UpdatePod"
    write, watch = through_apiserver(atlas, [f"{SCHED}.bind"], worker)
    assert (write.client, write.verb, write.line) == (BIND, "Bind", 52)
    assert watch.source == KUBELET
    note = flow_note(atlas, "deployment-flow")
    lines = note.markdown.splitlines()
    first = next(x for x in lines if x.startswith("- `kubelet.(*podWorkers).UpdatePod`"))
    assert "reached through the API server" in first and "`Bind`" in first
    assert "pkg/kubelet/kubelet.go:69" in first  # the list-watch, cited
    # a step's first anchor that nothing reaches starts its own story: it says nothing
    assert next(x for x in lines if x.startswith("- `scheduler.(*Scheduler).scheduleOne`")) \
        .endswith(")")
    claims = [c for c in parse_claims(note.markdown) if c.object == BIND]
    assert [(c.kind, c.subject, c.line) for c in claims] == [("calls", f"{SCHED}.bind", 52)]
    saved = tmp_path / "deployment-flow.md"
    saved.write_text(note.markdown, encoding="utf-8")
    assert main(["notes", str(saved), "--check", "--db", db, "--tree", str(FIXTURE_TREE)]) == 0


_LEASE_BY_LEADER = ("- `coordination/v1.Lease`: written by `kube-scheduler.leaderElect` through "
                    "`leaderelection.RunOrDie` (cmd/kube-scheduler/leader.go:12), which leads on to "
                    "`leaderelection.(*LeaderElector).renew → Update` "
                    "(staging/src/k8s.io/client-go/tools/leaderelection/leaderelection.go:30)")
_LEASE_BY_KUBELET = {
    "en": "- `coordination/v1.Lease`: written by `kubelet.(*Kubelet).runNodeLease` through "
          "`lease.(Controller).Run` (pkg/kubelet/kubelet_node_lease.go:13), which leads on to "
          "`lease.(*controller).ensureLease → Create` "
          "(staging/src/k8s.io/component-helpers/apimachinery/lease/controller.go:39)",
    "zh": "- `coordination/v1.Lease`：由 `kubelet.(*Kubelet).runNodeLease` 通过 "
          "`lease.(Controller).Run` (pkg/kubelet/kubelet_node_lease.go:13)（经库代码一路调用到 "
          "`lease.(*controller).ensureLease → Create` "
          "(staging/src/k8s.io/component-helpers/apimachinery/lease/controller.go:39)） 写入"}


@pytest.mark.parametrize("role, lang, lines", [
    ("kube-scheduler", "en", [
        "- `core/v1.Pod`: watched by `pkg/scheduler` `Informer` (pkg/scheduler/scheduler.go:28); "
        "written by `scheduler.(*Scheduler).bind` through `Bind` (pkg/scheduler/scheduler.go:52)",
        _LEASE_BY_LEADER]),  # client-go's leader elector, which the scheduler runs
    # a write through a helper of another package: the helper's call, then the helper's own;
    # the node's heartbeat, through the lease controller of component-helpers the kubelet runs
    ("kubelet", "en", [
        "- `core/v1.Pod`: watched by `pkg/kubelet` `NewListWatchFromClient` "
        "(pkg/kubelet/kubelet.go:69); written by `kubelet.deleteOrphanedMirrorPod` through "
        "`pod.DeletePod` (pkg/kubelet/kubelet_pods.go:12), which calls `Delete` "
        "(pkg/util/pod/pod.go:12)", _LEASE_BY_KUBELET["en"]]),
    ("kubelet", "zh", [
        "- `core/v1.Pod`：由 `pkg/kubelet` `NewListWatchFromClient` "
        "(pkg/kubelet/kubelet.go:69) 监听；由 `kubelet.deleteOrphanedMirrorPod` 通过 `pod.DeletePod` "
        "(pkg/kubelet/kubelet_pods.go:12)（它再调用 `Delete` (pkg/util/pod/pod.go:12)） 写入",
        _LEASE_BY_KUBELET["zh"]]),
])
def test_a_role_note_lists_the_api_objects_it_watches_and_writes(db, tmp_path, role, lang, lines):
    note = role_note(Atlas(SqliteReader(Path(db))), f"role:{role}", lang)
    section = note.markdown.split("\n## " + say(lang, "api_objects"), 1)[1].split("\n## ", 1)[0]
    shown = [re.sub(r"\]\([^)]*\)", "", x).replace("[", "") for x in section.splitlines()
             if x.startswith("- ")]  # the citations' links dropped
    assert shown == lines
    saved = tmp_path / f"{role}.md"
    saved.write_text(note.markdown, encoding="utf-8")
    assert main(["notes", str(saved), "--check", "--db", db, "--tree", str(FIXTURE_TREE)]) == 0


def test_the_kinds_page_lists_the_writers_with_their_call(open_page):
    at = open_page("views/kinds.py", kind="kind:apps/v1.ReplicaSet")
    headers = [s.value for s in at.subheader]
    assert "Written through the typed client by (1)" in headers
    shown = "\n".join(m.value for m in at.markdown)
    assert "sync.go:24" in shown and "Create" in shown
    assert "Components that write it (1)" in headers  # the controller manager's deployment sync


def test_the_kinds_page_names_the_components_that_write_it(open_page):
    """Leases: the kubelet's heartbeat through the lease controller it runs, and the scheduler's
    leader election, each linked to its role page, with both calls; in Chinese too."""
    at = open_page("views/kinds.py", kind="kind:coordination/v1.Lease")
    assert "Components that write it (2)" in [s.value for s in at.subheader]
    shown = "\n".join(m.value for m in at.markdown)
    assert ("`kubelet.(*Kubelet).runNodeLease` pkg/kubelet/kubelet_node_lease.go:13 "
            "`lease.(Controller).Run` → … → "
            "staging/src/k8s.io/component-helpers/apimachinery/lease/controller.go:39 "
            "`lease.(*controller).ensureLease → Create`") in shown
    assert {"kubelet", "kube-scheduler"} <= {p.proto.label for p in at.get("page_link")}
    at = open_page("views/kinds.py", kind="kind:coordination/v1.Lease", lang="zh")
    assert "写入它的组件（2）" in [s.value for s in at.subheader]
    at = open_page("views/kinds.py", kind="kind:batch/v1.Job")
    assert "Components that write it (0)" in [s.value for s in at.subheader]


def test_the_role_page_lists_the_api_objects_it_watches_and_writes(open_page):
    at = open_page("views/role.py", role="kube-scheduler")
    text = "\n".join(str(x.value) for x in [*at.markdown, *at.subheader, *at.caption])
    assert "API objects it watches and writes (2)" in text
    assert "core/v1.Pod" in [p.proto.label for p in at.get("page_link")]  # to the kinds page
    assert ("watched by 1: `k8s.io/kubernetes/pkg/scheduler` pkg/scheduler/scheduler.go:28 "
            "`Informer called in New` · written by 1: `scheduler.(*Scheduler).bind` "
            "pkg/scheduler/scheduler.go:52 `Bind`") in text  # (no commit: no links)
    at = open_page("views/role.py", role="kubelet")  # a write through a helper: both calls
    text = "\n".join(str(x.value) for x in [*at.markdown, *at.caption])
    assert ("written by 1: `kubelet.deleteOrphanedMirrorPod` pkg/kubelet/kubelet_pods.go:12 "
            "`pod.DeletePod` → pkg/util/pod/pod.go:12 `Delete`") in text
    assert "only through the API server" not in text  # the kubelet also talks CRI, CSI, …
    assert ("written by 1: `kubelet.(*Kubelet).runNodeLease` pkg/kubelet/kubelet_node_lease.go:13 "
            "`lease.(Controller).Run` → … → "
            "staging/src/k8s.io/component-helpers/apimachinery/lease/controller.go:39 "
            "`lease.(*controller).ensureLease → Create`") in text  # through library code


def test_the_role_command_lists_the_api_objects_too(db, capsys):
    capsys.readouterr()
    assert main(["role", "kube-scheduler", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["api_objects"] == [{
        "kind": "kind:core/v1.Pod",
        "watched_by": [["pkg:k8s.io/kubernetes/pkg/scheduler",
                        "pkg/scheduler/scheduler.go:28 Informer called in New"]],
        "written_by": [[f"{SCHED}.bind", "Bind", 52, "", 0, ""]]}, {
        "kind": "kind:coordination/v1.Lease", "watched_by": [],
        "written_by": [["func:k8s.io/kubernetes/cmd/kube-scheduler.leaderElect", "Update", 12,
                        "func:k8s.io/client-go/tools/leaderelection.RunOrDie", 30,
                        "method:k8s.io/client-go/tools/leaderelection.(*LeaderElector).renew"]]}]
    assert main(["role", "kube-scheduler", "--db", db]) == 0
    shown = capsys.readouterr().out
    assert "API objects it watches and writes" in shown and "kind:core/v1.Pod" in shown


def test_a_write_through_a_helper_is_the_callers_with_both_calls_checked(db, capsys):
    """The kubelet deletes a Pod through `pod.DeletePod` (pkg/util/pod, no role's): the write
    is the kubelet's, cited at its call of the helper and at the helper's call of the client."""
    capsys.readouterr()
    assert main(["role", "kubelet", "--db", db, "--json"]) == 0
    pod = next(u for u in json.loads(capsys.readouterr().out)["api_objects"]
               if u["kind"] == "kind:core/v1.Pod")
    assert pod["written_by"] == [["func:k8s.io/kubernetes/pkg/kubelet.deleteOrphanedMirrorPod",
                                  "Delete", 12, "func:k8s.io/kubernetes/pkg/util/pod.DeletePod", 12,
                                  ""]]
    note = role_note(Atlas(SqliteReader(Path(db))), "role:kubelet", "en")
    claims = [c for c in parse_claims(note.markdown)
              if c.subject.endswith((".deleteOrphanedMirrorPod", "pod.DeletePod"))]
    assert [(c.subject.rpartition(".")[2], c.object.rpartition(".")[2], c.path, c.line)
            for c in claims] == [("deleteOrphanedMirrorPod", "DeletePod", "pkg/kubelet/kubelet_pods.go", 12),
                                 ("DeletePod", "Delete", "pkg/util/pod/pod.go", 12)]
    assert check_claims(claims, FIXTURE_TREE) == []
    assert check_claims([replace(claims[1], line=11)], FIXTURE_TREE) != []  # no Delete there


def test_a_write_through_library_code_the_role_runs_is_the_roles_own(db):
    """The kubelet's node heartbeat: `runNodeLease` calls `lease.Controller.Run`, which
    dispatches to component-helpers' lease controller, whose `Run` passes `sync` to
    `wait.UntilWithContext`; `sync` calls `ensureLease`, which creates the Lease. Client-go's
    leader elector has a `Run(ctx)` too, so to Go it implements `lease.Controller` as well, and
    it updates a Lease; but the kubelet imports no leader election: that write is not its own,
    while the scheduler, which runs the elector, has it."""
    atlas = Atlas(SqliteReader(Path(db)))
    lease = "k8s.io/component-helpers/apimachinery/lease"
    elector = "k8s.io/client-go/tools/leaderelection"
    assert f"type:{elector}.LeaderElector" in {
        e.source for e in atlas.implementers(f"type:{lease}.Controller")}  # the decoy is there

    def leases(role: str) -> list[tuple[str, str, int, str, int, str]]:
        packages = atlas.role_summary(f"role:{role}")["packages_by_path"]
        return [(w.function, w.verb, w.line, w.via, w.via_line, w.writer)
                for w in writes_by(atlas, packages) if w.kind == "kind:coordination/v1.Lease"]

    assert leases("kubelet") == [("method:k8s.io/kubernetes/pkg/kubelet.(*Kubelet).runNodeLease",
                                  "Create", 13, f"method:{lease}.(Controller).Run", 39,
                                  f"method:{lease}.(*controller).ensureLease")]
    assert leases("kube-scheduler") == [("func:k8s.io/kubernetes/cmd/kube-scheduler.leaderElect",
                                         "Update", 12, f"func:{elector}.RunOrDie", 30,
                                         f"method:{elector}.(*LeaderElector).renew")]
    assert leases("kube-proxy") == []  # runs neither


def test_a_write_only_a_test_fake_makes_is_no_way_through_the_api_server(db, capsys):
    """`EvictAll` evicts through an `Evictor`, and the only one in the tree is a test double of
    a `fake` package that deletes the Pod: a fake's write is not how a component reaches the
    kubelet, so path finds no chain rather than one through the fake."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as none:
        main(["path", "callshapes.EvictAll", "kubelet.(*podWorkers).UpdatePod", "--db", db])
    assert none.value.code == 1
    assert "no chain" in capsys.readouterr().out
    atlas = Atlas(SqliteReader(Path(db)))
    assert "method:k8s.io/kubernetes/pkg/controller/callshapes/fake.(*Evictor).Evict" in {
        e.target for e in atlas.reader.edges_from(
            ["method:k8s.io/kubernetes/pkg/controller/callshapes.(Evictor).Evict"], ["DISPATCHES"])}


def test_path_between_components_goes_through_the_api_server(db, capsys):
    """No call joins the scheduler's bind to the kubelet's pod worker: path says how the Pod
    gets there instead — bind's write of its binding, and the kubelet's list-watch of pods."""
    capsys.readouterr()
    assert main(["path", f"{SCHED}.bind", "method:k8s.io/kubernetes/pkg/kubelet.(*podWorkers)"
                 ".UpdatePod", "--db", db, "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["chain"] is None and answer["meeting"] is None
    assert answer["apiserver"] == {
        "hops": [{"id": f"{SCHED}.bind", "kind": "start", "via": ""}],
        "kind": "kind:core/v1.Pod", "verb": "Bind", "client": BIND, "line": 52,
        "watched_by": KUBELET,
        "evidence": 'pkg/kubelet/kubelet.go:69 NewListWatchFromClient lists and watches "pods" '
                    "in newPodSource"}
    assert main(["path", f"{SCHED}.bind", "kubelet.(*podWorkers).UpdatePod", "--db", db]) == 0
    said = capsys.readouterr().out
    assert "it is reached through the API server" in said and "binds kind:core/v1.Pod" in said
    # nothing the target's package watches is written on the way: no chain, as before
    with pytest.raises(SystemExit) as none:
        main(["path", "kubelet.(*podWorkers).UpdatePod", f"{SCHED}.bind", "--db", db])
    assert none.value.code == 1


def test_the_paths_page_goes_through_the_api_server_too(open_page):
    at = open_page("views/deps.py", **{"from": f"{SCHED}.bind",
                                       "to": "kubelet.(*podWorkers).UpdatePod"})
    said = " ".join(str(i.value) for i in at.info)
    assert "it is reached through the API server. `scheduler.(*Scheduler).bind` binds " \
           "`core/v1.Pod` through the typed client, pkg/scheduler/scheduler.go:52 `Bind`" in said
    assert "`k8s.io/kubernetes/pkg/kubelet` watches it, pkg/kubelet/kubelet.go:69" in said
    assert not at.warning  # no "No chain" warning
    # from further up the scheduler, the chain of calls to the write is drawn as well
    at = open_page("views/deps.py", **{"from": "scheduler.(*Scheduler).scheduleOne",
                                       "to": "kubelet.(*podWorkers).UpdatePod"})
    assert "reached through the API server" in " ".join(str(i.value) for i in at.info)


def test_the_paths_page_draws_a_chain_of_calls_when_there_is_one(open_page):
    # Run hands scheduleOne to wait.UntilWithContext: a chain of one hop; scheduleOne also
    # binds a Pod the scheduler's own package watches, which is no reason to say "no chain"
    at = open_page("views/deps.py", **{"from": f"{SCHED}.Run", "to": f"{SCHED}.scheduleOne"})
    assert not any("reached through the API server" in str(i.value) for i in at.info)
    assert "**1 hop** along" in " ".join(str(m.value) for m in at.markdown)
    hops = [p.proto.label for p in at.get("page_link")]
    assert "1. —function value→ scheduler.(*Scheduler).scheduleOne" in hops, hops
    assert not at.warning


def test_a_one_method_interface_call_reaches_only_the_implementations_its_caller_can_hold(db, capsys):
    """To Go the scheduler's `Run(ctx)` and the leader elector's implement `lease.Controller`
    too, so the kubelet's `controller.Run(ctx)` dispatched to them on the graph and read as
    their caller. A call of a one-method interface reaches an implementation of the interface's
    own package, or of one the caller imports: the kubelet's call reaches the lease controller
    only. An interface with more methods keeps every call (container.Runtime's SyncPod)."""
    def callers(name: str) -> list[str]:
        capsys.readouterr()
        assert main(["callers", name, "--db", db, "--json"]) == 0
        return [c["source"] for c in json.loads(capsys.readouterr().out)["callers"]]

    kubelet = "method:k8s.io/kubernetes/pkg/kubelet.(*Kubelet)"
    lease = "k8s.io/component-helpers/apimachinery/lease"
    dispatched = {e.target for e in Atlas(SqliteReader(Path(db))).reader.edges_from(
        [f"method:{lease}.(Controller).Run"], ["DISPATCHES"])}
    assert {f"method:{lease}.(*controller).Run", "method:k8s.io/kubernetes/pkg/scheduler.(*Scheduler).Run",
            "method:k8s.io/client-go/tools/leaderelection.(*LeaderElector).Run"} <= dispatched
    assert callers(f"method:{lease}.(*controller).Run") == [f"{kubelet}.runNodeLease"]
    assert callers("scheduler.(*Scheduler).Run") == ["func:k8s.io/kubernetes/cmd/kube-scheduler.run"]
    assert callers("leaderelection.(*LeaderElector).Run") == [
        "func:k8s.io/client-go/tools/leaderelection.RunOrDie"]
    assert f"{kubelet}.SyncPod" in callers("kuberuntime.(*kubeGenericRuntimeManager).SyncPod")


def test_a_path_takes_no_dispatch_its_caller_cannot_hold(db, capsys):
    """The kubelet's `runNodeLease` calls `lease.Controller.Run`: a path from it reaches the
    lease controller, never the scheduler's `Run` that Go's structural typing also matches."""
    capsys.readouterr()
    assert main(["path", "kubelet.(*Kubelet).runNodeLease", "lease.(*controller).Run", "--db", db,
                 "--json"]) == 0
    lease = "method:k8s.io/component-helpers/apimachinery/lease"
    assert json.loads(capsys.readouterr().out)["chain"] == [
        "method:k8s.io/kubernetes/pkg/kubelet.(*Kubelet).runNodeLease", f"{lease}.(Controller).Run",
        f"{lease}.(*controller).Run"]
    assert main(["path", "kubelet.(*Kubelet).runNodeLease", "scheduler.(*Scheduler).Run", "--db",
                 db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["chain"] is None


@pytest.mark.parametrize("lang, said", [
    ("en", '`NewListWatchFromClient lists and watches "pods" in newPodSource`'),
    ("zh", '`newPodSource` 用 `NewListWatchFromClient` 对 "pods" 做 list 和 watch'),
])
def test_the_paths_page_says_how_the_target_watches_what_the_source_writes(open_page, lang, said):
    """No call joins the scheduler's bind and the kubelet's pod source: the paths page tells the
    hop through the API server, and the kubelet's list-watch in the reader's language (the
    Chinese page said it in the index's English)."""
    at = open_page("views/deps.py", lang=lang, **{"from": f"{SCHED}.bind",
                                                  "to": "func:k8s.io/kubernetes/pkg/kubelet.newPodSource"})
    info = "\n".join(i.value for i in at.info)
    assert "pkg/kubelet/kubelet.go:69" in info and said in info, info
    if lang == "zh":
        assert "lists and watches" not in info
