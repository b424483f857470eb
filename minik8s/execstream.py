"""`kubectl exec` over WebSocket: the channel.k8s.io stream protocol carrying a process's stdin/stdout/stderr.

Mirrors k8s.io/apimachinery/pkg/util/httpstream/wsstream (`(*Conn).Open`, `handshake`:
the RFC 6455 upgrade and subprotocol negotiation; each binary message starts with its
channel byte: 0 stdin, 1 stdout, 2 stderr, 3 error (a metav1.Status), 4 resize) with the
v5 CLOSE signal (channel 255, KEP-4006) and the exit Status of
k8s.io/kubelet/pkg/cri/streaming/remotecommand (`ServeExec`, `v4WriteStatusFunc`:
Success, or Failure with reason NonZeroExitCode and an ExitCode cause). kubectl 1.30+
speaks it; kubectl 1.28 uses SPDY/3.1 (spdyexec.py).
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import subprocess
import threading
from collections.abc import Iterator
from typing import BinaryIO

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455, section 1.3
PROTOCOLS = ("v5.channel.k8s.io", "v4.channel.k8s.io")
STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255
TEXT, BINARY, CLOSE_FRAME, PING, PONG = 0x1, 0x2, 0x8, 0x9, 0xA


def negotiate(headers: dict[str, str], protocols: tuple[str, ...] = PROTOCOLS) -> tuple[str, str] | None:
    """(Sec-WebSocket-Accept, subprotocol) for an upgrade request, None when it is not one we serve."""
    if headers.get("upgrade", "").lower() != "websocket" or not headers.get("sec-websocket-key"):
        return None
    offered = [p.strip() for p in headers.get("sec-websocket-protocol", "").split(",")]
    chosen = next((p for p in offered if p in protocols), None)
    if chosen is None:
        return None
    digest = hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()  # RFC 6455 asks for SHA-1
    return base64.b64encode(digest).decode(), chosen


def read_frame(stream: BinaryIO) -> tuple[int, bytes] | None:
    """One frame (opcode, unmasked payload); None at end of stream."""
    head = stream.read(2)
    if len(head) < 2:
        return None
    opcode, length = head[0] & 0x0F, head[1] & 0x7F
    if length == 126:
        length = struct.unpack(">H", stream.read(2))[0]
    elif length == 127:
        length = struct.unpack(">Q", stream.read(8))[0]
    mask = stream.read(4) if head[1] & 0x80 else b""
    payload = stream.read(length)
    if mask:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return opcode, payload


def frame(opcode: int, payload: bytes) -> bytes:
    """An unmasked server frame (FIN set)."""
    size = len(payload)
    if size < 126:
        header = struct.pack(">BB", 0x80 | opcode, size)
    elif size < 65536:
        header = struct.pack(">BBH", 0x80 | opcode, 126, size)
    else:
        header = struct.pack(">BBQ", 0x80 | opcode, 127, size)
    return header + payload


def exit_status(code: int) -> dict:
    if code == 0:
        return {"metadata": {}, "status": "Success"}
    return {"metadata": {}, "status": "Failure", "reason": "NonZeroExitCode",
            "message": f"command terminated with non-zero exit code: error executing command, exit status {code}",
            "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]}}


class WebSocketSession:
    """One upgraded connection: frames written one at a time from any thread (a peer gone away
    is no error), and the client's data frames read until it closes, its pings answered."""

    def __init__(self, reader: BinaryIO, connection: socket.socket) -> None:
        self.reader = reader
        self.connection = connection
        self._lock = threading.Lock()

    def send(self, opcode: int, payload: bytes) -> None:
        with self._lock:
            try:
                self.connection.sendall(frame(opcode, payload))
            except OSError:
                pass

    def client_frames(self) -> Iterator[tuple[int, bytes]]:
        """The client's frames but pings (answered) and close (the end, as a read error is)."""
        while True:
            try:
                got = read_frame(self.reader)
            except (OSError, struct.error, ValueError):  # ValueError: the handler closed the reader
                return  # (its session ended while this thread still read: a port-forward's receiver)
            if got is None or got[0] == CLOSE_FRAME:
                return
            if got[0] == PING:
                self.send(PONG, got[1])
            else:
                yield got


class ExecSession(WebSocketSession):
    """Pump one process through an upgraded connection until it exits."""

    def __init__(self, reader: BinaryIO, connection: socket.socket, process: subprocess.Popen) -> None:
        super().__init__(reader, connection)
        self.process = process

    def _pump(self, pipe: BinaryIO | None, channel: int) -> None:
        if pipe is None:
            return
        while True:
            data = pipe.read1(32768) if hasattr(pipe, "read1") else pipe.read(32768)
            if not data:
                return
            self.send(BINARY, bytes([channel]) + data)

    def _receive(self) -> None:
        """Client frames: stdin data, the v5 CLOSE signal for stdin; stdin closes at the end."""
        for opcode, payload in self.client_frames():
            if opcode in (BINARY, TEXT) and payload:
                channel, data = payload[0], payload[1:]
                if channel == STDIN and self.process.stdin is not None and data:
                    try:
                        self.process.stdin.write(data)
                        self.process.stdin.flush()
                    except (BrokenPipeError, ValueError):
                        pass
                elif channel == CLOSE and data[:1] == bytes([STDIN]):
                    self._close_stdin()
        self._close_stdin()

    def _close_stdin(self) -> None:
        if self.process.stdin is not None:
            try:
                self.process.stdin.close()
            except OSError:
                pass

    def run(self) -> int:
        threading.Thread(target=self._receive, daemon=True, name="exec-stdin").start()
        pumps = [threading.Thread(target=self._pump, args=(pipe, channel), daemon=True)
                 for pipe, channel in ((self.process.stdout, STDOUT), (self.process.stderr, STDERR))]
        for pump in pumps:
            pump.start()
        code = self.process.wait()
        for pump in pumps:
            pump.join(timeout=5)
        self.send(BINARY, bytes([ERROR]) + json.dumps(exit_status(code)).encode())
        self.send(CLOSE_FRAME, struct.pack(">H", 1000))
        try:  # wake the stdin reader, so the server can close the connection
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        return code
