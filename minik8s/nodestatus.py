"""The kubelet's node: register it, report its status, renew its lease.

Mirrors pkg/kubelet/kubelet_node_status.go (`(*Kubelet).registerWithAPIServer` /
`tryRegisterWithAPIServer` / `initialNode`: create the Node with labels, capacity,
allocatable, addresses and nodeInfo, or reconcile an existing one;
`syncNodeStatus` -> `tryUpdateNodeStatus` with retries: Ready condition with a fresh
lastHeartbeatTime, capacity including device-plugin resources) and the node lease
controller k8s.io/component-helpers/apimachinery/lease (`(*controller).sync`,
`ensureLease`, `retryUpdateLease`: renew `kube-node-lease/<node>` every interval).
"""

from __future__ import annotations

import platform
import socket

from kubeatlas.minik8s import meta, status
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.devicemanager import DeviceManager
from kubeatlas.minik8s.resources import for_kind

NODE = for_kind("v1", "Node")
LEASE = for_kind("coordination.k8s.io/v1", "Lease")
LEASE_NAMESPACE = "kube-node-lease"
RETRIES = 5


CONDITIONS = (("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
              ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
              ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
              ("Ready", "True", "KubeletReady", "kubelet is posting ready status"))


class NodeStatusReporter:
    def __init__(self, client: Client, name: str, *, capacity: dict[str, str],
                 labels: dict[str, str] | None = None, taints: list[dict] | None = None,
                 devices: DeviceManager, node_ip: str = "127.0.0.1",
                 lease_duration: int = 40, runtime_version: str = "minik8s://0.1.0") -> None:
        self.client = client
        self.name = name
        self.capacity = dict(capacity)
        self.labels = {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                       "kubernetes.io/arch": "amd64", **(labels or {})}
        self.taints = list(taints or [])
        self.devices = devices
        self.node_ip = node_ip
        self.lease_duration = lease_duration
        self.runtime_version = runtime_version
        self.kubelet_port = 10250  # the kubelet server's port, set once it listens

    def _resources(self) -> tuple[dict[str, str], dict[str, str]]:
        capacity, allocatable = dict(self.capacity), dict(self.capacity)
        device_capacity, device_allocatable = self.devices.capacity()
        capacity.update(device_capacity)
        allocatable.update(device_allocatable)
        return capacity, allocatable

    def initial_node(self) -> dict:
        capacity, allocatable = self._resources()
        return {"apiVersion": "v1", "kind": "Node",
                "metadata": {"name": self.name, "labels": dict(self.labels)},
                "spec": {"taints": list(self.taints)} if self.taints else {},
                "status": {"capacity": capacity, "allocatable": allocatable,
                           "conditions": self._conditions(),
                           "addresses": [{"type": "InternalIP", "address": self.node_ip},
                                         {"type": "Hostname", "address": self.name}],
                           "daemonEndpoints": {"kubeletEndpoint": {"Port": self.kubelet_port}},
                           "nodeInfo": self._node_info()}}

    @staticmethod
    def _conditions() -> list[dict]:
        """The node conditions the kubelet's setters report (MemoryPressureCondition, ...,
        ReadyCondition): no pressure here, and Ready."""
        now = meta.now()
        return [{"type": kind, "status": value, "reason": reason, "message": message, "lastHeartbeatTime": now,
                 "lastTransitionTime": now} for kind, value, reason, message in CONDITIONS]

    def _node_info(self) -> dict:
        return {"machineID": self.name, "systemUUID": self.name, "bootID": self.name,
                "kernelVersion": platform.release(), "osImage": f"minik8s on {platform.system()}",
                "containerRuntimeVersion": self.runtime_version, "kubeletVersion": "v1.28.7-minik8s",
                "kubeProxyVersion": "v1.28.7-minik8s", "operatingSystem": "linux",
                "architecture": "amd64"}

    def register(self) -> dict:
        """registerWithAPIServer: create the Node, or take over an existing one of that name."""
        node = self.initial_node()
        try:
            return self.client.create(NODE, "", node)
        except status.ApiError as err:
            if not status.is_already_exists(err):
                raise
        existing = self.client.get(NODE, "", self.name)
        existing["metadata"].setdefault("labels", {}).update(self.labels)
        existing = self.client.update(NODE, existing)
        existing["status"] = node["status"]
        return self.client.update_status(NODE, existing)

    def sync_node_status(self) -> dict:
        """tryUpdateNodeStatus, retried on conflicts; the Ready condition carries the heartbeat."""
        last_error: Exception | None = None
        for _ in range(RETRIES):
            try:
                node = self.client.get(NODE, "", self.name)
            except status.ApiError as err:
                if status.is_not_found(err):
                    return self.register()
                raise
            node_status = node.setdefault("status", {})
            capacity, allocatable = self._resources()
            node_status["capacity"], node_status["allocatable"] = capacity, allocatable
            now = meta.now()
            current = {c.get("type"): c for c in node_status.get("conditions") or ()}
            conditions = []
            for fresh in self._conditions():  # a condition that changed transitions; one that holds beats
                kept = current.pop(fresh["type"], None)
                if kept is not None and kept.get("status") == fresh["status"]:
                    fresh = {**kept, "lastHeartbeatTime": now}
                conditions.append(fresh)
            node_status["conditions"] = conditions + list(current.values())
            try:
                return self.client.update_status(NODE, node)
            except status.ApiError as err:
                if not status.is_conflict(err):
                    raise
                last_error = err
        raise RuntimeError(f"update node status exceeds retry count: {last_error}")

    def renew_lease(self) -> dict:
        """The lease controller's sync: create the Lease once, then bump renewTime."""
        body = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                "metadata": {"name": self.name, "namespace": LEASE_NAMESPACE,
                             "ownerReferences": []},
                "spec": {"holderIdentity": self.name, "leaseDurationSeconds": self.lease_duration,
                         "renewTime": meta.micro_now()}}
        try:
            return self.client.patch(LEASE, LEASE_NAMESPACE, self.name,
                                     {"spec": {"renewTime": meta.micro_now(),
                                               "holderIdentity": self.name}})
        except status.ApiError as err:
            if not status.is_not_found(err):
                raise
        try:
            return self.client.create(LEASE, LEASE_NAMESPACE, body)
        except status.ApiError as err:
            if status.is_already_exists(err):
                return self.client.get(LEASE, LEASE_NAMESPACE, self.name)
            raise


def local_ip() -> str:
    try:
        return socket.gethostbyname(socket.gethostname())
    except OSError:
        return "127.0.0.1"
