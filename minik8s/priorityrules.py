"""PriorityClass rules: the built-in system classes, defaulting, validation, and which classes cannot be deleted.

Mirrors pkg/apis/scheduling/v1 (`SystemPriorityClasses`, `IsKnownSystemPriorityClass`,
`SetDefaults_PriorityClass`), pkg/apis/scheduling/validation (`ValidatePriorityClass`,
`ValidatePriorityClassUpdate`), pkg/registry/scheduling/rest (`AddSystemPriorityClasses`, the
post-start hook creating them) and pkg/registry/scheduling/priorityclass/storage (`(*REST).Delete`:
system classes cannot be deleted).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kubeatlas.minik8s import status
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.status import Cause

if TYPE_CHECKING:
    from kubeatlas.minik8s.registry import Registry

HIGHEST_USER_DEFINABLE = 1_000_000_000
SYSTEM_CRITICAL = 2 * HIGHEST_USER_DEFINABLE
SYSTEM_PREFIX = "system-"
SYSTEM_CLASSES = (
    ("system-node-critical", SYSTEM_CRITICAL + 1000,
     "Used for system critical pods that must not be moved from their current node."),
    ("system-cluster-critical", SYSTEM_CRITICAL,
     "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
)
POLICIES = ("Never", "PreemptLowerPriority")


def system_class(name: str, value: int, description: str) -> dict:
    return {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name},
            "value": value, "description": description}


def default_priority_class(obj: dict) -> None:
    """SetDefaults_PriorityClass."""
    obj.setdefault("preemptionPolicy", "PreemptLowerPriority")


def _known_system_class(name: str, value, global_default: bool) -> str:
    """IsKnownSystemPriorityClass: '' when it is one, else why not."""
    for known, known_value, _ in SYSTEM_CLASSES:
        if known == name:
            if value != known_value:
                return f"value of {name} PriorityClass must be {known_value}"
            if global_default:
                return f"globalDefault of {name} PriorityClass must be false"
            return ""
    return f"{name} is not a known system priority class"


def validate_priority_class(obj: dict, causes: list[Cause]) -> None:
    """ValidatePriorityClass."""
    name, value = (obj.get("metadata") or {}).get("name", ""), obj.get("value")
    if isinstance(value, bool) or not isinstance(value, int):
        causes.append(Cause("value", f"Invalid value: {value!r}: must be a 32-bit integer"))
        return
    if name.startswith(SYSTEM_PREFIX):
        problem = _known_system_class(name, value, bool(obj.get("globalDefault")))
        if problem:
            causes.append(Cause("metadata.name", "Forbidden: priority class names with 'system-' prefix are reserved "
                                f"for system use only. error: {problem}", "FieldValueForbidden"))
    elif value > HIGHEST_USER_DEFINABLE:
        causes.append(Cause("value", f"Forbidden: maximum allowed value of a user defined priority is "
                            f"{HIGHEST_USER_DEFINABLE}", "FieldValueForbidden"))
    policy = obj.get("preemptionPolicy")
    if policy is not None and policy not in POLICIES:
        causes.append(Cause("preemptionPolicy", f'Unsupported value: "{policy}": supported values: "Never", '
                            '"PreemptLowerPriority"', "FieldValueNotSupported"))


def validate_update(obj: dict, old: dict) -> None:
    """ValidatePriorityClassUpdate: value and preemptionPolicy are immutable."""
    causes = []
    if obj.get("value") != old.get("value"):
        causes.append(Cause("value", "Forbidden: may not be changed in an update.", "FieldValueForbidden"))
    if obj.get("preemptionPolicy") != old.get("preemptionPolicy"):
        causes.append(Cause("preemptionPolicy", f'Invalid value: "{obj.get("preemptionPolicy")}": field is '
                            "immutable"))
    if causes:
        raise status.invalid("PriorityClass", obj["metadata"].get("name", ""), tuple(causes), "scheduling.k8s.io")


def check_delete(name: str) -> None:
    """(*REST).Delete of the priorityclass storage."""
    if any(name == known for known, _, _ in SYSTEM_CLASSES):
        raise status.forbidden("priorityclasses.scheduling.k8s.io", name,
                               "this is a system priority class and cannot be deleted")


def ensure_system_classes(registry: Registry) -> None:
    """AddSystemPriorityClasses: create the system classes that are missing."""
    resource = for_kind("scheduling.k8s.io/v1", "PriorityClass")
    for name, value, description in SYSTEM_CLASSES:
        if registry.store.get(resource.key("", name)) is None:
            registry.create(resource, "", system_class(name, value, description))
