"""What an object consumes of a ResourceQuota: the quota evaluators' Usage, Matches and Constraints.

Mirrors pkg/quota/v1/evaluator/core/pods.go (`PodUsageFunc`: count/pods always, and for a pod
that `QuotaV1Pod` still charges - not terminal, not past its deletion grace - pods=1 and
`podComputeUsageHelper`'s requests.*/limits.* over `PodRequests`/`PodLimits`; `Constraints`:
a quota on cpu or memory makes every container state it; `podMatchesScopeFunc`),
pkg/quota/v1/evaluator/core/services.go (`ServiceUsageFunc`), the object-count evaluator of
k8s.io/apiserver/pkg/quota/v1/generic (`ObjectCountQuotaResourceNameFor`: count/<resource>.<group>)
and the ResourceList arithmetic of k8s.io/apiserver/pkg/quota/v1 (`Add`, `LessThanOrEqual`, `Mask`).
"""

from __future__ import annotations

import time
from decimal import Decimal

from kubeatlas.minik8s import meta
from kubeatlas.minik8s.quantity import QuantityError, canonical, parse
from kubeatlas.minik8s.resources import Resource
from kubeatlas.minik8s.strategy import qos_class

Usage = dict[str, Decimal]
ONE = Decimal(1)
POD_RESOURCES = {"count/pods", "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory",
                 "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods"}
CONSTRAINED = {"cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"}  # validationSet
LEGACY_COUNTS = {"configmaps", "secrets", "resourcequotas", "replicationcontrollers", "persistentvolumeclaims"}
SERVICE_RESOURCES = {"count/services", "services", "services.nodeports", "services.loadbalancers"}


def count_name(resource: Resource) -> str:
    """ObjectCountQuotaResourceNameFor: count/pods, count/deployments.apps."""
    return f"count/{resource.plural}" + (f".{resource.group}" if resource.group else "")


def matching_resources(resource: Resource, names: list[str] | set[str]) -> set[str]:
    """The evaluator's MatchingResources: which quota resource names this kind is charged under."""
    if resource.kind == "Pod":
        return {n for n in names if n in POD_RESOURCES or n.startswith(("hugepages-", "requests.hugepages-"))
                or (n.startswith("requests.") and "/" in n)}
    if resource.kind == "Service":
        return {n for n in names if n in SERVICE_RESOURCES}
    legacy = {resource.plural} if not resource.group and resource.plural in LEGACY_COUNTS else set()
    return {n for n in names if n == count_name(resource) or n in legacy}


def _quantities(values: dict | None) -> Usage:
    found: Usage = {}
    for name, value in (values or {}).items():
        try:
            found[name] = parse(value)
        except QuantityError:
            continue
    return found


def _compute(requests: Usage, limits: Usage) -> Usage:
    """podComputeUsageHelper."""
    result: Usage = {"pods": ONE}
    for name in ("cpu", "memory", "ephemeral-storage"):
        if name in requests:
            result[name] = result[f"requests.{name}"] = requests[name]
        if name in limits:
            result[f"limits.{name}"] = limits[name]
    for name, value in requests.items():
        if name.startswith("hugepages-"):
            result[name] = result[f"requests.{name}"] = value
        elif "/" in name and not name.split("/", 1)[0].endswith("kubernetes.io"):
            result[f"requests.{name}"] = value
    return result


def _pod_totals(spec: dict, field: str) -> Usage:
    """PodRequests / PodLimits: the containers summed, raised to the largest init container."""
    total: Usage = {}
    for container in spec.get("containers") or ():
        for name, value in _quantities((container.get("resources") or {}).get(field)).items():
            total[name] = total.get(name, Decimal(0)) + value
    for container in spec.get("initContainers") or ():
        for name, value in _quantities((container.get("resources") or {}).get(field)).items():
            total[name] = max(total.get(name, Decimal(0)), value)
    return total


def charged(pod: dict, now: float | None = None) -> bool:
    """QuotaV1Pod: terminal pods and pods past their deletion grace are not charged."""
    if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return False
    md = pod.get("metadata") or {}
    if md.get("deletionTimestamp") and md.get("deletionGracePeriodSeconds") is not None:
        deadline = meta.parse_time(md["deletionTimestamp"]) + int(md["deletionGracePeriodSeconds"])
        if (now or time.time()) > deadline:
            return False
    return True


