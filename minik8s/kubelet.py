"""The kubelet: watch the pods bound to this node and make the runtime match them.

Mirrors pkg/kubelet: `(*Kubelet).syncLoop` / `syncLoopIteration` (pod updates from the
apiserver watch, PLEG events and a periodic resync every syncFrequency all wake pod
syncs), `podWorkers` (`UpdatePod`, `podWorkerLoop`: one sync at a time per pod, on a work
queue here),
`(*Kubelet).SyncPod` (admission of device requests, volumes, then the runtime manager's
SyncPod, then the status manager), `SyncTerminatingPod` (kill containers within the
grace period, then delete the pod object), `HandlePodAdditions`, `updatePodCIDR` (hand
the node's pod CIDR to the runtime), plus node registration, status and lease.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from kubeatlas.minik8s import meta
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.csi import DirectoryDriver
from kubeatlas.minik8s.devicemanager import DeviceManager
from kubeatlas.minik8s.deviceplugin import GpuPlugin
from kubeatlas.minik8s.events import EventRecorder
from kubeatlas.minik8s.informer import Handler, InformerFactory
from kubeatlas.minik8s.kubeletserver import KubeletServer, LogSource
from kubeatlas.minik8s.kuberuntime import RuntimeManager
from kubeatlas.minik8s.nodestatus import NodeStatusReporter
from kubeatlas.minik8s.pleg import GenericPleg
from kubeatlas.minik8s.podstatus import generate_api_pod_status
from kubeatlas.minik8s.prober import ProbeManager
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.statusmanager import StatusManager
from kubeatlas.minik8s.trace import Step, Tracer, no_trace
from kubeatlas.minik8s.volumemanager import VolumeError, VolumeManager
from kubeatlas.minik8s.workqueue import ExponentialBackoff, WorkQueue

POD = for_kind("v1", "Pod")
NODE = for_kind("v1", "Node")
MIRROR = "method:k8s.io/kubernetes/pkg/kubelet.(*Kubelet)."
log = logging.getLogger("kubeatlas.minik8s.kubelet")


@dataclass(frozen=True)
class KubeletSettings:
    """The KubeletConfiguration fields the nodes of a cluster share: capacity, intervals, workers, backoff."""

    capacity: dict = field(default_factory=lambda: {"cpu": "4", "memory": "8Gi", "pods": "110"})
    node_status_interval: float = 10.0
    lease_interval: float = 10.0
    relist_period: float = 1.0
    sync_frequency: float = 60.0
    workers: int = 4
    crash_backoff: float = 10.0


@dataclass(frozen=True)
class KubeletConfig:
    """The KubeletConfiguration fields minik8s uses: the node's own, and the shared settings."""

    node_name: str
    settings: KubeletSettings = KubeletSettings()
    labels: dict = field(default_factory=dict)
    taints: tuple = ()
    node_ip: str = "127.0.0.1"
    root: str = ""


