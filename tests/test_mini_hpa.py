"""HorizontalPodAutoscaler on minik8s with the real kubectl and the official Python client: served in autoscaling/v1
(what `kubectl autoscale` sends) and autoscaling/v2 (what `kubectl get hpa` and today's manifests use), one object
read in either version, defaulted and validated as kube-apiserver does. No controller: there is no metrics server."""

from __future__ import annotations

import json

import pytest
from kubernetes import client as k8s

from tests.mini_clients import KUBECTL, eventually, k8s_configuration

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl on PATH")


@pytest.fixture(scope="module")
def api(cluster):
    with k8s.ApiClient(k8s_configuration(cluster)) as api:
        yield api


def test_kubectl_autoscale_creates_an_hpa_and_get_shows_its_columns(kubectl):
    kubectl("create", "deployment", "d1", "--image=nginx:1.25")
    assert kubectl("autoscale", "deployment", "d1", "--max=5").stdout.strip() == \
        "horizontalpodautoscaler.autoscaling/d1 autoscaled"
    kubectl("autoscale", "deployment", "d1", "--name=d2", "--min=2", "--max=6", "--cpu-percent=50")
    rows = [line.split() for line in kubectl("get", "hpa").stdout.splitlines()]
    assert rows[0] == ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"]
    assert [row[:5] for row in rows[1:]] == [["d1", "Deployment/d1", "<unknown>/80%", "1", "5"],
                                             ["d2", "Deployment/d1", "<unknown>/50%", "2", "6"]]


def test_the_controller_lifts_the_target_to_min_replicas_without_metrics(kubectl, api):
    """d2 asks for at least 2 replicas of d1 (which has 1): the HPA controller rescales at once, as it does on a
    cluster without metrics-server, and records why."""
    apps = k8s.AppsV1Api(api)

    def rescaled():
        assert apps.read_namespaced_deployment("d1", "default").spec.replicas == 2
        events = kubectl("get", "events", "--field-selector", "involvedObject.name=d2,reason=SuccessfulRescale",
                         "-o", "jsonpath={.items[*].message}").stdout
        assert events == "New size: 2; reason: Current number of replicas below Spec.MinReplicas"
    eventually(rescaled)
    v2 = k8s.AutoscalingV2Api(api).read_namespaced_horizontal_pod_autoscaler("d2", "default")
    assert (v2.status.current_replicas, v2.status.desired_replicas) == (1, 2) and v2.status.last_scale_time
    assert [(c.type, c.status, c.reason) for c in v2.status.conditions] == [("AbleToScale", "True",
                                                                              "SucceededRescale")]


def test_one_object_reads_in_both_versions(api):
    def same_object():
        v1 = k8s.AutoscalingV1Api(api).read_namespaced_horizontal_pod_autoscaler("d2", "default")
        v2 = k8s.AutoscalingV2Api(api).read_namespaced_horizontal_pod_autoscaler("d2", "default")
        assert v2.metadata.resource_version == v1.metadata.resource_version  # not rewritten between the reads
        return v1, v2
    v1, v2 = eventually(same_object)
    assert (v1.spec.min_replicas, v1.spec.max_replicas, v1.spec.target_cpu_utilization_percentage) == (2, 6, 50)
    assert (v1.status.current_replicas, v1.status.desired_replicas) == \
        (v2.status.current_replicas, v2.status.desired_replicas)
    metric = v2.spec.metrics[0]
    assert (metric.type, metric.resource.name, metric.resource.target.type,
            metric.resource.target.average_utilization) == ("Resource", "cpu", "Utilization", 50)
    conditions = json.loads(v1.metadata.annotations["autoscaling.alpha.kubernetes.io/conditions"])
    assert [c["type"] for c in conditions] == [c.type for c in v2.status.conditions]


def test_a_v2_manifest_with_memory_metrics_survives_a_v1_round_trip(kubectl, api):
    manifest = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "mem"},
                "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "d1"},
                         "maxReplicas": 4, "metrics": [
                             {"type": "Resource", "resource": {"name": "cpu", "target": {
                                 "type": "Utilization", "averageUtilization": 60}}},
                             {"type": "Resource", "resource": {"name": "memory", "target": {
                                 "type": "AverageValue", "averageValue": "500Mi"}}}]}}
    kubectl("apply", "-f", "-", stdin=json.dumps(manifest))
    v1 = json.loads(kubectl("get", "hpa.v1.autoscaling", "mem", "-o", "json").stdout)
    assert v1["spec"]["targetCPUUtilizationPercentage"] == 60
    assert "autoscaling.alpha.kubernetes.io/metrics" in v1["metadata"]["annotations"]
    kubectl("patch", "hpa.v1.autoscaling", "mem", "--type=merge", "-p", '{"spec":{"maxReplicas":7}}')
    v2 = k8s.AutoscalingV2Api(api).read_namespaced_horizontal_pod_autoscaler("mem", "default")
    assert v2.spec.max_replicas == 7
    assert not [a for a in v2.metadata.annotations or {} if a.startswith("autoscaling.alpha.kubernetes.io/")]
    assert [(m.resource.name, m.resource.target.type) for m in v2.spec.metrics] == \
        [("cpu", "Utilization"), ("memory", "AverageValue")]
    row = kubectl("get", "hpa", "mem").stdout.splitlines()[1].split()
    assert row[2:4] == ["<unknown>/60%,", "<unknown>/500Mi"]


def test_autoscalers_are_validated_as_kube_apiserver_does(kubectl):
    bad = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "bad"},
           "spec": {"scaleTargetRef": {"kind": "Deployment"}, "minReplicas": 3, "maxReplicas": 2}}
    refused = kubectl("create", "-f", "-", stdin=json.dumps(bad), check=False)
    assert "spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`" in refused.stderr
    assert "spec.scaleTargetRef.name: Required value" in refused.stderr


def test_discovery_prefers_v2_and_lists_v1(kubectl):
    groups = json.loads(kubectl("get", "--raw", "/apis/autoscaling").stdout)
    assert groups["preferredVersion"]["version"] == "v2"
    assert [v["version"] for v in groups["versions"]] == ["v2", "v1"]
    rows = kubectl("api-resources", "--api-group=autoscaling").stdout.splitlines()
    assert rows[1].split() == ["horizontalpodautoscalers", "hpa", "autoscaling/v2", "true", "HorizontalPodAutoscaler"]


def test_a_quota_counts_each_autoscaler_once(kubectl, api):
    kubectl("create", "quota", "hpas", "--hard=count/horizontalpodautoscalers.autoscaling=10")
    core = k8s.CoreV1Api(api)

    def counted():
        used = core.read_namespaced_resource_quota("hpas", "default").status.used or {}
        assert used.get("count/horizontalpodautoscalers.autoscaling") == "3", used  # d1, d2, mem: not twice
    eventually(counted)
