"""Printer columns of the policy kinds: ResourceQuota, PodDisruptionBudget (and the kinds served alongside them).

Mirrors pkg/printers/internalversion/printers.go (`resourceQuotaColumnDefinitions` with
`printResourceQuota`: "resource: used/hard" pairs in name order, limits.* in the Limit column;
`podDisruptionBudgetColumnDefinitions` with `printPodDisruptionBudget`: N/A for an unset bound).
Registered into tables.COLUMNS when tables.py is imported.
"""

from __future__ import annotations

from kubeatlas.minik8s.tables import AGE, COLUMNS, NAME, Column


def _quota_pairs(limits: bool):
    def cell(quota: dict) -> str:
        status = quota.get("status") or {}
        hard, used = status.get("hard") or {}, status.get("used") or {}
        return ", ".join(f"{name}: {used.get(name, '0')}/{hard[name]}" for name in sorted(hard)
                         if (name.split(".")[0] == "limits" and "." in name) == limits)
    return cell


def _bound(field: str):
    def cell(pdb: dict) -> str:
        value = (pdb.get("spec") or {}).get(field)
        return "N/A" if value is None else str(value)
    return cell


COLUMNS.update({
    "PodDisruptionBudget": (NAME,
                            Column("Min Available", _bound("minAvailable"),
                                   description="The minimum number of pods that must be available."),
                            Column("Max Unavailable", _bound("maxUnavailable"),
                                   description="The maximum number of pods that may be unavailable."),
                            Column("Allowed Disruptions",
                                   lambda p: (p.get("status") or {}).get("disruptionsAllowed", 0), "integer",
                                   description="Calculated number of pods that may be disrupted at this time."),
                            AGE),
    "ResourceQuota": (NAME, AGE,
                      Column("Request", _quota_pairs(False), description="Request represents a minimum amount of "
                             "cpu/memory that a container may consume."),
                      Column("Limit", _quota_pairs(True), description="Limits control the maximum amount of "
                             "cpu/memory that a container may use independent of contention on the node.")),
})
