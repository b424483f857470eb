"""Validation of PodDisruptionBudget: one of minAvailable and maxUnavailable, each a count or a percent up to 100%.

Mirrors pkg/apis/policy/validation (`ValidatePodDisruptionBudget`, `ValidatePodDisruptionBudgetSpec`,
`ValidatePodDisruptionBudgetStatusUpdate`) and pkg/apis/apps/validation (`ValidatePositiveIntOrPercent`,
`IsNotMoreThan100Percent`), with k8s.io/apimachinery/pkg/util/validation `IsValidPercent`.
"""

from __future__ import annotations

import re

from kubeatlas.minik8s.selector import from_label_selector
from kubeatlas.minik8s.status import ApiError, Cause

_PERCENT = re.compile(r"^[0-9]+%$")
POLICIES = ("AlwaysAllow", "IfHealthyBudget")
BAD_PERCENT = ("a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', "
               "regex used for validation is '[0-9]+%')")


def validate_int_or_percent(value, path: str, causes: list[Cause]) -> None:
    """ValidatePositiveIntOrPercent and IsNotMoreThan100Percent."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        causes.append(Cause(path, f"Invalid value: {value!r}: must be an integer or percentage (e.g '5%%')"))
    elif isinstance(value, int):
        if value < 0:
            causes.append(Cause(path, f"Invalid value: {value}: must be greater than or equal to 0"))
    elif not _PERCENT.match(value):
        causes.append(Cause(path, f"Invalid value: {value}: {BAD_PERCENT}"))
    elif int(value[:-1]) > 100:
        causes.append(Cause(path, f"Invalid value: {value}: must not be greater than 100%"))


def validate_pod_disruption_budget(obj: dict, causes: list[Cause]) -> None:
    spec = obj.get("spec") or {}
    if not isinstance(spec, dict):
        causes.append(Cause("spec", "must be an object"))
        return
    if spec.get("minAvailable") is not None and spec.get("maxUnavailable") is not None:
        causes.append(Cause("spec", f"Invalid value: policy.PodDisruptionBudgetSpec{{MinAvailable:"
                            f"{spec['minAvailable']}, MaxUnavailable:{spec['maxUnavailable']}}}: minAvailable and "
                            "maxUnavailable cannot be both set"))
    for field in ("minAvailable", "maxUnavailable"):
        if spec.get(field) is not None:
            validate_int_or_percent(spec[field], f"spec.{field}", causes)
    if spec.get("selector") is not None:
        try:
            from_label_selector(spec["selector"])
        except ApiError as exc:
            causes.append(Cause("spec.selector", exc.message))
    policy = spec.get("unhealthyPodEvictionPolicy")
    if policy is not None and policy not in POLICIES:
        causes.append(Cause("spec.unhealthyPodEvictionPolicy", f'Unsupported value: "{policy}": supported values: '
                            + ", ".join(f'"{p}"' for p in POLICIES), "FieldValueNotSupported"))
    status = obj.get("status") or {}
    for field in ("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"):
        value = status.get(field) if isinstance(status, dict) else None
        if isinstance(value, int) and value < 0:
            causes.append(Cause(f"status.{field}", f"Invalid value: {value}: must be greater than or equal to 0"))
