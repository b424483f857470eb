"""PodDisruptionBudget on minik8s with the real kubectl and the official Python client: served, validated,
kept by the disruption controller, honoured by pods/eviction, so `kubectl drain` waits and refuses as it does
against a real cluster."""

from __future__ import annotations

import json

import pytest
from kubernetes import client as k8s

from kubeatlas.minik8s.cluster import Cluster, ClusterConfig
from tests.mini_clients import KUBECTL, eventually, k8s_configuration

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl on PATH")
VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget."


@pytest.fixture(scope="module")
def cluster():
    cluster = Cluster(ClusterConfig(nodes=2).fast()).start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def api(cluster):
    with k8s.ApiClient(k8s_configuration(cluster)) as api:
        yield api


def budget(api, name: str) -> dict:
    return k8s.PolicyV1Api(api).read_namespaced_pod_disruption_budget(name, "default").to_dict()["status"]


def counts(status: dict) -> tuple[int, int, int, int]:
    return (status["current_healthy"], status["desired_healthy"], status["expected_pods"],
            status["disruptions_allowed"])


def web_pods(api) -> list:
    pods = k8s.CoreV1Api(api).list_namespaced_pod("default", label_selector="app=web").items
    return [p for p in pods if p.metadata.deletion_timestamp is None]


def test_kubectl_creates_a_budget_and_the_controller_counts_its_pods(kubectl, api):
    kubectl("create", "deployment", "web", "--image=nginx:1.25", "--replicas=3")
    kubectl("rollout", "status", "deployment/web", "--timeout=60s")
    done = kubectl("create", "pdb", "web-pdb", "--selector=app=web", "--min-available=2")
    assert done.stdout.strip() == "poddisruptionbudget.policy/web-pdb created"
    eventually(lambda: _equal(counts(budget(api, "web-pdb")), (3, 2, 3, 1)))
    status = budget(api, "web-pdb")
    assert [(c["type"], c["status"], c["reason"]) for c in status["conditions"]] == \
        [("DisruptionAllowed", "True", "SufficientPods")]
    lines = kubectl("get", "pdb").stdout.splitlines()
    assert [cell.strip() for cell in lines[0].split("  ") if cell] == \
        ["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"]
    assert lines[1].split()[:4] == ["web-pdb", "2", "N/A", "1"]


def _equal(left, right):
    assert left == right, (left, right)


def test_eviction_takes_the_one_allowed_disruption_then_answers_429(api):
    core = k8s.CoreV1Api(api)
    first, second = [p.metadata.name for p in web_pods(api)][:2]
    core.create_namespaced_pod_eviction(first, "default", {"apiVersion": "policy/v1", "kind": "Eviction",
                                                           "metadata": {"name": first}})
    assert first not in [p.metadata.name for p in web_pods(api)]  # deleting (the controller then drops it
    # from status.disruptedPods, which the eviction wrote)
    with pytest.raises(k8s.ApiException) as refused:
        core.create_namespaced_pod_eviction(second, "default", {"apiVersion": "policy/v1", "kind": "Eviction",
                                                                "metadata": {"name": second}})
    assert refused.value.status == 429
    body = json.loads(refused.value.body)
    assert (body["reason"], body["message"]) == ("TooManyRequests", VIOLATION)
    assert body["details"]["causes"][0]["reason"] == "DisruptionBudget"
    assert body["details"]["causes"][0]["message"].startswith("The disruption budget web-pdb needs 2 healthy pods")
    assert core.read_namespaced_pod(second, "default").metadata.deletion_timestamp is None
    eventually(lambda: _equal(counts(budget(api, "web-pdb")), (3, 2, 3, 1)))  # the replacement is ready


def test_drain_refuses_while_the_budget_allows_no_disruption(kubectl, api):
    kubectl("patch", "pdb", "web-pdb", "--type=merge", "-p", '{"spec":{"minAvailable":3}}')
    eventually(lambda: _equal(counts(budget(api, "web-pdb")), (3, 3, 3, 0)))
    victim = web_pods(api)[0].spec.node_name
    drained = kubectl("drain", victim, "--ignore-daemonsets", "--timeout=6s", check=False)
    assert drained.returncode != 0
    assert f"(will retry after 5s): {VIOLATION}" in drained.stderr
    assert "global timeout reached: 6s" in drained.stderr
    assert len(web_pods(api)) == 3
    kubectl("uncordon", victim)


def test_drain_waits_for_replacements_and_then_completes(kubectl, api):
    kubectl("patch", "pdb", "web-pdb", "--type=merge", "-p", '{"spec":{"minAvailable":2}}')
    eventually(lambda: _equal(counts(budget(api, "web-pdb"))[3], 1))
    victim = web_pods(api)[0].spec.node_name
    drained = kubectl("drain", victim, "--ignore-daemonsets", "--timeout=90s")
    assert f"node/{victim} drained" in drained.stdout
    eventually(lambda: _equal(sorted({p.spec.node_name for p in web_pods(api)} - {victim}),
                              sorted({p.spec.node_name for p in web_pods(api)})))
    eventually(lambda: _equal(counts(budget(api, "web-pdb"))[0], 3))
    kubectl("uncordon", victim)


def test_budgets_are_validated_as_kube_apiserver_does(kubectl):
    refused = kubectl("create", "pdb", "bad", "--selector=app=x", "--min-available=150%", check=False)
    assert "spec.minAvailable: Invalid value: 150%: must not be greater than 100%" in refused.stderr
    manifest = ('{"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "bad"}, '
                '"spec": {"maxUnavailable": -1, "selector": {"matchLabels": {"app": "x"}}}}')
    refused = kubectl("create", "-f", "-", stdin=manifest, check=False)
    assert "spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0" in refused.stderr


def test_a_percent_budget_scales_with_the_deployment(kubectl, api):
    kubectl("create", "pdb", "half", "--selector=app=web", "--max-unavailable=50%")
    # two budgets now select the web pods: the eviction subresource refuses, as kube-apiserver does
    eventually(lambda: _equal(counts(budget(api, "half")), (3, 1, 3, 2)))
    pod = web_pods(api)[0].metadata.name
    with pytest.raises(k8s.ApiException) as refused:
        k8s.CoreV1Api(api).create_namespaced_pod_eviction(pod, "default", {"apiVersion": "policy/v1",
                                                                           "kind": "Eviction",
                                                                           "metadata": {"name": pod}})
    assert refused.value.status == 500
    assert "This pod has more than one PodDisruptionBudget" in json.loads(refused.value.body)["message"]


def test_discovery_serves_the_policy_group(kubectl):
    resources = kubectl("api-resources", "--api-group=policy").stdout.splitlines()
    assert resources[1].split() == ["poddisruptionbudgets", "pdb", "policy/v1", "true", "PodDisruptionBudget"]
