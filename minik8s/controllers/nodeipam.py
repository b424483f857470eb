"""The node IPAM controller: give every node a pod CIDR out of the cluster CIDR.

Mirrors pkg/controller/nodeipam/ipam `(*rangeAllocator).AllocateOrOccupyCIDR` (a node
without spec.podCIDR gets the next free /24 of the cluster CIDR; CIDRs already set are
marked occupied) and `updateCIDRsAllocation`. The kubelet's CNI plugin then hands out pod
IPs from that range.
"""

from __future__ import annotations

import ipaddress
import threading

from kubeatlas.minik8s import meta
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.controllers.worker import Controller
from kubeatlas.minik8s.informer import Handler, InformerFactory
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.trace import Tracer

NODE = for_kind("v1", "Node")


class NodeIpamController(Controller):
    name = "node-ipam-controller"

    def __init__(self, client: Client, informers: InformerFactory, *,
                 cluster_cidr: str = "10.244.0.0/16", node_mask: int = 24,
                 trace: Tracer | None = None) -> None:
        super().__init__(trace=trace)
        self.client = client
        self.subnets = list(ipaddress.ip_network(cluster_cidr).subnets(new_prefix=node_mask))
        self._lock = threading.Lock()
        self.nodes = informers.informer(NODE)
        self.nodes.add_handler(Handler(self._enqueue, lambda _o, n: self._enqueue(n)))

    def _enqueue(self, node: dict) -> None:
        if not (node.get("spec") or {}).get("podCIDR"):
            self.queue.add(meta.name_of(node))

    def sync(self, name: str) -> None:
        node = self.nodes.indexer.get(name)
        if node is None or (node.get("spec") or {}).get("podCIDR"):
            return
        with self._lock:
            used = {(n.get("spec") or {}).get("podCIDR") for n in self.nodes.indexer.list()}
            free = next((str(s) for s in self.subnets if str(s) not in used), None)
            if free is None:
                raise RuntimeError(f"cluster CIDR exhausted: no /{self.subnets[0].prefixlen} left for {name}")
            self.emit("allocate pod CIDR", "method:k8s.io/kubernetes/pkg/controller/nodeipam/ipam."
                      "(*rangeAllocator).AllocateOrOccupyCIDR", f"{name}: {free}")
            updated = self.client.patch(NODE, "", name, {"spec": {"podCIDR": free, "podCIDRs": [free]}})
            self.nodes.indexer.update(updated)  # occupy it now, before the watch catches up
