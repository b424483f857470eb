"""Ingress and IngressClass on minik8s with the real kubectl and the official Python client: stored and validated
as kube-apiserver does, the default class filled in by the DefaultIngressClass admission plugin (and, as in a
cluster without an ingress controller, no address)."""

from __future__ import annotations

import json

import pytest
from kubernetes import client as k8s

from tests.mini_clients import KUBECTL, k8s_configuration

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl on PATH")


@pytest.fixture(scope="module")
def networking(cluster):
    with k8s.ApiClient(k8s_configuration(cluster)) as api:
        yield k8s.NetworkingV1Api(api)


def cells(output: str) -> list[list[str]]:
    lines = output.splitlines()
    starts = [i for i, ch in enumerate(lines[0]) if ch != " " and (i == 0 or lines[0][i - 2:i] == "  ")]
    bounds = list(zip(starts, [*starts[1:], None], strict=True))
    return [[line[a:b].strip() for a, b in bounds] for line in lines]


def test_kubectl_creates_an_ingress_as_the_tutorials_do(kubectl, networking):
    done = kubectl("create", "ingress", "ing1", "--rule=foo.com/bar=svc1:80")
    assert done.stdout.strip() == "ingress.networking.k8s.io/ing1 created"
    stored = networking.read_namespaced_ingress("ing1", "default")
    rule = stored.spec.rules[0]
    assert (rule.host, rule.http.paths[0].path, rule.http.paths[0].path_type) == ("foo.com", "/bar", "Exact")
    assert (rule.http.paths[0].backend.service.name, rule.http.paths[0].backend.service.port.number) == ("svc1", 80)
    assert stored.metadata.generation == 1 and stored.status.load_balancer.ingress is None
    kubectl("create", "ingress", "ing2", "--class=nginx", "--rule=foo.com/*=svc1:http,tls=sec1",
            "--rule=b.com/=svc2:8080")
    table = cells(kubectl("get", "ingress").stdout)
    assert table[0] == ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"]
    assert [row[:5] for row in table[1:]] == [["ing1", "<none>", "foo.com", "", "80"],
                                              ["ing2", "nginx", "foo.com,b.com", "", "80, 443"]]


def test_ingresses_are_validated_as_kube_apiserver_does(kubectl, networking):
    refused = kubectl("create", "ingress", "bad", "--rule=1.2.3.4/x=svc1:80", check=False)
    assert 'spec.rules[0].host: Invalid value: "1.2.3.4": must be a DNS name, not an IP address' in refused.stderr
    refused = kubectl("create", "-f", "-", "--validate=false", check=False, stdin=json.dumps({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "worse"},
        "spec": {"rules": [{"host": "a.com", "http": {"paths": [
            {"path": "x", "pathType": "Prefix", "backend": {"service": {"name": "svc1"}}},
            {"path": "/y", "backend": {"service": {"name": "svc1", "port": {"number": 80}}}}]}}]}}))
    message = refused.stderr
    assert 'spec.rules[0].http.paths[0].path: Invalid value: "x": must be an absolute path' in message
    assert "spec.rules[0].http.paths[0].backend: Required value: port name or number is required" in message
    assert "spec.rules[0].http.paths[1].pathType: Required value: pathType must be specified" in message
    with pytest.raises(k8s.ApiException) as err:  # the Python client: a 422 Status naming the field
        networking.create_namespaced_ingress("default", {
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "ip"},
            "spec": {"defaultBackend": {"service": {"name": "Svc", "port": {"number": 70000}}}}})
    assert err.value.status == 422
    causes = {c["field"] for c in json.loads(err.value.body)["details"]["causes"]}
    assert causes == {"spec.defaultBackend.service.name", "spec.defaultBackend.service.port.number"}
    refused = kubectl("create", "-f", "-", check=False, stdin=json.dumps({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "empty"}, "spec": {}}))
    assert "spec: Invalid value: \"null\": either `defaultBackend` or `rules` must be specified" in refused.stderr


def test_the_default_ingress_class_is_filled_in(kubectl, networking):
    kubectl("create", "-f", "-", stdin=json.dumps({
        "apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
        "metadata": {"name": "nginx", "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
        "spec": {"controller": "k8s.io/ingress-nginx"}}))
    table = cells(kubectl("get", "ingressclass").stdout)
    assert table[0] == ["NAME", "CONTROLLER", "PARAMETERS", "AGE"]
    assert table[1][:3] == ["nginx", "k8s.io/ingress-nginx", "<none>"]
    kubectl("create", "ingress", "ing3", "--rule=c.com/=svc3:80")
    assert networking.read_namespaced_ingress("ing3", "default").spec.ingress_class_name == "nginx"
    refused = kubectl("patch", "ingressclass", "nginx", "--type=merge", "-p",
                      '{"spec":{"controller":"example.com/other"}}', check=False)
    assert 'spec.controller: Invalid value: "example.com/other": field is immutable' in refused.stderr
    refused = kubectl("create", "-f", "-", check=False, stdin=json.dumps({
        "apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "plain"},
        "spec": {"controller": "nginx"}}))
    assert 'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")' \
        in refused.stderr


def test_discovery_serves_the_networking_group(kubectl):
    rows = kubectl("api-resources", "--api-group=networking.k8s.io").stdout.splitlines()
    assert [row.split() for row in rows[1:]] == [
        ["ingressclasses", "networking.k8s.io/v1", "false", "IngressClass"],
        ["ingresses", "ing", "networking.k8s.io/v1", "true", "Ingress"]]
