"""The RBAC bootstrap policy: the ClusterRoles and ClusterRoleBindings every cluster starts with.

Mirrors plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go (`ClusterRoles`,
`ClusterRoleBindings`: cluster-admin bound to system:masters, system:discovery,
system:basic-user and system:public-info-viewer bound to every authenticated user, the
user-facing admin/edit/view roles aggregated from system:aggregate-to-*; `addDefaultMetadata`'s
bootstrapping label and autoupdate annotation) as the apiserver's post-start hook
pkg/registry/rbac/rest/storage_rbac.go `(*PolicyData).EnsureRBACPolicy` creates them. Only
the roles a learner meets are kept; the aggregate-to-* rules are upstream's, verbatim.
"""

from __future__ import annotations

from kubeatlas.minik8s import status
from kubeatlas.minik8s.registry import Registry
from kubeatlas.minik8s.resources import RBAC, for_kind

CLUSTER_ROLE, CLUSTER_ROLE_BINDING = for_kind(f"{RBAC}/v1", "ClusterRole"), for_kind(f"{RBAC}/v1", "ClusterRoleBinding")
READ = ["get", "list", "watch"]
WRITE = ["create", "update", "patch", "delete", "deletecollection"]
READ_WRITE = READ + WRITE
AGGREGATE = "rbac.authorization.k8s.io/aggregate-to-"
DISCOVERY_URLS = ["/livez", "/readyz", "/healthz", "/version", "/version/", "/openapi", "/openapi/*",
                  "/api", "/api/*", "/apis", "/apis/*"]
PUBLIC_INFO_URLS = ["/livez", "/readyz", "/healthz", "/version", "/version/"]


def rule(verbs: list[str], groups: list[str], *resources: str) -> dict:
    return {"verbs": list(verbs), "apiGroups": groups, "resources": list(resources)}


def urls(verbs: list[str], *paths: str) -> dict:
    return {"verbs": list(verbs), "nonResourceURLs": list(paths)}


def _role(name: str, rules: list[dict] | None, labels: dict | None = None, aggregate_from: str = "") -> dict:
    role: dict = {"apiVersion": f"{RBAC}/v1", "kind": "ClusterRole", "metadata": {
        "name": name, "labels": {**(labels or {}), "kubernetes.io/bootstrapping": "rbac-defaults"},
        "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"}}}
    if aggregate_from:
        role["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": {AGGREGATE + aggregate_from: "true"}}]}
    if rules is not None:
        role["rules"] = rules
    return role


