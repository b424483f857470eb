"""The mini apiserver over real HTTP: errors as Status, optimistic concurrency, watch resume, patch, deletion."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest

from kubeatlas.minik8s.apiserver import ApiServer
from kubeatlas.minik8s.client import Client, ServerUnreachable
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.status import ApiError
from kubeatlas.minik8s.store import Store
from tests.mini_clients import eventually

POD = for_kind("v1", "Pod")
DEPLOYMENT = for_kind("apps/v1", "Deployment")
SERVICE = for_kind("v1", "Service")


@pytest.fixture
def server():
    server = ApiServer(Store()).start()
    yield server
    server.stop()


@pytest.fixture
def client(server):
    return Client(server.url)


def pod(name: str, **labels) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels},
            "spec": {"containers": [{"name": "c", "image": "busybox"}]}}


def raw(server, method: str, path: str, body: bytes, content_type: str = "application/json"):
    request = urllib.request.Request(server.url + path, data=body, method=method,
                                     headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


BAD_REQUESTS = [
    ("malformed json", "POST", "/api/v1/namespaces/default/pods", b'{"apiVersion": "v1", "kind": ',
     400, "BadRequest"),
    ("not an object", "POST", "/api/v1/namespaces/default/pods", b'[1, 2]', 400, "BadRequest"),
    ("unknown resource", "POST", "/api/v1/namespaces/default/widgets",
     json.dumps(pod("w")).encode(), 404, "NotFound"),
    ("kind does not match endpoint", "POST", "/api/v1/namespaces/default/pods",
     json.dumps({**pod("x"), "kind": "Gadget"}).encode(), 400, "BadRequest"),
    ("missing kind, apiVersion of another group", "POST", "/api/v1/namespaces/default/pods",
     json.dumps({**pod("x"), "kind": None, "apiVersion": "apps/v1"}).encode(), 400, "BadRequest"),
    ("missing containers", "POST", "/api/v1/namespaces/default/pods",
     json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, "spec": {}}).encode(),
     422, "Invalid"),
    ("missing name", "POST", "/api/v1/namespaces/default/pods",
     json.dumps({**pod("x"), "metadata": {}}).encode(), 422, "Invalid"),
    ("bad name", "POST", "/api/v1/namespaces/default/pods",
     json.dumps(pod("Not_A_Name")).encode(), 422, "Invalid"),
    ("deployment selector mismatch", "POST", "/apis/apps/v1/namespaces/default/deployments",
     json.dumps({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
                 "spec": {"selector": {"matchLabels": {"a": "b"}},
                          "template": {"metadata": {"labels": {"a": "c"}},
                                       "spec": {"containers": [{"name": "c", "image": "i"}]}}}}).encode(),
     422, "Invalid"),
    ("namespace does not exist", "POST", "/api/v1/namespaces/ghost/pods",
     json.dumps(pod("x")).encode(), 404, "NotFound"),
    ("apply configuration without apiVersion and kind", "PATCH", "/api/v1/namespaces/default/pods/existing",
     b"spec: {}", 400, "BadRequest"),
    ("bad resourceVersion", "PUT", "/api/v1/namespaces/default/pods/existing",
     json.dumps({**pod("existing"), "metadata": {"name": "existing", "resourceVersion": "abc"}}).encode(),
     400, "BadRequest"),
]


@pytest.mark.parametrize("what, method, path, body, code, reason", BAD_REQUESTS,
                         ids=[b[0] for b in BAD_REQUESTS])
def test_bad_requests_get_status_errors_and_leave_the_store_alone(server, client, what, method, path,
                                                                    body, code, reason):
    client.create(POD, "default", pod("existing"))
    before_revision = server.store.revision
    before = server.store.range("/")[0]
    content_type = "application/apply-patch+yaml" if method == "PATCH" else "application/json"
    status_code, answer = raw(server, method, path, body, content_type)
    assert (status_code, answer["kind"], answer["status"]) == (code, "Status", "Failure")
    assert (answer["code"], answer["reason"]) == (code, reason) and answer["message"]
    assert server.store.revision == before_revision and server.store.range("/")[0] == before


def test_invalid_object_lists_every_cause(client):
    with pytest.raises(ApiError) as exc:
        client.create(POD, "default", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"},
                                       "spec": {"containers": [{"name": "A"}], "restartPolicy": "Sometimes"}})
    fields = {c.field for c in exc.value.causes}
    assert {"spec.containers[0].name", "spec.containers[0].image", "spec.restartPolicy"} <= fields


def test_two_writers_on_one_object_exactly_one_conflict(client):
    created = client.create(POD, "default", pod("shared"))
    barrier = threading.Barrier(2)
    outcomes = []

    def writer(label):
        mine = Client(client.base_url)
        body = json.loads(json.dumps(created))
        body["metadata"]["labels"] = {"writer": label}
        barrier.wait()
        try:
            mine.update(POD, body)
            outcomes.append(200)
        except ApiError as err:
            outcomes.append((err.code, err.reason))

    threads = [threading.Thread(target=writer, args=(w,)) for w in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes, key=str) == [(409, "Conflict"), 200]
    final = client.get(POD, "default", "shared")
    assert int(final["metadata"]["resourceVersion"]) == int(created["metadata"]["resourceVersion"]) + 1


def test_watch_resumed_from_last_resource_version_misses_nothing(tmp_path):
    store = Store(tmp_path / "wal")
    server = ApiServer(store).start()
    port = server.port
    client = Client(server.url)
    seen: list[tuple[str, str]] = []
    last_rv = client.list(POD, "default")[1]
    watch = client.watch(POD, "default", resource_version=last_rv)
    client.create(POD, "default", pod("p1"))
    client.create(POD, "default", pod("p2"))
    for kind, obj in watch:
        seen.append((kind, obj["metadata"]["name"]))
        last_rv = obj["metadata"]["resourceVersion"]
        if len(seen) == 2:
            break
    server.stop()  # the connection drops; the server is gone for a while
    with pytest.raises(ServerUnreachable):
        client.list(POD, "default")
    writer = ApiServer(store, port=0)  # writes go on through another apiserver on the same store
    writer.start()
    other = Client(writer.url)
    other.patch(POD, "default", "p1", {"metadata": {"labels": {"x": "1"}}})
    other.delete(POD, "default", "p2")
    other.create(POD, "default", pod("p3"))
    writer.stop()
    server = ApiServer(store, port=port).start()  # back on the same address
    try:
        resumed = client.watch(POD, "default", resource_version=last_rv, timeout_seconds=1)
        seen += [(kind, obj["metadata"]["name"]) for kind, obj in resumed]
    finally:
        server.stop()
    assert seen == [("ADDED", "p1"), ("ADDED", "p2"), ("MODIFIED", "p1"), ("DELETED", "p2"), ("ADDED", "p3")]


def test_watch_from_a_compacted_revision_is_gone(server, client):
    rv = client.create(POD, "default", pod("a"))["metadata"]["resourceVersion"]
    client.create(POD, "default", pod("b"))
    client.create(POD, "default", pod("c"))
    server.store.compact(server.store.revision)  # the event right after rv is gone
    events = list(client.watch(POD, "default", resource_version=rv, timeout_seconds=1))
    assert events[0][0] == "ERROR" and events[0][1]["code"] == 410 and events[0][1]["reason"] == "Expired"


def test_watch_with_label_selector_sees_objects_enter_and_leave(client):
    rv = client.list(POD, "default")[1]
    client.create(POD, "default", pod("p", tier="web"))
    client.patch(POD, "default", "p", {"metadata": {"labels": {"tier": "db"}}})
    client.patch(POD, "default", "p", {"metadata": {"labels": {"tier": "web"}}})
    events = [(k, o["metadata"]["labels"]["tier"]) for k, o in
              client.watch(POD, "default", resource_version=rv, label_selector="tier=web", timeout_seconds=1)]
    assert events == [("ADDED", "web"), ("DELETED", "db"), ("ADDED", "web")]


def test_list_selectors_and_resource_version(client):
    client.create(POD, "default", pod("a", app="x", tier="web"))
    client.create(POD, "default", pod("b", app="x", tier="db"))
    client.create(POD, "default", pod("c", app="y"))
    def names(sel: str) -> list[str]:
        return sorted(p["metadata"]["name"] for p in client.list(POD, "default", label_selector=sel)[0])
    assert names("app=x") == ["a", "b"]
    assert names("app=x,tier!=db") == ["a"]
    assert names("tier in (web,db)") == ["a", "b"]
    assert names("!tier") == ["c"]
    assert sorted(p["metadata"]["name"] for p in client.list(POD, "", field_selector="metadata.name=b")[0]) == ["b"]


@pytest.mark.parametrize("patch_type, patch", [
    ("merge", {"metadata": {"labels": {"new": "1", "old": None}}}),
    ("strategic", {"metadata": {"labels": {"new": "1", "old": None}}}),
    ("json", [{"op": "add", "path": "/metadata/labels/new", "value": "1"},
              {"op": "remove", "path": "/metadata/labels/old"}]),
])
def test_patch_types(client, patch_type, patch):
    client.create(POD, "default", pod("p", old="x"))
    patched = client.patch(POD, "default", "p", patch, patch_type=patch_type)
    assert patched["metadata"]["labels"] == {"new": "1"}


def test_status_update_keeps_spec_and_main_update_keeps_status(client):
    created = client.create(POD, "default", pod("p"))
    created["status"] = {"phase": "Running"}
    created["spec"]["containers"][0]["image"] = "other"
    after = client.update_status(POD, created)
    assert after["status"]["phase"] == "Running" and after["spec"]["containers"][0]["image"] == "busybox"
    after["status"] = {"phase": "Failed"}
    after["spec"]["containers"][0]["image"] = "busybox:2"
    again = client.update(POD, after)
    assert again["status"]["phase"] == "Running" and again["spec"]["containers"][0]["image"] == "busybox:2"
    assert again["metadata"]["generation"] == 2


def test_binding_happens_once(client):
    client.create(POD, "default", pod("p"))
    client.bind("default", "p", "node-1")
    with pytest.raises(ApiError) as exc:
        client.bind("default", "p", "node-2")
    assert exc.value.code == 409
    bound = client.get(POD, "default", "p")
    assert bound["spec"]["nodeName"] == "node-1"


def test_graceful_deletion_and_finalizers(client):
    client.create(POD, "default", pod("p"))
    client.bind("default", "p", "node-1")
    marked = client.delete(POD, "default", "p")
    assert marked["metadata"]["deletionGracePeriodSeconds"] == 30
    client.delete(POD, "default", "p", grace_period=0)
    with pytest.raises(ApiError):
        client.get(POD, "default", "p")
    body = pod("f")
    body["metadata"]["finalizers"] = ["example.com/hold"]
    client.create(POD, "default", body)
    held = client.delete(POD, "default", "f")
    assert held["metadata"]["deletionTimestamp"]
    held["metadata"]["finalizers"] = []
    client.update(POD, held)
    with pytest.raises(ApiError):
        client.get(POD, "default", "f")


def test_service_gets_a_cluster_ip_and_scale_subresource(client):
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
           "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}}
    created = client.create(SERVICE, "default", svc)
    assert created["spec"]["clusterIP"].startswith("10.96.")
    assert created["spec"]["ports"][0]["protocol"] == "TCP"
    second = client.create(SERVICE, "default", {**svc, "metadata": {"name": "web2"}})
    assert second["spec"]["clusterIP"] != created["spec"]["clusterIP"]


def test_discovery(server):
    def get(path):
        with urllib.request.urlopen(server.url + path) as response:
            return json.loads(response.read())
    assert get("/api")["versions"] == ["v1"]
    assert "apps" in {g["name"] for g in get("/apis")["groups"]}
    names = {r["name"] for r in get("/apis/apps/v1")["resources"]}
    assert {"deployments", "deployments/scale", "replicasets"} <= names
    assert get("/version")["minor"] == "28"


def test_an_apiserver_whose_start_failed_stops_at_once():
    """`mini up` stops the cluster when its start fails; stop() must not wait for a serve loop that never ran."""
    server = ApiServer()
    stopper = threading.Thread(target=server.stop, daemon=True)
    stopper.start()
    stopper.join(timeout=5)
    assert not stopper.is_alive()


def test_a_tls_client_that_hangs_up_before_its_answer_is_no_server_error(caplog, capsys):
    """kubectl stopped mid-request (a killed `get -w`, a timeout) closes its TLS connection
    before reading the answer: the write fails as an SSL EOF. The apiserver logged that as
    'GET ... failed', tried to send a 500 on the dead connection and printed two tracebacks."""
    import socket
    import ssl
    from urllib.parse import urlsplit

    from kubeatlas.minik8s.cluster import Cluster, ClusterConfig

    cluster = Cluster(ClusterConfig(nodes=0).fast()).start()
    address = urlsplit(cluster.apiserver.https_url)
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    try:
        with caplog.at_level("DEBUG", logger="kubeatlas.minik8s.apiserver"):
            paths = ["/openapi/v2"] * 15 + ["/api/v1/namespaces/default/pods/none"] * 5
            for path in paths:
                with context.wrap_socket(socket.create_connection((address.hostname, address.port))) as tls:
                    tls.sendall(f"GET {path} HTTP/1.1\r\nHost: {address.netloc}\r\n"
                                f"Authorization: Bearer {cluster.token}\r\n\r\n".encode())

            def answered() -> None:  # the access log line is written as the answer starts
                lines = [r.getMessage() for r in caplog.records]
                assert sum(f'"GET {p} HTTP/1.1"' in line for line in lines for p in set(paths)) >= len(paths)
            eventually(answered)
            assert cluster.client().request("GET", "/healthz") is not None
    finally:
        cluster.stop()
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == []
    assert "Traceback" not in capsys.readouterr().err
