"""RBAC rule evaluation: which bindings apply to a user, which rules they grant, does a rule allow a request.

Mirrors the RBAC authorizer of kube-apiserver. plugin/pkg/auth/authorizer/rbac/rbac.go
(`RuleAllows`: verb, API group, resource or `*/subresource`, resource name; or verb and
non-resource URL with a trailing `*`), the matchers of pkg/apis/rbac/v1/evaluation_helpers.go
(`VerbMatches`, `APIGroupMatches`, `ResourceMatches`, `ResourceNameMatches`,
`NonResourceURLMatches`) and pkg/registry/rbac/validation/rule.go (`VisitRulesFor`: every
ClusterRoleBinding, then the RoleBindings of the request's namespace, whose subjects name the
user, one of its groups or its ServiceAccount; `GetRoleReferenceRules` resolving the roleRef,
a missing role being an error the visitor collects; `appliesToUser`). Objects are plain dicts
as stored; where they come from is the caller's business (a `RuleSource`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

SA_PREFIX = "system:serviceaccount:"


@dataclass(frozen=True, slots=True)
class Request:
    """What RuleAllows reads from authorizer.Attributes."""

    verb: str
    resource_request: bool
    group: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""
    path: str = ""


class RuleSource(Protocol):
    """The listers and getters of `NewDefaultRuleResolver`; a getter raises LookupError with the
    lister's NotFound message for a role that does not exist."""

    def cluster_role_bindings(self) -> Iterable[dict]: ...
    def role_bindings(self, namespace: str) -> Iterable[dict]: ...
    def cluster_role(self, name: str) -> dict: ...
    def role(self, namespace: str, name: str) -> dict: ...


def _has(values, wanted: str, everything: str = "*") -> bool:
    return any(value in (everything, wanted) for value in values or ())


def resource_matches(rule: dict, combined: str, subresource: str) -> bool:
    """ResourceMatches: `*`, the exact `resource[/subresource]`, or `*/subresource`."""
    for resource in rule.get("resources") or ():
        if resource in ("*", combined):
            return True
        if subresource and resource == f"*/{subresource}":
            return True
    return False


def non_resource_url_matches(rule: dict, path: str) -> bool:
    """NonResourceURLMatches: `*`, the exact path, or a prefix ending in `*`."""
    for url in rule.get("nonResourceURLs") or ():
        if url in ("*", path) or (url.endswith("*") and path.startswith(url.rstrip("*"))):
            return True
    return False


def rule_allows(request: Request, rule: dict) -> bool:
    """RuleAllows."""
    if not _has(rule.get("verbs"), request.verb):
        return False
    if not request.resource_request:
        return non_resource_url_matches(rule, request.path)
    combined = f"{request.resource}/{request.subresource}" if request.subresource else request.resource
    names = rule.get("resourceNames") or ()
    return _has(rule.get("apiGroups"), request.group) and resource_matches(rule, combined, request.subresource) \
        and (not names or request.name in names)


def applies_to_user(name: str, groups: tuple[str, ...], subject: dict, namespace: str) -> bool:
    """appliesToUser: a User by name, a Group by membership, a ServiceAccount by its user name."""
    kind = subject.get("kind")
    if kind == "User":
        return subject.get("name") == name
    if kind == "Group":
        return subject.get("name") in groups
    if kind == "ServiceAccount":
        sa_namespace = subject.get("namespace") or namespace
        return bool(sa_namespace) and name == f"{SA_PREFIX}{sa_namespace}:{subject.get('name')}"
    return False


def describe_subject(subject: dict, namespace: str) -> str:
    """describeSubject."""
    if subject.get("kind") == "ServiceAccount":
        return f'ServiceAccount "{subject.get("name")}/{subject.get("namespace") or namespace}"'
    return f'{subject.get("kind")} "{subject.get("name")}"'


def role_reference_rules(source: RuleSource, role_ref: dict, namespace: str) -> list[dict]:
    """GetRoleReferenceRules: the rules of the Role (in the binding's namespace) or ClusterRole."""
    kind = role_ref.get("kind")
    if kind == "Role":
        return list(source.role(namespace, role_ref.get("name", "")).get("rules") or ())
    if kind == "ClusterRole":
        return list(source.cluster_role(role_ref.get("name", "")).get("rules") or ())
    raise LookupError(f'unsupported role reference kind: "{kind}"')


Visitor = Callable[[str, "dict | None", "str | None"], bool]


def visit_rules_for(source: RuleSource, name: str, groups: tuple[str, ...], namespace: str,
                    visitor: Visitor) -> None:
    """VisitRulesFor: visitor(source description, rule, error) for each rule bound to the user;
    it returns False to stop."""
    scopes: list[tuple[str, Iterable[dict]]] = [("", source.cluster_role_bindings())]
    if namespace:
        scopes.append((namespace, source.role_bindings(namespace)))
    for scope, bindings in scopes:
        for binding in bindings:
            subject = next((s for s in binding.get("subjects") or ()
                            if applies_to_user(name, groups, s, scope)), None)
            if subject is None:
                continue
            role_ref = binding.get("roleRef") or {}
            try:
                rules = role_reference_rules(source, role_ref, scope)
            except LookupError as err:
                if not visitor("", None, str(err)):
                    return
                continue
            binding_name = binding["metadata"]["name"]
            described = f'ClusterRoleBinding "{binding_name}"' if not scope else \
                f'RoleBinding "{binding_name}/{scope}"'
            described += f' of {role_ref.get("kind")} "{role_ref.get("name")}" to {describe_subject(subject, scope)}'
            for rule in rules:
                if not visitor(described, rule, None):
                    return


def aggregate(errors: list[str]) -> str:
    """utilerrors.NewAggregate(...).Error(): one message, or all of them in brackets."""
    return errors[0] if len(errors) == 1 else f"[{', '.join(errors)}]"


def authorize(source: RuleSource, name: str, groups: tuple[str, ...], namespace: str,
              request: Request) -> tuple[bool, str]:
    """(*RBACAuthorizer).Authorize: (allowed, reason) - the granting binding, or the lookup errors met."""
    allowed_by: list[str] = []
    errors: list[str] = []

    def visit(described: str, rule: dict | None, error: str | None) -> bool:
        if rule is not None and rule_allows(request, rule):
            allowed_by.append(described)
            return False
        if error:
            errors.append(error)
        return True

    visit_rules_for(source, name, groups, namespace, visit)
    if allowed_by:
        return True, f"RBAC: allowed by {allowed_by[0]}"
    return False, f"RBAC: {aggregate(errors)}" if errors else ""


def rules_for(source: RuleSource, name: str, groups: tuple[str, ...], namespace: str) -> tuple[list[dict], list[str]]:
    """(*DefaultRuleResolver).RulesFor: every rule bound to the user, and the errors met on the way."""
    rules: list[dict] = []
    errors: list[str] = []

    def visit(_described: str, rule: dict | None, error: str | None) -> bool:
        if rule is not None:
            rules.append(rule)
        if error:
            errors.append(error)
        return True

    visit_rules_for(source, name, groups, namespace, visit)
    return rules, errors
