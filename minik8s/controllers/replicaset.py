"""The ReplicaSet controller: keep exactly spec.replicas active pods matching the selector.

Mirrors pkg/controller/replicaset: `(*ReplicaSetController).syncReplicaSet` (look up the
RS, claim pods, manage replicas if expectations are satisfied, write status),
`manageReplicas` (create the missing pods in `slowStartBatch`es, or delete the surplus
chosen by `getPodsToDelete`), `claimPods` (adopt matching orphans through a controller
ownerReference), and `calculateStatus` / `updateReplicaSetStatus`.
"""

from __future__ import annotations

from kubeatlas.minik8s import meta, status
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.controllers.adoption import AdoptionCheck
from kubeatlas.minik8s.controllers.expectations import Expectations
from kubeatlas.minik8s.controllers.podstate import (
    deletion_rank,
    is_active,
    is_available,
    is_ready,
)
from kubeatlas.minik8s.controllers.worker import Controller
from kubeatlas.minik8s.informer import Handler, InformerFactory
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.selector import from_label_selector
from kubeatlas.minik8s.trace import Tracer

RS = for_kind("apps/v1", "ReplicaSet")
POD = for_kind("v1", "Pod")
BURST = 500
MIRROR = "method:k8s.io/kubernetes/pkg/controller/replicaset.(*ReplicaSetController)."


