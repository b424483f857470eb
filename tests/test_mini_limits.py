"""Memory bounds of the mini apiserver (issue 11 item 3): silent watchers, slow watchers, the watch cap.

Small and bounded on purpose: the server under the memory test runs in a subprocess with
RLIMIT_AS at 3 GiB, holds 1,000 pods of ~2 KiB, and meets 50 watchers that never read
plus a body just over the 3 MiB limit; its RSS must grow by less than 60 MiB (before the
fix each watcher decoded its own copy of the list, about 10 MiB apiece).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kubeatlas.minik8s.apiserver import ApiServer
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.store import Store

POD = for_kind("v1", "Pod")
PODS = "/api/v1/namespaces/default/pods"
RSS_GROWTH_BOUND = 60 * 1024 * 1024

SERVER = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
from kubeatlas.minik8s.apiserver import ApiServer
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.store import Store
server = ApiServer(Store(), token="secret").start()
for i in range(1000):
    server.registry.create(for_kind("v1", "Pod"), "default", {"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": f"p{i}", "annotations": {"note": "x" * 2000}},
        "spec": {"containers": [{"name": "c", "image": "busybox"}]}})
print(server.port, flush=True)
sys.stdin.read()
server.stop()
"""


def big_pod(name: str, size: int) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "annotations": {"note": "x" * size}},
            "spec": {"containers": [{"name": "c", "image": "busybox"}]}}


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def open_watch(port: int, token: str | None, query: str = "", rcvbuf: int = 4096) -> socket.socket:
    """A watch request on a socket with a small receive buffer, sent and then never read."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.connect(("127.0.0.1", port))
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    sock.sendall(f"GET {PODS}?watch=true{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{auth}\r\n".encode())
    return sock


def status_of(sock: socket.socket) -> int:
    sock.settimeout(5)
    head = b""
    while b"\r\n" not in head:
        head += sock.recv(1)
    return int(head.split()[1])


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc to read RSS")
def test_fifty_silent_watchers_and_an_oversized_body_keep_rss_bounded():
    proc = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    sockets: list[socket.socket] = []
    try:
        port = int(proc.stdout.readline())
        time.sleep(0.5)
        before = rss(proc.pid)
        sockets = [open_watch(port, "secret") for _ in range(50)]
        time.sleep(3)  # every watcher has had time to write until its socket blocks
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            body = json.dumps(big_pod("huge", 3 * 1024 * 1024)).encode()
            sock.sendall((f"POST {PODS} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer secret\r\n"
                          f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode())
            assert status_of(sock) == 413  # answered from the headers, before the body is sent
        time.sleep(0.5)
        grown = rss(proc.pid) - before
        assert proc.poll() is None
        assert grown < RSS_GROWTH_BOUND, f"RSS grew by {grown / 2**20:.1f} MiB with 50 silent watchers"
    finally:
        for sock in sockets:
            sock.close()
        proc.stdin.close()
        proc.wait(timeout=20)


def test_a_watcher_too_slow_for_its_buffer_is_dropped_with_a_410_error_event():
    server = ApiServer(Store(), watch_buffer=20).start()
    try:
        revision = server.store.revision
        sock = open_watch(server.port, None, f"&resourceVersion={revision}")
        time.sleep(0.3)
        for i in range(4000):  # ~8 MiB of events: more than the socket buffers hold
            server.registry.create(POD, "default", big_pod(f"p{i}", 2000))
        sock.settimeout(10)
        data = b""
        while not data.endswith(b"\r\n0\r\n\r\n"):  # the stream's last chunk (the connection stays open)
            chunk = sock.recv(1 << 16)
            assert chunk, "the server closed the connection without ending the stream"
            data += chunk
        sock.close()
        lines = [json.loads(line) for line in data.replace(b"\r\n", b"\n").split(b"\n")
                 if line.startswith(b'{"type"')]
        last = lines[-1]
        assert last["type"] == "ERROR" and last["object"]["code"] == 410, last
        assert "too slow" in last["object"]["message"]
        assert len(lines) - 1 < 4000  # dropped long before the end
    finally:
        server.stop()


def test_watches_past_the_cap_are_429_and_a_closed_watch_frees_its_slot():
    server = ApiServer(Store(), max_watches=3).start()
    try:
        held = [open_watch(server.port, None) for _ in range(3)]
        assert [status_of(s) for s in held] == [200, 200, 200]
        extra = open_watch(server.port, None)
        assert status_of(extra) == 429
        extra.close()
        held.pop().close()
        deadline = time.monotonic() + 5
        while True:
            again = open_watch(server.port, None)
            code = status_of(again)
            again.close()
            if code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert code == 200
        for sock in held:
            sock.close()
    finally:
        server.stop()
