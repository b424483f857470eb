"""The official `kubernetes` Python client (written by nobody here) drives a Deployment's life on minik8s."""

from __future__ import annotations

import base64
import functools
import socket
import sys
import time

import pytest
import yaml
from kubernetes import client as k8s
from kubernetes import watch
from kubernetes.stream import portforward, stream

from kubeatlas.minik8s.cluster import Cluster, ClusterConfig
from tests.mini_clients import k8s_configuration


@pytest.fixture
def cluster():
    cluster = Cluster(ClusterConfig(nodes=2).fast()).start()
    yield cluster
    cluster.stop()


@pytest.fixture
def api(cluster):
    with k8s.ApiClient(k8s_configuration(cluster)) as api_client:
        yield k8s.CoreV1Api(api_client), k8s.AppsV1Api(api_client)


def _deployment(name: str, replicas: int) -> k8s.V1Deployment:
    labels = {"app": name}
    return k8s.V1Deployment(
        api_version="apps/v1", kind="Deployment", metadata=k8s.V1ObjectMeta(name=name),
        spec=k8s.V1DeploymentSpec(
            replicas=replicas, selector=k8s.V1LabelSelector(match_labels=labels),
            template=k8s.V1PodTemplateSpec(
                metadata=k8s.V1ObjectMeta(labels=labels),
                spec=k8s.V1PodSpec(containers=[k8s.V1Container(name=name, image="nginx:1.25")]))))


def _watch_pods_until(core, selector: str, done, pods: dict, resource_version: str | None = None,
                      timeout: int = 20) -> tuple[dict, str]:
    """Follow the pod watch (resumed from resource_version), keeping name -> pod, until done(pods)."""
    stream = watch.Watch()
    extra = {"resource_version": resource_version} if resource_version else {}
    for event in stream.stream(core.list_namespaced_pod, "default", label_selector=selector,
                               timeout_seconds=timeout, **extra):
        pod = event["object"]
        if event["type"] == "DELETED":
            pods.pop(pod.metadata.name, None)
        else:
            pods[pod.metadata.name] = pod
        if done(pods):
            stream.stop()
            return pods, stream.resource_version
    raise AssertionError(f"watch ended before the condition held: {sorted(pods)}")


def _running(count: int):
    return lambda pods: len(pods) == count and all(
        p.status.phase == "Running" and p.status.pod_ip for p in pods.values())


def test_create_watch_scale_delete_with_the_official_client(api):
    core, apps = api
    created = apps.create_namespaced_deployment("default", _deployment("web", 3))
    assert created.metadata.uid and created.metadata.resource_version
    assert created.spec.strategy.type == "RollingUpdate"  # defaulted by admission

    pods, rv = _watch_pods_until(core, "app=web", _running(3), {})
    assert {p.spec.node_name for p in pods.values()} <= {"node-1", "node-2"}
    for pod in pods.values():
        owner = pod.metadata.owner_references[0]
        assert (owner.kind, owner.controller) == ("ReplicaSet", True)
        assert {c.type: c.status for c in pod.status.conditions}["Ready"] == "True"

    apps.patch_namespaced_deployment_scale("web", "default", {"spec": {"replicas": 5}})
    pods, rv = _watch_pods_until(core, "app=web", _running(5), pods, rv)
    assert apps.read_namespaced_deployment_scale("web", "default").spec.replicas == 5

    replica_sets = apps.list_namespaced_replica_set("default", label_selector="app=web").items
    assert len(replica_sets) == 1
    apps.delete_namespaced_deployment("web", "default")
    _watch_pods_until(core, "app=web", lambda p: not p, pods, rv)  # resumed: no event missed
    assert core.list_namespaced_pod("default", label_selector="app=web").items == []
    assert apps.list_namespaced_replica_set("default").items == []


def test_errors_reach_the_official_client_as_api_exceptions(api):
    core, apps = api
    apps.create_namespaced_deployment("default", _deployment("dup", 1))
    with pytest.raises(k8s.ApiException) as exc:
        apps.create_namespaced_deployment("default", _deployment("dup", 1))
    assert exc.value.status == 409
    with pytest.raises(k8s.ApiException) as exc:
        core.read_namespaced_pod("no-such-pod", "default")
    assert exc.value.status == 404
    nodes = core.list_node().items
    assert sorted(n.metadata.name for n in nodes) == ["node-1", "node-2"]
    assert all(n.status.node_info.kubelet_version.startswith("v1.28") for n in nodes)


