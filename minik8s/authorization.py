"""Authorization: who the request is, may it do this, and the self-reviews asking in advance.

minik8s has one credential, the admin's token; its user is in `system:masters`, which
kube-apiserver's privileged-group authorizer (pkg/kubeapiserver/authorizer
`authorizerfactory.NewPrivilegedGroups`) allows everything. A request may impersonate another
user (k8s.io/apiserver/pkg/endpoints/filters `WithImpersonation`: Impersonate-User,
Impersonate-Group); such a user is then held to RBAC (rbac.py over the stored Roles,
ClusterRoles and their bindings; rbacpolicy.py's bootstrap policy binds system:discovery,
system:basic-user and system:public-info-viewer to every authenticated user) and refused the
rest with kube-apiserver's Forbidden (`WithAuthorization`, responsewriters `Forbidden` and
`forbiddenMessage`, the authorizer's reason appended). pkg/registry/authorization/
selfsubjectaccessreview `(*REST).Create` answers the same question for the requester,
selfsubjectrulesreview `(*REST).Create` lists the rules it holds (`kubectl auth can-i --list`)
and pkg/registry/authentication/selfsubjectreview `(*REST).Create` says who it is
(`kubectl auth whoami`).
"""

from __future__ import annotations

import contextvars
import json
from collections.abc import Callable
from dataclasses import dataclass

from kubeatlas.minik8s import meta, rbac, status
from kubeatlas.minik8s.auth import USER
from kubeatlas.minik8s.registry import Registry
from kubeatlas.minik8s.resources import RBAC, for_kind
from kubeatlas.minik8s.routing import RequestInfo

MASTERS, AUTHENTICATED, UNAUTHENTICATED = "system:masters", "system:authenticated", "system:unauthenticated"
GROUP = "authorization.k8s.io"
ROLE, CLUSTER_ROLE = for_kind(f"{RBAC}/v1", "Role"), for_kind(f"{RBAC}/v1", "ClusterRole")
ROLE_BINDING, CLUSTER_ROLE_BINDING = for_kind(f"{RBAC}/v1", "RoleBinding"), for_kind(f"{RBAC}/v1", "ClusterRoleBinding")


@dataclass(frozen=True, slots=True)
class UserInfo:
    name: str
    groups: tuple[str, ...]


ADMIN = UserInfo(USER, (MASTERS, AUTHENTICATED))
# genericapirequest.WithUser: the requester of the request this thread serves (None: the apiserver itself)
REQUESTER: contextvars.ContextVar[UserInfo | None] = contextvars.ContextVar("minik8s_requester", default=None)


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

    def request(self) -> rbac.Request:
        return rbac.Request(self.verb, self.resource_request, self.group, self.resource, self.subresource,
                            self.name, self.path)


