"""The kubelet's HTTP server: `/containerLogs/{namespace}/{pod}/{container}` read from the runtime's log files.

Mirrors pkg/kubelet/server (`(*Server).getContainerLogs`, reading through
`(*kubeGenericRuntimeManager).GetContainerLogs` and kuberuntime/logs `ReadLogs`: `follow`,
`tailLines`, `sinceSeconds` / `sinceTime`, `limitBytes`, `timestamps`, `previous`). The
server listens on 127.0.0.1 on a free port, which the kubelet reports as the Node's
`status.daemonEndpoints.kubeletEndpoint.Port`; the apiserver's log REST proxies to it (all
nodes of a mini cluster share this machine, so the apiserver dials 127.0.0.1 rather than the
node's simulated InternalIP). Log files are in the CRI format (crilog.py): each record keeps
the time the runtime read it, which `timestamps` shows and `since*` filters by.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kubeatlas.minik8s import cri, crilog, execstream, spdyexec, spdyportforward, wsportforward

log = logging.getLogger("kubeatlas.minik8s.kubeletserver")
POD_UID, CONTAINER_NAME = "io.kubernetes.pod.uid", "io.kubernetes.container.name"


class LogSource:
    """Where a container's log is: the runtime's containers of a pod, found by namespace and name."""

    def __init__(self, runtime: Any, find_uid: Callable[[str, str], str | None],
                 log_dir: Callable[[str], Path]) -> None:
        self.runtime = runtime
        self.find_uid = find_uid
        self.log_dir = log_dir

    def container(self, namespace: str, pod: str, name: str, previous: bool) -> cri.ContainerStatus | None:
        uid = self.find_uid(namespace, pod)
        if uid is None:
            return None
        attempts = sorted((c for c in self.runtime.list_containers()
                           if dict(c.labels).get(POD_UID) == uid and dict(c.labels).get(CONTAINER_NAME) == name),
                          key=lambda c: c.attempt)
        if not attempts:  # the containers are gone (a finished pod): their log files stay
            files = sorted(self.log_dir(uid).glob(f"{name}_*.log"), key=lambda p: int(p.stem.rsplit("_", 1)[1]))
            attempts = [cri.ContainerStatus("", "", name, int(p.stem.rsplit("_", 1)[1]), cri.CONTAINER_EXITED, "", "",
                                            p.stat().st_mtime, p.stat().st_mtime, log_path=str(p)) for p in files]
        if previous:
            attempts = attempts[:-1]
        return attempts[-1] if attempts else None

    def lines(self, status: cri.ContainerStatus, *, follow: bool, tail: int | None, timestamps: bool,
              stopping: threading.Event, since: float | None = None, limit: int | None = None) -> Iterator[bytes]:
        """ReadLogs: the log's records (the last `tail` of them, none older than `since`), then,
        following, new ones until the container exits; at most `limit` bytes in all."""
        path = Path(status.log_path)
        data = path.read_bytes() if path.exists() else b""
        offset = data.rfind(b"\n") + 1  # a record being written is read when complete
        records = data[:offset].splitlines(keepends=True)
        if tail is not None and tail >= 0:
            records = records[len(records) - tail:] if tail else []
        left = limit
        while True:
            for raw in records:
                record = crilog.parse(raw)
                if record is None or (since is not None and record.at < since):
                    continue
                out = record.output(timestamps)
                if left is not None:
                    out, left = out[:left], left - len(out[:left])
                yield out
                if left == 0:
                    return
            if not follow or stopping.is_set():
                return
            with path.open("rb") as f:
                f.seek(offset)
                chunk = f.read()
            complete = chunk[:chunk.rfind(b"\n") + 1]
            offset += len(complete)
            records = complete.splitlines(keepends=True)
            if not complete:
                if not status.id or self._state(status.id) != cri.CONTAINER_RUNNING:
                    return
                stopping.wait(0.2)

    def _state(self, container_id: str) -> str:
        try:
            return str(self.runtime.container_status(container_id).state)
        except cri.CriError:
            return cri.CONTAINER_EXITED


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, fmt: str, *args: Any) -> None:
        log.debug(fmt, *args)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        parts = url.path.strip("/").split("/")
        if len(parts) == 4 and parts[0] == "exec":
            return self._exec(parts[1], parts[2], parts[3], parse_qs(url.query).get("command", []),
                              query.get("stdin") in ("true", "1"))
        if len(parts) == 3 and parts[0] == "portForward":
            return self._websocket_port_forward(parts[1], parts[2], parse_qs(url.query).get("ports", []))
        if len(parts) != 4 or parts[0] != "containerLogs":
            return self._plain(404, b"not found\n")
        try:
            found = self.server.source.container(parts[1], parts[2], parts[3],
                                                 query.get("previous") in ("true", "1"))
        except cri.CriError as exc:
            return self._plain(500, f"{exc}\n".encode())
        if found is None:
            return self._plain(404, f'container "{parts[3]}" in pod "{parts[2]}" has no log\n'.encode())
        tail = int(query["tailLines"]) if query.get("tailLines", "").lstrip("-").isdigit() else None
        limit = int(query["limitBytes"]) if query.get("limitBytes", "").isdigit() else None
        since = time.time() - int(query["sinceSeconds"]) if query.get("sinceSeconds", "").isdigit() else None
        if query.get("sinceTime"):
            try:
                since = crilog.parse_time(query["sinceTime"])
            except ValueError as exc:
                return self._plain(400, f"sinceTime: {exc}\n".encode())
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for line in self.server.source.lines(found, follow=query.get("follow") in ("true", "1"), tail=tail,
                                                 timestamps=query.get("timestamps") in ("true", "1"),
                                                 stopping=self.server.stopping, since=since, limit=limit):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def do_POST(self) -> None:
        """getExec over SPDY/3.1 (what kubectl 1.28 sends)."""
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        parts = url.path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "portForward":
            return self._port_forward(parts[1], parts[2])
        if len(parts) != 4 or parts[0] != "exec":
            return self._plain(404, b"not found\n")
        flags = {k: (query.get(k) or ["false"])[-1] in ("true", "1") for k in ("stdin", "stdout", "stderr")}
        if spdyexec.negotiate(list(self.headers.items())) is None:
            return self._plain(400, f"exec needs an Upgrade: SPDY/3.1 offering {spdyexec.PROTOCOL}\n".encode())
        found = self.server.source.container(parts[1], parts[2], parts[3], False)
        if found is None or not found.id or not query.get("command"):
            return self._plain(404, f'container "{parts[3]}" in pod "{parts[2]}" is not running\n'.encode())
        try:
            process = self.server.source.runtime.exec(found.id, query["command"], flags["stdin"])
        except cri.CriError as exc:
            return self._plain(400, f"{exc}\n".encode())
        self.send_response(101)
        self.send_header("Connection", "Upgrade")
        self.send_header("Upgrade", "SPDY/3.1")
        self.send_header("X-Stream-Protocol-Version", spdyexec.PROTOCOL)
        self.end_headers()
        self.wfile.flush()
        session = spdyexec.SpdySession(self.rfile, self.connection)
        threading.Thread(target=session.serve_frames, daemon=True, name="spdy-frames").start()
        if session.wait_for_streams(spdyexec.expected_streams(**flags)):
            session.run(process)
        else:
            process.kill()
        session.close()
        self.close_connection = True

    def _port_forward(self, namespace: str, pod: str) -> None:
        """getPortForward: SPDY streams to the pod's ports (127.0.0.1 for the process runtime)."""
        offered = [v.strip() for k, v in self.headers.items() if k.lower() == "x-stream-protocol-version"]
        if self.headers.get("Upgrade", "").lower() != "spdy/3.1" or spdyportforward.PROTOCOL not in offered:
            return self._plain(400, f"port-forward needs an Upgrade: SPDY/3.1 offering {spdyportforward.PROTOCOL}\n"
                               .encode())
        if self.server.source.find_uid(namespace, pod) is None:
            return self._plain(404, f'pod "{pod}" is not on this node\n'.encode())
        self.send_response(101)
        self.send_header("Connection", "Upgrade")
        self.send_header("Upgrade", "SPDY/3.1")
        self.send_header("X-Stream-Protocol-Version", spdyportforward.PROTOCOL)
        self.end_headers()
        self.wfile.flush()
        session = spdyportforward.PortForwardSession(self.rfile, self.connection)
        session.serve_frames()
        session.close()
        self.close_connection = True

    def _websocket_port_forward(self, namespace: str, pod: str, ports: list[str]) -> None:
        """getPortForward over WebSocket (v4.channel.k8s.io): what the official Python client speaks."""
        upgrade = execstream.negotiate({k.lower(): v for k, v in self.headers.items()}, wsportforward.PROTOCOLS)
        if upgrade is None:
            return self._plain(400, b"port-forward needs a WebSocket upgrade offering v4.channel.k8s.io "
                               b"(or SPDY/3.1 on POST)\n")
        try:
            numbers = wsportforward.parse_ports(ports)
        except ValueError:
            return self._plain(400, f"port-forward needs ports=N[,M...] (1-65535), got {ports!r}\n".encode())
        if self.server.source.find_uid(namespace, pod) is None:
            return self._plain(404, f'pod "{pod}" is not on this node\n'.encode())
        self._switch_to_websocket(upgrade)
        wsportforward.WebSocketPortForward(self.rfile, self.connection, numbers).run()
        self.close_connection = True

    def _exec(self, namespace: str, pod: str, container: str, command: list[str], stdin: bool) -> None:
        """getExec: upgrade to the channel.k8s.io WebSocket protocol and run the command."""
        upgrade = execstream.negotiate({k.lower(): v for k, v in self.headers.items()})
        if upgrade is None:
            return self._plain(400, b"exec needs a WebSocket upgrade (v5.channel.k8s.io or v4.channel.k8s.io)\n")
        found = self.server.source.container(namespace, pod, container, False)
        if found is None or not found.id or not command:
            return self._plain(404, f'container "{container}" in pod "{pod}" is not running\n'.encode())
        try:
            process = self.server.source.runtime.exec(found.id, command, stdin)
        except cri.CriError as exc:
            return self._plain(400, f"{exc}\n".encode())
        self._switch_to_websocket(upgrade)
        execstream.ExecSession(self.rfile, self.connection, process).run()
        self.close_connection = True

    def _switch_to_websocket(self, upgrade: tuple[str, str]) -> None:
        """101 Switching Protocols with the negotiated accept key and subprotocol."""
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", upgrade[0])
        self.send_header("Sec-WebSocket-Protocol", upgrade[1])
        self.end_headers()
        self.wfile.flush()

    def _plain(self, code: int, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    source: LogSource
    stopping: threading.Event


class KubeletServer:
    """`start()` serves on 127.0.0.1:<free port>; `port` is what the Node status advertises."""

    def __init__(self, source: LogSource) -> None:
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.source = source
        self._httpd.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def start(self) -> KubeletServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        daemon=True, name=f"kubelet-server-{self.port}")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
