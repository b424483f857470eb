"""Port-forward over WebSocket: channel.k8s.io framing, a data and an error channel per port.

Mirrors k8s.io/kubelet/pkg/cri/streaming/portforward/websocket.go (`handleWebSocketStreams`:
the `ports` query names the ports, channel 2i carries port i's data and 2i+1 its errors, and
each channel's first message is its port number, two bytes little-endian; `v4.channel.k8s.io`),
which the official Python client's `portforward` speaks (kubectl 1.28 uses SPDY,
spdyportforward.py). Each port gets one connection when the session opens (the pod's port is
127.0.0.1:<port>: process-runtime containers share this machine's network); the session
ends when every connection has closed.
"""

from __future__ import annotations

import socket
import struct
import threading
from typing import BinaryIO

from kubeatlas.minik8s.execstream import BINARY, CLOSE_FRAME, WebSocketSession

PROTOCOLS = ("v4.channel.k8s.io",)


def parse_ports(values: list[str]) -> list[int]:
    """The `ports` query: numbers 1-65535, comma-separated or repeated (ValueError otherwise)."""
    ports = [int(p) for value in values for p in value.split(",") if p.strip()]
    if not ports or any(not 0 < p < 65536 for p in ports):
        raise ValueError(f"invalid port in {values!r}")
    return ports


class WebSocketPortForward(WebSocketSession):
    """Copy between the client's channels and one connection per port until all are closed."""

    def __init__(self, reader: BinaryIO, connection: socket.socket, ports: list[int], host: str = "127.0.0.1"):
        super().__init__(reader, connection)
        self.ports = ports
        self.host = host
        self._sockets: dict[int, socket.socket] = {}  # data channel -> connection to the port

    def _dial(self, index: int) -> socket.socket | None:
        port = self.ports[index]
        try:
            target = socket.create_connection((self.host, port), timeout=5)
        except OSError as exc:
            self.send(BINARY, bytes([2 * index + 1]) + f"error forwarding port {port} to pod: {exc}".encode())
            return None
        target.settimeout(None)
        self._sockets[2 * index] = target
        return target

    def _forward(self, channel: int, target: socket.socket) -> None:
        """forwardStreamPair: copy the port's answers onto its data channel until it closes."""
        try:
            while chunk := target.recv(65536):
                self.send(BINARY, bytes([channel]) + chunk)
        except OSError:
            pass
        finally:
            self._sockets.pop(channel, None)
            target.close()

    def _receive(self) -> None:
        """The client's frames: data for a port's connection, until the client closes."""
        for opcode, payload in self.client_frames():
            if opcode == BINARY and len(payload) > 1 and payload[0] in self._sockets:
                try:
                    self._sockets[payload[0]].sendall(payload[1:])
                except OSError:
                    pass
        for target in list(self._sockets.values()):  # the client went away: close the connections
            try:
                target.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def run(self) -> None:
        for index, port in enumerate(self.ports):  # each channel opens with its port number
            for channel in (2 * index, 2 * index + 1):
                self.send(BINARY, bytes([channel]) + struct.pack("<H", port))
        dialled = [(2 * i, target) for i in range(len(self.ports)) if (target := self._dial(i)) is not None]
        forwards = [threading.Thread(target=self._forward, args=pair, daemon=True, name="ws-portforward")
                    for pair in dialled]
        for forward in forwards:
            forward.start()
        threading.Thread(target=self._receive, daemon=True, name="ws-portforward-in").start()
        for forward in forwards:
            forward.join()
        self.send(CLOSE_FRAME, struct.pack(">H", 1000))
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
