"""The Endpoints controller: for each Service with a selector, the addresses of its pods.

Mirrors pkg/controller/endpoint `(*Controller).syncService`: list the pods matching the
service's selector, turn each into an address (`podToEndpointAddressForService`), ready
pods into `addresses` and not-ready ones into `notReadyAddresses`, resolve each service
port's targetPort (a number or a container port name), and write the Endpoints object
only when its subsets changed.
"""

from __future__ import annotations

from kubeatlas.minik8s import meta, status
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.controllers.podstate import is_ready
from kubeatlas.minik8s.controllers.worker import Controller
from kubeatlas.minik8s.informer import Handler, InformerFactory
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.selector import from_label_selector
from kubeatlas.minik8s.trace import Tracer

SERVICE = for_kind("v1", "Service")
ENDPOINTS = for_kind("v1", "Endpoints")
POD = for_kind("v1", "Pod")


def _target_port(service_port: dict, pod: dict) -> int | None:
    target = service_port.get("targetPort", service_port.get("port"))
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    for container in (pod.get("spec") or {}).get("containers") or ():
        for port in container.get("ports") or ():
            if port.get("name") == target:
                return port.get("containerPort")
    return None


def build_subsets(service: dict, pods: list[dict]) -> list[dict]:
    """The Endpoints subsets for a service, grouped by identical port lists."""
    groups: dict[tuple, dict] = {}
    for pod in sorted(pods, key=meta.name_of):
        pod_ip = (pod.get("status") or {}).get("podIP")
        if not pod_ip or meta.is_deleting(pod):
            continue
        ports = []
        for sp in (service.get("spec") or {}).get("ports") or ():
            number = _target_port(sp, pod)
            if number is not None:
                entry = {"port": number, "protocol": sp.get("protocol", "TCP")}
                if sp.get("name"):
                    entry["name"] = sp["name"]
                ports.append(entry)
        key = tuple(sorted((p.get("name", ""), p["port"], p["protocol"]) for p in ports))
        subset = groups.setdefault(key, {"addresses": [], "notReadyAddresses": [], "ports": ports})
        address = {"ip": pod_ip, "nodeName": (pod.get("spec") or {}).get("nodeName", ""),
                   "targetRef": {"kind": "Pod", "namespace": meta.namespace_of(pod),
                                 "name": meta.name_of(pod), "uid": meta.uid_of(pod)}}
        subset["addresses" if is_ready(pod) else "notReadyAddresses"].append(address)
    subsets = []
    for subset in groups.values():
        cleaned = {k: v for k, v in subset.items() if v or k == "ports"}
        if cleaned.get("addresses") or cleaned.get("notReadyAddresses"):
            subsets.append(cleaned)
    return subsets


class EndpointsController(Controller):
    name = "endpoints-controller"

    def __init__(self, client: Client, informers: InformerFactory, *, trace: Tracer | None = None):
        super().__init__(trace=trace)
        self.client = client
        self.services = informers.informer(SERVICE)
        self.pods = informers.informer(POD)
        self.endpoints = informers.informer(ENDPOINTS)
        self.services.add_handler(Handler(self._enqueue, lambda _o, n: self._enqueue(n), self._enqueue))
        self.pods.add_handler(Handler(self._pod_changed, lambda o, n: self._pod_changed(n, o),
                                      self._pod_changed))

    def _enqueue(self, service: dict) -> None:
        self.queue.add(meta.key_of(service))

    def _pod_changed(self, pod: dict, old: dict | None = None) -> None:
        """Wake every service whose selector matches the pod now or before."""
        label_sets = [meta.labels_of(pod)] + ([meta.labels_of(old)] if old else [])
        for service in self.services.indexer.by_index("namespace", meta.namespace_of(pod)):
            selector = (service.get("spec") or {}).get("selector")
            if selector and any(from_label_selector({"matchLabels": selector}).matches(labels)
                                for labels in label_sets):
                self._enqueue(service)

    def sync(self, key: str) -> None:
        namespace, name = meta.split_key(key)
        service = self.services.indexer.get(key)
        if service is None:
            try:
                self.client.delete(ENDPOINTS, namespace, name)
            except status.ApiError as err:
                if not status.is_not_found(err):
                    raise
            return
        selector = (service.get("spec") or {}).get("selector")
        if not selector:
            return  # endpoints of selector-less services are managed by someone else
        match = from_label_selector({"matchLabels": selector})
        pods = [p for p in self.pods.indexer.by_index("namespace", namespace)
                if match.matches(meta.labels_of(p))]
        subsets = build_subsets(service, pods)
        current = self.endpoints.indexer.get(key)
        if current is not None and (current.get("subsets") or []) == subsets:
            return
        self.emit("sync endpoints", "method:k8s.io/kubernetes/pkg/controller/endpoint."
                  "(*Controller).syncService",
                  f"{key}: {sum(len(s.get('addresses', [])) for s in subsets)} ready addresses")
        body = {"apiVersion": "v1", "kind": "Endpoints",
                "metadata": {"name": name, "namespace": namespace,
                             "labels": dict(meta.labels_of(service))},
                "subsets": subsets}
        if current is None:
            try:
                self.client.create(ENDPOINTS, namespace, body)
                return
            except status.ApiError as err:
                if not status.is_already_exists(err):
                    raise
                current = self.client.get(ENDPOINTS, namespace, name)
        body["metadata"]["resourceVersion"] = meta.resource_version(current)
        self.client.update(ENDPOINTS, body)
