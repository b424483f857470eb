"""`kubectl auth can-i`, impersonation, RBAC and `auth whoami` against minik8s, with the real kubectl.

The admin user minik8s issues is in system:masters and may do everything; a user it
impersonates (`--as`) has the bootstrap roles every authenticated user is bound to and what
the Roles and ClusterRoles bound to it grant, so can-i answers no until a binding says yes and
the request itself is Forbidden, as kube-apiserver with RBAC answers. Tests build on each other.
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
    run = kubectl_runner(KUBECTL, cluster, tmp_path_factory.mktemp("kubectl"))
    run.cluster = cluster  # type: ignore[attr-defined]
    yield run
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


def test_rbac_kinds_are_served_and_the_bootstrap_policy_exists(kubectl):
    resources = kubectl("api-resources", "--api-group=rbac.authorization.k8s.io", "--no-headers").stdout.split()
    assert resources[::4] == ["clusterrolebindings", "clusterroles", "rolebindings", "roles"], resources
    listed = kubectl("get", "clusterroles").stdout.split()
    assert listed[:3] == ["NAME", "CREATED", "AT"], listed
    assert {"cluster-admin", "admin", "edit", "view", "system:basic-user", "system:discovery"} <= set(listed)
    wide = [line.split() for line in kubectl("get", "clusterrolebinding", "cluster-admin", "-o", "wide").stdout
            .splitlines()]
    assert wide == [["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"],
                    ["cluster-admin", "ClusterRole/cluster-admin", wide[1][2], "system:masters"]], wide
    admin = json.loads(kubectl("get", "clusterrole", "cluster-admin", "-o", "json").stdout)
    assert admin["rules"] == [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                              {"nonResourceURLs": ["*"], "verbs": ["*"]}], admin["rules"]
    assert admin["metadata"]["labels"] == {"kubernetes.io/bootstrapping": "rbac-defaults"}


def test_a_role_bound_to_alice_lets_her_read_pods_and_nothing_more(kubectl):
    before = kubectl("auth", "can-i", "list", "pods", "--as=alice", check=False)
    assert (before.returncode, before.stdout.strip()) == (1, "no"), before.stdout
    kubectl("create", "role", "pod-reader", "--verb=get,list", "--resource=pods")
    kubectl("create", "rolebinding", "alice-reads", "--role=pod-reader", "--user=alice")  # sent as protobuf
    assert kubectl("auth", "can-i", "list", "pods", "--as=alice").stdout.strip() == "yes"
    assert kubectl("get", "pods", "--as=alice").returncode == 0
    refused = kubectl("get", "pods", "-A", "--as=alice", check=False)  # a RoleBinding grants its namespace only
    assert 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" at the cluster scope' \
        in refused.stderr, refused.stderr
    refused = kubectl("delete", "pod", "x", "--as=alice", check=False)
    assert 'pods "x" is forbidden: User "alice" cannot delete resource "pods" in API group "" in the namespace ' \
           '"default"' in refused.stderr, refused.stderr
    assert kubectl("auth", "can-i", "get", "pods", "-n", "kube-system", "--as=alice", check=False).stdout.strip() \
        == "no"
    rows = [line.split() for line in kubectl("auth", "can-i", "--list", "--as=alice").stdout.splitlines()]
    assert ["pods", "[]", "[]", "[get", "list]"] in rows, rows
    binding = [line.split() for line in kubectl("get", "rolebindings", "-o", "wide").stdout.splitlines()]
    assert ["alice-reads", "Role/pod-reader", binding[1][2], "alice"] in binding, binding
    described = kubectl("describe", "role", "pod-reader").stdout
    assert "pods       []                 []              [get list]" in described, described


def test_resource_names_narrow_a_rule_to_the_objects_named(kubectl):
    kubectl("create", "role", "one-config", "--verb=get", "--resource=configmaps", "--resource-name=settings")
    kubectl("create", "rolebinding", "dave-one", "--role=one-config", "--user=dave")
    assert kubectl("auth", "can-i", "get", "configmaps/settings", "--as=dave").stdout.strip() == "yes"
    assert kubectl("auth", "can-i", "get", "configmaps/other", "--as=dave", check=False).stdout.strip() == "no"
    assert kubectl("auth", "can-i", "list", "configmaps", "--as=dave", check=False).stdout.strip() == "no"


def test_a_binding_to_a_missing_role_refuses_with_the_rbac_reason(kubectl):
    kubectl("create", "rolebinding", "ghost", "--role=nope", "--user=bob")
    answer = kubectl("auth", "can-i", "list", "pods", "--as=bob", check=False)
    assert answer.stdout.strip() == 'no - RBAC: role.rbac.authorization.k8s.io "nope" not found', answer.stdout
    refused = kubectl("get", "pods", "--as=bob", check=False)
    assert 'pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default": ' \
           'RBAC: role.rbac.authorization.k8s.io "nope" not found' in refused.stderr, refused.stderr


def _eventually(check, seconds: float = 15.0) -> bool:
    import time
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return False


def test_view_is_aggregated_and_grows_with_a_labelled_cluster_role(kubectl):
    kubectl("create", "clusterrolebinding", "carol-view", "--clusterrole=view", "--user=carol")
    assert _eventually(lambda: kubectl("auth", "can-i", "list", "deployments.apps", "-n", "kube-system",
                                       "--as=carol", check=False).stdout.strip() == "yes")
    assert kubectl("auth", "can-i", "delete", "deployments.apps", "--as=carol", check=False).stdout.strip() == "no"
    assert kubectl("auth", "can-i", "get", "secrets", "--as=carol", check=False).stdout.strip() == "no"
    kubectl("apply", "-f", "-", stdin="""apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: lease-viewer
  labels:
    rbac.authorization.k8s.io/aggregate-to-view: "true"
