"""The mini apiserver's front door (issue 11): token, Host, Origin, media type, body size, bad numbers.

Raw HTTP (curl, and http.client over a socket for what curl will not send) against a live
in-process cluster with its token on; kubectl against the kubeconfig `mini up` writes.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time

import pytest

from kubeatlas.minik8s.auth import read_kubeconfig
from kubeatlas.minik8s.cluster import Cluster, ClusterConfig
from kubeatlas.minik8s.guard import check_media_type
from tests.mini_clients import auth_headers

PODS = "/api/v1/namespaces/default/pods"


@pytest.fixture(scope="module")
def cluster():
    cluster = Cluster(ClusterConfig(nodes=1).fast()).start()
    yield cluster
    cluster.stop()


def _recv(sock: socket.socket) -> bytes:
    """The next bytes, or b"" once the server has reset the connection after answering."""
    try:
        return sock.recv(65536)
    except ConnectionResetError:
        return b""


def pod(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "c", "image": "busybox"}]}}


def http(cluster, method: str, path: str, body: bytes = b"", headers: dict | None = None,
         *, raw_head: bytes | None = None, timeout: float = 5.0) -> tuple[int, dict, float]:
    """(code, JSON body, seconds) for one request written by hand on a fresh socket."""
    port = cluster.apiserver.port
    head = raw_head
    if head is None:
        fields = {"Host": f"127.0.0.1:{port}", "Content-Length": str(len(body)), **(headers or {})}
        head = (f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items())
                + "Connection: close\r\n\r\n").encode()
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(head + body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # a server refusing the body (413) may answer and close before it is all sent
        data = b""
        while chunk := _recv(sock):
            data += chunk
            if b"\r\n\r\n" in data:
                header, _, rest = data.partition(b"\r\n\r\n")
                length = [int(line.split(b":")[1]) for line in header.split(b"\r\n")
                          if line.lower().startswith(b"content-length:")]
                if length and len(rest) >= length[0]:
                    break
    elapsed = time.monotonic() - started
    header, _, rest = data.partition(b"\r\n\r\n")
    return int(header.split()[1]), json.loads(rest or b"{}"), elapsed


def test_a_request_without_the_token_is_401_as_kube_apiserver_answers(cluster):
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    run = [shutil.which("curl"), "-s", "-w", "\n%{http_code}", "-X", "POST", "-H", "Content-Type: application/json",
           "--data", json.dumps(pod("from-curl")), cluster.url + PODS]
    body, code = subprocess.run(run, capture_output=True, text=True, timeout=30).stdout.rsplit("\n", 1)
    assert code == "401"
    assert json.loads(body) == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                "message": "Unauthorized", "reason": "Unauthorized", "code": 401}
    wrong = subprocess.run([*run[:1], "-H", "Authorization: Bearer nope", *run[1:]], capture_output=True,
                           text=True, timeout=30).stdout.rsplit("\n", 1)[1]
    assert wrong == "401"
    with_token = subprocess.run([*run[:1], "-H", f"Authorization: Bearer {cluster.token}", *run[1:]],
                                capture_output=True, text=True, timeout=30).stdout.rsplit("\n", 1)[1]
    assert with_token == "201"
    health = subprocess.run([run[0], "-s", cluster.url + "/healthz"], capture_output=True, text=True, timeout=30)
    assert health.stdout == "ok"  # health and version stay open, as system:public-info-viewer allows


@pytest.mark.parametrize("host", ["attacker.example:{port}", "attacker.example", "127.0.0.1:1",
                                  "localhost.attacker.example:{port}", "127.0.0.1:{port}@evil"])
def test_a_foreign_host_header_is_refused_dns_rebinding(cluster, host):
    port = cluster.apiserver.port
    code, body, _ = http(cluster, "GET", PODS, headers={"Host": host.format(port=port), **auth_headers(cluster)})
    assert (code, body["reason"]) == (403, "Forbidden") and "host" in body["message"]


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}", "LOCALHOST:{port}"])
def test_loopback_host_names_are_served(cluster, host):
    code, body, _ = http(cluster, "GET", PODS, headers={"Host": host.format(port=cluster.apiserver.port),
                                                        **auth_headers(cluster)})
    assert code == 200 and body["kind"] == "PodList"


@pytest.mark.parametrize("origin, allowed", [
    ("http://127.0.0.1:{port}", True), ("http://localhost:{port}", True),
    ("http://127.0.0.1:{other}", False), ("http://attacker.example", False), ("null", False),
    ("https://127.0.0.1:{port}", True), ("https://localhost:{other}", False)])
def test_a_browser_origin_that_is_not_the_servers_own_is_refused(cluster, origin, allowed):
    port = cluster.apiserver.port
    headers = {"Origin": origin.format(port=port, other=port + 1), "Content-Type": "application/json",
               **auth_headers(cluster)}
    code, body, _ = http(cluster, "POST", PODS + "?dryRun=All", json.dumps(pod("o")).encode(), headers)
    assert code == (201 if allowed else 403), body


@pytest.mark.parametrize("content_type", ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "application/vnd.kubernetes.protobuf"])
def test_writes_in_other_media_types_are_415(cluster, content_type):
    body = json.dumps(pod("typed")).encode()
    for method, path in (("POST", PODS), ("PUT", PODS + "/typed")):
        code, answer, _ = http(cluster, method, path, body, {"Content-Type": content_type, **auth_headers(cluster)})
        assert (code, answer["reason"]) == (415, "UnsupportedMediaType"), (method, answer)
    code, answer, _ = http(cluster, "PATCH", PODS + "/typed", b"{}", {"Content-Type": content_type,
                                                                     **auth_headers(cluster)})
    assert code == 415


def test_json_and_yaml_bodies_are_accepted_and_yaml_aliases_are_not(cluster):
    headers = {"Content-Type": "application/yaml", **auth_headers(cluster)}
    manifest = b"apiVersion: v1\nkind: Pod\nmetadata: {name: from-yaml}\nspec:\n  containers: [{name: c, image: i}]\n"
    code, body, _ = http(cluster, "POST", PODS, manifest, headers)
    assert code == 201 and body["metadata"]["name"] == "from-yaml"
    bomb = b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n"
    code, body, _ = http(cluster, "POST", PODS, bomb, headers)
    assert (code, body["reason"]) == (400, "BadRequest") and "alias" in body["message"]


@pytest.mark.parametrize("length", ["-1", "abc", "1e3", "+5", "99999999999999999999999999", "18446744073709551616"])
def test_absurd_content_lengths_are_refused_at_once(cluster, length):
    head = (f"POST {PODS} HTTP/1.1\r\nHost: 127.0.0.1:{cluster.apiserver.port}\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {cluster.token}\r\nContent-Length: {length}\r\n\r\n").encode()
    code, body, elapsed = http(cluster, "POST", PODS, raw_head=head)  # no body follows: nothing to wait for
    assert code in (400, 413) and body["kind"] == "Status" and elapsed < 2.0, (code, body, elapsed)


def test_a_body_over_3_mib_is_413_before_it_is_read(cluster):
    limit = 3 * 1024 * 1024
    big = {**pod("big"), "metadata": {"name": "big", "annotations": {"a": "x" * limit}}}
    data = json.dumps(big).encode()
    code, body, _ = http(cluster, "POST", PODS, data, {"Content-Type": "application/json", **auth_headers(cluster)})
    assert (code, body["reason"], body["message"]) == (413, "RequestEntityTooLarge",
                                                       f"Request entity too large: limit is {limit}")
    assert cluster.store.get("/registry/core/pods/default/big") is None


@pytest.mark.parametrize("timeout", ["nan", "abc", "-1", "inf", "1.5", "99999999999"])
def test_bad_watch_timeouts_are_400_not_endless_nor_500(cluster, timeout):
    code, body, elapsed = http(cluster, "GET", f"{PODS}?watch=true&timeoutSeconds={timeout}",
                               headers=auth_headers(cluster))
    assert (code, body["reason"]) == (400, "BadRequest") and "timeoutSeconds" in body["message"]
    assert elapsed < 2.0


def test_kubectl_reaches_the_cluster_through_the_kubeconfig(cluster):
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed")
    assert oct(cluster.kubeconfig.stat().st_mode & 0o777) == "0o600"
    credentials = read_kubeconfig(cluster.kubeconfig)
    # kubectl and client-go send a token only over TLS, so the kubeconfig names the same port over https
    assert (credentials.server, credentials.token) == (cluster.apiserver.https_url, cluster.token)
    assert credentials.ca_pem and b"BEGIN CERTIFICATE" in credentials.ca_pem
    ok = subprocess.run([kubectl, "--kubeconfig", str(cluster.kubeconfig), "get", "--raw", "/api/v1/nodes"],
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and json.loads(ok.stdout)["items"][0]["metadata"]["name"] == "node-1"
    denied = subprocess.run([kubectl, "--server", cluster.apiserver.https_url, "--insecure-skip-tls-verify",
                             "--token", "wrong", "get", "--raw", "/api/v1/nodes"],
                            capture_output=True, text=True, timeout=60)
    assert denied.returncode != 0 and "Unauthorized" in denied.stderr


@pytest.mark.parametrize("method, content_type", [
    ("PATCH", "application/apply-patch+yaml"), ("PATCH", "application/strategic-merge-patch+json"),
    ("PATCH", "application/merge-patch+json; charset=utf-8"), ("PATCH", "application/json-patch+json"),
    ("POST", "application/json"), ("POST", "application/yaml"), ("POST", ""), ("PUT", "Application/JSON"),
    ("DELETE", "text/plain")])  # a DELETE without a body has nothing to decode
def test_the_media_types_kube_apiserver_decodes_pass_the_filter(method, content_type):
    check_media_type(method, content_type, 0 if method == "DELETE" else 10)


def _chunked_head(cluster, path: str) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{cluster.apiserver.port}\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {cluster.token}\r\nTransfer-Encoding: chunked\r\n"
            "Connection: close\r\n\r\n").encode()


def test_a_chunked_body_is_read_and_held_to_the_same_limit(cluster):
    data = json.dumps(pod("chunky")).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (data[:20], data[20:])) + b"0\r\n\r\n"
    code, body, _ = http(cluster, "POST", PODS, chunks, raw_head=_chunked_head(cluster, PODS))
    assert (code, body["metadata"]["name"]) == (201, "chunky"), body
    limit = 3 * 1024 * 1024
    big = b"%x\r\n%s\r\n" % (limit + 1, b"x" * (limit + 1))
    code, body, _ = http(cluster, "POST", PODS, big, raw_head=_chunked_head(cluster, PODS))
    assert (code, body["reason"]) == (413, "RequestEntityTooLarge"), body
    code, body, _ = http(cluster, "POST", PODS, b"zz\r\n{}\r\n0\r\n\r\n", raw_head=_chunked_head(cluster, PODS))
    assert (code, body["reason"]) == (400, "BadRequest"), body
