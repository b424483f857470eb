"""The scheduler cache: nodes with the pods placed on them, including pods assumed but not yet bound.

Mirrors pkg/scheduler/internal/cache `cacheImpl`: `AssumePod` (count a pod on its chosen
node before the binding lands, so the next cycle sees the room it takes), `FinishBinding`,
`ForgetPod` (binding failed), `AddPod` (the informer confirms an assumed pod),
`RemovePod`, `AddNode` / `UpdateNode` / `RemoveNode`, and `UpdateSnapshot` (a copy the
scheduling cycle can read without locks).
"""

from __future__ import annotations

import threading

from kubeatlas.minik8s.scheduler.framework import NodeInfo


class SchedulerCache:
    """Thread-safe: informer handlers write, the scheduling loop snapshots."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._nodes: dict[str, NodeInfo] = {}
        self._pods: dict[str, tuple[str, bool]] = {}  # uid -> (node name, assumed?)
        self._pending: dict[str, list[dict]] = {}  # pods seen before their node

    def add_node(self, node: dict) -> None:
        name = node["metadata"]["name"]
        with self._lock:
            info = self._nodes.get(name)
            if info is None:
                info = self._nodes[name] = NodeInfo(node)
                for pod in self._pending.pop(name, []):
                    info.add_pod(pod)
            else:
                info.node = node

    update_node = add_node

    def remove_node(self, node: dict) -> None:
        with self._lock:
            self._nodes.pop(node["metadata"]["name"], None)

    def assume_pod(self, pod: dict, node_name: str) -> None:
        with self._lock:
            self._place(pod, node_name)
            self._pods[pod["metadata"]["uid"]] = (node_name, True)

    def finish_binding(self, uid: str) -> None:
        """The bind call returned; the pod stays assumed until the informer confirms it."""

    def forget_pod(self, uid: str) -> None:
        with self._lock:
            entry = self._pods.pop(uid, None)
            if entry and entry[0] in self._nodes:
                self._nodes[entry[0]].remove_pod(uid)

    def add_pod(self, pod: dict) -> None:
        """An assigned pod from the informer (confirms an assumed one)."""
        uid, node_name = pod["metadata"]["uid"], pod["spec"]["nodeName"]
        with self._lock:
            entry = self._pods.get(uid)
            if entry is not None and entry[0] in self._nodes:
                self._nodes[entry[0]].remove_pod(uid)
            self._place(pod, node_name)
            self._pods[uid] = (node_name, False)

    update_pod = add_pod

    def _place(self, pod: dict, node_name: str) -> None:
        info = self._nodes.get(node_name)
        if info is None:
            self._pending.setdefault(node_name, []).append(pod)
        else:
            info.add_pod(pod)

    def remove_pod(self, pod: dict) -> None:
        self.forget_pod(pod["metadata"]["uid"])

    def is_assumed_or_bound(self, uid: str) -> bool:
        return uid in self._pods

    def snapshot(self) -> list[NodeInfo]:
        """Copies of every NodeInfo, sorted by name (UpdateSnapshot)."""
        with self._lock:
            return [NodeInfo(i.node, list(i.pods), dict(i.requested))
                    for _, i in sorted(self._nodes.items())]

    def node_count(self) -> int:
        return len(self._nodes)
