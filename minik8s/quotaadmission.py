"""The ResourceQuota admission plugin: refuse a write that would exceed a quota, else charge the quota at once.

Mirrors k8s.io/apiserver/pkg/admission/plugin/resourcequota (`(*QuotaAdmission).Validate`,
`(*quotaEvaluator).Evaluate`, `CheckRequest`:
the quotas of the namespace that match the object, `failed quota: ...` when a pod leaves out a
quota'd cpu or memory, `status unknown for quota` before the controller filled status.used,
`exceeded quota: q1, requested: pods=1, used: pods=10, limited: pods=10` when status.used plus the
object's usage passes status.hard; else the new usage is written to the quotas' status, so the next
request sees it before the resource quota controller recounts).
"""

from __future__ import annotations

import threading
from decimal import Decimal

from kubeatlas.minik8s import admission, quotausage, status
from kubeatlas.minik8s.registry import Registry
from kubeatlas.minik8s.resources import Resource, for_kind

QUOTA = for_kind("v1", "ResourceQuota")
IGNORED = {"events", "resourcequotas"}  # never charged on admission (the quota configuration's ignoredResources)


class ResourceQuotaAdmission:
    """The last validating plugin of the chain, as ResourceQuota is in kube-apiserver's plugin order."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._lock = threading.Lock()  # the evaluator's per-namespace work queue, made one lock

    def validate(self, attrs: admission.Attributes) -> None:
        resource, obj = attrs.resource, attrs.obj
        if obj is None or attrs.subresource or not resource.namespaced or resource.plural in IGNORED:
            return
        if attrs.operation != admission.CREATE and not (attrs.operation == admission.UPDATE
                                                        and resource.kind == "Service"):
            return  # Handles: creates; of updates only a service's (its type may add node ports)
        with self._lock:
            for _ in range(10):
                try:
                    return self._check_and_charge(attrs, resource, obj)
                except status.ApiError as err:
                    if err.code != 409:
                        raise
            raise status.internal("resource quota evaluation kept conflicting with quota status updates")

    def _check_and_charge(self, attrs: admission.Attributes, resource: Resource, obj: dict) -> None:
        quotas, _ = self.registry.list(QUOTA, attrs.namespace)
        name = self._name(attrs, obj)
        interesting = []
        for quota in quotas:
            if not quotausage.matches(resource, quota, obj):
                continue
            quota_name = quota["metadata"]["name"]
            quota_status = quota.get("status") or {}
            restricted = quotausage.matching_resources(resource, set(quota_status.get("hard") or {}))
            problem = quotausage.constraints(resource, restricted, obj)
            if problem:
                raise self._forbidden(resource, name, f"failed quota: {quota_name}: {problem}")
            if any(r not in (quota_status.get("used") or {}) for r in restricted):
                raise self._forbidden(resource, name, f"status unknown for quota: {quota_name}, resources: "
                                      + ",".join(sorted(restricted)))
            interesting.append(quota)
        delta = quotausage.usage(resource, obj)
        if attrs.operation == admission.UPDATE and attrs.old_obj is not None:
            before = quotausage.usage(resource, attrs.old_obj)  # SubtractWithNonNegativeResult
            delta = {k: max(v - before.get(k, Decimal(0)), Decimal(0)) for k, v in delta.items()}
        delta = {k: v for k, v in delta.items() if v != 0}
        if not delta or not interesting:
            return
        charged = []
        for quota in interesting:
            quota_status = quota.get("status") or {}
            hard = quotausage.parse_list(quota_status.get("hard"))
            used = quotausage.parse_list(quota_status.get("used"))
            requested = {k: v for k, v in delta.items() if k in hard}
            new_used = quotausage.add(used, requested)
            exceeded = sorted(k for k in requested if new_used[k] > hard[k])
            if exceeded:
                raise self._forbidden(resource, name, "exceeded quota: {}, requested: {}, used: {}, limited: {}".format(
                    quota["metadata"]["name"], quotausage.pretty({k: requested[k] for k in exceeded}),
                    quotausage.pretty({k: used.get(k, Decimal(0)) for k in exceeded}),
                    quotausage.pretty({k: hard[k] for k in exceeded})))
            charged.append((quota, {**used, **{k: new_used[k] for k in requested}}))
        for quota, new_used in charged:  # UpdateQuotaStatus, guarded by the resourceVersion that was read
            self._write_used(quota, new_used)

    def _write_used(self, quota: dict, used: quotausage.Usage) -> None:
        md = quota["metadata"]

        def charge(current: dict) -> dict:
            current.setdefault("status", {})["used"] = quotausage.render_list(used)
            return current

        self.registry.guaranteed_update(QUOTA, md["namespace"], md["name"], charge,
                                        int(md["resourceVersion"]), "status")

    @staticmethod
    def _name(attrs: admission.Attributes, obj: dict) -> str:
        """extractResourceName: the generateName of an object whose name is still to be generated."""
        md = obj.get("metadata") or {}
        return md.get("generateName") or attrs.name if attrs.generated else attrs.name

    @staticmethod
    def _forbidden(resource: Resource, name: str, message: str) -> status.ApiError:
        qualified = resource.plural + (f".{resource.group}" if resource.group else "")
        return status.forbidden(qualified, name, message)
