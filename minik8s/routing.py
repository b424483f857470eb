"""Turn an HTTP method and path into a RequestInfo: verb, group, version, namespace, resource, name.

Mirrors k8s.io/apiserver/pkg/endpoints/request (`(*RequestInfoFactory).NewRequestInfo`),
including its rule that `/api/v1/namespaces/{ns}/{resource}` scopes a resource to a
namespace while `/api/v1/namespaces/{ns}` and `.../{ns}/status` address the Namespace.
"""

from __future__ import annotations

from dataclasses import dataclass

NAMESPACE_SUBRESOURCES = ("status", "finalize")


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """What a request is about (request.RequestInfo)."""

    is_resource_request: bool
    path: str
    verb: str = ""
    group: str = ""
    version: str = ""
    namespace: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""


def request_info(method: str, path: str, watch: bool) -> RequestInfo:
    parts = [p for p in path.strip("/").split("/") if p]
    if not parts or parts[0] not in ("api", "apis"):
        return RequestInfo(False, path)
    if parts[0] == "api":
        if len(parts) < 3:
            return RequestInfo(False, path)
        group, version, rest = "", parts[1], parts[2:]
    else:
        if len(parts) < 4:
            return RequestInfo(False, path)
        group, version, rest = parts[1], parts[2], parts[3:]
    namespace = ""
    if rest[0] == "namespaces" and len(rest) > 1:
        namespace = rest[1]
        if len(rest) > 2 and rest[2] not in NAMESPACE_SUBRESOURCES:
            rest = rest[2:]
    resource = rest[0]
    name = rest[1] if len(rest) > 1 else ""
    subresource = rest[2] if len(rest) > 2 else ""
    if resource == "namespaces" and name:
        namespace = ""  # the namespace object itself is cluster-scoped
    verb = _verb(method, bool(name), watch)
    return RequestInfo(True, path, verb, group, version, namespace, resource, subresource, name)


def _verb(method: str, named: bool, watch: bool) -> str:
    if method == "GET":
        if watch:
            return "watch"
        return "get" if named else "list"
    return {"POST": "create", "PUT": "update", "PATCH": "patch",
            "DELETE": "delete" if named else "deletecollection"}.get(method, method.lower())