def usage(resource: Resource, obj: dict, now: float | None = None) -> Usage:
    """The evaluator's Usage of one object."""
    result: Usage = {count_name(resource): ONE}
    spec = obj.get("spec") or {}
    if resource.kind == "Pod":
        if charged(obj, now):
            result.update(_compute(_pod_totals(spec, "requests"), _pod_totals(spec, "limits")))
    elif resource.kind == "Service":
        result["services"] = ONE
        kind, ports = spec.get("type", "ClusterIP"), len(spec.get("ports") or ())
        if kind in ("NodePort", "LoadBalancer"):
            result["services.nodeports"] = Decimal(ports)
        if kind == "LoadBalancer":
            result["services.loadbalancers"] = ONE
    elif not resource.group and resource.plural in LEGACY_COUNTS:
        result[resource.plural] = ONE
    return result


def constraints(resource: Resource, required: set[str], obj: dict) -> str:
    """podEvaluator.Constraints: the 'must specify ...' message, or '' when every container states them."""
    if resource.kind != "Pod":
        return ""
    wanted = required & CONSTRAINED
    missing: dict[str, set[str]] = {}
    spec = obj.get("spec") or {}
    for container in [*(spec.get("containers") or ()), *(spec.get("initContainers") or ())]:
        resources = container.get("resources") or {}
        have = set(_compute(_quantities(resources.get("requests")), _quantities(resources.get("limits"))))
        for name in wanted - have:
            missing.setdefault(name, set()).add(container.get("name", ""))
    if not missing:
        return ""
    return "must specify " + "; ".join(f"{name} for: {','.join(sorted(missing[name]))}" for name in sorted(missing))


def scopes_of(quota: dict) -> list[dict]:
    """getScopeSelectorsFromQuota: spec.scopes as Exists requirements, then scopeSelector's expressions."""
    spec = quota.get("spec") or {}
    found = [{"scopeName": scope, "operator": "Exists"} for scope in spec.get("scopes") or ()]
    return found + list((spec.get("scopeSelector") or {}).get("matchExpressions") or ())


def _scope_matches(scope: dict, pod: dict) -> bool:
    """podMatchesScopeFunc."""
    spec, name = pod.get("spec") or {}, scope.get("scopeName")
    if name == "PriorityClass":
        value, values = spec.get("priorityClassName") or "", scope.get("values") or ()
        return {"Exists": bool(value), "DoesNotExist": not value, "In": bool(value) and value in values,
                "NotIn": not value or value not in values}.get(scope.get("operator", ""), False)
    terminating = isinstance(spec.get("activeDeadlineSeconds"), int) and spec["activeDeadlineSeconds"] >= 0
    best_effort = qos_class(spec) == "BestEffort"
    return {"Terminating": terminating, "NotTerminating": not terminating, "BestEffort": best_effort,
            "NotBestEffort": not best_effort, "CrossNamespacePodAffinity": False}.get(name or "", False)


def matches(resource: Resource, quota: dict, obj: dict) -> bool:
    """generic.Matches: the quota limits one of the kind's resources and every scope matches (scopes
    are about pods: a scoped quota never matches another kind)."""
    hard = set((quota.get("status") or {}).get("hard") or {})
    if not matching_resources(resource, hard):
        return False
    scopes = scopes_of(quota)
    if resource.kind != "Pod":
        return not scopes
    return all(_scope_matches(scope, obj) for scope in scopes)


def add(left: Usage, right: Usage) -> Usage:
    total = dict(left)
    for name, value in right.items():
        total[name] = total.get(name, Decimal(0)) + value
    return total


def parse_list(values: dict | None) -> Usage:
    return _quantities(values)


def render(name: str, value: Decimal) -> str:
    """A quantity as Quantity.String prints it: binary suffixes for whole byte counts of memory and storage."""
    bytes_like = any(word in name for word in ("memory", "storage", "hugepages"))
    if bytes_like and value == value.to_integral_value() and value >= 1024 and int(value) % 1024 == 0:
        return canonical(f"{int(value) // 1024}Ki")
    return canonical(format(value.normalize(), "f"))


def render_list(values: Usage) -> dict[str, str]:
    return {name: render(name, value) for name, value in sorted(values.items())}


def pretty(values: Usage) -> str:
    """prettyPrint: name=value pairs in name order, comma-separated."""
    return ",".join(f"{name}={render(name, value)}" for name, value in sorted(values.items()))
