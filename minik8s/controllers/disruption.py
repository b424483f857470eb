"""The disruption controller: each PodDisruptionBudget's status - pods healthy, pods needed, disruptions allowed.

Mirrors pkg/controller/disruption/disruption.go (`(*DisruptionController).trySync`:
`getPodsForPdb` by the budget's selector, `getExpectedPodCount` - minAvailable as a number
counts the selected pods, a percent or maxUnavailable scales against the replicas of the pods'
controllers (`getExpectedScale` with the Deployment and ReplicaSet finders) -
`buildDisruptedPodMap` keeping evictions the apiserver recorded for up to `DeletionTimeout`,
`countHealthyPods` (ready, not deleting, not just evicted), `updatePdbStatus` with
disruptionsAllowed = currentHealthy - desiredHealthy, never below 0, and the DisruptionAllowed
condition of k8s.io/component-helpers/apps/poddisruptionbudget `UpdateDisruptionAllowedCondition`;
`failSafe` when the expected count cannot be found).
"""

from __future__ import annotations

import math
import time

from kubeatlas.minik8s import meta
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.controllers.podstate import is_ready
from kubeatlas.minik8s.controllers.worker import Controller
from kubeatlas.minik8s.indexer import NAMESPACE_INDEX
from kubeatlas.minik8s.informer import Handler, InformerFactory
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.selector import from_label_selector
from kubeatlas.minik8s.trace import Tracer

PDB, POD = for_kind("policy/v1", "PodDisruptionBudget"), for_kind("v1", "Pod")
REPLICA_SET, DEPLOYMENT = for_kind("apps/v1", "ReplicaSet"), for_kind("apps/v1", "Deployment")
DELETION_TIMEOUT = 120.0  # an evicted pod not deleted within 2 minutes counts again
MIRROR = "method:k8s.io/kubernetes/pkg/controller/disruption.(*DisruptionController).trySync"


class NoController(Exception):
    """getExpectedScale: a selected pod's controller is not one whose scale is known."""


def selects(pdb: dict, pod: dict) -> bool:
    """The budget's selector matches the pod (a null selector matches nothing, an empty one everything)."""
    return meta.namespace_of(pdb) == meta.namespace_of(pod) and \
        from_label_selector((pdb.get("spec") or {}).get("selector")).matches(meta.labels_of(pod))


def scaled(value, total: int) -> int:
    """intstr.GetScaledValueFromIntOrPercent, rounding up."""
    if isinstance(value, str) and value.endswith("%"):
        return math.ceil(int(value[:-1]) * total / 100)
    return int(value)


