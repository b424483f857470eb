"""The controller-manager: one shared informer factory, every controller started on it.

Mirrors cmd/kube-controller-manager/app (`Run` -> `StartControllers`, each controller's
`start...Controller` function, one `SharedInformerFactory` started after all controllers
registered their informers, then `WaitForCacheSync`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.controllers.clusterroleaggregation import ClusterRoleAggregationController
from kubeatlas.minik8s.controllers.deployment import DeploymentController
from kubeatlas.minik8s.controllers.disruption import DisruptionController
from kubeatlas.minik8s.controllers.endpoints import EndpointsController
from kubeatlas.minik8s.controllers.garbagecollector import GarbageCollector
from kubeatlas.minik8s.controllers.horizontal import HorizontalController
from kubeatlas.minik8s.controllers.job import JobController
from kubeatlas.minik8s.controllers.namespace import NamespaceController
from kubeatlas.minik8s.controllers.nodeipam import NodeIpamController
from kubeatlas.minik8s.controllers.nodelifecycle import NodeLifecycleController
from kubeatlas.minik8s.controllers.replicaset import ReplicaSetController
from kubeatlas.minik8s.controllers.resourcequota import ResourceQuotaController
from kubeatlas.minik8s.controllers.rootcacertpublisher import RootCACertPublisher
from kubeatlas.minik8s.controllers.serviceaccounts import ServiceAccountsController
from kubeatlas.minik8s.controllers.worker import Controller
from kubeatlas.minik8s.events import EventRecorder
from kubeatlas.minik8s.informer import InformerFactory
from kubeatlas.minik8s.trace import Tracer

log = logging.getLogger("minik8s.controller-manager")
ALL = ("deployment", "replicaset", "endpoints", "nodelifecycle", "garbagecollector", "nodeipam", "job",
       "serviceaccount", "namespace", "rootcacertpublisher", "clusterrole-aggregation", "resourcequota",
       "disruption", "horizontalpodautoscaling")


@dataclass(frozen=True, slots=True)
class ControllerSettings:
    """Tunables (the kube-controller-manager flags that matter here)."""

    workers: int = 2
    node_monitor_period: float = 5.0
    node_monitor_grace_period: float = 40.0
    force_delete_after: float = 60.0
    cluster_cidr: str = "10.244.0.0/16"
    resync: float = 0.0
    enabled: tuple[str, ...] = ALL
    record_events: bool = True
    root_ca: str = ""  # --root-ca-file's PEM, published in every namespace as kube-root-ca.crt


class ControllerManager:
    """Starts and stops a set of controllers sharing one informer factory."""

    def __init__(self, client: Client, settings: ControllerSettings = ControllerSettings(),
                 *, trace: Tracer | None = None) -> None:
        self.client = client
        self.settings = settings
        self.informers = InformerFactory(client, resync=settings.resync)
        s = settings
        makers = {
            "deployment": lambda: DeploymentController(client, self.informers, trace=trace),
            "replicaset": lambda: ReplicaSetController(client, self.informers, trace=trace),
            "endpoints": lambda: EndpointsController(client, self.informers, trace=trace),
            "nodelifecycle": lambda: NodeLifecycleController(
                client, self.informers, monitor_period=s.node_monitor_period,
                grace_period=s.node_monitor_grace_period, force_delete_after=s.force_delete_after,
                trace=trace),
            "garbagecollector": lambda: GarbageCollector(client, self.informers, trace=trace),
            "nodeipam": lambda: NodeIpamController(client, self.informers,
                                                   cluster_cidr=s.cluster_cidr, trace=trace),
            "job": lambda: JobController(client, self.informers, trace=trace),
            "serviceaccount": lambda: ServiceAccountsController(client, self.informers, trace=trace),
            "namespace": lambda: NamespaceController(client, self.informers, trace=trace),
            "rootcacertpublisher": lambda: RootCACertPublisher(client, self.informers, root_ca=s.root_ca, trace=trace),
            "clusterrole-aggregation": lambda: ClusterRoleAggregationController(client, self.informers, trace=trace),
            "resourcequota": lambda: ResourceQuotaController(client, self.informers, trace=trace),
            "disruption": lambda: DisruptionController(client, self.informers, trace=trace),
            "horizontalpodautoscaling": lambda: HorizontalController(client, self.informers, trace=trace),
        }
        self.controllers: dict[str, Controller] = {name: makers[name]() for name in s.enabled}
        for controller in self.controllers.values() if s.record_events else ():
            controller.recorder = EventRecorder(client, controller.name)  # NewBroadcaster + NewRecorder

    def start(self, sync_timeout: float = 10.0) -> ControllerManager:
        self.informers.start()
        if not self.informers.wait_for_sync(sync_timeout):
            log.warning("informer caches did not sync within %.1fs", sync_timeout)
        for name, controller in self.controllers.items():
            controller.run(self.settings.workers)
            log.info("started %s", name)
        return self

    def stop(self) -> None:
        for controller in self.controllers.values():
            controller.stop()
            if controller.recorder is not None:
                controller.recorder.stop()
        self.informers.stop()
