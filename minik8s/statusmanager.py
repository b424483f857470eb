"""The kubelet's status manager: send a pod's status to the apiserver when it changed, finish deletions.

Mirrors pkg/kubelet/status `manager`: `SetPodStatus` caches the newest status and
`syncPod` writes it (a patch of the status subresource, so it never fights the
controllers over the rest of the pod) only when it differs from what was last sent; once
a terminating pod's containers are gone, the manager deletes the pod object with grace
period 0 and a uid precondition (`canBeDeleted` then `Delete`).
"""

from __future__ import annotations

import threading

from kubeatlas.minik8s import meta, status
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.trace import Step, Tracer, no_trace

POD = for_kind("v1", "Pod")
MIRROR = "method:k8s.io/kubernetes/pkg/kubelet/status.(*manager)."


class StatusManager:
    def __init__(self, client: Client, node: str, trace: Tracer | None = None) -> None:
        self.client = client
        self.node = node
        self.trace = trace or no_trace
        self._sent: dict[str, dict] = {}
        self._lock = threading.Lock()
        self.writes = 0

    def set_pod_status(self, pod: dict, new_status: dict) -> bool:
        """Write the status if it changed; True when a write happened."""
        uid = meta.uid_of(pod)
        with self._lock:
            if self._sent.get(uid) == new_status:
                return False
        comparable = dict(pod.get("status") or {})
        if comparable == new_status:
            with self._lock:
                self._sent[uid] = new_status
            return False
        try:
            self.client.patch(POD, meta.namespace_of(pod), meta.name_of(pod),
                              {"metadata": {"uid": uid}, "status": new_status}, subresource="status")
        except status.ApiError as err:
            if status.is_not_found(err):
                return False
            raise
        with self._lock:
            self._sent[uid] = new_status
            self.writes += 1
        old_phase = (pod.get("status") or {}).get("phase")
        if old_phase != new_status.get("phase"):
            self.trace(Step(f"kubelet/{self.node}", "update pod status", MIRROR + "syncPod",
                            f"{meta.key_of(pod)}: {old_phase} -> {new_status.get('phase')}"))
        return True

    def delete_pod(self, pod: dict) -> None:
        """The final delete of a terminated pod (grace 0, only this incarnation by uid)."""
        try:
            self.client.delete(POD, meta.namespace_of(pod), meta.name_of(pod), grace_period=0,
                               preconditions={"uid": meta.uid_of(pod)})
        except status.ApiError as err:
            if not (status.is_not_found(err) or status.is_conflict(err)):
                raise
        self.forget(meta.uid_of(pod))

    def forget(self, uid: str) -> None:
        with self._lock:
            self._sent.pop(uid, None)
