"""The resource quota controller: keeps every ResourceQuota's status.hard and status.used true to the namespace.

Mirrors pkg/controller/resourcequota/resource_quota_controller.go (`(*Controller).syncResourceQuota`:
status.hard is spec.hard, status.used is `quota.CalculateUsage` over the objects of the namespace
that the quota's resources and scopes select, written back with the resourceVersion that was read
so a charge made by the admission plugin meanwhile wins and the sync retries; `replenishQuota`:
a deleted or finished object re-queues the namespace's quotas; a full resync now and then).
"""

from __future__ import annotations

from decimal import Decimal

from kubeatlas.minik8s import meta, quotausage, status
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.controllers.worker import Controller
from kubeatlas.minik8s.indexer import NAMESPACE_INDEX
from kubeatlas.minik8s.informer import Handler, InformerFactory
from kubeatlas.minik8s.resources import PREFERRED, Resource, for_kind
from kubeatlas.minik8s.trace import Tracer

QUOTA = for_kind("v1", "ResourceQuota")
REPLENISHED = tuple(for_kind("v1", kind) for kind in ("Pod", "Service", "ConfigMap", "Secret"))
MIRROR = "method:k8s.io/kubernetes/pkg/controller/resourcequota.(*Controller).syncResourceQuota"


class ResourceQuotaController(Controller):
    name = "resourcequota-controller"

    def __init__(self, client: Client, informers: InformerFactory, *, resync: float = 30.0,
                 trace: Tracer | None = None) -> None:
        super().__init__(trace=trace)
        self.client = client
        self.resync = resync
        self.quotas = informers.informer(QUOTA)
        self.quotas.add_handler(Handler(self._enqueue, self._quota_updated, None))
        for resource in REPLENISHED:  # replenishment: usage goes down on deletes and on pods that finish
            informers.informer(resource).add_handler(Handler(None, self._object_updated, self._replenish))

    def _enqueue(self, quota: dict) -> None:
        self.queue.add(meta.key_of(quota))

    def _quota_updated(self, old: dict, new: dict) -> None:
        if old.get("spec") != new.get("spec") or (new.get("status") or {}).get("hard") != \
                (new.get("spec") or {}).get("hard"):
            self._enqueue(new)

    def _object_updated(self, old: dict, new: dict) -> None:
        if (quotausage.charged(old) and not quotausage.charged(new)) or old.get("spec") != new.get("spec"):
            self._replenish(new)

    def _replenish(self, obj: dict) -> None:
        for quota in self.quotas.indexer.by_index(NAMESPACE_INDEX, meta.namespace_of(obj)):
            self._enqueue(quota)

    def sync(self, key: str) -> None:
        namespace, name = meta.split_key(key)
        try:
            quota = self.client.get(QUOTA, namespace, name)  # the resourceVersion the status write is guarded by
        except status.ApiError as err:
            if status.is_not_found(err):
                return
            raise
        hard = dict((quota.get("spec") or {}).get("hard") or {})
        used = self.calculate_usage(namespace, quota, hard)
        wanted = {"hard": hard, "used": quotausage.render_list(used)}
        if (quota.get("status") or {}) != wanted:
            self.emit("update quota status", MIRROR, f"{key}: used {quotausage.pretty(used) or '-'}")
            quota["status"] = wanted
            self.client.update_status(QUOTA, quota)  # a 409 re-queues the key with backoff
        if self.resync > 0:
            self.queue.add_after(key, self.resync)

    def calculate_usage(self, namespace: str, quota: dict, hard: dict) -> quotausage.Usage:
        """quota.CalculateUsage: every resource the quota names starts at zero; each kind whose
        evaluator matches one of them adds the usage of its objects that the quota's scopes select."""
        names = set(hard)
        used: quotausage.Usage = {name: Decimal(0) for name in names}
        probe = {**quota, "status": {"hard": hard}}  # Matches reads status.hard
        for resource in _namespaced():
            wanted = quotausage.matching_resources(resource, names)
            if not wanted:
                continue
            objects, _ = self.client.list(resource, namespace)
            for obj in objects:
                if quotausage.matches(resource, probe, obj):
                    usage = quotausage.usage(resource, obj)
                    for name in wanted:
                        used[name] += usage.get(name, Decimal(0))
        return used


def _namespaced() -> tuple[Resource, ...]:
    return tuple(r for r in PREFERRED if r.namespaced and "list" in r.verbs)
