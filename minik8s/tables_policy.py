"""Printer columns of the policy kinds: ResourceQuota (and the kinds served alongside it).

Mirrors pkg/printers/internalversion/printers.go (`resourceQuotaColumnDefinitions` with
`printResourceQuota`: "resource: used/hard" pairs in name order, limits.* in the Limit column).
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


COLUMNS.update({
    "ResourceQuota": (NAME, AGE,
                      Column("Request", _quota_pairs(False), description="Request represents a minimum amount of "
                             "cpu/memory that a container may consume."),
                      Column("Limit", _quota_pairs(True), description="Limits control the maximum amount of "
                             "cpu/memory that a container may use independent of contention on the node.")),
})
