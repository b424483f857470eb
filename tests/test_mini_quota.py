"""ResourceQuota on minik8s with the real kubectl and the official Python client: served, validated,
counted by the resource quota controller and enforced by the quota admission plugin."""

from __future__ import annotations

import json

import pytest
from kubernetes import client as k8s

from tests.mini_clients import KUBECTL, eventually, k8s_configuration

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl on PATH")


@pytest.fixture(scope="module")
def core(cluster):
    with k8s.ApiClient(k8s_configuration(cluster)) as api:
        yield k8s.CoreV1Api(api)


def used(core, namespace: str, name: str) -> dict:
    return core.read_namespaced_resource_quota(name, namespace).status.used or {}


def test_kubectl_creates_a_quota_and_the_controller_fills_its_status(kubectl, core):
    kubectl("create", "namespace", "q")
    kubectl("create", "configmap", "c0", "-n", "q", "--from-literal=a=b")
    done = kubectl("create", "quota", "q1", "-n", "q", "--hard=pods=2,count/configmaps=3,services=1")
    assert done.stdout.strip() == "resourcequota/q1 created"

    def filled():
        assert used(core, "q", "q1") == {"pods": "0", "count/configmaps": "2", "services": "0"}  # c0 + kube-root-ca.crt
    eventually(filled)
    listed = kubectl("get", "quota", "-n", "q").stdout.splitlines()
    assert listed[0].split() == ["NAME", "AGE", "REQUEST", "LIMIT"]
    assert listed[1].split()[2:] == ["count/configmaps:", "2/3,", "pods:", "0/2,", "services:", "0/1"]
    described = kubectl("describe", "quota", "q1", "-n", "q").stdout
    assert "pods              0     2" in described


def test_a_create_beyond_the_quota_is_forbidden_with_kube_apiservers_message(kubectl, core):
    kubectl("run", "p1", "-n", "q", "--image=busybox:1.36", "--", "sleep", "3600")
    kubectl("run", "p2", "-n", "q", "--image=busybox:1.36", "--", "sleep", "3600")
    refused = kubectl("run", "p3", "-n", "q", "--image=busybox:1.36", check=False)
    assert refused.returncode == 1
    assert refused.stderr.strip() == 'Error from server (Forbidden): pods "p3" is forbidden: exceeded quota: q1, ' \
        "requested: pods=1, used: pods=2, limited: pods=2"
    assert used(core, "q", "q1")["pods"] == "2"  # charged by admission, before the controller recounts
    with pytest.raises(k8s.ApiException) as err:
        core.create_namespaced_service("q", {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s1"},
                                             "spec": {"ports": [{"port": 80}]}})
        core.create_namespaced_service("q", {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s2"},
                                             "spec": {"ports": [{"port": 80}]}})
    assert err.value.status == 403
    assert json.loads(err.value.body)["message"] == 'services "s2" is forbidden: exceeded quota: q1, ' \
        "requested: services=1, used: services=1, limited: services=1"


def test_deleting_a_pod_gives_its_share_back(kubectl, core):
    kubectl("delete", "pod", "p1", "-n", "q", "--grace-period=0", "--force")
    eventually(lambda: _assert_equal(used(core, "q", "q1")["pods"], "1"))
    kubectl("run", "p3", "-n", "q", "--image=busybox:1.36", "--", "sleep", "3600")


def _assert_equal(left, right):
    assert left == right, (left, right)


def test_a_replicaset_cannot_grow_past_the_quota_and_says_so_in_events(kubectl):
    kubectl("create", "deployment", "web", "-n", "q", "--image=nginx:1.25", "--replicas=2")

    def refused():
        events = kubectl("get", "events", "-n", "q", "--field-selector", "reason=FailedCreate",
                         "-o", "jsonpath={.items[*].message}").stdout
        assert 'Error creating: pods "web-' in events and "exceeded quota: q1, requested: pods=1, used: pods=2, " \
            "limited: pods=2" in events
    eventually(refused, 30)


def test_compute_quotas_require_requests_and_sum_them(kubectl, core):
    kubectl("create", "namespace", "qc")
    kubectl("create", "quota", "compute", "-n", "qc", "--hard=requests.cpu=1,requests.memory=1Gi,limits.memory=2Gi")
    eventually(lambda: _assert_equal(used(core, "qc", "compute"),
                                     {"requests.cpu": "0", "requests.memory": "0", "limits.memory": "0"}))
    refused = kubectl("run", "bare", "-n", "qc", "--image=busybox:1.36", check=False)
    assert refused.stderr.strip() == 'Error from server (Forbidden): pods "bare" is forbidden: failed quota: ' \
        "compute: must specify limits.memory for: bare; requests.cpu for: bare; requests.memory for: bare"

    def sized(name: str, cpu: str) -> dict:
        resources = {"requests": {"cpu": cpu, "memory": "512Mi"}, "limits": {"memory": "512Mi"}}
        return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                "spec": {"containers": [{"name": "main", "image": "busybox:1.36", "resources": resources}]}}
    core.create_namespaced_pod("qc", sized("a", "600m"))
    assert used(core, "qc", "compute") == {"requests.cpu": "600m", "requests.memory": "512Mi",
                                           "limits.memory": "512Mi"}
    with pytest.raises(k8s.ApiException) as err:
        core.create_namespaced_pod("qc", sized("b", "500m"))
    assert 'pods "b" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: ' \
        'requests.cpu=600m, limited: requests.cpu=1' in json.loads(err.value.body)["message"]
    core.create_namespaced_pod("qc", sized("c", "400m"))
    assert used(core, "qc", "compute") == {"requests.cpu": "1", "requests.memory": "1Gi", "limits.memory": "1Gi"}
    headers = kubectl("get", "quota", "compute", "-n", "qc").stdout.splitlines()
    assert "requests.cpu: 1/1, requests.memory: 1Gi/1Gi" in headers[1]
    assert headers[1].rstrip().endswith("limits.memory: 1Gi/2Gi")


def test_quota_validation_answers_as_kube_apiserver_does(kubectl):
    refused = kubectl("create", "quota", "bad", "-n", "q", "--hard=foo=1,pods=-1", check=False)
    assert 'spec.hard[foo]: Invalid value: "foo": must be a standard resource for quota' in refused.stderr
    assert 'spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0' in refused.stderr
    refused = kubectl("create", "quota", "half", "-n", "q", "--hard=pods=1.5", check=False)
    assert 'spec.hard[pods]: Invalid value: "1500m": must be an integer' in refused.stderr


def test_discovery_lists_resourcequotas_with_its_short_name(kubectl):
    resources = kubectl("api-resources", "--api-group=").stdout
    line = next(row for row in resources.splitlines() if row.startswith("resourcequotas"))
    assert line.split()[:4] == ["resourcequotas", "quota", "v1", "true"]
    assert line.split()[4] == "ResourceQuota"
