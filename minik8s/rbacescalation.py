"""RBAC escalation prevention: nobody grants, through a Role or a binding, permissions it does not hold.

Mirrors the policy-based RBAC storage of kube-apiserver: pkg/registry/rbac/role/policybased
and clusterrole/policybased (`(*Storage).Create`/`Update`: allowed for system:masters
(`rbacregistry.EscalationAllowed`) or with the `escalate` verb on the role
(`RoleEscalationAuthorized`), else `ConfirmNoEscalation`; an aggregationRule needs `*` on
everything), rolebinding and clusterrolebinding/policybased (allowed with the `bind` verb on the
referenced role, `BindingAuthorized`, else the referenced role's rules must be held), and
pkg/registry/rbac/validation (`ConfirmNoEscalation`, `CompactRules`) over
staging/src/k8s.io/component-helpers/auth/rbac/validation `Covers`, `BreakdownRule` and
`ruleCovers`. Refusals are 403 Forbidden naming the rules not held. Runs as a validating
admission step on writes that carry a requester (authorization.REQUESTER).
"""

from __future__ import annotations

from kubeatlas.minik8s import admission, rbac, status
from kubeatlas.minik8s.authorization import MASTERS, REQUESTER, Attributes, StoredRules, UserInfo, authorize
from kubeatlas.minik8s.registry import Registry
from kubeatlas.minik8s.resources import RBAC

ROLES, BINDINGS = ("Role", "ClusterRole"), ("RoleBinding", "ClusterRoleBinding")
FULL_AUTHORITY = [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}, {"verbs": ["*"], "nonResourceURLs": ["*"]}]


def breakdown(rule: dict) -> list[dict]:
    """BreakdownRule: one rule per group x resource x verb (x name), and per URL x verb."""
    names = rule.get("resourceNames") or ()
    subrules = [{"apiGroups": [g], "resources": [r], "verbs": [v], **({"resourceNames": [n]} if n else {})}
                for g in rule.get("apiGroups") or () for r in rule.get("resources") or ()
                for v in rule.get("verbs") or () for n in (names or ("",))]
    return subrules + [{"nonResourceURLs": [u], "verbs": [v]} for u in rule.get("nonResourceURLs") or ()
                       for v in rule.get("verbs") or ()]


def _covers_all(owned, wanted) -> bool:
    return "*" in owned or set(wanted) <= set(owned)


def _resources_covered(owned: list[str], wanted: list[str]) -> bool:
    """resourceCoversAll: `*`, each resource, or `*/subresource` for a subresource."""
    if _covers_all(owned, wanted):
        return True
    return all(path in owned or ("/" in path and f"*/{path.split('/', 1)[1]}" in owned) for path in wanted)


def rule_covers(owner: dict, sub: dict) -> bool:
    """ruleCovers."""
    owned_names, wanted_names = owner.get("resourceNames") or [], sub.get("resourceNames") or []
    names = not owned_names if not wanted_names else not owned_names or set(wanted_names) <= set(owned_names)
    urls = all(any(rbac.non_resource_url_matches({"nonResourceURLs": [o]}, path)
                   for o in owner.get("nonResourceURLs") or ()) for path in sub.get("nonResourceURLs") or ())
    return _covers_all(owner.get("verbs") or (), sub.get("verbs") or ()) and \
        _covers_all(owner.get("apiGroups") or (), sub.get("apiGroups") or ()) and \
        _resources_covered(owner.get("resources") or [], sub.get("resources") or []) and names and urls


def compact_string(rule: dict) -> str:
    """CompactString: `{APIGroups:["apps"], Resources:["deployments"], Verbs:["create" "delete"]}`."""
    parts = [f'{label}:[{" ".join(chr(34) + v + chr(34) for v in rule[key])}]' for label, key in (
        ("APIGroups", "apiGroups"), ("Resources", "resources"), ("NonResourceURLs", "nonResourceURLs"),
        ("ResourceNames", "resourceNames"), ("Verbs", "verbs")) if rule.get(key)]
    return "{" + ", ".join(parts) + "}"


def missing_rights(owned: list[dict], granted: list[dict]) -> list[str]:
    """Covers, then CompactRules (simple rules of one group, resource and name merge their verbs)."""
    merged: dict[tuple, dict] = {}
    for sub in (s for rule in granted for s in breakdown(rule)):
        if any(rule_covers(owner, sub) for owner in owned):
            continue
        key = (tuple(sub.get("apiGroups", ())), tuple(sub.get("resources", ())),
               tuple(sub.get("resourceNames", ())), tuple(sub.get("nonResourceURLs", ())))
        if key in merged and not sub.get("nonResourceURLs"):
            merged[key]["verbs"] += sub["verbs"]
        else:
            merged[key if not sub.get("nonResourceURLs") else (*key, len(merged))] = sub
    return sorted({compact_string(rule) for rule in merged.values()})


def confirm_no_escalation(source: rbac.RuleSource, user: UserInfo, namespace: str, granted: list[dict]) -> str:
    """ConfirmNoEscalation: '' when the user holds every right granted, else the error."""
    owned, errors = rbac.rules_for(source, user.name, user.groups, namespace)
    missing = missing_rights(owned, granted)
    if not missing:
        return ""
    groups = "[" + " ".join(f'"{g}"' for g in user.groups) + "]"
    message = f'user "{user.name}" (groups={groups}) is attempting to grant RBAC permissions not currently held:\n' \
              + "\n".join(missing)
    return message + (f"; resolution errors: [{', '.join(errors)}]" if errors else "")


class EscalationCheck:
    """The policy-based storage's checks, as a validating admission plugin."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.source = StoredRules(registry)

    def validate(self, attrs: admission.Attributes) -> None:
        user, obj, kind = REQUESTER.get(), attrs.obj, attrs.resource.kind
        if user is None or MASTERS in user.groups or obj is None or kind not in ROLES + BINDINGS \
                or attrs.operation not in (admission.CREATE, admission.UPDATE):
            return
        name = (obj.get("metadata") or {}).get("name", "")
        if kind in ROLES:
            if authorize(self.registry, user, Attributes("escalate", True, RBAC, attrs.namespace,
                                                         attrs.resource.plural, "", name))[0]:
                return
            problem = confirm_no_escalation(self.source, user, attrs.namespace, list(obj.get("rules") or ()))
            if not problem and obj.get("aggregationRule") and \
                    confirm_no_escalation(self.source, user, attrs.namespace, FULL_AUTHORITY):
                problem = "must have cluster-admin privileges to use the aggregationRule"
        else:
            ref = obj.get("roleRef") or {}
            plural = "roles" if ref.get("kind") == "Role" else "clusterroles"
            if authorize(self.registry, user, Attributes("bind", True, ref.get("apiGroup", ""), attrs.namespace,
                                                         plural, "", ref.get("name", "")))[0]:
                return
            try:
                rules = rbac.role_reference_rules(self.source, ref, attrs.namespace)
            except LookupError as err:
                rules, problem = [], str(err)
            else:
                problem = confirm_no_escalation(self.source, user, attrs.namespace, rules)
        if problem:
            resource = f"{attrs.resource.plural}.{RBAC}"
            raise status.ApiError(403, "Forbidden", f'{resource} "{name}" is forbidden: {problem}',
                                  kind=attrs.resource.plural, name=name, group=RBAC)
