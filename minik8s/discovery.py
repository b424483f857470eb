"""Discovery documents: /api, /apis, /api/v1, /apis/{group}/{version}, /version.

Mirrors k8s.io/apiserver/pkg/endpoints/discovery (`(*APIVersionHandler).handle`,
`(*rootAPIsHandler).ServeHTTP`): the lists clients read to learn which kinds exist.
"""

from __future__ import annotations

from kubeatlas.minik8s.resources import RESOURCES, groups

SUBRESOURCES = {  # the kind and verbs discovery lists for a subresource (others: the parent kind, get/patch/update)
    "binding": {"kind": "Binding", "verbs": ["create"]},
    "scale": {"group": "autoscaling", "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"]},
    "log": {"kind": "Pod", "verbs": ["get"]},
    "exec": {"kind": "PodExecOptions", "verbs": ["create", "get"]},
    "attach": {"kind": "PodAttachOptions", "verbs": ["create", "get"]},
    "portforward": {"kind": "PodPortForwardOptions", "verbs": ["create", "get"]},
    "eviction": {"group": "policy", "version": "v1", "kind": "Eviction", "verbs": ["create"]},
    "finalize": {"kind": "Namespace", "verbs": ["update"]},
    "token": {"group": "authentication.k8s.io", "version": "v1", "kind": "TokenRequest", "verbs": ["create"]},
}


def api_versions() -> dict:
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                            "serverAddress": "127.0.0.1"}]}


def _group(name: str, versions: tuple[str, ...]) -> dict:
    listed = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
    return {"kind": "APIGroup", "apiVersion": "v1", "name": name, "versions": listed,
            "preferredVersion": listed[0]}


def api_group_list() -> dict:
    return {"kind": "APIGroupList", "apiVersion": "v1",
            "groups": [_group(g, v) for g, v in sorted(groups().items()) if g]}


def api_group(name: str) -> dict | None:
    versions = groups().get(name)
    return _group(name, versions) if name and versions else None


def resource_list(group: str, version: str) -> dict | None:
    entries = []
    for resource in RESOURCES:
        if (resource.group, resource.version) != (group, version):
            continue
        entries.append({"name": resource.plural, "singularName": resource.kind.lower(),
                        "namespaced": resource.namespaced, "kind": resource.kind,
                        "verbs": list(resource.verbs), "shortNames": list(resource.short_names),
                        **({"categories": list(resource.categories)} if resource.categories else {})})
        for sub in resource.subresources:
            entries.append({"name": f"{resource.plural}/{sub}", "singularName": "",
                            "namespaced": resource.namespaced, **SUBRESOURCES.get(sub, {
                                "kind": resource.kind, "verbs": ["get", "patch", "update"]})})
    if not entries:
        return None
    group_version = f"{group}/{version}" if group else version
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version,
            "resources": entries}


def version_info() -> dict:
    return {"major": "1", "minor": "28", "gitVersion": "v1.28.7-minik8s", "gitCommit": "",
            "gitTreeState": "clean", "buildDate": "", "goVersion": "python",
            "compiler": "cpython", "platform": "linux/amd64"}