class Kubelet:
    def __init__(self, client: Client, config: KubeletConfig, runtime, *,
                 device_plugins: tuple[GpuPlugin, ...] = (), csi_drivers: tuple[DirectoryDriver, ...] = (),
                 record_events: bool = True, trace: Tracer | None = None) -> None:
        self.client = client
        self.config = config
        self.name = config.node_name
        self.runtime = runtime
        self.trace = trace or no_trace
        self.root = Path(config.root or tempfile.mkdtemp(prefix=f"minik8s-kubelet-{self.name}-"))
        self.devices = DeviceManager()
        self._device_plugins = device_plugins
        self.volumes = VolumeManager(self.root, self.name, {d.name: d for d in csi_drivers})
        self.runtime_manager = RuntimeManager(runtime, self.volumes, self.devices, node=self.name,
                                              crash_backoff=config.settings.crash_backoff, trace=self.trace)
        self.status_manager = StatusManager(client, self.name, self.trace)
        self.probes = ProbeManager(runtime, on_change=lambda uid: self.queue.add(uid), record=self._container_event)
        self.node_status = NodeStatusReporter(client, self.name, capacity=config.settings.capacity,
                                              labels=config.labels, taints=list(config.taints),
                                              devices=self.devices, node_ip=config.node_ip)
        self.events = EventRecorder(client, "kubelet", self.name) if record_events else None
        self.runtime_manager.events = self.events
        self.server = KubeletServer(LogSource(runtime, self._uid_of, self.runtime_manager.log_dir))
        self.informers = InformerFactory(client)
        self.pods = self.informers.informer(POD, field_selector=f"spec.nodeName={self.name}")
        self.node = self.informers.informer(NODE, field_selector=f"metadata.name={self.name}")
        self.pods.add_handler(Handler(self._pod_event, self._pod_update, self._pod_event))
        self.node.add_handler(Handler(self._node_event, lambda _o, n: self._node_event(n)))
        self.queue = WorkQueue(f"podworkers-{self.name}", ExponentialBackoff(0.2, 5.0))
        self.pleg = GenericPleg(runtime, lambda e: self.queue.add(e.pod_uid), period=config.settings.relist_period)
        self._known: dict[str, dict] = {}  # uid -> last pod object seen (for deleted pods)
        self._synced_once: set[str] = set()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # -- sources of work -----------------------------------------------------------------
    def _pod_event(self, pod: dict) -> None:
        """podWorkers.UpdatePod: remember the pod, schedule a sync of it."""
        uid = meta.uid_of(pod)
        self._known[uid] = pod
        if uid not in self._synced_once:
            self._emit("pod added", MIRROR + "HandlePodAdditions", meta.key_of(pod))
        self.queue.add(uid)

    def _pod_update(self, old: dict, new: dict) -> None:
        """checkAndUpdatePod: a change of status alone (the kubelet's own write) is a reconcile, not a sync,
        unless it made the pod terminal, whose cleanup the pod worker does next."""
        if (meta.uid_of(old) == meta.uid_of(new) and not _differ_semantically(old, new)
                and (new.get("status") or {}).get("phase") not in ("Succeeded", "Failed")):
            self._known[meta.uid_of(new)] = new
            return
        self._pod_event(new)

    def _node_event(self, node: dict) -> None:
        cidr = (node.get("spec") or {}).get("podCIDR")
        if cidr:
            network = getattr(self.runtime, "network", None)
            if network is None or network.config.subnet != cidr:
                self._emit("pod CIDR", MIRROR + "updatePodCIDR", f"{self.name}: {cidr}")
                self.runtime.update_runtime_config(cidr)
                for uid in list(self._known):
                    self.queue.add(uid)

    def _container_event(self, pod: dict, container: str, kind: str, reason: str, message: str) -> None:
        if self.events:
            self.events.record(pod, kind, reason, message, field_path=f"spec.containers{{{container}}}")

    def _uid_of(self, namespace: str, name: str) -> str | None:
        return next((uid for uid, pod in list(self._known.items())
                     if meta.namespace_of(pod) == namespace and meta.name_of(pod) == name), None)

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> Kubelet:
        self.node_status.kubelet_port = self.server.start().port
        for plugin in self._device_plugins:
            self.devices.register(plugin)
        self.devices.on_change = lambda: self._kick(self._sync_node_status)
        self.node_status.register()
        self._emit("register node", MIRROR + "registerWithAPIServer", self.name)
        self.node_status.renew_lease()
        self.informers.start()
        self.informers.wait_for_sync()
        self.pleg.start()
        for i in range(self.config.settings.workers):
            self._spawn(self._pod_worker, f"podworker-{self.name}-{i}")
        self._spawn(lambda: self._every(self.config.settings.lease_interval, self.node_status.renew_lease),
                    f"lease-{self.name}")
        self._spawn(lambda: self._every(self.config.settings.node_status_interval, self._sync_node_status),
                    f"nodestatus-{self.name}")
        self._spawn(lambda: self._every(self.config.settings.sync_frequency, self._resync_all),
                    f"resync-{self.name}")
        return self

    def _spawn(self, target, name: str) -> None:
        thread = threading.Thread(target=target, daemon=True, name=name)
        thread.start()
        self._threads.append(thread)

    def _every(self, interval: float, action) -> None:
        while not self._stop.wait(interval):
            try:
                action()
            except Exception as exc:
                log.debug("%s: periodic task failed: %s", self.name, exc)

    def _kick(self, action) -> None:
        if not self._stop.is_set() and self._threads:
            threading.Thread(target=action, daemon=True).start()

    def _sync_node_status(self) -> None:
        try:
            self.node_status.sync_node_status()
        except Exception as exc:
            log.debug("%s: node status update failed: %s", self.name, exc)

    def _resync_all(self) -> None:
        """syncFrequency: every pod is synced again now and then, whatever happened."""
        for uid in list(self._known):
            self.queue.add(uid)

    def _pod_worker(self) -> None:
        while True:
            uid = self.queue.get()
            if uid is None:
                return
            try:
                self.sync(uid)
                self.queue.forget(uid)
            except Exception as exc:
                log.debug("%s: sync of pod %s failed: %s", self.name, uid, exc)
                self.queue.add_rate_limited(uid)
            finally:
                self.queue.done(uid)

    def stop(self, *, kill_containers: bool = True) -> None:
        """Stop the kubelet; kill_containers=False leaves them running, like a crashed kubelet."""
        self._stop.set()
        self.queue.shut_down()
        self.pleg.stop()
        self.probes.stop()
        self.informers.stop()
        self.devices.stop()
        self.server.stop()
        for thread in self._threads:
            thread.join(timeout=2)
        if self.events:
            self.events.stop()
        if kill_containers:
            self.runtime.close()

    # -- syncing one pod -----------------------------------------------------------------
    def _emit(self, action: str, mirrors: str, detail: str) -> None:
        self.trace(Step(f"kubelet/{self.name}", action, mirrors, detail))

    def sync(self, uid: str) -> None:
        cached = self.pods.indexer.get(meta.key_of(self._known[uid])) if uid in self._known else None
        pod = cached if cached is not None and meta.uid_of(cached) == uid else None
        if pod is None:
            last = self._known.get(uid)
            if last is not None:  # removed from the API (force-deleted): tear down what is left
                self.probes.remove_pod(uid)
                self.runtime_manager.kill_pod(uid, 0)
                self.runtime_manager.release(uid)
                self.runtime_manager.remove_logs(uid)
                self.status_manager.forget(uid)
                self._known.pop(uid, None)
            return
        if meta.is_deleting(pod):
            return self.sync_terminating_pod(pod)
        if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            return self.sync_terminated_pod(pod)
        self.sync_pod(pod)

    def sync_pod(self, pod: dict) -> None:
        uid = meta.uid_of(pod)
        if uid not in self._synced_once:
            self._synced_once.add(uid)
            self._emit("sync pod", MIRROR + "SyncPod", meta.key_of(pod))
        runtime_status = self.runtime_manager.get_pod_status(uid)
        if runtime_status.sandbox is None and getattr(self.runtime, "network", None) is None:
            self.queue.add_after(uid, 0.2)  # network not ready: no pod CIDR yet
            return
        if runtime_status.sandbox is None:  # SyncPod's first status: Pending, containers ContainerCreating
            self.status_manager.set_pod_status(pod, generate_api_pod_status(pod, runtime_status, self.config.node_ip))
        try:
            retry = self.runtime_manager.sync_pod(pod, runtime_status)
        except RuntimeError as exc:  # device admission failed (UnexpectedAdmissionError)
            return self._reject(pod, "UnexpectedAdmissionError", str(exc))
        except VolumeError as exc:
            if self.events:
                self.events.record(pod, "Warning", "FailedMount", str(exc))
            raise
        runtime_status = self.runtime_manager.get_pod_status(uid)
        self.probes.add_pod(pod, runtime_status.containers)
        new_status = generate_api_pod_status(pod, runtime_status, self.config.node_ip,
                                             lambda spec, current: self.probes.container_state(uid, spec, current))
        self.status_manager.set_pod_status(pod, new_status)
        if retry is not None:
            self.queue.add_after(uid, retry)  # the pod worker comes back when the backoff ends

    def _reject(self, pod: dict, reason: str, message: str) -> None:
        status = {"phase": "Failed", "reason": reason, "message": message,
                  "conditions": (pod.get("status") or {}).get("conditions") or []}
        self.runtime_manager.kill_pod(meta.uid_of(pod), 0)
        self.runtime_manager.release(meta.uid_of(pod))
        self.status_manager.set_pod_status(pod, {**(pod.get("status") or {}), **status})

    def sync_terminating_pod(self, pod: dict) -> None:
        uid = meta.uid_of(pod)
        grace = float(pod["metadata"].get("deletionGracePeriodSeconds") or 0)
        self._emit("terminate pod", MIRROR + "SyncTerminatingPod", f"{meta.key_of(pod)} (grace {grace:.0f}s)")
        if self.events and uid in self._synced_once:
            for container in (pod.get("spec") or {}).get("containers") or ():
                self.events.record(pod, "Normal", "Killing", f"Stopping container {container.get('name')}",
                                   field_path=f"spec.containers{{{container.get('name')}}}")
        self.probes.remove_pod(uid)
        self.runtime_manager.kill_containers(uid, grace)
        stopped = self.runtime_manager.get_pod_status(uid)
        if stopped.containers:  # the status of stopped containers (0/1 Terminating), then the final delete
            self.status_manager.set_pod_status(pod, generate_api_pod_status(pod, stopped, self.config.node_ip))
        self.runtime_manager.kill_pod(uid, 0)
        self.runtime_manager.release(uid)
        self.runtime_manager.remove_logs(uid)
        self.status_manager.delete_pod(pod)
        self._known.pop(uid, None)

    def sync_terminated_pod(self, pod: dict) -> None:
        """Finished pods keep their status; their sandbox and resources are released."""
        uid = meta.uid_of(pod)
        runtime_status = self.runtime_manager.get_pod_status(uid)
        self.probes.remove_pod(uid)
        if runtime_status.sandbox is not None:
            self.runtime_manager.kill_pod(uid, 0)
            self.runtime_manager.release(uid)


def _differ_semantically(existing: dict, ref: dict) -> bool:
    """podsDifferSemantically: spec, labels, annotations, deletionTimestamp, deletionGracePeriodSeconds."""
    old, new = existing.get("metadata") or {}, ref.get("metadata") or {}
    return existing.get("spec") != ref.get("spec") or any(
        old.get(f) != new.get(f) for f in ("labels", "annotations", "deletionTimestamp", "deletionGracePeriodSeconds"))
