"""A whole mini cluster in one process: store, apiserver, controller-manager, scheduler, nodes, proxy.

Each component runs on its own threads and talks to the others only through the
apiserver's HTTP API, as the real binaries do (cmd/kube-apiserver, cmd/kube-controller-
manager, cmd/kube-scheduler, cmd/kubelet, cmd/kube-proxy); only the store is shared
in-process, standing in for etcd. The etcd3 compactor (k8s.io/apiserver/pkg/storage/
etcd3 `compactor`) runs here too: every interval it compacts at the revision it saw the
time before. The apiserver wants the run's bearer token (unless `insecure`) and serves TLS
with a self-signed certificate on its port too; `kubeconfig` (mode 0600) names the https
address, the certificate and the token. `stop()` kills the containers and removes the run's
temporary folder.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from kubeatlas.minik8s import auth, certs
from kubeatlas.minik8s.apiserver import ApiServer
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.controllermanager import ControllerManager, ControllerSettings
from kubeatlas.minik8s.csi import DirectoryDriver
from kubeatlas.minik8s.deviceplugin import GpuPlugin
from kubeatlas.minik8s.kubelet import Kubelet, KubeletConfig, KubeletSettings
from kubeatlas.minik8s.proxy import Proxier
from kubeatlas.minik8s.runtime import process_runtime, simulated_runtime
from kubeatlas.minik8s.scheduler.scheduler import Scheduler
from kubeatlas.minik8s.store import Store
from kubeatlas.minik8s.trace import Tracer

log = logging.getLogger("kubeatlas.minik8s.cluster")


@dataclass(frozen=True)
class ClusterConfig:
    """How to run the cluster; the defaults suit a person watching, `fast()` suits tests."""

    port: int = 0
    nodes: int = 1
    runtime: str = "sim"  # "sim" or "process" (real local processes: asked for, never the default)
    insecure: bool = False  # True: no bearer token (any local process may call the apiserver)
    data_dir: str = ""  # where the store persists (empty: memory only)
    gpus_per_node: int = 0
    kubelet: KubeletSettings = KubeletSettings()  # noqa: RUF009 - frozen, so one shared default is safe
    scheduler_backoff: float = 1.0
    compaction_interval: float = 300.0
    record_events: bool = True
    controllers: ControllerSettings = ControllerSettings()  # noqa: RUF009 - frozen, so one shared default is safe

    def fast(self) -> ClusterConfig:
        """Short intervals for tests and demos (seconds become tenths)."""
        return replace(self, scheduler_backoff=0.1,
                       kubelet=replace(self.kubelet, node_status_interval=0.5, lease_interval=0.3,
                                       relist_period=0.2, sync_frequency=1.0, crash_backoff=0.5),
                       controllers=replace(self.controllers, node_monitor_period=0.3,
                                           node_monitor_grace_period=2.0, force_delete_after=1.0))


class Cluster:
    def __init__(self, config: ClusterConfig = ClusterConfig(), *, trace: Tracer | None = None) -> None:
        self.config = config
        self.trace = trace
        self._temporary = not config.data_dir
        self.work_dir = Path(config.data_dir or tempfile.mkdtemp(prefix="minik8s-"))
        self.store = Store(self.work_dir / "store.wal" if config.data_dir else None)
        self.token: str | None = None if config.insecure else auth.new_token()
        self._cert = None if config.insecure else certs.self_signed(self.work_dir / "pki")
        try:
            self.apiserver = ApiServer(self.store, port=config.port, trace=trace, token=self.token,
                                       tls=certs.server_context(*self._cert) if self._cert else None)
        except Exception:
            self._remove_work_dir()
            raise
        self.kubeconfig = self.work_dir / "kubeconfig"
        self.csi = DirectoryDriver(self.work_dir / "csi")
        self.kubelets: dict[str, Kubelet] = {}
        self.controller_manager: ControllerManager | None = None
        self.scheduler: Scheduler | None = None
        self.proxy: Proxier | None = None
        self._stop = threading.Event()

    @property
    def url(self) -> str:
        return self.apiserver.url

    def client(self, agent: str = "minik8s") -> Client:
        return Client(self.url, user_agent=agent, token=self.token)

    def start(self) -> Cluster:
        # kubectl and client-go send a token only over TLS: the kubeconfig names the https address
        auth.write_kubeconfig(self.kubeconfig, self.apiserver.https_url if self._cert else self.url,
                              self.token, self._cert[0].read_bytes() if self._cert else None)
        self.apiserver.start()
        self.start_controller_manager()
        self.scheduler = Scheduler(self.client("kube-scheduler"), initial_backoff=self.config.scheduler_backoff,
                                   record_events=self.config.record_events, trace=self.trace).start()
        log.info("scheduler started")
        for i in range(1, self.config.nodes + 1):
            self.add_node(f"node-{i}")
        self.proxy = Proxier(self.client("kube-proxy"), trace=self.trace).start()
        threading.Thread(target=self._compact, daemon=True, name="compactor").start()
        return self

    def start_controller_manager(self) -> ControllerManager:
        settings = replace(self.config.controllers, record_events=self.config.record_events,
                           root_ca=self._cert[0].read_text() if self._cert else "")
        self.controller_manager = ControllerManager(self.client("kube-controller-manager"),
                                                    settings, trace=self.trace).start()
        return self.controller_manager

    def stop_controller_manager(self) -> None:
        if self.controller_manager is not None:
            self.controller_manager.stop()
            self.controller_manager = None

    def add_node(self, name: str, *, labels: dict | None = None, taints: tuple = (),
                 capacity: dict | None = None, gpus: int | None = None) -> Kubelet:
        c = self.config
        index = len(self.kubelets) + 1
        runtime_factory = process_runtime if c.runtime == "process" else simulated_runtime
        runtime = runtime_factory(root=str(self.work_dir / "nodes" / name / "runtime"))
        gpu_count = c.gpus_per_node if gpus is None else gpus
        plugins = (GpuPlugin(count=gpu_count),) if gpu_count else ()
        config = KubeletConfig(name, replace(c.kubelet, capacity=dict(capacity or c.kubelet.capacity)),
                               labels=dict(labels or {}), taints=tuple(taints),
                               node_ip=f"192.168.{index // 250}.{index % 250 + 1}",
                               root=str(self.work_dir / "nodes" / name / "kubelet"))
        kubelet = Kubelet(self.client(f"kubelet/{name}"), config, runtime, device_plugins=plugins,
                          csi_drivers=(self.csi,), record_events=c.record_events, trace=self.trace)
        self.kubelets[name] = kubelet.start()
        log.info("node %s started (%s runtime)", name, c.runtime)
        return kubelet

    def stop_node(self, name: str, *, kill_containers: bool = False) -> None:
        """The node goes silent: kubelet stopped (containers keep running unless asked)."""
        kubelet = self.kubelets.pop(name)
        kubelet.stop(kill_containers=kill_containers)

    def _compact(self) -> None:
        seen = self.store.revision
        while not self._stop.wait(self.config.compaction_interval):
            self.store.compact(seen)
            seen = self.store.revision

    def stop(self, timeout: float = 1.0) -> None:
        """Stop every component at once (waiting at most `timeout` for them), kill containers, clean up."""
        if self._stop.is_set():
            return  # stopped already
        self._stop.set()
        kubelets = [self.kubelets.pop(name) for name in list(self.kubelets)]
        parts = [*(k.stop for k in kubelets), *((self.proxy.stop,) if self.proxy else ()),
                 *((self.scheduler.stop,) if self.scheduler else ()), self.stop_controller_manager]
        threads = [threading.Thread(target=part, daemon=True, name="stop") for part in parts]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(deadline - time.monotonic(), 0))
        for kubelet in kubelets:  # what a slow kubelet has not killed yet (idempotent)
            kubelet.runtime.close()
        self.apiserver.stop()
        self.store.close()
        self._remove_work_dir()

    def _remove_work_dir(self) -> None:
        """Nothing of a run is left in /tmp; a --data-dir keeps its store but not the token."""
        if self._temporary:
            shutil.rmtree(self.work_dir, ignore_errors=True)
        else:
            (self.work_dir / "kubeconfig").unlink(missing_ok=True)
            shutil.rmtree(self.work_dir / "pki", ignore_errors=True)
