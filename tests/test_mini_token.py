"""TokenRequest on minik8s (`kubectl create token`, the Python client's create_namespaced_service_account_token):
the serviceaccounts/token subresource answers with a signed JWT whose claims and expiration are kube-apiserver's."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
from kubernetes import client as k8s

from tests.mini_clients import KUBECTL, k8s_configuration

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl on PATH")
ISSUER = "https://kubernetes.default.svc.cluster.local"


@pytest.fixture(scope="module")
def core(cluster):
    with k8s.ApiClient(k8s_configuration(cluster)) as api:
        yield k8s.CoreV1Api(api)


def parts(token: str) -> tuple[dict, dict]:
    def decode(part: str) -> dict:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    head, body, signature = token.split(".")
    assert len(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))) == 64  # ES256: r || s
    return decode(head), decode(body)


def test_kubectl_create_token_prints_a_service_account_jwt(kubectl, core):
    kubectl("create", "serviceaccount", "sa1")
    token = kubectl("create", "token", "sa1").stdout.strip()
    header, claims = parts(token)
    assert header["alg"] == "ES256" and header["kid"]
    uid = core.read_namespaced_service_account("sa1", "default").metadata.uid
    assert claims["sub"] == "system:serviceaccount:default:sa1"
    assert (claims["iss"], claims["aud"]) == (ISSUER, [ISSUER])
    assert claims["kubernetes.io"] == {"namespace": "default", "serviceaccount": {"name": "sa1", "uid": uid}}
    assert claims["exp"] - claims["iat"] == 3600 and claims["nbf"] == claims["iat"]
    longer = parts(kubectl("create", "token", "sa1", "--duration=2h", "--audience=vault").stdout.strip())[1]
    assert (longer["exp"] - longer["iat"], longer["aud"]) == (7200, ["vault"])


def test_the_python_client_reads_status_expiration_timestamp(core):
    answer = core.create_namespaced_service_account_token("sa1", "default", {
        "apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {"expirationSeconds": 1200}})
    claims = parts(answer.status.token)[1]
    assert answer.status.expiration_timestamp == datetime.fromtimestamp(claims["exp"], UTC)
    assert answer.spec.audiences == [ISSUER] and answer.spec.expiration_seconds == 1200


def test_requests_are_refused_as_kube_apiserver_refuses_them(kubectl):
    refused = kubectl("create", "token", "sa1", "--duration=5m", check=False)
    assert refused.stderr.strip() == 'error: failed to create token: TokenRequest.authentication.k8s.io "" is ' \
        "invalid: spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes"
    refused = kubectl("create", "token", "nobody", check=False)
    assert refused.stderr.strip() == 'error: failed to create token: serviceaccounts "nobody" not found'
    kubectl("run", "p1", "--image=busybox:1.36")
    refused = kubectl("create", "token", "sa1", "--bound-object-kind=Pod", "--bound-object-name=p1", check=False)
    assert refused.stderr.strip() == 'error: failed to create token: cannot bind token for serviceaccount "sa1" ' \
        "to pod running with different serviceaccount name."


def test_a_token_bound_to_a_pod_names_it(kubectl, core):
    pod = core.read_namespaced_pod("p1", "default")
    claims = parts(kubectl("create", "token", "default", "--bound-object-kind=Pod",
                           "--bound-object-name=p1").stdout.strip())[1]
    assert claims["kubernetes.io"]["pod"] == {"name": "p1", "uid": pod.metadata.uid}


def test_discovery_lists_the_token_subresource(kubectl):
    raw = json.loads(kubectl("get", "--raw", "/api/v1").stdout)
    token = next(r for r in raw["resources"] if r["name"] == "serviceaccounts/token")
    assert (token["group"], token["version"], token["kind"], token["verbs"]) == \
        ("authentication.k8s.io", "v1", "TokenRequest", ["create"])


def test_the_token_signs_kubectl_in_as_the_service_account(kubectl, cluster):
    """`kubectl --token=$(kubectl create token sa1)`: the request is the service account's, so RBAC decides."""
    if not getattr(cluster, "token", None):
        pytest.skip("an insecure cluster authenticates nobody")
    token = kubectl("create", "token", "sa1").stdout.strip()
    whoami = kubectl("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}", f"--token={token}")
    assert whoami.stdout == "system:serviceaccount:default:sa1"
    refused = kubectl("get", "pods", f"--token={token}", check=False)
    assert refused.stderr.strip() == 'Error from server (Forbidden): pods is forbidden: User ' \
        '"system:serviceaccount:default:sa1" cannot list resource "pods" in API group "" in the namespace "default"'
    kubectl("create", "rolebinding", "sa1-view", "--clusterrole=view", "--serviceaccount=default:sa1")
    assert "p1" in kubectl("get", "pods", "-o", "name", f"--token={token}").stdout
    assert kubectl("get", "pods", f"--token={token}x", check=False).stderr.strip() == \
        "error: You must be logged in to the server (Unauthorized)"
    kubectl("delete", "serviceaccount", "sa1")  # a token outlives nothing it names (claims validator)
    assert "(Unauthorized)" in kubectl("get", "pods", f"--token={token}", check=False).stderr
