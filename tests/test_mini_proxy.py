"""kube-proxy's table and iptables rendering, and the Endpoints controller feeding it."""

from __future__ import annotations

from kubeatlas.minik8s.cluster import Cluster, ClusterConfig
from kubeatlas.minik8s.controllers.endpoints import build_subsets
from kubeatlas.minik8s.proxy import ServicePortName, build_table, render_iptables
from kubeatlas.minik8s.resources import for_kind

SERVICE = for_kind("v1", "Service")
DEPLOYMENT = for_kind("apps/v1", "Deployment")
ENDPOINTS = for_kind("v1", "Endpoints")


def svc(name, ip, ports):
    return {"metadata": {"name": name, "namespace": "default"}, "spec": {"clusterIP": ip, "ports": ports}}


def test_table_maps_cluster_ip_ports_to_ready_endpoints():
    services = [svc("web", "10.96.0.10", [{"name": "http", "port": 80, "protocol": "TCP"},
                                          {"name": "metrics", "port": 9090, "protocol": "TCP"}]),
                svc("empty", "10.96.0.11", [{"port": 53, "protocol": "UDP"}]),
                svc("headless", "None", [{"port": 80}])]
    endpoints = [{"metadata": {"name": "web", "namespace": "default"}, "subsets": [
        {"addresses": [{"ip": "10.244.0.5"}, {"ip": "10.244.1.7"}],
         "notReadyAddresses": [{"ip": "10.244.2.9"}],
         "ports": [{"name": "http", "port": 8080}, {"name": "metrics", "port": 9100}]}]}]
    table = build_table(services, endpoints)
    http = ServicePortName("default", "web", "http", "10.96.0.10", 80, "TCP")
    assert table[http] == ("10.244.0.5:8080", "10.244.1.7:8080")
    assert table[ServicePortName("default", "web", "metrics", "10.96.0.10", 9090, "TCP")] == (
        "10.244.0.5:9100", "10.244.1.7:9100")
    assert table[ServicePortName("default", "empty", "", "10.96.0.11", 53, "UDP")] == ()
    assert not [k for k in table if k.name == "headless"]
    rules = render_iptables(table)
    assert "-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp" in rules
    assert "--probability 0.5000000000" in rules and "DNAT --to-destination 10.244.1.7:8080" in rules
    assert "-d 10.96.0.11/32 -p udp" in rules and "-j REJECT" in rules  # no endpoints
    assert rules.startswith("*nat") and rules.rstrip().endswith("COMMIT")


def test_endpoint_subsets_resolve_named_target_ports_and_readiness():
    service = {"spec": {"ports": [{"name": "http", "port": 80, "targetPort": "web"}]}}
    ready = {"metadata": {"name": "a", "namespace": "default", "uid": "1"},
             "spec": {"nodeName": "n1", "containers": [{"ports": [{"name": "web", "containerPort": 8080}]}]},
             "status": {"podIP": "10.244.0.2", "conditions": [{"type": "Ready", "status": "True"}]}}
    starting = {"metadata": {"name": "b", "namespace": "default", "uid": "2"},
                "spec": {"nodeName": "n1", "containers": [{"ports": [{"name": "web", "containerPort": 8080}]}]},
                "status": {"podIP": "10.244.0.3", "conditions": [{"type": "Ready", "status": "False"}]}}
    no_ip = {"metadata": {"name": "c", "namespace": "default", "uid": "3"}, "spec": {}, "status": {}}
    subsets = build_subsets(service, [ready, starting, no_ip])
    assert subsets == [{"addresses": [{"ip": "10.244.0.2", "nodeName": "n1", "targetRef": {
        "kind": "Pod", "namespace": "default", "name": "a", "uid": "1"}}],
        "notReadyAddresses": [{"ip": "10.244.0.3", "nodeName": "n1", "targetRef": {
            "kind": "Pod", "namespace": "default", "name": "b", "uid": "2"}}],
        "ports": [{"port": 8080, "protocol": "TCP", "name": "http"}]}]


def test_live_service_gets_endpoints_and_proxy_rules():
    cluster = Cluster(ClusterConfig(nodes=2).fast()).start()
    try:
        client = cluster.client()
        labels = {"app": "api"}
        client.create(DEPLOYMENT, "default", {
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api"},
            "spec": {"replicas": 3, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "api", "image": "api:1",
                                                           "ports": [{"name": "http", "containerPort": 8080}]}]}}}})
        service = client.create(SERVICE, "default", {
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": "api"},
            "spec": {"selector": labels, "ports": [{"port": 80, "targetPort": "http"}]}})
        ip = service["spec"]["clusterIP"]
        def api(table: dict) -> list:
            return [b for k, b in table.items() if k.name == "api"]  # not the kubernetes Service
        assert cluster.proxy.wait_synced(lambda t: any(len(b) == 3 for b in api(t)), timeout=10)
        backends = api(cluster.proxy.table)[0]
        pod_ips = {p["status"]["podIP"] for p in client.list(for_kind("v1", "Pod"), "default")[0]}
        assert {b.split(":")[0] for b in backends} == pod_ips and all(b.endswith(":8080") for b in backends)
        assert cluster.proxy.resolve(ip, 80) in backends
        assert cluster.proxy.resolve(ip, 81) is None
        client.patch(DEPLOYMENT, "default", "api", {"spec": {"replicas": 1}})
        assert cluster.proxy.wait_synced(lambda t: any(len(b) == 1 for b in api(t)), timeout=10)
        endpoints = client.get(ENDPOINTS, "default", "api")
        assert len(endpoints["subsets"][0]["addresses"]) == 1
        client.delete(SERVICE, "default", "api")
        assert cluster.proxy.wait_synced(lambda t: api(t) == [], timeout=10)
    finally:
        cluster.stop()