rules:
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["get", "list"]
""")
    assert _eventually(lambda: kubectl("auth", "can-i", "list", "leases.coordination.k8s.io", "--as=carol",
                                       check=False).stdout.strip() == "yes")
    edit = json.loads(kubectl("get", "clusterrole", "edit", "-o", "json").stdout)  # edit aggregates view
    assert {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["get", "list"]} in edit["rules"]


def test_whoami_answers_the_requester_or_the_impersonated_user(kubectl):
    rows = [line.split(None, 1) for line in kubectl("auth", "whoami").stdout.splitlines()]
    assert rows == [["ATTRIBUTE", "VALUE"], ["Username", "minik8s-admin"],
                    ["Groups", "[system:masters system:authenticated]"]], rows
    review = json.loads(kubectl("auth", "whoami", "--as=alice", "--as-group=devs", "-o", "json").stdout)
    assert (review["apiVersion"], review["kind"]) == ("authentication.k8s.io/v1", "SelfSubjectReview")
    assert review["status"]["userInfo"] == {"username": "alice", "groups": ["devs", "system:authenticated"]}
    robot = json.loads(kubectl("auth", "whoami", "--as=system:serviceaccount:default:robot", "-o", "json").stdout)
    assert robot["status"]["userInfo"]["groups"] == ["system:serviceaccounts", "system:serviceaccounts:default",
                                                     "system:authenticated"], robot
    # the anonymous user is unauthenticated: public info only, not even the self-reviews
    anonymous = kubectl("auth", "whoami", "--as=system:anonymous", check=False)
    assert "the selfsubjectreviews API is not enabled in the cluster or you do not have permission to call it" \
        in anonymous.stderr, anonymous.stderr
    assert json.loads(kubectl("get", "--raw", "/version", "--as=system:anonymous").stdout)["major"] == "1"
    refused = kubectl("get", "--raw", "/apis", "--as=system:anonymous", check=False)
    assert 'forbidden: User "system:anonymous" cannot get path "/apis"' in refused.stderr, refused.stderr


def test_the_python_client_reads_roles_and_is_refused_as_kube_apiserver_refuses(kubectl):
    from kubernetes import client as k8s
    from kubernetes.client.rest import ApiException

    from tests.mini_clients import k8s_configuration
    cluster = kubectl.cluster  # type: ignore[attr-defined]
    api = k8s.ApiClient(k8s_configuration(cluster))
    roles = k8s.RbacAuthorizationV1Api(api).list_namespaced_role("default")
    assert "pod-reader" in [r.metadata.name for r in roles.items]
    assert k8s.RbacAuthorizationV1Api(api).read_cluster_role("view").aggregation_rule.cluster_role_selectors
    review = k8s.AuthenticationV1Api(api).create_self_subject_review(k8s.V1SelfSubjectReview())
    assert review.status.user_info.username == "minik8s-admin"
    as_erin = k8s.ApiClient(k8s_configuration(cluster), header_name="Impersonate-User", header_value="erin")
    with pytest.raises(ApiException) as refused:
        k8s.CoreV1Api(as_erin).list_namespaced_secret("default")
    assert refused.value.status == 403
    assert json.loads(refused.value.body)["message"] == 'secrets is forbidden: User "erin" cannot list resource ' \
        '"secrets" in API group "" in the namespace "default"'


BINDING = """apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: robots-read
subjects:
- kind: ServiceAccount
  name: robot
- kind: Group
  name: readers
roleRef:
  kind: {kind}
  name: {name}
