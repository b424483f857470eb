"""PriorityClass on minik8s with the real kubectl and the official Python client: the system classes, validation,
and the Priority admission plugin resolving a pod's priorityClassName into spec.priority."""

from __future__ import annotations

import json

import pytest
from kubernetes import client as k8s

from tests.mini_clients import KUBECTL, k8s_configuration

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl on PATH")


@pytest.fixture(scope="module")
def api(cluster):
    with k8s.ApiClient(k8s_configuration(cluster)) as api:
        yield api


def rows(output: str) -> list[list[str]]:
    return [line.split() for line in output.splitlines()]


def test_the_system_classes_are_there_and_cannot_be_deleted(kubectl):
    listed = rows(kubectl("get", "priorityclasses").stdout)
    assert listed[0] == ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE"]
    assert [row[:3] for row in listed[1:]] == [["system-cluster-critical", "2000000000", "false"],
                                               ["system-node-critical", "2000001000", "false"]]
    refused = kubectl("delete", "pc", "system-node-critical", check=False)
    assert refused.stderr.strip() == 'Error from server (Forbidden): priorityclasses.scheduling.k8s.io ' \
        '"system-node-critical" is forbidden: this is a system priority class and cannot be deleted'


def test_kubectl_creates_priority_classes_validated_as_kube_apiserver_does(kubectl, api):
    assert kubectl("create", "priorityclass", "high", "--value=1000", "--description=important").stdout.strip() \
        == "priorityclass.scheduling.k8s.io/high created"
    made = k8s.SchedulingV1Api(api).read_priority_class("high")
    assert (made.value, made.preemption_policy, made.description) == (1000, "PreemptLowerPriority", "important")
    refused = kubectl("create", "priorityclass", "system-mine", "--value=5", check=False)
    assert "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use " \
        "only. error: system-mine is not a known system priority class" in refused.stderr
    refused = kubectl("create", "priorityclass", "huge", "--value=2000000000", check=False)
    assert "value: Forbidden: maximum allowed value of a user defined priority is 1000000000" in refused.stderr
    refused = kubectl("patch", "pc", "high", "--type=merge", "-p", '{"value": 5}', check=False)
    assert "value: Forbidden: may not be changed in an update." in refused.stderr


def test_a_pods_priority_class_name_becomes_its_priority(kubectl, api):
    core = k8s.CoreV1Api(api)
    kubectl("run", "plain", "--image=busybox:1.36")
    kubectl("run", "urgent", "--image=busybox:1.36", '--overrides={"spec":{"priorityClassName":"high"}}')
    kubectl("run", "critical", "--image=busybox:1.36",
            '--overrides={"spec":{"priorityClassName":"system-cluster-critical"}}')
    spec = {name: core.read_namespaced_pod(name, "default").spec for name in ("plain", "urgent", "critical")}
    assert {n: (s.priority, s.priority_class_name, s.preemption_policy) for n, s in spec.items()} == {
        "plain": (0, None, "PreemptLowerPriority"), "urgent": (1000, "high", "PreemptLowerPriority"),
        "critical": (2000000000, "system-cluster-critical", "PreemptLowerPriority")}
    kubectl("label", "pod", "urgent", "tier=x")  # an update keeps the priority the plugin set
    assert core.read_namespaced_pod("urgent", "default").spec.priority == 1000


def test_an_unknown_class_or_a_mismatched_priority_is_forbidden(kubectl, api):
    refused = kubectl("run", "lost", "--image=busybox:1.36", '--overrides={"spec":{"priorityClassName":"nope"}}',
                      check=False)
    assert refused.stderr.strip() == 'Error from server (Forbidden): pods "lost" is forbidden: no PriorityClass ' \
        "with name nope was found"
    with pytest.raises(k8s.ApiException) as err:
        k8s.CoreV1Api(api).create_namespaced_pod("default", {
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "cheat"},
            "spec": {"priorityClassName": "high", "priority": 7,
                     "containers": [{"name": "main", "image": "busybox:1.36"}]}})
    assert err.value.status == 403
    assert json.loads(err.value.body)["message"] == 'pods "cheat" is forbidden: the integer value of priority (7) ' \
        "must not be provided in pod spec; priority admission controller computed 1000 from the given " \
        "PriorityClass name"


def test_one_global_default_names_the_class_of_pods_without_one(kubectl, api):
    kubectl("create", "priorityclass", "everyday", "--value=10", "--global-default")
    refused = kubectl("create", "priorityclass", "another", "--value=20", "--global-default", check=False)
    assert refused.stderr.strip() == 'error: failed to create priorityclass: priorityclasses.scheduling.k8s.io ' \
        '"another" is forbidden: PriorityClass everyday is already marked as default. Only one default can exist'
    kubectl("run", "later", "--image=busybox:1.36")
    spec = k8s.CoreV1Api(api).read_namespaced_pod("later", "default").spec
    assert (spec.priority, spec.priority_class_name) == (10, "everyday")
