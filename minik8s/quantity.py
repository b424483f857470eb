"""Resource quantities: "100m" CPU, "128Mi" memory, "2" GPUs, and pod resource requests.

Mirrors k8s.io/apimachinery/pkg/api/resource (`ParseQuantity`, `(*Quantity).MilliValue`,
`Value`) and pkg/api/v1/resource `PodRequests` (the sum
over containers, at least the largest init container). CPU is kept in millicores,
everything else in whole units.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_SUFFIX = {"": 1, "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("0.001"),
           "k": 10 ** 3, "M": 10 ** 6, "G": 10 ** 9, "T": 10 ** 12, "P": 10 ** 15, "E": 10 ** 18,
           "Ki": 2 ** 10, "Mi": 2 ** 20, "Gi": 2 ** 30, "Ti": 2 ** 40, "Pi": 2 ** 50, "Ei": 2 ** 60}
_PATTERN = re.compile(r"^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]?)$")


class QuantityError(ValueError):
    """Not a Kubernetes quantity."""


def parse(value) -> Decimal:
    """The quantity as an exact decimal number of base units."""
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    match = _PATTERN.match(str(value).strip())
    if not match:
        raise QuantityError(f"quantities must match the regular expression "
                            f"'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': {value!r}")
    try:
        return Decimal(match.group(1)) * Decimal(_SUFFIX[match.group(2)])
    except InvalidOperation:
        raise QuantityError(f"bad quantity {value!r}") from None


def amount(name: str, value) -> int:
    """Integer amount in the unit the scheduler counts in: millicores for cpu, units otherwise."""
    number = parse(value)
    if name == "cpu":
        return int((number * 1000).to_integral_value(rounding="ROUND_CEILING"))
    return int(number.to_integral_value(rounding="ROUND_CEILING"))


def resource_list(values: dict | None) -> dict[str, int]:
    return {name: amount(name, value) for name, value in (values or {}).items()}


def pod_requests(spec: dict) -> dict[str, int]:
    """PodRequests: containers summed, raised to the largest init container."""
    total: dict[str, int] = {}
    for container in spec.get("containers") or ():
        for name, value in resource_list(_requests(container)).items():
            total[name] = total.get(name, 0) + value
    for container in spec.get("initContainers") or ():
        for name, value in resource_list(_requests(container)).items():
            total[name] = max(total.get(name, 0), value)
    return total


def _requests(container: dict) -> dict:
    """Requests default to limits when only limits are given (as API defaulting does)."""
    resources = container.get("resources") or {}
    merged = dict(resources.get("limits") or {})
    merged.update(resources.get("requests") or {})
    return merged


def is_extended(name: str) -> bool:
    """Extended resources are domain-prefixed names outside kubernetes.io (example.com/gpu)."""
    return "/" in name and not name.split("/", 1)[0].endswith("kubernetes.io")
