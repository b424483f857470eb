"""Scheduler plugins (resources incl. example.com/gpu, node selector/affinity, taints) and the scheduling loop."""

from __future__ import annotations

import pytest

from kubeatlas.minik8s.cluster import Cluster, ClusterConfig
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.scheduler.framework import (
    OK,
    UNRESOLVABLE,
    UNSCHEDULABLE,
    CycleState,
    Framework,
    NodeInfo,
)
from kubeatlas.minik8s.scheduler.plugins import (
    NodeAffinity,
    NodeResourcesFit,
    NodeUnschedulable,
    TaintToleration,
)
from kubeatlas.minik8s.scheduler.queue import SchedulingQueue
from kubeatlas.minik8s.wait import wait_for

POD = for_kind("v1", "Pod")


def node(name: str, *, cpu="4", memory="8Gi", gpus=0, labels=None, taints=None, unschedulable=False) -> NodeInfo:
    allocatable = {"cpu": cpu, "memory": memory, "pods": "110"}
    if gpus:
        allocatable["example.com/gpu"] = str(gpus)
    return NodeInfo({"metadata": {"name": name, "labels": labels or {}},
                     "spec": {"taints": taints or [], "unschedulable": unschedulable},
                     "status": {"allocatable": allocatable}})


def pod(name: str = "p", *, requests=None, limits=None, node_selector=None, tolerations=None,
        affinity=None) -> dict:
    container = {"name": "c", "image": "i", "resources": {}}
    if requests:
        container["resources"]["requests"] = requests
    if limits:
        container["resources"]["limits"] = limits
    spec = {"containers": [container], "tolerations": tolerations or []}
    if node_selector:
        spec["nodeSelector"] = node_selector
    if affinity:
        spec["affinity"] = affinity
    return {"metadata": {"name": name, "namespace": "default", "uid": f"uid-{name}"}, "spec": spec}


def run_filter(plugin, p: dict, n: NodeInfo):
    state = CycleState()
    if hasattr(plugin, "pre_filter"):
        plugin.pre_filter(state, p)
    return plugin.filter(state, p, n)


FIT_CASES = [
    ("fits", {"cpu": "1", "memory": "1Gi"}, None, node("n"), OK.code, ""),
    ("too much cpu", {"cpu": "5"}, None, node("n"), UNSCHEDULABLE, "Insufficient cpu"),
    ("millicores add up", {"cpu": "3500m"}, None, node("n", cpu="3"), UNSCHEDULABLE, "Insufficient cpu"),
    ("gpu on a gpu node", None, {"example.com/gpu": "2"}, node("n", gpus=2), OK.code, ""),
    ("gpu on a plain node", None, {"example.com/gpu": "1"}, node("n"), UNSCHEDULABLE,
     "Insufficient example.com/gpu"),
    ("more gpus than the node has", None, {"example.com/gpu": "3"}, node("n", gpus=2), UNSCHEDULABLE,
     "Insufficient example.com/gpu"),
]


@pytest.mark.parametrize("what, requests, limits, info, code, reason", FIT_CASES, ids=[c[0] for c in FIT_CASES])
def test_node_resources_fit(what, requests, limits, info, code, reason):
    status = run_filter(NodeResourcesFit(), pod(requests=requests, limits=limits), info)
    assert status.code == code and reason in status.reason


def test_fit_counts_pods_already_on_the_node():
    info = node("n", gpus=2)
    info.add_pod(pod("a", limits={"example.com/gpu": "1"}))
    assert run_filter(NodeResourcesFit(), pod(limits={"example.com/gpu": "1"}), info).ok
    info.add_pod(pod("b", limits={"example.com/gpu": "1"}))
    assert not run_filter(NodeResourcesFit(), pod(limits={"example.com/gpu": "1"}), info).ok
    info.remove_pod("uid-a")
    assert run_filter(NodeResourcesFit(), pod(limits={"example.com/gpu": "1"}), info).ok


SELECTOR_CASES = [
    ("selector matches", {"disk": "ssd"}, None, {"disk": "ssd"}, True),
    ("selector misses", {"disk": "ssd"}, None, {"disk": "hdd"}, False),
    ("affinity In", None, {"key": "zone", "operator": "In", "values": ["a", "b"]}, {"zone": "b"}, True),
    ("affinity NotIn", None, {"key": "zone", "operator": "NotIn", "values": ["a"]}, {"zone": "a"}, False),
    ("affinity Exists", None, {"key": "gpu", "operator": "Exists"}, {"gpu": "yes"}, True),
    ("affinity DoesNotExist", None, {"key": "gpu", "operator": "DoesNotExist"}, {"gpu": "yes"}, False),
    ("affinity Gt", None, {"key": "cores", "operator": "Gt", "values": ["8"]}, {"cores": "16"}, True),
]


@pytest.mark.parametrize("what, selector, expr, labels, fits", SELECTOR_CASES, ids=[c[0] for c in SELECTOR_CASES])
def test_node_affinity(what, selector, expr, labels, fits):
    affinity = None
    if expr:
        affinity = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": [expr]}]}}}
    status = run_filter(NodeAffinity(), pod(node_selector=selector, affinity=affinity), node("n", labels=labels))
    assert status.ok is fits
    if not fits:
        assert status.code == UNRESOLVABLE


