"""The ClusterRole aggregation controller: an aggregated ClusterRole holds the rules of the roles it selects.

Mirrors pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go
(`(*ClusterRoleAggregationController).syncClusterRole`: for a ClusterRole with an
aggregationRule, the rules of every other ClusterRole matching one of its
clusterRoleSelectors, by name order, each rule once; written back only when they differ;
`enqueueAll`: any ClusterRole change re-queues every aggregated role, so `admin` follows
`edit`, which follows `view`).
"""

from __future__ import annotations

from kubeatlas.minik8s import meta, status
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.controllers.worker import Controller
from kubeatlas.minik8s.informer import Handler, InformerFactory
from kubeatlas.minik8s.resources import RBAC, for_kind
from kubeatlas.minik8s.selector import from_label_selector
from kubeatlas.minik8s.trace import Tracer

CLUSTER_ROLE = for_kind(f"{RBAC}/v1", "ClusterRole")
MIRROR = "method:k8s.io/kubernetes/pkg/controller/clusterroleaggregation.(*ClusterRoleAggregationController)." \
         "syncClusterRole"


class ClusterRoleAggregationController(Controller):
    name = "clusterrole-aggregation-controller"

    def __init__(self, client: Client, informers: InformerFactory, *, trace: Tracer | None = None) -> None:
        super().__init__(trace=trace)
        self.client = client
        self.roles = informers.informer(CLUSTER_ROLE)
        self.roles.add_handler(Handler(lambda _r: self._enqueue_all(), lambda _o, _n: self._enqueue_all(),
                                       lambda _r: self._enqueue_all()))

    def _enqueue_all(self) -> None:
        for role in self.roles.indexer.list():
            if role.get("aggregationRule"):
                self.queue.add(meta.name_of(role))

    def aggregated_rules(self, role: dict) -> list[dict]:
        rules: list[dict] = []
        for spec in (role.get("aggregationRule") or {}).get("clusterRoleSelectors") or ():
            selector = from_label_selector(spec)
            for other in sorted(self.roles.indexer.list(), key=meta.name_of):
                if meta.name_of(other) == meta.name_of(role) or not selector.matches(meta.labels_of(other)):
                    continue
                rules.extend(rule for rule in other.get("rules") or () if rule not in rules)
        return rules

    def sync(self, key: str) -> None:
        role = self.roles.indexer.get(key)
        if role is None or not role.get("aggregationRule"):
            return
        rules = self.aggregated_rules(role)
        if rules == (role.get("rules") or []):
            return
        self.emit("aggregate clusterrole", MIRROR, f"{key}: {len(rules)} rules")
        updated = meta.deep_copy(role)
        updated["rules"] = rules
        try:
            self.client.update(CLUSTER_ROLE, updated)
        except status.ApiError as err:
            if not status.is_not_found(err):
                raise
