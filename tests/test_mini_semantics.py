"""Request semantics kube-apiserver has and minik8s now shares (issue 10 item 5, issue 11 item 8).

dryRun=All never persists; kind/apiVersion default from the URL (the official Python
client's V1Deployment without them); bookmarks carry the store's revision; limit/continue
pages read at one revision and expire with compaction; `mini up` stops within 2 s on
SIGINT and SIGTERM, killing its containers and removing its folder.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kubernetes import client as k8s
from kubernetes.client.rest import ApiException

from kubeatlas.minik8s.apiserver import ApiServer
from kubeatlas.minik8s.auth import read_kubeconfig
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.cluster import Cluster, ClusterConfig
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.status import ApiError
from kubeatlas.minik8s.store import Store
from tests.mini_clients import k8s_configuration

POD = for_kind("v1", "Pod")
SERVICE = for_kind("v1", "Service")
PODS = "/api/v1/namespaces/default/pods"


def pod(name: str, **labels: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels},
            "spec": {"containers": [{"name": "c", "image": "busybox"}]}}


@pytest.fixture
def server():
    server = ApiServer(Store(), bookmark_interval=0.2, token="t0k3n").start()
    yield server
    server.stop()


@pytest.fixture
def client(server):
    return Client(server.url, token=server.token)


def test_dry_run_all_never_persists_a_create_update_patch_or_delete(server, client):
    stored = client.create(POD, "default", pod("kept"))
    revision, before = server.store.revision, server.store.range("/")[0]
    dry = {"dryRun": "All"}
    created = client.request("POST", PODS, pod("ghost"), query=dry)
    assert created["metadata"]["name"] == "ghost" and created["metadata"]["uid"]  # what would be stored
    assert "resourceVersion" not in created["metadata"]
    changed = {**stored, "metadata": {**stored["metadata"], "labels": {"tier": "web"}}}
    updated = client.request("PUT", PODS + "/kept", changed, query=dry)
    assert updated["metadata"]["labels"] == {"tier": "web"}
    patched = client.request("PATCH", PODS + "/kept", {"metadata": {"labels": {"x": "y"}}}, query=dry,
                             content_type="application/merge-patch+json")
    assert patched["metadata"]["labels"] == {"x": "y"}
    client.request("DELETE", PODS + "/kept", {"gracePeriodSeconds": 0}, query=dry)
    client.request("DELETE", PODS, None, query=dry)  # deletecollection
    assert (server.store.revision, server.store.range("/")[0]) == (revision, before)
    with pytest.raises(ApiError) as err:
        client.request("POST", PODS, pod("ghost"), query={"dryRun": "Some"})
    assert err.value.code == 400
    with pytest.raises(ApiError) as err:  # a dry run still runs admission and validation
        client.request("POST", PODS, pod("Not_A_Name"), query=dry)
    assert err.value.code == 422


def test_the_python_clients_v1deployment_without_kind_or_api_version_is_accepted():
    cluster = Cluster(ClusterConfig(nodes=0).fast()).start()
    try:
        labels = {"app": "bare"}
        body = k8s.V1Deployment(  # no api_version, no kind: the client sends neither
            metadata=k8s.V1ObjectMeta(name="bare"),
            spec=k8s.V1DeploymentSpec(replicas=1, selector=k8s.V1LabelSelector(match_labels=labels),
                                      template=k8s.V1PodTemplateSpec(
                                          metadata=k8s.V1ObjectMeta(labels=labels),
                                          spec=k8s.V1PodSpec(containers=[k8s.V1Container(name="c", image="i")]))))
        with k8s.ApiClient(k8s_configuration(cluster)) as api_client:
            apps = k8s.AppsV1Api(api_client)
            dry = apps.create_namespaced_deployment("default", body, dry_run="All")
            assert (dry.kind, dry.api_version, dry.metadata.name) == ("Deployment", "apps/v1", "bare")
            assert apps.list_namespaced_deployment("default").items == []
            created = apps.create_namespaced_deployment("default", body)
            assert (created.kind, created.api_version) == ("Deployment", "apps/v1")
            assert apps.read_namespaced_deployment("bare", "default").spec.replicas == 1
            with pytest.raises(ApiException) as err, \
                    k8s.ApiClient(k8s.Configuration(host=cluster.url)) as anonymous:  # the token let it in
                k8s.AppsV1Api(anonymous).list_namespaced_deployment("default")
            assert err.value.status == 401
    finally:
        cluster.stop()


def test_a_pod_whose_grace_is_over_goes_away_with_its_last_finalizer(server):
    """kube-apiserver's ShouldDeleteDuringUpdate: once a pod's grace period is over (its kubelet,
    or a forced delete, asked for 0) the update that drops its last finalizer deletes it. minik8s
    kept it, Terminating without finalizers, until someone deleted it again: a foreground
    deletion whose garbage collector removed the pod's finalizer just after the kubelet's final
    delete waited for the kubelet's next sync (seconds, under load many)."""
    body = {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "held", "finalizers": ["example.com/hold"]},
            "spec": {"nodeName": "node-a", "containers": [{"name": "c", "image": "busybox"}]}}
    with k8s.ApiClient(k8s_configuration(server)) as api_client:
        core = k8s.CoreV1Api(api_client)
        core.create_namespaced_pod("default", body)
        core.delete_namespaced_pod("held", "default", grace_period_seconds=30)
        core.delete_namespaced_pod("held", "default", grace_period_seconds=0)  # the kubelet's final delete
        marked = core.read_namespaced_pod("held", "default")
        assert marked.metadata.deletion_grace_period_seconds == 0 and marked.metadata.finalizers
        core.patch_namespaced_pod("held", "default", {"metadata": {"finalizers": None}})
        with pytest.raises(ApiException) as gone:
            core.read_namespaced_pod("held", "default")
        assert gone.value.status == 404

        body["metadata"]["name"] = "graceful"  # still in its grace period: only the kubelet ends it
        core.create_namespaced_pod("default", body)
        core.delete_namespaced_pod("graceful", "default", grace_period_seconds=30)
        core.patch_namespaced_pod("graceful", "default", {"metadata": {"finalizers": None}})
        kept = core.read_namespaced_pod("graceful", "default")
        assert kept.metadata.deletion_grace_period_seconds == 30 and not kept.metadata.finalizers


