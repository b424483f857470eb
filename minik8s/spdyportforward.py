"""`kubectl port-forward` over SPDY/3.1: each forwarded connection is a data and an error stream to a pod port.

Mirrors k8s.io/kubelet/pkg/cri/streaming/portforward (`handleHTTPStreams`,
`(*httpStreamHandler).run` pairing the `data` and `error` streams of one `requestID`,
`portForward` copying between the data stream and the port, errors written to the error
stream) over the SPDY framing of spdyexec.py. Containers of the process runtime share this
machine's network, so a pod's port is 127.0.0.1:<port> here.
"""

from __future__ import annotations

import socket
import threading

from kubeatlas.minik8s.spdyexec import SpdySession

PROTOCOL = "portforward.k8s.io"


class PortForwardSession(SpdySession):
    """Pair streams by requestID, dial the port, copy both ways until either side closes."""

    def __init__(self, *args, host: str = "127.0.0.1", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.host = host
        self._pairs: dict[str, dict[str, int]] = {}
        self._sockets: dict[int, socket.socket] = {}  # data stream id -> connection to the port
        self._ports: dict[str, int] = {}
        self._pending: dict[int, list[bytes | None]] = {}  # data sent before the port answered (None: FIN)
        self._lock = threading.Lock()

    def on_stream(self, stream_id: int, headers: dict[str, str]) -> None:
        request = headers.get("requestid", "")
        pair = self._pairs.setdefault(request, {})
        pair[headers.get("streamtype", "")] = stream_id
        if headers.get("streamtype") == "data":
            with self._lock:
                self._pending.setdefault(stream_id, [])
        self._ports[request] = int(headers.get("port", "0") or 0)
        if {"data", "error"} <= set(pair):
            threading.Thread(target=self._forward, args=(request,), daemon=True, name="portforward").start()

    def _forward(self, request: str) -> None:
        pair, port = self._pairs[request], self._ports[request]
        try:
            target = socket.create_connection((self.host, port), timeout=5)
        except OSError as exc:
            message = f"error forwarding port {port} to pod: failed to connect to {self.host}:{port}: {exc}"
            self.data(pair["error"], message.encode(), fin=True)
            self.data(pair["data"], b"", fin=True)
            return
        target.settimeout(None)
        with self._lock:
            self._sockets[pair["data"]] = target
            early = self._pending.pop(pair["data"], [])
        for chunk in early:
            self._to_port(target, chunk or b"", chunk is None)
        try:
            while chunk := target.recv(65536):
                self.data(pair["data"], chunk)
        except OSError:
            pass
        self.data(pair["data"], b"", fin=True)
        self.data(pair["error"], b"", fin=True)
        self._sockets.pop(pair["data"], None)
        target.close()

    def on_data(self, stream_id: int, payload: bytes, fin: bool) -> None:
        with self._lock:
            target = self._sockets.get(stream_id)
            if target is None:
                if stream_id in self._pending:
                    self._pending[stream_id] += [payload] + ([None] if fin else [])
                return
        self._to_port(target, payload, fin)

    @staticmethod
    def _to_port(target: socket.socket, payload: bytes, fin: bool) -> None:
        try:
            if payload:
                target.sendall(payload)
            if fin:
                target.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def on_reset(self, stream_id: int) -> None:
        target = self._sockets.pop(stream_id, None)
        if target is not None:
            try:
                target.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
