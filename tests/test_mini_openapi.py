"""minik8s over HTTP: OpenAPI v2/v3 documents, field validation, managedFields and server-side apply conflicts."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from kubernetes import client as k8s
from kubernetes.client.rest import ApiException

from kubeatlas.minik8s import smp
from kubeatlas.minik8s.cluster import Cluster, ClusterConfig
from tests.mini_clients import auth_headers, k8s_configuration

PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"


@pytest.fixture(scope="module")
def cluster():
    cluster = Cluster(ClusterConfig(nodes=1).fast()).start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def apps(cluster):
    with k8s.ApiClient(k8s_configuration(cluster)) as api_client:
        yield k8s.AppsV1Api(api_client)


def call(cluster, method: str, path: str, body: bytes | None = None,
         content_type: str = "application/json", accept: str = "application/json") -> tuple[int, dict, bytes]:
    headers = {**auth_headers(cluster), "Content-Type": content_type, "Accept": accept}
    request = urllib.request.Request(cluster.url + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers.items()) | {"Warning": answer.headers.get_all("Warning")}, \
                answer.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers.items()), err.read()


def deployment(name: str, replicas: int = 1, **extra_spec: object) -> dict:
    labels = {"app": name}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels}, **extra_spec,
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}}}


def protobuf_fields(data: bytes) -> list[tuple[int, bytes]]:
    """(field number, payload) of the length-delimited fields of one protobuf message."""
    out, i = [], 0
    while i < len(data):
        key, i = _varint(data, i)
        if key & 7 == 2:
            length, i = _varint(data, i)
            out.append((key >> 3, data[i:i + length]))
            i += length
        elif key & 7 == 0:
            _, i = _varint(data, i)
        else:
            raise AssertionError(f"unexpected wire type {key & 7}")
    return out


def _varint(data: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[i]
        value |= (byte & 0x7F) << shift
        i, shift = i + 1, shift + 7
        if not byte & 0x80:
            return value, i


def test_openapi_v2_carries_kinds_patch_strategies_and_list_map_keys(cluster):
    code, _, body = call(cluster, "GET", "/openapi/v2")
    assert code == 200
    doc = json.loads(body)
    definitions = doc["definitions"]
    assert definitions["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"] == [
        {"group": "apps", "kind": "Deployment", "version": "v1"}]
    containers = definitions["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]
    assert (containers["x-kubernetes-patch-strategy"], containers["x-kubernetes-patch-merge-key"]) == ("merge", "name")
    ports = definitions["io.k8s.api.core.v1.Container"]["properties"]["ports"]
    assert ports["x-kubernetes-list-map-keys"] == ["containerPort", "protocol"]
    assert definitions["io.k8s.api.core.v1.PodSpec"]["properties"]["tolerations"]["x-kubernetes-list-type"] == "atomic"
    patch = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert "application/strategic-merge-patch+json" in patch["consumes"]
    assert patch["x-kubernetes-group-version-kind"]["kind"] == "Deployment"
    for kind in ("Pod", "Service", "Node", "Namespace", "Endpoints", "Event"):
        assert f"io.k8s.api.core.v1.{kind}" in definitions

    code, headers, proto = call(cluster, "GET", "/openapi/v2", accept=PROTOBUF)
    assert code == 200 and headers["Content-Type"] == "application/octet-stream"
    top = dict(protobuf_fields(proto))
    assert top[1] == b"2.0"
    names = {dict(protobuf_fields(named))[1].decode() for _, named in protobuf_fields(top[9])}
    assert names == set(definitions)


def test_openapi_v3_discovery_and_group_version_documents(cluster):
    code, _, body = call(cluster, "GET", "/openapi/v3")
    paths = json.loads(body)["paths"]
    assert {"api/v1", "apis/apps/v1", "apis/coordination.k8s.io/v1"} <= set(paths)
    code, _, body = call(cluster, "GET", paths["apis/apps/v1"]["serverRelativeURL"])
    assert code == 200
    doc = json.loads(body)
    assert doc["openapi"].startswith("3.")
    spec = doc["components"]["schemas"]["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]
    assert spec["template"]["allOf"] == [{"$ref": "#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec"}]
    assert spec["strategy"]["x-kubernetes-patch-strategy"] == "retainKeys"
    patch = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert "fieldValidation" in {p["name"] for p in patch["parameters"] if p["in"] == "query"}
    assert call(cluster, "GET", "/openapi/v3/apis/nothing/v1")[0] == 404


def test_field_validation_strict_warn_and_ignore(cluster, apps):  # raw HTTP: the client validates too
    bad = deployment("strict", bogus=True)
    bad["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
    code, _, body = call(cluster, "POST", "/apis/apps/v1/namespaces/default/deployments?fieldValidation=Strict",
                         json.dumps(bad).encode())
    status = json.loads(body)
    assert (code, status["reason"]) == (400, "BadRequest")
    assert 'unknown field "spec.bogus"' in status["message"]
    assert 'unknown field "spec.template.spec.containers[0].imagePullPolicyy"' in status["message"]

    code, headers, body = call(cluster, "POST", "/apis/apps/v1/namespaces/default/deployments",
                               json.dumps(deployment("warned", bogus=True)).encode())
    assert code == 201 and headers["Warning"] == ['299 - "unknown field \\"spec.bogus\\""']
    assert "bogus" not in json.loads(body)["spec"]

    code, headers, body = call(cluster, "POST", "/apis/apps/v1/namespaces/default/deployments"
                                                "?fieldValidation=Ignore",
                               json.dumps(deployment("ignored", bogus=True)).encode())
    assert code == 201 and not headers["Warning"] and "bogus" not in json.loads(body)["spec"]

    duplicate = b'{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"dup"},"spec":{"replicas":1,' \
                b'"replicas":2}}'
    code, _, body = call(cluster, "POST", "/apis/apps/v1/namespaces/default/deployments?fieldValidation=Strict",
                         duplicate)
    assert code == 400 and 'duplicate field "replicas"' in json.loads(body)["message"]
    code, _, body = call(cluster, "PATCH", "/apis/apps/v1/namespaces/default/deployments/warned?fieldValidation=Strict",
                         b'{"spec": {"paused": true, "paused": false}}', "application/merge-patch+json")
    assert code == 400 and 'duplicate field "paused"' in json.loads(body)["message"]
    code, _, body = call(cluster, "POST", "/apis/apps/v1/namespaces/default/deployments?fieldValidation=Loose",
                         json.dumps(deployment("loose")).encode())
    assert (code, json.loads(body)["details"]["causes"][0]["field"]) == (422, "fieldValidation")

    code, headers, body = call(cluster, "PATCH", "/apis/apps/v1/namespaces/default/deployments/warned",
                               b'{"spec": {"paused": true, "pausedd": true}}', "application/strategic-merge-patch+json")
    assert code == 200 and headers["Warning"] == ['299 - "unknown field \\"spec.pausedd\\""']
    assert json.loads(body)["spec"]["paused"] is True and "pausedd" not in json.loads(body)["spec"]
    with pytest.raises(ApiException) as err:
        apps.patch_namespaced_deployment("warned", "default", {"spec": {"pausedd": False}}, field_validation="Strict")
    assert err.value.status == 400 and 'unknown field \\"spec.pausedd\\"' in err.value.body


def managed(obj: dict) -> dict[tuple[str, str, str], dict]:
    return {(e["manager"], e["operation"], e.get("subresource", "")): e["fieldsV1"]
            for e in obj["metadata"].get("managedFields") or ()}


def test_managed_fields_follow_updates_by_other_managers(cluster, apps):
    apps.create_namespaced_deployment("default", deployment("owned", replicas=1), field_manager="creator")
    apps.patch_namespaced_deployment("owned", "default", {"spec": {"replicas": 2}}, field_manager="scaler")
    _, _, body = call(cluster, "GET", "/apis/apps/v1/namespaces/default/deployments/owned")
    obj = json.loads(body)
    entries = managed(obj)
    assert "f:replicas" in entries[("scaler", "Update", "")]["f:spec"]
    assert "f:replicas" not in entries[("creator", "Update", "")]["f:spec"], "the update took the field"
    assert "f:template" in entries[("creator", "Update", "")]["f:spec"]
    assert all(e["fieldsType"] == "FieldsV1" and e["time"] and e["apiVersion"] == "apps/v1"
               for e in obj["metadata"]["managedFields"])

    deadline = time.monotonic() + 20  # the deployment controller's status writes are recorded on status
    while time.monotonic() < deadline:
        obj = json.loads(call(cluster, "GET", "/apis/apps/v1/namespaces/default/deployments/owned")[2])
        status_entries = [key for key in managed(obj) if key[2] == "status"]
        if status_entries:
            break
        time.sleep(0.2)
    assert status_entries and all("f:status" in managed(obj)[key] for key in status_entries)


def test_server_side_apply_conflict_is_a_409_naming_field_and_manager(cluster):
    path = "/apis/apps/v1/namespaces/default/deployments/applied"
    config = deployment("applied", replicas=1)
    code, _, body = call(cluster, "PATCH", path + "?fieldManager=alice", json.dumps(config).encode(),
                         "application/apply-patch+yaml")
    assert code == 201, body
    config["spec"]["replicas"] = 4
    code, _, body = call(cluster, "PATCH", path + "?fieldManager=bob", json.dumps(config).encode(),
                         "application/apply-patch+yaml")
    status = json.loads(body)
    assert (code, status["reason"]) == (409, "Conflict")
    assert status["message"] == 'Apply failed with 1 conflict: conflict with "alice" using apps/v1: .spec.replicas'
    assert status["details"]["causes"] == [{"reason": "FieldManagerConflict", "field": ".spec.replicas",
                                            "message": 'conflict with "alice" using apps/v1'}]
    code, _, body = call(cluster, "PATCH", path + "?fieldManager=bob&force=true", json.dumps(config).encode(),
                         "application/apply-patch+yaml")
    obj = json.loads(body)
    assert code == 200 and obj["spec"]["replicas"] == 4
    assert "f:replicas" in managed(obj)[("bob", "Apply", "")]["f:spec"]
    assert "f:replicas" not in managed(obj)[("alice", "Apply", "")]["f:spec"]
    assert smp.find_directives(obj) == []