def test_a_stopped_cluster_leaves_no_thread_behind():
    """Every component's event recorder wrote from a thread that waited for events forever:
    18 threads (and their clients) per stopped 3-node cluster, for the life of the process
    (a test session starts a hundred clusters)."""
    import threading

    from tests.mini_clients import eventually

    before = set(threading.enumerate())
    cluster = Cluster(ClusterConfig(nodes=3).fast()).start()
    try:
        client = cluster.client()
        client.create(POD, "default", pod("evented"))
        eventually(lambda: _assert_running(client, "evented"))
    finally:
        cluster.stop()

    def all_ended() -> None:
        left = [t.name for t in threading.enumerate() if t not in before]
        assert left == [], left
    eventually(all_ended)


def _assert_running(client, name: str) -> None:
    assert client.get(POD, "default", name)["status"].get("phase") == "Running"


def test_bookmarks_carry_the_stores_current_revision(server, client):
    client.create(POD, "default", pod("watched"))
    start = client.list(POD, "default")[1]
    for i in range(5):  # writes the pod watch does not see
        client.create(SERVICE, "default", {"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"s{i}"},
                                           "spec": {"ports": [{"port": 80}]}})
    bookmarks = [obj["metadata"]["resourceVersion"]
                 for kind, obj in client.watch(POD, "default", resource_version=start, timeout_seconds=1,
                                               bookmarks=True) if kind == "BOOKMARK"]
    assert bookmarks and int(bookmarks[-1]) == server.store.revision > int(start) + 4


def test_limit_and_continue_page_at_one_revision_and_expire_with_compaction(server, client):
    for i in range(7):
        client.create(POD, "default", pod(f"p{i}"))
    first = client.request("GET", PODS, query={"limit": "3"})
    assert [p["metadata"]["name"] for p in first["items"]] == ["p0", "p1", "p2"]
    assert first["metadata"]["remainingItemCount"] == 4 and first["metadata"]["continue"]
    client.delete(POD, "default", "p4", grace_period=0)  # after the first page: not seen by the next ones
    client.create(POD, "default", pod("p9"))
    second = client.request("GET", PODS, query={"limit": "3", "continue": first["metadata"]["continue"]})
    assert [p["metadata"]["name"] for p in second["items"]] == ["p3", "p4", "p5"]
    assert second["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"]
    last = client.request("GET", PODS, query={"limit": "3", "continue": second["metadata"]["continue"]})
    assert [p["metadata"]["name"] for p in last["items"]] == ["p6"] and "continue" not in last["metadata"]
    labelled = client.request("GET", PODS, query={"limit": "2", "labelSelector": "none=here"})
    assert labelled["items"] == [] and "remainingItemCount" not in labelled["metadata"]
    server.store.compact(server.store.revision)
    with pytest.raises(ApiError) as err:
        client.request("GET", PODS, query={"limit": "3", "continue": second["metadata"]["continue"]})
    assert (err.value.code, err.value.reason) == (410, "Expired")
    with pytest.raises(ApiError) as err:
        client.request("GET", PODS, query={"limit": "3", "continue": "not-a-token"})
    assert err.value.code == 400


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in state


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_mini_up_stops_within_2s_kills_its_containers_and_removes_its_folder(sig, tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "kubeatlas", "mini", "up", "--port", "0", "--nodes", "1",
                             "--runtime", "process"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+", proc.stdout.readline()).group(0)
        kubeconfig = Path(re.search(r": (\S+)$", proc.stdout.readline().strip()).group(1))
        credentials = read_kubeconfig(kubeconfig)
        client = Client(url, token=credentials.token)
        pid_file = tmp_path / "pid"
        client.create(POD, "default", {**pod("sleeper"), "spec": {"containers": [
            {"name": "c", "image": "busybox", "command": ["sh", "-c", f"echo $$ > {pid_file}; exec sleep 300"]}]}})
        deadline = time.monotonic() + 20
        while not (pid_file.exists() and pid_file.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.1)
        container = int(pid_file.read_text())
        assert _alive(container) and kubeconfig.parent.name.startswith("minik8s-")
        started = time.monotonic()
        proc.send_signal(sig)
        proc.wait(timeout=10)
        assert time.monotonic() - started < 2.0
        assert not kubeconfig.parent.exists()
        assert not _alive(container)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