class DisruptionController(Controller):
    name = "disruption-controller"

    def __init__(self, client: Client, informers: InformerFactory, *, trace: Tracer | None = None) -> None:
        super().__init__(trace=trace)
        self.client = client
        self.pdbs = informers.informer(PDB)
        self.pods = informers.informer(POD)
        self.replica_sets = informers.informer(REPLICA_SET)
        self.deployments = informers.informer(DEPLOYMENT)
        self.pdbs.add_handler(Handler(self._enqueue, lambda _old, new: self._enqueue(new), None))
        self.pods.add_handler(Handler(self._pod_changed, lambda _old, new: self._pod_changed(new), self._pod_changed))

    def _enqueue(self, pdb: dict) -> None:
        self.queue.add(meta.key_of(pdb))

    def _pod_changed(self, pod: dict) -> None:
        for pdb in self.pdbs.indexer.by_index(NAMESPACE_INDEX, meta.namespace_of(pod)):
            if selects(pdb, pod):
                self._enqueue(pdb)

    def sync(self, key: str) -> None:
        pdb = self.pdbs.indexer.get(key)
        if pdb is None:
            return
        pods = [p for p in self.pods.indexer.by_index(NAMESPACE_INDEX, meta.namespace_of(pdb)) if selects(pdb, p)]
        now = time.time()
        try:
            expected, desired = self.expected_pod_count(pdb, pods)
        except NoController as err:
            return self._write(pdb, self._fail_safe(pdb, str(err)))
        disrupted, recheck = self._disrupted_pods(pdb, pods, now)
        healthy = sum(1 for p in pods if not meta.is_deleting(p) and is_ready(p)
                      and meta.name_of(p) not in disrupted)
        allowed = max(healthy - desired, 0) if expected > 0 else 0
        status = {"observedGeneration": pdb["metadata"].get("generation", 1), "disruptionsAllowed": allowed,
                  "currentHealthy": healthy, "desiredHealthy": desired, "expectedPods": expected}
        if disrupted:
            status["disruptedPods"] = disrupted
        status["conditions"] = [dict(c) for c in (pdb.get("status") or {}).get("conditions") or ()]
        reason = "SufficientPods" if allowed > 0 else "InsufficientPods"
        meta.set_condition(status, "DisruptionAllowed", "True" if allowed > 0 else "False", reason,
                           observedGeneration=status["observedGeneration"])
        self._write(pdb, status)
        if recheck is not None:
            self.queue.add_after(key, max(recheck - now, 0.1))

    def _write(self, pdb: dict, status: dict) -> None:
        if (pdb.get("status") or {}) == status:
            return
        self.emit("update pdb status", MIRROR, f"{meta.key_of(pdb)}: {status.get('currentHealthy', 0)} healthy, "
                  f"{status.get('desiredHealthy', 0)} desired, {status['disruptionsAllowed']} disruptions allowed")
        updated = meta.deep_copy(pdb)
        updated["status"] = status
        self.client.update_status(PDB, updated)  # a 409 (the eviction subresource wrote first) re-queues

    def _fail_safe(self, pdb: dict, message: str) -> dict:
        """failSafe: nothing may be evicted while the budget cannot be computed."""
        status = meta.deep_copy(pdb.get("status") or {})
        status["disruptionsAllowed"] = 0
        meta.set_condition(status, "DisruptionAllowed", "False", "SyncFailed", message,
                           observedGeneration=status.get("observedGeneration", 0))
        return status

    def expected_pod_count(self, pdb: dict, pods: list[dict]) -> tuple[int, int]:
        """getExpectedPodCount: (expectedCount, desiredHealthy)."""
        spec = pdb.get("spec") or {}
        if spec.get("maxUnavailable") is not None:
            expected = self._expected_scale(pods)
            return expected, max(expected - scaled(spec["maxUnavailable"], expected), 0)
        minimum = spec.get("minAvailable")
        if isinstance(minimum, int):
            return len(pods), minimum
        if minimum is not None:
            expected = self._expected_scale(pods)
            return expected, scaled(minimum, expected)
        return 0, 0

    def _expected_scale(self, pods: list[dict]) -> int:
        """getExpectedScale: the sum of spec.replicas over the distinct controllers of the pods (unmanaged
        pods are left out, as the real controller only warns about them)."""
        scales: dict[str, int] = {}
        for pod in pods:
            ref = meta.controller_of(pod)
            if ref is None or ref.get("uid") in scales:
                continue
            owner = self._scale_owner(meta.namespace_of(pod), ref)
            if owner is None:
                raise NoController(f'found no controllers for pod "{meta.name_of(pod)}"')
            scales[meta.uid_of(owner)] = int((owner.get("spec") or {}).get("replicas", 1))
        return sum(scales.values())

    def _scale_owner(self, namespace: str, ref: dict) -> dict | None:
        """finderForReplicaSet / finderForDeployment: a ReplicaSet, or the Deployment that controls it."""
        if ref.get("kind") != "ReplicaSet":
            return None
        rs = self.replica_sets.indexer.get(f"{namespace}/{ref.get('name')}")
        if rs is None or meta.uid_of(rs) != ref.get("uid"):
            return None
        parent = meta.controller_of(rs)
        if parent and parent.get("kind") == "Deployment":
            deployment = self.deployments.indexer.get(f"{namespace}/{parent.get('name')}")
            return deployment if deployment is not None and meta.uid_of(deployment) == parent.get("uid") else None
        return rs

    @staticmethod
    def _disrupted_pods(pdb: dict, pods: list[dict], now: float) -> tuple[dict[str, str], float | None]:
        """buildDisruptedPodMap: evictions still expected to end in a deletion, and when to look again."""
        recorded = (pdb.get("status") or {}).get("disruptedPods") or {}
        kept: dict[str, str] = {}
        recheck = None
        for pod in pods:
            name = meta.name_of(pod)
            if meta.is_deleting(pod) or name not in recorded:
                continue
            expires = meta.parse_time(recorded[name]) + DELETION_TIMEOUT
            if expires > now:
                kept[name] = recorded[name]
                recheck = expires if recheck is None else min(recheck, expires)
        return kept, recheck
