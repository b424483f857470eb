"""Resource quantities: "100m" CPU, "128Mi" memory, "2" GPUs, and pod resource requests.

Mirrors k8s.io/apimachinery/pkg/api/resource (`ParseQuantity`, `(*Quantity).MilliValue`,
`Value`, and `CanonicalizeBytes`, the form a Quantity is stored and served in: `0.5` is
`500m`, `1000000000` is `1G`, `1024Mi` is `1Gi`, `1536Mi` stays) and pkg/api/v1/resource
`PodRequests` (the sum over containers, at least the largest init container). CPU is kept in
millicores, everything else in whole units.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal, InvalidOperation

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


_DECIMAL = {-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"}
_BINARY = {0: "", 1: "Ki", 2: "Mi", 3: "Gi", 4: "Ti", 5: "Pi", 6: "Ei"}
_NANO, _WIDE = Decimal("1e-9"), Context(prec=80)


def canonical(value) -> str:
    """CanonicalizeBytes of ParseQuantity(value): the suffix kind it was written in (decimal SI,
    binary SI or an exponent), the value rounded up to nano units, the largest suffix that
    keeps the number whole. Binary values under 1Ki or with a fraction are written decimal."""
    text = str(value).strip()
    number = parse(value)
    if number != 0:  # ParseQuantity rounds non-zero values up to the smallest unit, 1n
        number = number.quantize(_NANO, rounding="ROUND_UP", context=_WIDE)
    if number == 0:
        return "0"
    binary = text.endswith("i")
    if binary and abs(number) >= 1024 and number == number.to_integral_value():
        mantissa, power = int(number), 0
        while mantissa % 1024 == 0 and power < 6:
            mantissa, power = mantissa // 1024, power + 1
        return f"{mantissa}{_BINARY[power]}"
    exponent_form = not binary and bool(re.search(r"[0-9.][eE][+-]?[0-9]+$", text))
    sign, digits, exponent = number.normalize().as_tuple()
    mantissa = int("".join(map(str, digits)))
    while exponent % 3:  # AsCanonicalBytes: an exponent that is a multiple of three
        mantissa, exponent = mantissa * 10, exponent - 1
    written = f"{'-' if sign else ''}{mantissa}"
    if exponent_form:
        return written + (f"e{exponent}" if exponent else "")
    return written + _DECIMAL.get(exponent, f"e{exponent}")


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