"""


def test_bindings_are_defaulted_validated_and_their_role_ref_is_fixed(kubectl):
    kubectl("apply", "-f", "-", stdin=BINDING.format(kind="Role", name="pod-reader"))
    stored = json.loads(kubectl("get", "rolebinding", "robots-read", "-o", "json").stdout)
    assert stored["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader"}
    assert [s.get("apiGroup") for s in stored["subjects"]] == [None, "rbac.authorization.k8s.io"], stored
    # a ServiceAccount subject in a RoleBinding means that account of the binding's namespace
    assert kubectl("auth", "can-i", "list", "pods", "--as=system:serviceaccount:default:robot").stdout.strip() \
        == "yes"
    assert kubectl("auth", "can-i", "list", "pods", "--as=system:serviceaccount:other:robot",
                   check=False).stdout.strip() == "no"
    assert kubectl("auth", "can-i", "get", "pods", "--as=zed", "--as-group=readers").stdout.strip() == "yes"
    changed = kubectl("apply", "-f", "-", stdin=BINDING.format(kind="ClusterRole", name="view"), check=False)
    assert 'The RoleBinding "robots-read" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:' \
           '"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"view"}: cannot change roleRef' in changed.stderr, \
        changed.stderr
    wrong = kubectl("apply", "-f", "-", stdin=BINDING.format(kind="Deployment", name="x").replace(
        "robots-read", "wrong"), check=False)
    assert 'roleRef.kind: Unsupported value: "Deployment": supported values: "Role", "ClusterRole"' in wrong.stderr, \
        wrong.stderr
    role = kubectl("create", "role", "odd", "--verb=get", "--resource=pods", "--dry-run=client", "-o", "json").stdout
    odd = json.loads(role)
    odd["rules"][0]["nonResourceURLs"] = ["/healthz"]
    refused = kubectl("create", "-f", "-", stdin=json.dumps(odd), check=False)
    assert 'rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to ' \
           'non-resource URLs' in refused.stderr, refused.stderr


def test_a_namespace_admin_cannot_grant_what_it_does_not_hold(kubectl):
    kubectl("create", "namespace", "team")
    kubectl("create", "rolebinding", "frank-admin", "--clusterrole=admin", "--user=frank", "-n", "team")
    kubectl("create", "role", "readers", "--verb=get,list", "--resource=pods", "-n", "team", "--as=frank")
    kubectl("create", "rolebinding", "gina-edit", "--clusterrole=edit", "--user=gina", "-n", "team", "--as=frank")
    assert kubectl("auth", "can-i", "create", "deployments.apps", "-n", "team", "--as=gina").stdout.strip() == "yes"
    refused = kubectl("create", "role", "nodes", "--verb=get,delete", "--resource=nodes,pods", "-n", "team",
                      "--as=frank", check=False)
    assert 'roles.rbac.authorization.k8s.io "nodes" is forbidden: user "frank" (groups=["system:authenticated"]) ' \
           'is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["nodes"], ' \
           'Verbs:["get" "delete"]}' in refused.stderr, refused.stderr
    refused = kubectl("create", "rolebinding", "gina-root", "--clusterrole=cluster-admin", "--user=gina", "-n",
                      "team", "--as=frank", check=False)
    assert 'is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], ' \
           'Verbs:["*"]}\n{NonResourceURLs:["*"], Verbs:["*"]}' in refused.stderr, refused.stderr
    # the escalate and bind verbs lift the check, as in kube-apiserver
    kubectl("create", "role", "escalator", "--verb=escalate,bind", "--resource=roles,clusterroles",
            "--resource-name=nodes", "--resource-name=cluster-admin", "-n", "team")
    kubectl("create", "rolebinding", "frank-escalates", "--role=escalator", "--user=frank", "-n", "team")
    kubectl("create", "role", "nodes", "--verb=get,delete", "--resource=nodes", "-n", "team", "--as=frank")
    kubectl("create", "rolebinding", "gina-root", "--clusterrole=cluster-admin", "--user=gina", "-n", "team",
            "--as=frank")


def test_deleting_the_binding_takes_the_permission_away(kubectl):
    assert kubectl("auth", "can-i", "list", "pods", "--as=alice").stdout.strip() == "yes"
    kubectl("delete", "rolebinding", "alice-reads")
    assert kubectl("auth", "can-i", "list", "pods", "--as=alice", check=False).stdout.strip() == "no"
    kubectl("delete", "clusterrole", "lease-viewer")  # the aggregated roles drop its rules again
    assert _eventually(lambda: kubectl("auth", "can-i", "list", "leases.coordination.k8s.io", "--as=carol",
                                       check=False).stdout.strip() == "no")


def test_rbac_kinds_have_schemas_for_explain_and_strict_field_validation(kubectl):
    explained = kubectl("explain", "role.rules").stdout
    assert "PolicyRule holds information that describes a policy rule" in explained, explained
    assert "verbs" in explained and "resourceNames" in explained, explained
    typo = """apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: typo
rules:
- apiGroups: [""]
  resources: ["pods"]
  verb: ["get"]
"""
    refused = kubectl("apply", "-f", "-", stdin=typo, check=False)
    assert 'unknown field "rules[0].verb"' in refused.stderr, refused.stderr
