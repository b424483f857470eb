"""minik8s's Table output, pod subresources, ConfigMap/Secret/ServiceAccount/Job, events and the kubernetes Service."""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from kubeatlas.minik8s import execstream
from kubeatlas.minik8s.cluster import Cluster, ClusterConfig
from tests.mini_clients import auth_headers

TABLE = "application/json;as=Table;v={v};g=meta.k8s.io,application/json"


@pytest.fixture(scope="module")
def cluster():
    cluster = Cluster(ClusterConfig().fast()).start()
    yield cluster
    cluster.stop()


def call(cluster, method: str, path: str, body=None, accept: str = "application/json"):
    """(HTTP code, decoded JSON or text) of one request."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(cluster.url + path, data=data, method=method,
                                     headers={"Accept": accept, "Content-Type": "application/json",
                                              **auth_headers(cluster)})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            code, raw, kind = response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as err:
        code, raw, kind = err.code, err.read(), err.headers.get("Content-Type", "")
    return code, (json.loads(raw) if "json" in kind else raw.decode())


def wait_for(predicate, timeout: float = 20.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def pod(name: str, *containers: str, env: dict | None = None, command: list[str] | None = None) -> dict:
    listed = [{"name": c, "image": "busybox:1.36", **({"command": command} if command else {}),
               "env": [{"name": k, "value": v} for k, v in (env or {}).items()]} for c in containers or ("main",)]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {"containers": listed}}


def running(cluster, namespace: str, name: str) -> dict | None:
    code, body = call(cluster, "GET", f"/api/v1/namespaces/{namespace}/pods/{name}")
    return body if code == 200 and body["status"].get("phase") == "Running" else None


def events_of(cluster, namespace: str, name: str) -> list[tuple[str, str, str]]:
    _, body = call(cluster, "GET", f"/api/v1/namespaces/{namespace}/events"
                   f"?fieldSelector=involvedObject.name={name}")
    return [(e["reason"], e["message"], e["source"]["component"]) for e in body["items"]]


# -- Tables ------------------------------------------------------------------------------
COLUMNS = {  # pkg/printers/internalversion/printers.go, priority 0 then 1
    "pods": (["Name", "Ready", "Status", "Restarts", "Age"], ["IP", "Node", "Nominated Node", "Readiness Gates"]),
    "deployments": (["Name", "Ready", "Up-to-date", "Available", "Age"], ["Containers", "Images", "Selector"]),
    "replicasets": (["Name", "Desired", "Current", "Ready", "Age"], ["Containers", "Images", "Selector"]),
    "services": (["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age"], ["Selector"]),
    "configmaps": (["Name", "Data", "Age"], []),
    "serviceaccounts": (["Name", "Secrets", "Age"], []),
    "events": (["Last Seen", "Type", "Reason", "Object", "Message"], ["Subobject", "Source", "First Seen", "Count",
                                                                     "Name"]),
}
GROUPS = {"deployments": "/apis/apps/v1", "replicasets": "/apis/apps/v1"}


@pytest.fixture(scope="module")
def web(cluster):
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                  "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                           "template": {"metadata": {"labels": {"app": "web"}},
                                        "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}}}
    assert call(cluster, "POST", "/apis/apps/v1/namespaces/default/deployments", deployment)[0] == 201
    settings = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, "data": {"mode": "x"}}
    assert call(cluster, "POST", "/api/v1/namespaces/default/configmaps", settings)[0] == 201
    wait_for(lambda: call(cluster, "GET", "/apis/apps/v1/namespaces/default/deployments/web")[1]
             .get("status", {}).get("readyReplicas") == 2, what="web ready")
    return deployment


@pytest.mark.parametrize("version", ["v1", "v1beta1"])
@pytest.mark.parametrize("plural", sorted(COLUMNS))
def test_list_as_table_has_the_upstream_columns(cluster, web, plural, version):
    code, table = call(cluster, "GET", f"{GROUPS.get(plural, '/api/v1')}/namespaces/default/{plural}",
                       accept=TABLE.format(v=version))
    assert code == 200 and table["kind"] == "Table" and table["apiVersion"] == f"meta.k8s.io/{version}"
    normal, wide = COLUMNS[plural]
    assert [c["name"] for c in table["columnDefinitions"] if c["priority"] == 0] == normal
    assert [c["name"] for c in table["columnDefinitions"] if c["priority"] == 1] == wide
    assert table["rows"] and all(len(r["cells"]) == len(normal) + len(wide) for r in table["rows"])
    assert all(r["object"]["kind"] == "PartialObjectMetadata" for r in table["rows"])


def test_table_cells_match_the_objects(cluster, web):
    _, pods = call(cluster, "GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb")
    _, table = call(cluster, "GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb",
                    accept=TABLE.format(v="v1"))
    by_name = {row["cells"][0]: row["cells"] for row in table["rows"]}
    for item in pods["items"]:
        name, ip, node = item["metadata"]["name"], item["status"]["podIP"], item["spec"]["nodeName"]
        assert by_name[name][1:4] == ["1/1", "Running", "0"] and by_name[name][5:7] == [ip, node]
    _, table = call(cluster, "GET", "/apis/apps/v1/namespaces/default/deployments/web", accept=TABLE.format(v="v1"))
    assert table["rows"][0]["cells"][:4] == ["web", "2/2", 2, 2]
    assert table["rows"][0]["cells"][5:] == ["nginx", "nginx:1.25", "app=web"]


@pytest.mark.parametrize("include,kind", [("Object", "Deployment"), ("Metadata", "PartialObjectMetadata"),
                                          ("None", None)])
def test_include_object(cluster, web, include, kind):
    _, table = call(cluster, "GET", f"/apis/apps/v1/namespaces/default/deployments?includeObject={include}",
                    accept=TABLE.format(v="v1"))
    assert [(r.get("object") or {}).get("kind") for r in table["rows"]] == [kind]
    code, status = call(cluster, "GET", "/api/v1/pods?includeObject=Everything", accept=TABLE.format(v="v1"))
    assert code == 400 and "includeObject" in status["message"]


def test_watch_sends_table_rows(cluster):
    revision = call(cluster, "GET", "/api/v1/namespaces/default/configmaps")[1]["metadata"]["resourceVersion"]
    url = urlsplit(cluster.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=20)
    connection.request("GET", f"/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=5"
                       f"&resourceVersion={revision}",
                       headers={"Accept": TABLE.format(v="v1"), **auth_headers(cluster)})
    response = connection.getresponse()
    for name in ("watched-1", "watched-2"):
        body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"a": "1", "b": "2"}}
        assert call(cluster, "POST", "/api/v1/namespaces/default/configmaps", body)[0] == 201
    events = [json.loads(response.readline()) for _ in range(2)]
    connection.close()
    assert [e["type"] for e in events] == ["ADDED", "ADDED"]
    assert all(e["object"]["kind"] == "Table" for e in events)
    assert [c["name"] for c in events[0]["object"]["columnDefinitions"]] == ["Name", "Data", "Age"]
    assert events[1]["object"]["columnDefinitions"] == []  # headers once, as kube-apiserver sends them
    assert [e["object"]["rows"][0]["cells"][:2] for e in events] == [["watched-1", 2], ["watched-2", 2]]


# -- discovery ---------------------------------------------------------------------------
def test_discovery_lists_kinds_short_names_categories_and_subresources(cluster):
    resources = {}
    for path in ("/api/v1", "/apis/apps/v1", "/apis/batch/v1"):
        resources.update({r["name"]: r for r in call(cluster, "GET", path)[1]["resources"]})
    in_all = sorted(n for n, r in resources.items() if "all" in r.get("categories", ()))
    assert in_all == ["deployments", "jobs", "pods", "replicasets", "services"]
    short = {n: r.get("shortNames") for n, r in resources.items() if r.get("shortNames")}
    assert short == {"pods": ["po"], "deployments": ["deploy"], "replicasets": ["rs"], "services": ["svc"],
                     "configmaps": ["cm"], "serviceaccounts": ["sa"], "namespaces": ["ns"], "nodes": ["no"],
                     "events": ["ev"], "endpoints": ["ep"], "resourcequotas": ["quota"]}
    assert resources["pods/eviction"]["kind"] == "Eviction" and resources["pods/eviction"]["group"] == "policy"
    assert {"pods/log", "pods/exec", "pods/portforward", "secrets", "jobs/status"} <= set(resources)


# -- kinds -------------------------------------------------------------------------------
def test_secret_folds_string_data_and_checks_base64(cluster):
    body = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "creds"},
            "data": {"user": base64.b64encode(b"admin").decode()}, "stringData": {"password": "s3cret"}}
    code, secret = call(cluster, "POST", "/api/v1/namespaces/default/secrets", body)
    assert code == 201 and "stringData" not in secret and secret["type"] == "Opaque"
    assert {k: base64.b64decode(v).decode() for k, v in secret["data"].items()} == {"user": "admin",
                                                                                   "password": "s3cret"}
    bad = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "bad"}, "data": {"k": "not base64!"}}
    code, status = call(cluster, "POST", "/api/v1/namespaces/default/secrets", bad)
    assert code == 422 and status["details"]["causes"][0]["field"] == "data[k]"


def test_every_namespace_gets_a_default_service_account(cluster):
    assert call(cluster, "POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                                        "metadata": {"name": "team-a"}})[0] == 201
    path = "/api/v1/namespaces/team-a/serviceaccounts/default"
    first = wait_for(lambda: call(cluster, "GET", path)[1].get("metadata"), what="the default SA")
    assert call(cluster, "DELETE", path)[0] == 200
    again = wait_for(lambda: call(cluster, "GET", path)[1].get("metadata"), what="the default SA back")
    assert again["uid"] != first["uid"]


def test_the_kubernetes_service_points_at_the_apiserver(cluster):
    _, service = call(cluster, "GET", "/api/v1/namespaces/default/services/kubernetes")
    assert service["spec"]["clusterIP"] == "10.96.0.1" and service["spec"]["ports"][0]["port"] == 443
    _, endpoints = call(cluster, "GET", "/api/v1/namespaces/default/endpoints/kubernetes")
    assert endpoints["subsets"][0]["ports"][0]["port"] == urlsplit(cluster.url).port


def _job(name: str, completions: int, exit_code: str, backoff: int = 6) -> dict:
    env = [{"name": "SIM_EXIT_AFTER", "value": "0.2"}, {"name": "SIM_EXIT_CODE", "value": exit_code}]
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
            "spec": {"completions": completions, "parallelism": 2, "backoffLimit": backoff,
                     "template": {"spec": {"restartPolicy": "Never",
                                           "containers": [{"name": "work", "image": "busybox", "env": env}]}}}}


def _finished(cluster, name: str) -> dict | None:
    _, job = call(cluster, "GET", f"/apis/batch/v1/namespaces/default/jobs/{name}")
    conditions = [c for c in job.get("status", {}).get("conditions", ()) if c["status"] == "True"]
    return job if conditions else None


def test_a_job_runs_its_completions_and_completes(cluster):
    assert call(cluster, "POST", "/apis/batch/v1/namespaces/default/jobs", _job("count", 3, "0"))[0] == 201
    job = wait_for(lambda: _finished(cluster, "count"), what="the job to finish")
    assert job["status"]["succeeded"] == 3 and "completionTime" in job["status"]
    assert [c["type"] for c in job["status"]["conditions"]] == ["Complete"]
    # the controller records its event after the status update, as syncJob does: wait for it
    wait_for(lambda: "Completed" in [r for r, _, _ in events_of(cluster, "default", "count")],
             what="the Completed event")
    reasons = [r for r, _, source in events_of(cluster, "default", "count") if source == "job-controller"]
    assert reasons.count("SuccessfulCreate") == 3 and "Completed" in reasons
    _, table = call(cluster, "GET", "/apis/batch/v1/namespaces/default/jobs/count", accept=TABLE.format(v="v1"))
    assert table["rows"][0]["cells"][:2] == ["count", "3/3"]


def test_a_job_fails_after_its_backoff_limit(cluster):
    assert call(cluster, "POST", "/apis/batch/v1/namespaces/default/jobs", _job("flaky", 2, "1", backoff=1))[0] == 201
    job = wait_for(lambda: _finished(cluster, "flaky"), what="the job to fail")
    condition = job["status"]["conditions"][0]
    assert (condition["type"], condition["reason"]) == ("Failed", "BackoffLimitExceeded")
    assert job["status"]["failed"] >= 2
    # the event follows the status update (syncJob records it afterwards): wait for it
    wait_for(lambda: "BackoffLimitExceeded" in [r for r, _, _ in events_of(cluster, "default", "flaky")],
             what="the BackoffLimitExceeded event")


def test_a_job_without_never_or_onfailure_is_invalid(cluster):
    body = _job("always", 1, "0")
    del body["spec"]["template"]["spec"]["restartPolicy"]
    code, status = call(cluster, "POST", "/apis/batch/v1/namespaces/default/jobs", body)
    assert code == 422 and "restartPolicy" in status["message"]


# -- events ------------------------------------------------------------------------------
def test_controllers_scheduler_and_kubelet_record_events(cluster, web):
    _, rss = call(cluster, "GET", "/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3Dweb")
    rs = rss["items"][0]["metadata"]["name"]
    assert ("ScalingReplicaSet", f"Scaled up replica set {rs} to 2", "deployment-controller") in \
        events_of(cluster, "default", "web")
    created = [m for r, m, s in events_of(cluster, "default", rs) if (r, s) == ("SuccessfulCreate",
                                                                              "replicaset-controller")]
    assert len(created) == 2
    pod_name = created[0].removeprefix("Created pod: ")
    wanted = ["Scheduled", "Pulled", "Created", "Started"]
    reasons = wait_for(lambda: [r for r, _, _ in events_of(cluster, "default", pod_name)] if all(
        w in [r for r, _, _ in events_of(cluster, "default", pod_name)] for w in wanted) else None)
    assert set(wanted) <= set(reasons)
    assert call(cluster, "DELETE", f"/api/v1/namespaces/default/pods/{pod_name}")[0] == 200
    wait_for(lambda: ("Killing", "Stopping container nginx", "kubelet") in events_of(cluster, "default", pod_name),
             what="the Killing event")
    wait_for(lambda: [r for r, _, _ in events_of(cluster, "default", rs)].count("SuccessfulCreate") == 3,
             what="the replacement pod's SuccessfulCreate")


def test_a_repeated_event_is_counted_not_duplicated(cluster):
    crashing = pod("crasher", env={"SIM_EXIT_AFTER": "0.1", "SIM_EXIT_CODE": "1"})
    assert call(cluster, "POST", "/api/v1/namespaces/default/pods", crashing)[0] == 201

    def started() -> list[dict]:
        _, body = call(cluster, "GET", "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name=crasher")
        found = [e for e in body["items"] if e["reason"] == "Started"]
        return found if found and found[0]["count"] >= 2 else []
    events = wait_for(started, what="a second Started")
    assert len(events) == 1 and events[0]["lastTimestamp"] >= events[0]["firstTimestamp"]


# -- pod subresources --------------------------------------------------------------------
def test_logs_of_the_simulated_runtime_and_their_options(cluster):
    assert call(cluster, "POST", "/api/v1/namespaces/default/pods", pod("chatty", "a", "b"))[0] == 201
    wait_for(lambda: running(cluster, "default", "chatty"), what="chatty running")
    code, text = call(cluster, "GET", "/api/v1/namespaces/default/pods/chatty/log?container=a")
    assert code == 200 and "simulated container of pod default/chatty" in text and len(text.splitlines()) == 2
    _, tail = call(cluster, "GET", "/api/v1/namespaces/default/pods/chatty/log?container=a&tailLines=1")
    assert tail.splitlines() == text.splitlines()[-1:]
    _, stamped = call(cluster, "GET", "/api/v1/namespaces/default/pods/chatty/log?container=b&timestamps=true")
    assert all(line[:4].isdigit() and "Z " in line for line in stamped.splitlines())
    code, status = call(cluster, "GET", "/api/v1/namespaces/default/pods/chatty/log")
    assert code == 400 and status["message"] == ("a container name must be specified for pod chatty, "
                                                  "choose one of: [a b]")


def test_attach_says_why_it_is_not_served(cluster):
    code, status = call(cluster, "POST", "/api/v1/namespaces/default/pods/chatty/attach")
    assert code == 501 and status["reason"] == "NotImplemented" and "pods/attach" in status["message"]


@pytest.mark.parametrize("sub", ["exec?command=ls&container=a", "portforward"])
def test_exec_and_port_forward_without_a_stream_upgrade_are_bad_requests(cluster, sub):
    code, status = call(cluster, "POST", f"/api/v1/namespaces/default/pods/chatty/{sub}")
    assert code == 400 and "stream upgrade" in status["message"]


def test_eviction_deletes_the_pod(cluster):
    assert call(cluster, "POST", "/api/v1/namespaces/default/pods", pod("evictee"))[0] == 201
    wait_for(lambda: running(cluster, "default", "evictee"), what="evictee running")
    eviction = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "evictee"},
                "deleteOptions": {"gracePeriodSeconds": 0}}
    code, status = call(cluster, "POST", "/api/v1/namespaces/default/pods/evictee/eviction", eviction)
    assert code == 201 and status["status"] == "Success"
    wait_for(lambda: call(cluster, "GET", "/api/v1/namespaces/default/pods/evictee")[0] == 404, what="gone")
    code, _ = call(cluster, "POST", "/api/v1/namespaces/default/pods/evictee/eviction", eviction)
    assert code == 404


@pytest.fixture(scope="module")
def process_cluster():
    cluster = Cluster(ClusterConfig(runtime="process").fast()).start()
    yield cluster
    cluster.stop()


def test_logs_of_the_process_runtime_follow_real_output(process_cluster):
    cluster = process_cluster
    script = "echo hello; sleep 1; echo world; sleep 30"
    created = call(cluster, "POST", "/api/v1/namespaces/default/pods", pod("talker", command=["sh", "-c", script]))
    assert created[0] == 201
    wait_for(lambda: running(cluster, "default", "talker"), what="talker running")
    url = urlsplit(cluster.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=20)
    connection.request("GET", "/api/v1/namespaces/default/pods/talker/log?follow=true", headers=auth_headers(cluster))
    response = connection.getresponse()
    assert response.status == 200
    assert [response.readline(), response.readline()] == [b"hello\n", b"world\n"]
    connection.close()


def _websocket_exec(cluster, path: str, stdin: bytes) -> list[tuple[int, bytes]]:
    """A v5.channel.k8s.io client: send stdin and the CLOSE signal, collect (channel, data) until the server closes."""
    url = urlsplit(cluster.url)
    sock = socket.create_connection((url.hostname, url.port), timeout=20)
    key = base64.b64encode(os.urandom(16)).decode()
    auth = "".join(f"{k}: {v}\r\n" for k, v in auth_headers(cluster).items())
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {url.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                 f"Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n{auth}\r\n".encode())
    reader = sock.makefile("rb")
    head = [reader.readline()]
    while head[-1] not in (b"\r\n", b""):
        head.append(reader.readline())
    assert b" 101 " in head[0] and b"Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n" in head
    for message in (b"\x00" + stdin, b"\xff\x00"):  # stdin data, then CLOSE(stdin); client frames are masked
        mask = os.urandom(4)
        sock.sendall(bytes([0x82, 0x80 | len(message)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(message)))
    received = []
    while (frame := execstream.read_frame(reader)) is not None and frame[0] != execstream.CLOSE_FRAME:
        received.append((frame[1][0], frame[1][1:]))
    sock.close()
    return received


def test_exec_over_websocket_runs_beside_the_container(process_cluster):
    cluster = process_cluster
    assert call(cluster, "POST", "/api/v1/namespaces/default/pods", pod("host", command=["sleep", "60"]))[0] == 201
    wait_for(lambda: running(cluster, "default", "host"), what="host running")
    query = ("command=sh&command=-c&command=cat%3B%20echo%20oops%20%3E%262%3B%20exit%204"
             "&stdin=true&stdout=true&stderr=true")
    frames = _websocket_exec(cluster, f"/api/v1/namespaces/default/pods/host/exec?container=main&{query}", b"piped\n")
    assert b"".join(d for c, d in frames if c == 1) == b"piped\n"
    assert b"".join(d for c, d in frames if c == 2) == b"oops\n"
    status = json.loads(b"".join(d for c, d in frames if c == 3))
    assert (status["status"], status["reason"], status["details"]["causes"][0]["message"]) == \
        ("Failure", "NonZeroExitCode", "4")


def test_a_websocket_session_whose_reader_was_closed_ends_its_frames_quietly():
    """A port-forward over the official client's websocket: when the session ends, the HTTP
    handler closes the connection's reader while the session's receiving thread may still read
    it; that read raised ValueError in the thread ('Exception in thread ws-portforward-in')."""
    import socket

    ours, theirs = socket.socketpair()
    with ours, theirs:
        reader = ours.makefile("rb")
        reader.close()
        assert list(execstream.WebSocketSession(reader, ours).client_frames()) == []
