"""`kubectl auth can-i` and impersonation against minik8s, with the real kubectl.

The admin user minik8s issues is in system:masters and may do everything; a user it
impersonates (`--as`) has only the bootstrap roles every authenticated user is bound to, so
can-i answers no and the request itself is Forbidden, as kube-apiserver with RBAC answers.
"""

from __future__ import annotations

import json

import pytest

from kubeatlas.minik8s.cluster import Cluster, ClusterConfig
from tests.mini_clients import kubectl_runner
from tests.test_mini_kubectl import KUBECTL

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl on PATH; the authorization session cannot run")


@pytest.fixture(scope="module")
def kubectl(tmp_path_factory):
    cluster = Cluster(ClusterConfig(nodes=1).fast()).start()
    yield kubectl_runner(KUBECTL, cluster, tmp_path_factory.mktemp("kubectl"))
    cluster.stop()


def test_discovery_lists_self_subject_access_reviews_as_create_only(kubectl):
    listed = json.loads(kubectl("get", "--raw", "/apis/authorization.k8s.io/v1").stdout)
    assert [(r["name"], r["verbs"], r["namespaced"]) for r in listed["resources"]] == \
        [("selfsubjectaccessreviews", ["create"], False), ("selfsubjectrulesreviews", ["create"], False)]
    resources = kubectl("api-resources", "--api-group=authorization.k8s.io", "--no-headers").stdout.split()
    assert resources == ["selfsubjectaccessreviews", "authorization.k8s.io/v1", "false", "SelfSubjectAccessReview",
                         "selfsubjectrulesreviews", "authorization.k8s.io/v1", "false", "SelfSubjectRulesReview"]
    refused = kubectl("get", "--raw", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", check=False)
    assert refused.returncode != 0 and "MethodNotAllowed" in refused.stderr, refused.stderr


def test_the_admin_can_do_anything(kubectl):
    for question in (("create", "pods"), ("delete", "deployments.apps", "-n", "kube-system"), ("get", "nodes"),
                     ("*", "*"), ("get", "/healthz"), ("patch", "pods", "--subresource=status")):
        answer = kubectl("auth", "can-i", *question, check=False)
        assert (answer.returncode, answer.stdout.strip()) == (0, "yes"), (question, answer.stdout, answer.stderr)
    rules = [line.split() for line in kubectl("auth", "can-i", "--list").stdout.splitlines()]
    assert rules[0] == ["Resources", "Non-Resource", "URLs", "Resource", "Names", "Verbs"], rules
    assert ["*.*", "[]", "[]", "[*]"] in rules and ["[*]", "[]", "[*]"] in rules, rules


def test_an_impersonated_user_is_refused_what_no_role_grants(kubectl):
    answer = kubectl("auth", "can-i", "create", "pods", "--as=jane", check=False)
    assert (answer.returncode, answer.stdout.strip()) == (1, "no"), (answer.stdout, answer.stderr)
    assert kubectl("auth", "can-i", "get", "/version", "--as=jane").stdout.strip() == "yes"  # system:discovery
    assert kubectl("auth", "can-i", "create", "selfsubjectaccessreviews", "--as=jane").stdout.strip() == "yes"
    assert kubectl("auth", "can-i", "list", "secrets", "--as=jane", "--as-group=system:masters").stdout.strip() \
        == "yes"
    listed = kubectl("auth", "can-i", "--list", "--as=jane").stdout
    assert "selfsubjectaccessreviews.authorization.k8s.io" in listed and "*.*" not in listed, listed

    refused = kubectl("get", "pods", "-n", "default", "--as=jane", check=False)
    assert refused.returncode != 0
    assert 'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace ' \
           '"default"' in refused.stderr, refused.stderr
    refused = kubectl("delete", "deployment", "web", "--as=jane", check=False)
    assert 'deployments.apps "web" is forbidden: User "jane" cannot delete resource "deployments" in API group ' \
           '"apps" in the namespace "default"' in refused.stderr, refused.stderr
    assert kubectl("get", "pods", "-n", "default").returncode == 0  # the admin itself is unaffected
