"""Authorization: who the request is, may it do this, and SelfSubjectAccessReview asking in advance.

minik8s has one credential, the admin's token; its user is in `system:masters`, which
kube-apiserver's privileged-group authorizer (pkg/kubeapiserver/authorizer
`authorizerfactory.NewPrivilegedGroups`) allows everything. A request may impersonate another
user (k8s.io/apiserver/pkg/endpoints/filters `WithImpersonation`: Impersonate-User,
Impersonate-Group); such a user is then held to the RBAC bootstrap policy with no other
bindings (plugin/pkg/auth/authorizer/rbac/bootstrappolicy: system:discovery,
system:basic-user, system:public-info-viewer) and refused the rest with kube-apiserver's
Forbidden (`WithAuthorization`, responsewriters `forbiddenMessage`). pkg/registry/authorization/
selfsubjectaccessreview `(*REST).Create` answers the same question for the requester, and
selfsubjectrulesreview `(*REST).Create` lists the rules it holds (`kubectl auth can-i --list`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from kubeatlas.minik8s import status
from kubeatlas.minik8s.auth import USER
from kubeatlas.minik8s.routing import RequestInfo

MASTERS, AUTHENTICATED = "system:masters", "system:authenticated"
DISCOVERY = ("/livez", "/readyz", "/healthz", "/version", "/version/", "/openapi", "/openapi/*",
             "/api", "/api/*", "/apis", "/apis/*")  # system:discovery, get
BASIC_USER = {("authorization.k8s.io", "selfsubjectaccessreviews"), ("authorization.k8s.io", "selfsubjectrulesreviews"),
              ("authentication.k8s.io", "selfsubjectreviews")}  # system:basic-user, create
PUBLIC_INFO = ("/livez", "/readyz", "/healthz", "/version", "/version/")  # system:public-info-viewer, get
GROUP = "authorization.k8s.io"


@dataclass(frozen=True, slots=True)
class UserInfo:
    name: str
    groups: tuple[str, ...]


ADMIN = UserInfo(USER, (MASTERS, AUTHENTICATED))


@dataclass(frozen=True, slots=True)
class Attributes:
    """authorizer.Attributes: a resource request's verb, group, namespace, resource; or a path's verb."""

    verb: str
    resource_request: bool
    group: str = ""
    namespace: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""
    path: str = ""


def user_of(headers) -> UserInfo:
    """The admin (the token was checked before), or the user it impersonates."""
    name = headers.get("Impersonate-User")
    groups = tuple(headers.get_all("Impersonate-Group") or ()) if hasattr(headers, "get_all") else ()
    if not name:
        if groups:
            raise status.ApiError(500, "InternalError", "requested impersonation of groups without a user")
        return ADMIN
    return UserInfo(name, (*groups, AUTHENTICATED) if AUTHENTICATED not in groups else groups)


def attributes_of(info: RequestInfo, method: str) -> Attributes:
    if not info.is_resource_request:
        return Attributes(method.lower(), False, path=info.path)
    return Attributes(info.verb, True, info.group, info.namespace, info.resource, info.subresource, info.name)


def authorize(user: UserInfo, attrs: Attributes) -> bool:
    """The privileged group, then the bootstrap roles every authenticated user is bound to."""
    if MASTERS in user.groups:
        return True
    if not attrs.resource_request:
        return attrs.verb == "get" and any(attrs.path == p or (p.endswith("*") and attrs.path.startswith(p[:-1]))
                                           for p in DISCOVERY)
    return attrs.verb == "create" and not attrs.subresource and (attrs.group, attrs.resource) in BASIC_USER


def forbidden_message(user: UserInfo, attrs: Attributes) -> str:
    """responsewriters.forbiddenMessage."""
    if not attrs.resource_request:
        return f'User "{user.name}" cannot {attrs.verb} path "{attrs.path}"'
    resource = f"{attrs.resource}/{attrs.subresource}" if attrs.subresource else attrs.resource
    where = f'in the namespace "{attrs.namespace}"' if attrs.namespace else "at the cluster scope"
    return f'User "{user.name}" cannot {attrs.verb} resource "{resource}" in API group "{attrs.group}" {where}'


def authorize_request(user: UserInfo, info: RequestInfo, method: str) -> None:
    """WithAuthorization: a refused request is a 403 Forbidden naming the user and what it asked."""
    attrs = attributes_of(info, method)
    if authorize(user, attrs):
        return
    message = forbidden_message(user, attrs)
    if not attrs.resource_request:
        raise status.ApiError(403, "Forbidden", f"forbidden: {message}")
    resource = f"{attrs.resource}.{attrs.group}" if attrs.group else attrs.resource
    named = f'{resource} "{attrs.name}"' if attrs.name else resource
    raise status.ApiError(403, "Forbidden", f"{named} is forbidden: {message}", kind=attrs.resource, name=attrs.name)


def _body(raw: bytes) -> dict:
    try:
        body = json.loads(raw or b"{}")
    except json.JSONDecodeError as exc:
        raise status.bad_request(f"invalid JSON in request body: {exc}") from None
    return body if isinstance(body, dict) else {}


def access_review(user: UserInfo, raw: bytes) -> dict:
    """SelfSubjectAccessReview create: the spec's attributes for the requester, allowed or not."""
    spec = _body(raw).get("spec") or {}
    resource, path = spec.get("resourceAttributes"), spec.get("nonResourceAttributes")
    if bool(resource) == bool(path):
        cause = status.Cause("spec.resourceAttributes", "Invalid value: \"null\": exactly one of "
                             "nonResourceAttributes or resourceAttributes must be specified", "FieldValueInvalid")
        raise status.invalid("SelfSubjectAccessReview", "", (cause,), GROUP)
    if resource:
        attrs = Attributes(resource.get("verb", ""), True, resource.get("group", ""), resource.get("namespace", ""),
                           resource.get("resource", ""), resource.get("subresource", ""), resource.get("name", ""))
    else:
        attrs = Attributes(path.get("verb", ""), False, path=path.get("path", ""))
    return {"apiVersion": f"{GROUP}/v1", "kind": "SelfSubjectAccessReview", "metadata": {"creationTimestamp": None},
            "spec": spec, "status": {"allowed": authorize(user, attrs)}}


def rules_review(user: UserInfo, raw: bytes) -> dict:
    """SelfSubjectRulesReview create: the rules the requester holds (all, for system:masters)."""
    spec = _body(raw).get("spec") or {}
    resources = [{"verbs": ["create"], "apiGroups": [group],
                  "resources": sorted(r for g, r in BASIC_USER if g == group)}
                 for group in sorted({g for g, _ in BASIC_USER})]
    paths = [{"verbs": ["get"], "nonResourceURLs": list(urls)} for urls in (DISCOVERY, PUBLIC_INFO)]
    if MASTERS in user.groups:
        resources.insert(0, {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]})
        paths.insert(0, {"verbs": ["*"], "nonResourceURLs": ["*"]})
    return {"apiVersion": f"{GROUP}/v1", "kind": "SelfSubjectRulesReview", "metadata": {"creationTimestamp": None},
            "spec": spec, "status": {"resourceRules": resources, "nonResourceRules": paths, "incomplete": False}}


REVIEWS = {"selfsubjectaccessreviews": access_review, "selfsubjectrulesreviews": rules_review}
