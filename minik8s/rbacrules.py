"""Defaulting and validation of the RBAC kinds: Role, ClusterRole, RoleBinding, ClusterRoleBinding.

Mirrors pkg/apis/rbac/v1/defaults.go (`SetDefaults_RoleBinding`, `SetDefaults_ClusterRoleBinding`:
roleRef.apiGroup is rbac.authorization.k8s.io; `SetDefaults_Subject`: a User or Group subject's
apiGroup is too) and pkg/apis/rbac/validation/validation.go (`ValidateRoleBinding`,
`ValidateClusterRoleBinding`: roleRef apiGroup, kind and name, `ValidateRoleBindingSubject`;
`ValidatePolicyRule`: verbs required, resources or nonResourceURLs; `ValidateRoleBindingUpdate`:
a binding's roleRef cannot change - delete and recreate it).
"""

from __future__ import annotations

from kubeatlas.minik8s.status import Cause

GROUP = "rbac.authorization.k8s.io"
BINDINGS = ("RoleBinding", "ClusterRoleBinding")


def _not_supported(path: str, value, allowed: tuple[str, ...]) -> Cause:
    listed = ", ".join(f'"{a}"' for a in allowed)
    return Cause(path, f'Unsupported value: "{value}": supported values: {listed}', "FieldValueNotSupported")


def _required(path: str) -> Cause:
    return Cause(path, "Required value", "FieldValueRequired")


def _go_strings(values) -> str:
    """A []string as field.Invalid prints it (%#v)."""
    return "[]string{" + ", ".join(f'"{v}"' for v in values or ()) + "}"


def default_binding(obj: dict) -> None:
    role_ref = obj.get("roleRef")
    if isinstance(role_ref, dict) and not role_ref.get("apiGroup"):
        role_ref["apiGroup"] = GROUP
    for subject in obj.get("subjects") or ():
        if isinstance(subject, dict) and not subject.get("apiGroup") and subject.get("kind") in ("User", "Group"):
            subject["apiGroup"] = GROUP


def validate_binding(obj: dict, causes: list[Cause]) -> None:
    cluster = obj.get("kind") == "ClusterRoleBinding"
    found = obj.get("roleRef")
    role_ref: dict = found if isinstance(found, dict) else {}
    if role_ref.get("apiGroup", "") != GROUP:
        causes.append(_not_supported("roleRef.apiGroup", role_ref.get("apiGroup", ""), (GROUP,)))
    kinds = ("ClusterRole",) if cluster else ("Role", "ClusterRole")
    if role_ref.get("kind", "") not in kinds:
        causes.append(_not_supported("roleRef.kind", role_ref.get("kind", ""), kinds))
    if not role_ref.get("name"):
        causes.append(_required("roleRef.name"))
    for i, subject in enumerate(obj.get("subjects") or ()):
        path, subject = f"subjects[{i}]", subject if isinstance(subject, dict) else {}
        if not subject.get("name"):
            causes.append(_required(f"{path}.name"))
        kind, group = subject.get("kind", ""), subject.get("apiGroup", "")
        if kind == "ServiceAccount":
            if group:
                causes.append(_not_supported(f"{path}.apiGroup", group, ("",)))
            if cluster and not subject.get("namespace"):
                causes.append(_required(f"{path}.namespace"))
        elif kind in ("User", "Group"):
            if group != GROUP:
                causes.append(_not_supported(f"{path}.apiGroup", group, (GROUP,)))
        else:
            causes.append(_not_supported(f"{path}.kind", kind, ("ServiceAccount", "User", "Group")))


def validate_role(obj: dict, causes: list[Cause]) -> None:
    """ValidatePolicyRule for each rule (a ClusterRole with an aggregationRule may have none)."""
    for i, rule in enumerate(obj.get("rules") or ()):
        path, rule = f"rules[{i}]", rule if isinstance(rule, dict) else {}
        if not rule.get("verbs"):
            causes.append(Cause(f"{path}.verbs", "Required value: verbs must contain at least one value",
                                "FieldValueRequired"))
        if rule.get("nonResourceURLs"):
            urls = _go_strings(rule["nonResourceURLs"])
            if obj.get("kind") == "Role":
                causes.append(Cause(f"{path}.nonResourceURLs", f"Invalid value: {urls}: "
                                    "namespaced rules cannot apply to non-resource URLs"))
            if rule.get("apiGroups") or rule.get("resources") or rule.get("resourceNames"):
                causes.append(Cause(f"{path}.nonResourceURLs", f"Invalid value: {urls}: "
                                    "rules cannot apply to both regular resources and non-resource URLs"))
            continue
        if not rule.get("apiGroups"):
            causes.append(Cause(f"{path}.apiGroups", "Required value: resource rules must supply at least one api "
                                "group", "FieldValueRequired"))
        if not rule.get("resources"):
            causes.append(Cause(f"{path}.resources", "Required value: resource rules must supply at least one "
                                "resource", "FieldValueRequired"))


def role_ref_change(obj: dict, old: dict) -> Cause | None:
    """ValidateRoleBindingUpdate's roleRef check, the value printed as Go's %#v of rbac.RoleRef."""
    new_ref, old_ref = obj.get("roleRef") or {}, old.get("roleRef") or {}
    if all(new_ref.get(k, "") == old_ref.get(k, "") for k in ("apiGroup", "kind", "name")):
        return None
    shown = ", ".join(f'{field}:"{new_ref.get(key, "")}"' for field, key in
                      (("APIGroup", "apiGroup"), ("Kind", "kind"), ("Name", "name")))
    return Cause("roleRef", f"Invalid value: rbac.RoleRef{{{shown}}}: cannot change roleRef")


DEFAULTERS = {kind: default_binding for kind in BINDINGS}
VALIDATORS = {"RoleBinding": validate_binding, "ClusterRoleBinding": validate_binding,
              "Role": validate_role, "ClusterRole": validate_role}
