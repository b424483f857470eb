"""kube-proxy: turn Services and Endpoints into a ClusterIP -> backends table, rendered as iptables rules.

Mirrors pkg/proxy/iptables `Proxier`: `OnServiceAdd` / `OnEndpointsAdd`-style handlers mark
the state dirty, `syncProxyRules` rebuilds everything in one pass (a KUBE-SERVICES jump per
ClusterIP:port to a KUBE-SVC-* chain that spreads traffic over KUBE-SEP-* chains with
`statistic --mode random --probability 1/n`, each ending in a DNAT to one endpoint), with
syncs rate-limited like async.BoundedFrequencyRunner. minik8s writes no kernel rules: the
table is data you can print (`render_iptables`) and query (`resolve`).
"""

from __future__ import annotations

import base64
import hashlib
import random
import threading
from dataclasses import dataclass

from kubeatlas.minik8s import meta
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.informer import Handler, InformerFactory
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.trace import Step, Tracer, no_trace
from kubeatlas.minik8s.wait import poll

SERVICE = for_kind("v1", "Service")
ENDPOINTS = for_kind("v1", "Endpoints")


@dataclass(frozen=True, slots=True)
class ServicePortName:
    namespace: str
    name: str
    port_name: str
    cluster_ip: str
    port: int
    protocol: str

    def __str__(self) -> str:
        suffix = f":{self.port_name}" if self.port_name else ""
        return f"{self.namespace}/{self.name}{suffix}"


def _chain(prefix: str, *parts: str) -> str:
    """Chain names as servicePortEndpointChainName makes them: prefix + 16 chars of a hash."""
    digest = hashlib.sha256("".join(parts).encode()).digest()
    return prefix + base64.b32encode(digest).decode()[:16]


def build_table(services: list[dict], endpoints: list[dict]) -> dict[ServicePortName, tuple[str, ...]]:
    """ClusterIP:port -> ready endpoints (ip:port), the state syncProxyRules programs."""
    by_key = {meta.key_of(e): e for e in endpoints}
    table: dict[ServicePortName, tuple[str, ...]] = {}
    for service in services:
        spec = service.get("spec") or {}
        cluster_ip = spec.get("clusterIP")
        if not cluster_ip or cluster_ip == "None":
            continue
        subsets = (by_key.get(meta.key_of(service)) or {}).get("subsets") or []
        for port in spec.get("ports") or ():
            name = port.get("name", "")
            spn = ServicePortName(meta.namespace_of(service), meta.name_of(service), name, cluster_ip,
                                  int(port.get("port", 0)), port.get("protocol", "TCP"))
            backends = []
            for subset in subsets:
                ports = [p for p in subset.get("ports") or () if p.get("name", "") == name]
                for address in subset.get("addresses") or ():
                    backends.extend(f"{address['ip']}:{p['port']}" for p in ports)
            table[spn] = tuple(sorted(backends))
    return table


def render_iptables(table: dict[ServicePortName, tuple[str, ...]]) -> str:
    """The nat table as iptables-save would print what the iptables proxier writes."""
    lines = ["*nat", ":KUBE-SERVICES - [0:0]"]
    chains, rules = [], []
    for spn, backends in sorted(table.items(), key=lambda kv: str(kv[0])):
        proto = spn.protocol.lower()
        svc_chain = _chain("KUBE-SVC-", str(spn), proto)
        comment = f'-m comment --comment "{spn} cluster IP"'
        if not backends:
            rules.append(f"-A KUBE-SERVICES -d {spn.cluster_ip}/32 -p {proto} {comment} -m {proto} "
                         f"--dport {spn.port} -j REJECT")
            continue
        chains.append(f":{svc_chain} - [0:0]")
        rules.append(f"-A KUBE-SERVICES -d {spn.cluster_ip}/32 -p {proto} {comment} -m {proto} "
                     f"--dport {spn.port} -j {svc_chain}")
        for i, backend in enumerate(backends):
            sep_chain = _chain("KUBE-SEP-", str(spn), proto, backend)
            chains.append(f":{sep_chain} - [0:0]")
            left = len(backends) - i
            pick = f"-m statistic --mode random --probability {1 / left:.10f} " if left > 1 else ""
            rules.append(f'-A {svc_chain} -m comment --comment "{spn} -> {backend}" {pick}-j {sep_chain}')
            rules.append(f"-A {sep_chain} -p {proto} -m {proto} -j DNAT --to-destination {backend}")
    return "\n".join(lines + chains + rules + ["COMMIT"]) + "\n"


class Proxier:
    """Watches services and endpoints, keeps the table; `resolve` answers like the kernel would."""

    def __init__(self, client: Client, informers: InformerFactory | None = None, *,
                 min_sync_period: float = 0.1, node: str = "", trace: Tracer | None = None) -> None:
        self.informers = informers or InformerFactory(client)
        self._own = informers is None
        self.min_sync_period = min_sync_period
        self.node = node
        self.trace = trace or no_trace
        self.table: dict[ServicePortName, tuple[str, ...]] = {}
        self.syncs = 0
        self._dirty = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.services = self.informers.informer(SERVICE)
        self.endpoints = self.informers.informer(ENDPOINTS)
        mark = Handler(lambda _o: self._dirty.set(), lambda _o, _n: self._dirty.set(),
                       lambda _o: self._dirty.set())
        self.services.add_handler(mark)
        self.endpoints.add_handler(mark)

    def sync_proxy_rules(self) -> None:
        self.table = build_table(self.services.indexer.list(), self.endpoints.indexer.list())
        self.syncs += 1
        self.trace(Step(f"kube-proxy/{self.node}" if self.node else "kube-proxy", "sync rules",
                        "method:k8s.io/kubernetes/pkg/proxy/iptables.(*Proxier).syncProxyRules",
                        f"{len(self.table)} service ports, "
                        f"{sum(len(b) for b in self.table.values())} endpoints"))

    def resolve(self, cluster_ip: str, port: int, protocol: str = "TCP") -> str | None:
        """Where a connection to ClusterIP:port would be DNAT-ed (random, as with iptables)."""
        for spn, backends in self.table.items():
            if (spn.cluster_ip, spn.port, spn.protocol) == (cluster_ip, port, protocol) and backends:
                return random.choice(backends)
        return None

    def render(self) -> str:
        return render_iptables(self.table)

    def start(self) -> Proxier:
        if self._own:
            self.informers.start()
            self.informers.wait_for_sync()
        self._dirty.set()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="kube-proxy")
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.is_set():
            if self._dirty.wait(0.2):
                self._dirty.clear()
                self.sync_proxy_rules()
                self._stop.wait(self.min_sync_period)  # BoundedFrequencyRunner's minimum interval

    def wait_synced(self, predicate, timeout: float = 5.0) -> bool:
        return bool(poll(lambda: predicate(self.table), timeout))

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=2)
        if self._own:
            self.informers.stop()