def test_exec_and_port_forward_through_the_official_clients_websocket_stream():
    """kubernetes.stream (websocket-client underneath) checks the handshake as RFC 6455 says;
    its portforward speaks v4.channel.k8s.io with a data and an error channel per port."""
    cluster = Cluster(ClusterConfig(nodes=1, runtime="process").fast()).start()
    try:
        with k8s.ApiClient(k8s_configuration(cluster)) as api_client:
            core = k8s.CoreV1Api(api_client)
            pod = k8s.V1Pod(metadata=k8s.V1ObjectMeta(name="box"), spec=k8s.V1PodSpec(containers=[
                k8s.V1Container(name="main", image="busybox:1.36", command=["sleep", "60"])]))
            core.create_namespaced_pod("default", pod)
            _watch_pods_until(core, "", lambda pods: _running(1)(pods), {})
            assert stream(core.connect_get_namespaced_pod_exec, "box", "default", command=["echo", "hello"],
                          stdout=True, stderr=True, stdin=False, tty=False) == "hello\n"
            session = stream(core.connect_get_namespaced_pod_exec, "box", "default",
                             command=["sh", "-c", "echo out; echo err >&2; exit 3"], stdout=True, stderr=True,
                             stdin=False, tty=False, _preload_content=False)
            session.run_forever(timeout=20)
            assert (session.read_stdout(), session.read_stderr(), session.returncode) == ("out\n", "err\n", 3)

            port = _free_port()
            server = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
            core.create_namespaced_pod("default", k8s.V1Pod(metadata=k8s.V1ObjectMeta(name="web"), spec=k8s.V1PodSpec(
                containers=[k8s.V1Container(name="main", image="python:3.11", command=server)])))
            _watch_pods_until(core, "", lambda pods: _running(2)(pods), {})
            assert b"Directory listing" in _fetch_through_port_forward(core, port)
            closed = _free_port()  # pods share this machine's network: a port nobody listens on
            refused = portforward(core.connect_get_namespaced_pod_portforward, "box", "default", ports=str(closed))
            assert refused.socket(closed).recv(1) == b"" and "Connection refused" in (refused.error(closed) or "")
    finally:
        cluster.stop()


def test_evict_with_the_official_clients_v1eviction(api):
    core, _ = api
    core.create_namespaced_pod("default", k8s.V1Pod(metadata=k8s.V1ObjectMeta(name="evictee"), spec=k8s.V1PodSpec(
        containers=[k8s.V1Container(name="main", image="busybox:1.36")])))
    eviction = k8s.V1Eviction(metadata=k8s.V1ObjectMeta(name="evictee"))  # sent without kind or apiVersion
    core.create_namespaced_pod_eviction("evictee", "default", eviction)
    left = core.list_namespaced_pod("default", field_selector="metadata.name=evictee").items
    assert not left or left[0].metadata.deletion_timestamp  # deleted, or terminating gracefully


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fetch_through_port_forward(core, port: int) -> bytes:
    """GET / through the forwarded port, retried until the pod's server listens."""
    for _ in range(50):
        forward = portforward(core.connect_get_namespaced_pod_portforward, "web", "default", ports=str(port))
        sock = forward.socket(port)
        sock.setblocking(True)
        try:
            sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
            answer = b"".join(iter(functools.partial(sock.recv, 65536), b""))
        except OSError:  # refused: the session closed before the request went out
            answer = b""
        if answer:
            return answer
        time.sleep(0.2)
    raise AssertionError(f"nothing answered on port {port}: {forward.error(port)}")


def test_every_namespace_has_the_root_ca_config_map(api, cluster):
    core, _ = api
    kubeconfig = yaml.safe_load(cluster.kubeconfig.read_text())
    ca = base64.b64decode(kubeconfig["clusters"][0]["cluster"]["certificate-authority-data"]).decode()

    def published(namespace: str) -> str:
        for _ in range(50):
            try:
                return core.read_namespaced_config_map("kube-root-ca.crt", namespace).data["ca.crt"]
            except k8s.ApiException as err:
                assert err.status == 404
                time.sleep(0.1)
        raise AssertionError(f"no kube-root-ca.crt in {namespace}")
    assert published("default") == ca
    core.create_namespace(k8s.V1Namespace(metadata=k8s.V1ObjectMeta(name="fresh")))
    assert published("fresh") == ca
    core.delete_namespaced_config_map("kube-root-ca.crt", "fresh")
    assert published("fresh") == ca  # put back, as the publisher does