def cluster_roles() -> list[dict]:
    to_admin, to_edit, to_view = ({f"{AGGREGATE}{who}": "true"} for who in ("admin", "edit", "view"))
    return [
        _role("cluster-admin", [rule(["*"], ["*"], "*"), urls(["*"], "*")]),
        _role("system:discovery", [urls(["get"], *DISCOVERY_URLS)]),
        _role("system:monitoring", [urls(["get"], "/metrics", "/metrics/slis", "/livez", "/readyz", "/healthz",
                                          "/livez/*", "/readyz/*", "/healthz/*")]),
        _role("system:basic-user", [rule(["create"], ["authorization.k8s.io"], "selfsubjectaccessreviews",
                                         "selfsubjectrulesreviews"),
                                    rule(["create"], ["authentication.k8s.io"], "selfsubjectreviews")]),
        _role("system:public-info-viewer", [urls(["get"], *PUBLIC_INFO_URLS)]),
        _role("admin", None, aggregate_from="admin"),
        _role("edit", None, to_admin, aggregate_from="edit"),
        _role("view", None, to_edit, aggregate_from="view"),
        _role("system:aggregate-to-admin", [
            rule(["create"], ["authorization.k8s.io"], "localsubjectaccessreviews"),
            rule(READ_WRITE, [RBAC], "roles", "rolebindings")], to_admin),
        _role("system:aggregate-to-edit", [
            rule(READ, [""], "pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets", "services/proxy"),
            rule(["impersonate"], [""], "serviceaccounts"),
            rule(WRITE, [""], "pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"),
            rule(["create"], [""], "pods/eviction"),
            rule(WRITE, [""], "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services",
                 "services/proxy", "persistentvolumeclaims", "configmaps", "secrets", "events"),
            rule(["create"], [""], "serviceaccounts/token"),
            rule(WRITE, ["apps"], "statefulsets", "statefulsets/scale", "daemonsets", "deployments",
                 "deployments/scale", "deployments/rollback", "replicasets", "replicasets/scale"),
            rule(WRITE, ["autoscaling"], "horizontalpodautoscalers"),
            rule(WRITE, ["batch"], "jobs", "cronjobs"),
            rule(WRITE, ["extensions"], "daemonsets", "deployments", "deployments/scale", "deployments/rollback",
                 "ingresses", "replicasets", "replicasets/scale", "replicationcontrollers/scale", "networkpolicies"),
            rule(WRITE, ["policy"], "poddisruptionbudgets"),
            rule(WRITE, ["networking.k8s.io"], "networkpolicies", "ingresses"),
            rule(READ_WRITE, ["coordination.k8s.io"], "leases")], to_edit),
        _role("system:aggregate-to-view", [
            rule(READ, [""], "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts",
                 "services", "services/status", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status",
                 "configmaps"),
            rule(READ, [""], "limitranges", "resourcequotas", "bindings", "events", "pods/status",
                 "resourcequotas/status", "namespaces/status", "replicationcontrollers/status", "pods/log"),
            rule(READ, [""], "namespaces"),
            rule(READ, ["discovery.k8s.io"], "endpointslices"),
            rule(READ, ["apps"], "controllerrevisions", "statefulsets", "statefulsets/status", "statefulsets/scale",
                 "daemonsets", "daemonsets/status", "deployments", "deployments/status", "deployments/scale",
                 "replicasets", "replicasets/status", "replicasets/scale"),
            rule(READ, ["autoscaling"], "horizontalpodautoscalers", "horizontalpodautoscalers/status"),
            rule(READ, ["batch"], "jobs", "cronjobs", "cronjobs/status", "jobs/status"),
            rule(READ, ["extensions"], "daemonsets", "daemonsets/status", "deployments", "deployments/scale",
                 "deployments/status", "ingresses", "ingresses/status", "replicasets", "replicasets/scale",
                 "replicasets/status", "replicationcontrollers/scale", "networkpolicies"),
            rule(READ, ["policy"], "poddisruptionbudgets", "poddisruptionbudgets/status"),
            rule(READ, ["networking.k8s.io"], "networkpolicies", "ingresses", "ingresses/status")],
            to_view),
    ]


def _binding(role: str, *groups: str) -> dict:
    return {"apiVersion": f"{RBAC}/v1", "kind": "ClusterRoleBinding",
            "metadata": {"name": role, "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"},
                         "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"}},
            "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": role},
            "subjects": [{"apiGroup": RBAC, "kind": "Group", "name": group} for group in groups]}


def cluster_role_bindings() -> list[dict]:
    return [_binding("cluster-admin", "system:masters"), _binding("system:monitoring", "system:monitoring"),
            _binding("system:discovery", "system:authenticated"),
            _binding("system:basic-user", "system:authenticated"),
            _binding("system:public-info-viewer", "system:authenticated", "system:unauthenticated")]


def ensure_rbac_policy(registry: Registry) -> None:
    """EnsureRBACPolicy: create each bootstrap role and binding that is missing (never overwrite)."""
    for resource, objects in ((CLUSTER_ROLE, cluster_roles()), (CLUSTER_ROLE_BINDING, cluster_role_bindings())):
        for obj in objects:
            try:
                registry.create(resource, "", obj)
            except status.ApiError as err:
                if err.code != 409:
                    raise
