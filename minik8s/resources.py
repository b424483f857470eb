"""The kinds the mini apiserver serves: group, version, plural, scope, subresources, storage key.

Mirrors the REST storage wiring of pkg/controlplane (`legacyRESTStorageProvider` for the core
group, pkg/registry/apps/rest for apps) and the `APIResource` entries discovery returns.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Resource:
    """One served resource (schema.GroupVersionResource plus its kind and scope)."""

    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    subresources: tuple[str, ...] = ()
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def list_kind(self) -> str:
        return f"{self.kind}List"

    @property
    def base_path(self) -> str:
        return f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"

    def key(self, namespace: str, name: str) -> str:
        """The storage key, as kube-apiserver lays them out in etcd (/registry/pods/ns/name)."""
        return f"{self.prefix(namespace)}{name}"

    def prefix(self, namespace: str = "") -> str:
        if self.namespaced and namespace:
            return f"/registry/{self.group or 'core'}/{self.plural}/{namespace}/"
        return f"/registry/{self.group or 'core'}/{self.plural}/"

    def path(self, namespace: str = "", name: str = "") -> str:
        """The REST path of the collection or of one object."""
        path = self.base_path
        if self.namespaced and namespace:
            path += f"/namespaces/{namespace}"
        path += f"/{self.plural}"
        return f"{path}/{name}" if name else path


RBAC = "rbac.authorization.k8s.io"
ALL = ("all",)  # the discovery category `kubectl get all` expands (upstream's `Categories()` of each storage)
POD_SUBRESOURCES = ("status", "binding", "log", "exec", "attach", "portforward", "eviction")
RESOURCES: tuple[Resource, ...] = (
    Resource("", "v1", "Namespace", "namespaces", False, ("status", "finalize"), ("ns",)),
    Resource("", "v1", "Node", "nodes", False, ("status",), ("no",)),
    Resource("", "v1", "Pod", "pods", True, POD_SUBRESOURCES, ("po",), ALL),
    Resource("", "v1", "Service", "services", True, ("status",), ("svc",), ALL),
    Resource("", "v1", "Endpoints", "endpoints", True, (), ("ep",)),
    Resource("", "v1", "Event", "events", True, (), ("ev",)),
    Resource("", "v1", "ConfigMap", "configmaps", True, (), ("cm",)),
    Resource("", "v1", "Secret", "secrets", True, (), ()),
    Resource("", "v1", "ServiceAccount", "serviceaccounts", True, ("token",), ("sa",)),
    Resource("", "v1", "ResourceQuota", "resourcequotas", True, ("status",), ("quota",)),
    Resource("apps", "v1", "Deployment", "deployments", True, ("status", "scale"), ("deploy",), ALL),
    Resource("apps", "v1", "ReplicaSet", "replicasets", True, ("status", "scale"), ("rs",), ALL),
    Resource("batch", "v1", "Job", "jobs", True, ("status",), (), ALL),
    Resource("coordination.k8s.io", "v1", "Lease", "leases", True, (), ()),
    Resource("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", True, ("status",), ("pdb",)),
    Resource("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", False, (), ("pc",)),
    Resource("networking.k8s.io", "v1", "Ingress", "ingresses", True, ("status",), ("ing",)),
    Resource("networking.k8s.io", "v1", "IngressClass", "ingressclasses", False),
    Resource("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", True, ("status",), ("hpa",),
             ALL),  # v2 first: the preferred version discovery names; v1 is the same objects, converted
    Resource("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", True, ("status",), ("hpa",),
             ALL),
    Resource("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", False,
             verbs=("create",)),  # reviews: answered, never stored
    Resource("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", False,
             verbs=("create",)),
    Resource("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", False, verbs=("create",)),
    Resource(RBAC, "v1", "ClusterRoleBinding", "clusterrolebindings", False),
    Resource(RBAC, "v1", "ClusterRole", "clusterroles", False),
    Resource(RBAC, "v1", "RoleBinding", "rolebindings", True),
    Resource(RBAC, "v1", "Role", "roles", True),
)

# one entry per stored resource, in its group's preferred version (discovery's ServerPreferredResources):
# what walks every kind (namespace deletion, quota counts) goes through, so a kind served twice counts once
PREFERRED: tuple[Resource, ...] = tuple({(r.group, r.plural): r for r in reversed(RESOURCES)}[g, p]
                                        for g, p in dict.fromkeys((r.group, r.plural) for r in RESOURCES))
_BY_PATH = {(r.group, r.version, r.plural): r for r in RESOURCES}
_BY_KIND = {(r.api_version, r.kind): r for r in RESOURCES}


def lookup(group: str, version: str, plural: str) -> Resource | None:
    return _BY_PATH.get((group, version, plural))


def for_kind(api_version: str, kind: str) -> Resource | None:
    return _BY_KIND.get((api_version, kind))


def find(name: str) -> Resource | None:
    """A resource by plural, singular, kind or short name, as `kubectl get` accepts them."""
    wanted = name.lower()
    for resource in RESOURCES:
        names = {resource.plural, resource.kind.lower(), *resource.short_names}
        if wanted in names or wanted == resource.plural.rstrip("s"):
            return resource
    return None


def groups() -> dict[str, tuple[str, ...]]:
    """group -> versions, for discovery."""
    found: dict[str, tuple[str, ...]] = {}
    for resource in RESOURCES:
        versions = found.get(resource.group, ())
        if resource.version not in versions:
            found[resource.group] = (*versions, resource.version)
    return found