NO_SCHEDULE = {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}
TAINT_CASES = [
    ("untolerated", [], False),
    ("Equal toleration", [{"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}], True),
    ("wrong value", [{"key": "dedicated", "operator": "Equal", "value": "cpu"}], False),
    ("Exists toleration", [{"key": "dedicated", "operator": "Exists"}], True),
    ("tolerate everything", [{"operator": "Exists"}], True),
    ("other effect", [{"key": "dedicated", "operator": "Exists", "effect": "NoExecute"}], False),
]


@pytest.mark.parametrize("what, tolerations, fits", TAINT_CASES, ids=[c[0] for c in TAINT_CASES])
def test_taint_toleration(what, tolerations, fits):
    assert run_filter(TaintToleration(), pod(tolerations=tolerations), node("n", taints=[NO_SCHEDULE])).ok is fits


def test_prefer_no_schedule_only_lowers_the_score_and_cordon_filters():
    soft = node("soft", taints=[{"key": "k", "effect": "PreferNoSchedule"}])
    clean = node("clean")
    framework = Framework([TaintToleration(), NodeResourcesFit(), NodeUnschedulable()])
    state = CycleState()
    framework.run_pre_filter(state, pod())
    assert framework.run_filter(state, pod(), soft).ok
    scores = framework.run_score(state, pod(), [soft, clean])
    assert scores["clean"] > scores["soft"]
    assert not framework.run_filter(state, pod(), node("cordoned", unschedulable=True)).ok


def test_least_allocated_prefers_the_emptier_node():
    busy, idle = node("busy"), node("idle")
    busy.add_pod(pod("x", requests={"cpu": "3", "memory": "6Gi"}))
    framework = Framework([NodeResourcesFit()])
    state = CycleState()
    p = pod(requests={"cpu": "500m", "memory": "512Mi"})
    framework.run_pre_filter(state, p)
    scores = framework.run_score(state, p, [busy, idle])
    assert scores["idle"] > scores["busy"]


def test_queue_backoff_and_move_on_cluster_event():
    queue = SchedulingQueue(initial_backoff=0.05, max_backoff=0.2)
    queue.add(pod("a"))
    info = queue.pop(0.1)
    assert info.attempts == 1
    queue.add_unschedulable(info)
    assert queue.pop(0.05) is None  # parked until something changes
    queue.move_all_to_active_or_backoff()
    again = queue.pop(1.0)
    assert again is not None and again.attempts == 2


def test_scheduling_on_a_live_cluster_with_gpus_taints_and_selectors():
    cluster = Cluster(ClusterConfig(nodes=0).fast()).start()
    try:
        cluster.add_node("cpu-1", labels={"disk": "hdd"})
        cluster.add_node("gpu-1", labels={"disk": "ssd"}, gpus=2,
                         taints=({"key": "dedicated", "value": "gpu", "effect": "NoSchedule"},))
        client = cluster.client()
        wait_for(lambda: client.get(for_kind("v1", "Node"), "", "gpu-1")["status"]["allocatable"]
                 .get("example.com/gpu") == "2")
        tolerate = [{"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}]
        specs = {
            "plain": pod("plain", requests={"cpu": "100m"}),
            "gpu": pod("gpu", limits={"example.com/gpu": "2"}, tolerations=tolerate),
            "gpu-untolerated": pod("gpu-untolerated", limits={"example.com/gpu": "1"}),
            "ssd": pod("ssd", node_selector={"disk": "ssd"}, tolerations=tolerate),
        }
        for name, spec in specs.items():
            client.create(POD, "default", {"apiVersion": "v1", "kind": "Pod",
                                           "metadata": {"name": name}, "spec": spec["spec"]})
        placed = wait_for(lambda: (lambda pods: pods if sum(1 for p in pods.values() if p["spec"].get("nodeName")) == 3
                                   else None)({p["metadata"]["name"]: p for p in client.list(POD, "default")[0]}))
        assert placed["plain"]["spec"]["nodeName"] == "cpu-1"
        assert placed["gpu"]["spec"]["nodeName"] == "gpu-1"
        assert placed["ssd"]["spec"]["nodeName"] == "gpu-1"
        stuck = wait_for(lambda: (lambda p: p if (p["status"].get("conditions") or [{}])[0].get("reason")
                                  == "Unschedulable" else None)(client.get(POD, "default", "gpu-untolerated")))
        message = stuck["status"]["conditions"][0]["message"]
        assert message.startswith("0/2 nodes are available") and "example.com/gpu" in message
        gpu_pod = wait_for(lambda: (lambda p: p if p["status"].get("phase") == "Running" else None)(
            client.get(POD, "default", "gpu")))
        assert gpu_pod["spec"]["nodeName"] == "gpu-1"
        assigned = cluster.kubelets["gpu-1"].devices.assigned()
        assert sorted(assigned[(gpu_pod["metadata"]["uid"], "c", "example.com/gpu")]) == ["gpu-0", "gpu-1"]
        cluster.add_node("gpu-2", gpus=1)  # a new node: the unschedulable pod is retried and fits
        late = wait_for(lambda: client.get(POD, "default", "gpu-untolerated")["spec"].get("nodeName"))
        assert late == "gpu-2"
    finally:
        cluster.stop()