class ReplicaSetController(Controller):
    name = "replicaset-controller"

    def __init__(self, client: Client, informers: InformerFactory, *, trace: Tracer | None = None):
        super().__init__(trace=trace)
        self.client = client
        self.expectations = Expectations()
        self.rs_informer = informers.informer(RS)
        self.pod_informer = informers.informer(POD)
        self.rs_informer.add_handler(Handler(self._enqueue, lambda _o, n: self._enqueue(n),
                                             self._rs_deleted))
        self.pod_informer.add_handler(Handler(self._pod_added, self._pod_updated, self._pod_deleted))

    # -- event handlers (addPod / updatePod / deletePod) ---------------------------------
    def _enqueue(self, rs: dict) -> None:
        self.queue.add(meta.key_of(rs))

    def _rs_deleted(self, rs: dict) -> None:
        self.expectations.delete(meta.key_of(rs))
        self._enqueue(rs)

    def _owner_key(self, pod: dict) -> str | None:
        ref = meta.controller_of(pod)
        if ref is None or ref.get("kind") != "ReplicaSet":
            return None
        return f"{meta.namespace_of(pod)}/{ref['name']}"

    def _pod_added(self, pod: dict) -> None:
        key = self._owner_key(pod)
        if key:
            self.expectations.creation_observed(key)
            self.queue.add(key)
        else:
            self._enqueue_matching(pod)

    def _pod_updated(self, old: dict, pod: dict) -> None:
        for key in {self._owner_key(old), self._owner_key(pod)} - {None}:
            self.queue.add(key)
        if self._owner_key(pod) is None:
            self._enqueue_matching(pod)

    def _pod_deleted(self, pod: dict) -> None:
        key = self._owner_key(pod)
        if key:
            self.expectations.deletion_observed(key)
            self.queue.add(key)

    def _enqueue_matching(self, pod: dict) -> None:
        """An orphan pod: wake the ReplicaSets that could adopt it."""
        for rs in self.rs_informer.indexer.by_index("namespace", meta.namespace_of(pod)):
            if from_label_selector((rs.get("spec") or {}).get("selector")).matches(meta.labels_of(pod)):
                self._enqueue(rs)

    # -- sync ----------------------------------------------------------------------------
    def sync(self, key: str) -> None:
        rs = self.rs_informer.indexer.get(key)
        if rs is None:
            self.expectations.delete(key)
            return
        needs_sync = self.expectations.satisfied(key)
        pods = self.claim_pods(rs)
        if needs_sync and not meta.is_deleting(rs):
            self.manage_replicas(key, rs, pods)
        self.update_status(rs, pods)

    def claim_pods(self, rs: dict) -> list[dict]:
        """Active pods this RS controls, adopting matching orphans (ClaimPods)."""
        selector = from_label_selector((rs.get("spec") or {}).get("selector"))
        owned = []
        can_adopt = AdoptionCheck(self.client, RS, rs)
        for pod in self.pod_informer.indexer.by_index("namespace", meta.namespace_of(rs)):
            if not is_active(pod):
                continue
            ref = meta.controller_of(pod)
            if ref is not None:
                if ref.get("uid") == meta.uid_of(rs):
                    owned.append(pod)
                continue
            if selector.matches(meta.labels_of(pod)) and can_adopt():
                refs = [meta.controller_ref(rs)]
                patch = {"metadata": {"ownerReferences": refs}}
                try:
                    owned.append(self.client.patch(POD, meta.namespace_of(pod), meta.name_of(pod), patch))
                except status.ApiError:
                    pass  # gone or changed: the next sync sees the truth
        return owned

    def manage_replicas(self, key: str, rs: dict, pods: list[dict]) -> None:
        wanted = int((rs.get("spec") or {}).get("replicas", 1))
        diff = len(pods) - wanted
        namespace = meta.namespace_of(rs)
        if diff < 0:
            count = min(-diff, BURST)
            self.expectations.expect_creations(key, count)
            self.emit("create pods", MIRROR + "manageReplicas",
                      f"{key}: {len(pods)} of {wanted} exist, creating {count}")
            created = self._slow_start_batch(count, lambda: self._create_pod(rs, namespace))
            for _ in range(count - created):
                self.expectations.creation_observed(key)  # never coming
            if created < count:
                raise RuntimeError(f"{key}: created {created} of {count} pods")
        elif diff > 0:
            victims = sorted(pods, key=deletion_rank)[:min(diff, BURST)]
            self.expectations.expect_deletions(key, len(victims))
            self.emit("delete pods", MIRROR + "manageReplicas",
                      f"{key}: {len(pods)} exist for {wanted}, deleting {len(victims)}")
            for pod in victims:
                try:
                    self.client.delete(POD, namespace, meta.name_of(pod))
                    self.record(rs, "Normal", "SuccessfulDelete", f"Deleted pod: {meta.name_of(pod)}")
                except status.ApiError as err:
                    self.expectations.deletion_observed(key)
                    if not status.is_not_found(err):
                        raise

    @staticmethod
    def _slow_start_batch(count: int, create) -> int:
        """slowStartBatch: batches of 1, 2, 4, ... so a failing create fails fast."""
        done, batch = 0, 1
        while done < count:
            size = min(batch, count - done)
            for _ in range(size):
                try:
                    create()
                except status.ApiError:
                    return done
                done += 1
            batch *= 2
        return done

    def _create_pod(self, rs: dict, namespace: str) -> None:
        template = (rs.get("spec") or {}).get("template") or {}
        tmeta = template.get("metadata") or {}
        pod = {"apiVersion": "v1", "kind": "Pod",
               "metadata": {"generateName": f"{meta.name_of(rs)}-", "namespace": namespace,
                            "labels": dict(tmeta.get("labels") or {}),
                            "annotations": dict(tmeta.get("annotations") or {}),
                            "ownerReferences": [meta.controller_ref(rs)]},
               "spec": meta.deep_copy(template.get("spec") or {})}
        try:
            created = self.client.create(POD, namespace, pod)
        except status.ApiError as err:
            self.record(rs, "Warning", "FailedCreate", f"Error creating: {err.message}")
            raise
        self.record(rs, "Normal", "SuccessfulCreate", f"Created pod: {meta.name_of(created)}")

    def update_status(self, rs: dict, pods: list[dict]) -> None:
        """calculateStatus + updateReplicaSetStatus (only when something changed)."""
        spec = rs.get("spec") or {}
        template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
        min_ready = int(spec.get("minReadySeconds", 0))
        new_status = dict(rs.get("status") or {})
        new_status.update(
            replicas=len(pods),
            fullyLabeledReplicas=sum(1 for p in pods if all(
                meta.labels_of(p).get(k) == v for k, v in template_labels.items())),
            readyReplicas=sum(1 for p in pods if is_ready(p)),
            availableReplicas=sum(1 for p in pods if is_available(p, min_ready)),
            observedGeneration=rs["metadata"].get("generation", 1))
        if min_ready and new_status["readyReplicas"] > new_status["availableReplicas"]:
            self.queue.add_after(meta.key_of(rs), float(min_ready))  # look again once they may count
        if new_status == (rs.get("status") or {}):
            return
        updated = dict(rs)
        updated["status"] = new_status
        self.client.update_status(RS, updated)