class StoredRules:
    """rbac.RuleSource over the registry (the RBAC authorizer's listers, which read the watch cache)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def cluster_role_bindings(self):
        return self.registry.list(CLUSTER_ROLE_BINDING, "")[0]

    def role_bindings(self, namespace: str):
        return self.registry.list(ROLE_BINDING, namespace)[0]

    def _get(self, resource, namespace: str, name: str) -> dict:
        try:
            return self.registry.get(resource, namespace, name)
        except status.ApiError as err:  # the lister's errors.NewNotFound(v1.Resource("role"), name)
            if err.code == 404:
                raise LookupError(f'{resource.kind.lower()}.{RBAC} "{name}" not found') from None
            raise

    def cluster_role(self, name: str) -> dict:
        return self._get(CLUSTER_ROLE, "", name)

    def role(self, namespace: str, name: str) -> dict:
        return self._get(ROLE, namespace, name)


TokenUser = Callable[[str], "tuple[str, tuple[str, ...]] | None"]  # a token's (user, groups), or None


def user_of(headers, token_user: TokenUser | None = None) -> UserInfo:
    """The service account a token from serviceaccounts/token names (`token_user`); else the admin (the
    token was checked before), or the user it impersonates (a ServiceAccount's user name, without
    Impersonate-Group, brings the groups of service accounts)."""
    name = headers.get("Impersonate-User")
    groups = tuple(headers.get_all("Impersonate-Group") or ()) if hasattr(headers, "get_all") else ()
    scheme, _, credential = (headers.get("Authorization") or "").strip().partition(" ")
    account = token_user(credential.strip()) if token_user is not None and scheme.lower() == "bearer" else None
    if account is not None:
        if name or groups:  # impersonation needs the impersonate verb, which no service account has here
            raise status.forbidden("users", name or "", f'User "{account[0]}" cannot impersonate resource "users" '
                                   'in API group "" at the cluster scope')
        return UserInfo(*account)
    if not name:
        if groups:
            raise status.ApiError(500, "InternalError", "requested impersonation of groups without a user")
        return ADMIN
    parts = name.split(":")
    if not groups and len(parts) == 4 and name.startswith(rbac.SA_PREFIX) and all(parts[2:]):
        groups = ("system:serviceaccounts", f"system:serviceaccounts:{parts[2]}")  # serviceaccount.MakeGroupNames
    if name == "system:anonymous":  # WithImpersonation: the anonymous user is unauthenticated
        return UserInfo(name, groups if UNAUTHENTICATED in groups else (*groups, UNAUTHENTICATED))
    if AUTHENTICATED in groups or UNAUTHENTICATED in groups:
        return UserInfo(name, groups)
    return UserInfo(name, (*groups, AUTHENTICATED))


def attributes_of(info: RequestInfo, method: str) -> Attributes:
    if not info.is_resource_request:
        return Attributes(method.lower(), False, path=info.path)
    return Attributes(info.verb, True, info.group, info.namespace, info.resource, info.subresource, info.name)


def authorize(registry: Registry, user: UserInfo, attrs: Attributes) -> tuple[bool, str]:
    """The union authorizer: the privileged group, then RBAC. (allowed, reason)."""
    if MASTERS in user.groups:
        return True, ""
    return rbac.authorize(StoredRules(registry), user.name, user.groups, attrs.namespace, attrs.request())


def forbidden_message(user: UserInfo, attrs: Attributes) -> str:
    """responsewriters.forbiddenMessage."""
    if not attrs.resource_request:
        return f'User "{user.name}" cannot {attrs.verb} path "{attrs.path}"'
    resource = f"{attrs.resource}/{attrs.subresource}" if attrs.subresource else attrs.resource
    where = f'in the namespace "{attrs.namespace}"' if attrs.namespace else "at the cluster scope"
    return f'User "{user.name}" cannot {attrs.verb} resource "{resource}" in API group "{attrs.group}" {where}'


def authorize_request(registry: Registry, user: UserInfo, info: RequestInfo, method: str) -> None:
    """WithAuthorization: a refused request is a 403 Forbidden naming the user, what it asked, and why."""
    REQUESTER.set(user)
    attrs = attributes_of(info, method)
    allowed, reason = authorize(registry, user, attrs)
    if allowed:
        return
    message = forbidden_message(user, attrs) + (f": {reason}" if reason else "")
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


def access_review(registry: Registry, user: UserInfo, raw: bytes) -> dict:
    """SelfSubjectAccessReview create: the spec's attributes for the requester, allowed or not, and why."""
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
    allowed, reason = authorize(registry, user, attrs)
    return {"apiVersion": f"{GROUP}/v1", "kind": "SelfSubjectAccessReview", "metadata": {"creationTimestamp": None},
            "spec": spec, "status": {"allowed": allowed, **({"reason": reason} if reason else {})}}


def rules_review(registry: Registry, user: UserInfo, raw: bytes) -> dict:
    """SelfSubjectRulesReview create: the rules RBAC binds to the requester in spec.namespace
    ((*RBACAuthorizer).RulesFor: a rule naming resources is a resource rule, one naming URLs a
    non-resource rule; roles that could not be found are the evaluationError)."""
    spec = _body(raw).get("spec") or {}
    rules, errors = rbac.rules_for(StoredRules(registry), user.name, user.groups, spec.get("namespace") or "")
    resources = [{key: list(rule.get(key) or ()) for key in ("verbs", "apiGroups", "resources", "resourceNames")
                  if rule.get(key) or key != "resourceNames"} for rule in rules if rule.get("resources")]
    paths = [{"verbs": list(rule.get("verbs") or ()), "nonResourceURLs": list(rule["nonResourceURLs"])}
             for rule in rules if rule.get("nonResourceURLs")]
    found = {"resourceRules": resources, "nonResourceRules": paths, "incomplete": False}
    if errors:
        found["evaluationError"] = rbac.aggregate(errors)
    return {"apiVersion": f"{GROUP}/v1", "kind": "SelfSubjectRulesReview", "metadata": {"creationTimestamp": None},
            "spec": spec, "status": found}


def self_review(_registry: Registry, user: UserInfo, _raw: bytes) -> dict:
    """SelfSubjectReview create (authentication.k8s.io): the requester's user name and groups."""
    return {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview",
            "metadata": {"creationTimestamp": meta.now()},
            "status": {"userInfo": {"username": user.name, "groups": list(user.groups)}}}


REVIEWS = {("authorization.k8s.io", "selfsubjectaccessreviews"): access_review,
           ("authorization.k8s.io", "selfsubjectrulesreviews"): rules_review,
           ("authentication.k8s.io", "selfsubjectreviews"): self_review}
