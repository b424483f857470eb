"""Validation of ResourceQuota: resource names a quota may limit, non-negative (and whole) amounts, known scopes.

Mirrors pkg/apis/core/validation (`ValidateResourceQuota`, `ValidateResourceQuotaSpec`,
`ValidateResourceQuotaStatus`, `ValidateResourceQuotaResourceName`, `ValidateResourceQuantityValue`,
`validateResourceQuotaScopes`) and pkg/apis/core/helper (`IsStandardQuotaResourceName`,
`IsIntegerResourceName`).
"""

from __future__ import annotations

import re

from kubeatlas.minik8s.quantity import QuantityError, parse
from kubeatlas.minik8s.status import Cause

STANDARD_QUOTA = {"cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage",
                  "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods",
                  "resourcequotas", "services", "replicationcontrollers", "secrets", "persistentvolumeclaims",
                  "configmaps", "services.nodeports", "services.loadbalancers"}
INTEGER = {"pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps",
           "persistentvolumeclaims", "services.nodeports", "services.loadbalancers"}
SCOPES = {"Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity"}
_QUALIFIED = re.compile(r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
                        r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")


def _resource_name(name: str, path: str, causes: list[Cause]) -> None:
    """ValidateResourceQuotaResourceName."""
    if not _QUALIFIED.match(name):
        causes.append(Cause(path, f'Invalid value: "{name}": name part must consist of alphanumeric characters, '
                            "'-', '_' or '.', and must start and end with an alphanumeric character"))
    elif "/" not in name and name not in STANDARD_QUOTA and not name.startswith(("hugepages-", "requests.hugepages-")):
        causes.append(Cause(path, f'Invalid value: "{name}": must be a standard resource for quota'))


def _amount(name: str, value, path: str, causes: list[Cause]) -> None:
    """ValidateResourceQuantityValue: not negative; a whole number for counted resources."""
    try:
        number = parse(value)
    except QuantityError:
        causes.append(Cause(path, f"Invalid value: {value!r}: quantities must match the regular expression "
                            "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"))
        return
    if number < 0:
        causes.append(Cause(path, f'Invalid value: "{value}": must be greater than or equal to 0'))
    if (name in INTEGER or name.startswith("count/")) and (number * 1000) % 1000:
        causes.append(Cause(path, f'Invalid value: "{value}": must be an integer'))


def _resource_list(values, path: str, causes: list[Cause]) -> None:
    if values is None:
        return
    if not isinstance(values, dict):
        causes.append(Cause(path, "must be a map of resource names to quantities"))
        return
    for name, value in values.items():
        _resource_name(str(name), f"{path}[{name}]", causes)
        _amount(str(name), value, f"{path}[{name}]", causes)


def validate_resource_quota(obj: dict, causes: list[Cause]) -> None:
    spec = obj.get("spec") or {}
    if not isinstance(spec, dict):
        causes.append(Cause("spec", "must be an object"))
        return
    _resource_list(spec.get("hard"), "spec.hard", causes)
    for i, scope in enumerate(spec.get("scopes") or ()):
        if scope not in SCOPES:
            causes.append(Cause(f"spec.scopes[{i}]", f'Invalid value: "{scope}": unsupported scope'))
    expressions = (spec.get("scopeSelector") or {}).get("matchExpressions") or ()
    for i, expression in enumerate(expressions):
        path = f"spec.scopeSelector.matchExpressions[{i}]"
        if expression.get("scopeName") not in SCOPES:
            causes.append(Cause(f"{path}.scopeName", f'Invalid value: "{expression.get("scopeName")}": '
                                "unsupported scope"))
        operator, values = expression.get("operator"), expression.get("values") or ()
        if operator not in ("In", "NotIn", "Exists", "DoesNotExist"):
            causes.append(Cause(f"{path}.operator", f'Invalid value: "{operator}": not a valid selector operator'))
        elif operator in ("In", "NotIn") and not values:
            causes.append(Cause(f"{path}.values", "Required value: must be at least one value when `operator` "
                                "is 'In' or 'NotIn' for scope selector", "FieldValueRequired"))
        elif operator in ("Exists", "DoesNotExist") and values:
            causes.append(Cause(f"{path}.values", "Invalid value: must be no value when `operator` is 'Exist' "
                                "or 'DoesNotExist' for scope selector"))
    status = obj.get("status") or {}
    if isinstance(status, dict):
        _resource_list(status.get("hard"), "status.hard", causes)
        _resource_list(status.get("used"), "status.used", causes)
