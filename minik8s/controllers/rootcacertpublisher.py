"""The root CA publisher: every active namespace has a `kube-root-ca.crt` ConfigMap with the cluster's CA.

Mirrors pkg/controller/certificates/rootcacertpublisher (`(*Publisher).syncNamespace`: create the
ConfigMap `kube-root-ca.crt` holding `ca.crt` when it is missing, put the CA back when it differs;
`configMapUpdated` / deletion re-queue the namespace). The CA is the one `mini up` made for its
serving certificate; an insecure cluster has none and publishes nothing.
"""

from __future__ import annotations

from kubeatlas.minik8s import meta, status
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.controllers.worker import Controller
from kubeatlas.minik8s.informer import Handler, InformerFactory
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.trace import Tracer

NAMESPACE, CONFIG_MAP = for_kind("v1", "Namespace"), for_kind("v1", "ConfigMap")
NAME = "kube-root-ca.crt"
DESCRIPTION = ("Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints "
               "such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across "
               "distributions of Kubernetes clusters.")
MIRROR = "method:k8s.io/kubernetes/pkg/controller/certificates/rootcacertpublisher.(*Publisher).syncNamespace"


class RootCACertPublisher(Controller):
    name = "root-ca-cert-publisher"

    def __init__(self, client: Client, informers: InformerFactory, *, root_ca: str,
                 trace: Tracer | None = None) -> None:
        super().__init__(trace=trace)
        self.client = client
        self.root_ca = root_ca
        self.namespaces = informers.informer(NAMESPACE)
        self.config_maps = informers.informer(CONFIG_MAP)
        self.namespaces.add_handler(Handler(self._namespace_changed, lambda _o, n: self._namespace_changed(n)))
        self.config_maps.add_handler(Handler(None, lambda _o, c: self._config_map_changed(c), self._config_map_changed))

    def _namespace_changed(self, namespace: dict) -> None:
        self.queue.add(meta.name_of(namespace))

    def _config_map_changed(self, config_map: dict) -> None:
        if meta.name_of(config_map) == NAME:
            self.queue.add(meta.namespace_of(config_map))

    def sync(self, key: str) -> None:
        namespace = self.namespaces.indexer.get(key)
        if not self.root_ca or namespace is None or meta.is_deleting(namespace) \
                or (namespace.get("status") or {}).get("phase") != "Active":
            return
        current = self.config_maps.indexer.get(f"{key}/{NAME}")
        if current is not None and (current.get("data") or {}).get("ca.crt") == self.root_ca:
            return
        self.emit("publish root CA", MIRROR, f"{key}/{NAME}")
        body = {"apiVersion": "v1", "kind": "ConfigMap", "data": {"ca.crt": self.root_ca},
                "metadata": {"name": NAME, "namespace": key, "annotations": {"kubernetes.io/description": DESCRIPTION}}}
        try:
            if current is None:
                self.client.create(CONFIG_MAP, key, body)
            else:
                self.client.patch(CONFIG_MAP, key, NAME, {"data": body["data"]})
        except status.ApiError as err:
            if not status.is_already_exists(err) and err.code != 403:  # 403: the namespace is terminating
                raise
