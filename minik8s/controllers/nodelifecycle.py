"""The node lifecycle controller: notice silent nodes, taint them, evict their pods.

Mirrors pkg/controller/nodelifecycle: `(*Controller).monitorNodeHealth` /
`tryUpdateNodeHealth` (a node whose Lease and Ready heartbeat stop changing for the grace
period gets Ready=Unknown, "Kubelet stopped posting node status"), the tainting passes
(`doNoScheduleTaintingPass`, `doNoExecuteTaintingPass`, `markNodeAsReachable`: the
`node.kubernetes.io/unreachable` taints come and go with health), the
`NoExecuteTaintManager` (pods not tolerating a NoExecute taint are deleted, after their
tolerationSeconds), and pkg/controller/podgc `gcTerminating` (pods stuck terminating on a
dead node are force-deleted).
"""

from __future__ import annotations

import threading
import time

from kubeatlas.minik8s import meta, status, toleration
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.controllers.worker import Controller
from kubeatlas.minik8s.informer import Handler, InformerFactory
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.trace import Tracer

NODE = for_kind("v1", "Node")
LEASE = for_kind("coordination.k8s.io/v1", "Lease")
POD = for_kind("v1", "Pod")
MIRROR = "method:k8s.io/kubernetes/pkg/controller/nodelifecycle.(*Controller)."
HEALTH_RETRIES = 5  # scheduler.NodeHealthUpdateRetry
UNREACHABLE_TAINTS = ({"key": toleration.UNREACHABLE, "effect": "NoSchedule"},
                      {"key": toleration.UNREACHABLE, "effect": "NoExecute"})


class NodeLifecycleController(Controller):
    name = "node-lifecycle-controller"

    def __init__(self, client: Client, informers: InformerFactory, *, monitor_period: float = 5.0,
                 grace_period: float = 40.0, force_delete_after: float = 60.0,
                 trace: Tracer | None = None) -> None:
        super().__init__(trace=trace)
        self.client = client
        self.monitor_period = monitor_period
        self.grace_period = grace_period
        self.force_delete_after = force_delete_after
        self.nodes = informers.informer(NODE)
        self.leases = informers.informer(LEASE, namespace="kube-node-lease")
        self.pods = informers.informer(POD)
        self.pods.indexer.add_indexer("node", lambda p: [(p.get("spec") or {}).get("nodeName", "")])
        self._probes: dict[str, tuple[tuple, float]] = {}  # node -> (heartbeat seen, when seen)
        self._stop = threading.Event()
        self.nodes.add_handler(Handler(self._enqueue, lambda _o, n: self._enqueue(n)))

    def _enqueue(self, node: dict) -> None:
        self.queue.add(meta.name_of(node))

    def run(self, workers: int = 1) -> None:
        super().run(workers)
        thread = threading.Thread(target=self._monitor, daemon=True, name=f"{self.name}-monitor")
        thread.start()
        self._threads.append(thread)

    def _monitor(self) -> None:
        while not self._stop.wait(self.monitor_period):
            for node in self.nodes.indexer.list():
                self._enqueue(node)

    def stop(self) -> None:
        self._stop.set()
        super().stop()

    # -- one node ------------------------------------------------------------------------
    def _heartbeat(self, name: str, node: dict) -> tuple:
        lease = self.leases.indexer.get(f"kube-node-lease/{name}")
        renew = ((lease or {}).get("spec") or {}).get("renewTime", "")
        ready = meta.condition(node, "Ready") or {}
        return renew, ready.get("lastHeartbeatTime", "")

    def sync(self, name: str) -> None:
        node = self.nodes.indexer.get(name)
        if node is None:
            self._probes.pop(name, None)
            return
        for attempt in range(HEALTH_RETRIES):  # monitorNodeHealth's retry of tryUpdateNodeHealth
            try:
                silent, marked = self._update_health(name, node)
                break
            except status.ApiError as err:
                if not status.is_conflict(err) or attempt == HEALTH_RETRIES - 1:
                    raise
            # the cache lags the apiserver (a heartbeat, a write of ours not seen yet): judge the
            # live node instead, or a stale copy would fail the same way at every retry
            node = self.client.get(NODE, "", name)
        if marked:
            return
        ready = (meta.condition(node, "Ready") or {}).get("status")
        taints = (node.get("spec") or {}).get("taints") or []
        has_taint = any(t.get("key") == toleration.UNREACHABLE for t in taints)
        if (silent or ready == "Unknown") and not has_taint:
            self.emit("taint node", MIRROR + "doNoExecuteTaintingPass",
                      f"{name}: {toleration.UNREACHABLE}:NoSchedule,NoExecute")
            self._set_taints(node, [t for t in taints] + [dict(t, timeAdded=meta.now())
                                                          for t in UNREACHABLE_TAINTS])
        elif ready == "True" and has_taint and not silent:
            self.emit("untaint node", MIRROR + "markNodeAsReachable", name)
            self._set_taints(node, [t for t in taints if t.get("key") != toleration.UNREACHABLE])
        self._evict(name, taints)
        if silent:
            self.queue.add_after(name, self.monitor_period)

    def _update_health(self, name: str, node: dict) -> tuple[bool, bool]:
        """tryUpdateNodeHealth: (silent?, marked Ready=Unknown now?); a heartbeat not seen for
        the grace period (by this controller's clock) makes the node's conditions Unknown."""
        now = time.monotonic()
        beat = self._heartbeat(name, node)
        seen, when = self._probes.get(name, (beat, now))
        if name not in self._probes or any(b > s for b, s in zip(beat, seen, strict=True)):
            # only a newer heartbeat is news: a lagging cache's older copy must not restart the clock
            self._probes[name] = (beat, now)
            when = now
        silent = now - when > self.grace_period
        if silent and (meta.condition(node, "Ready") or {}).get("status") != "Unknown":
            self.emit("node stopped heartbeating", MIRROR + "tryUpdateNodeHealth",
                      f"{name}: no heartbeat for {now - when:.1f}s, Ready=Unknown")
            self._mark_unknown(node)
            return silent, True
        return silent, False

    def _mark_unknown(self, node: dict) -> None:
        def unknown(current: dict) -> dict:
            conds = current.setdefault("status", {}).setdefault("conditions", [])
            for cond in conds:
                cond["status"] = "Unknown"
                cond["reason"] = "NodeStatusUnknown"
                cond["message"] = "Kubelet stopped posting node status."
                cond["lastTransitionTime"] = meta.now()
            if not conds:
                conds.append({"type": "Ready", "status": "Unknown", "reason": "NodeStatusNeverUpdated",
                              "message": "Kubelet never posted node status.",
                              "lastTransitionTime": meta.now()})
            return current
        self.client.update_status(NODE, unknown(meta.deep_copy(node)))

    def _set_taints(self, node: dict, taints: list[dict]) -> None:
        self.client.patch(NODE, "", meta.name_of(node), {"spec": {"taints": taints or None}})

    def _evict(self, name: str, taints: list[dict]) -> None:
        """The NoExecute taint manager and podgc's gcTerminating, for one node."""
        unreachable = any(t.get("key") == toleration.UNREACHABLE for t in taints)
        for pod in self.pods.indexer.by_index("node", name):
            namespace, pod_name = meta.namespace_of(pod), meta.name_of(pod)
            if meta.is_deleting(pod):
                md = pod["metadata"]
                started = meta.parse_time(md["deletionTimestamp"]) - float(md.get("deletionGracePeriodSeconds") or 0)
                deadline = started + self.force_delete_after
                if unreachable and time.time() >= deadline:
                    self.emit("force delete pod", "method:k8s.io/kubernetes/pkg/controller/podgc."
                              "(*PodGCController).gcTerminating", f"{namespace}/{pod_name}")
                    self._delete(namespace, pod_name, 0)
                elif unreachable:
                    self.queue.add_after(name, max(deadline - time.time(), 0.05))
                continue
            delay = toleration.eviction_delay(taints, (pod.get("spec") or {}).get("tolerations") or [])
            if delay is None:
                continue
            added = min((meta.parse_time(t.get("timeAdded")) for t in taints
                         if t.get("effect") == "NoExecute" and t.get("timeAdded")), default=time.time())
            if time.time() >= added + delay:
                self.emit("evict pod", "func:k8s.io/kubernetes/pkg/controller/nodelifecycle/scheduler."
                          "addConditionAndDeletePod", f"{namespace}/{pod_name} from {name}")
                self._delete(namespace, pod_name, None)
            else:
                self.queue.add_after(name, added + delay - time.time())

    def _delete(self, namespace: str, name: str, grace: int | None) -> None:
        try:
            self.client.delete(POD, namespace, name, grace_period=grace)
        except status.ApiError as err:
            if not status.is_not_found(err):
                raise
