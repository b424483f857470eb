"""`kubectl exec` over SPDY/3.1, the stream protocol kubectl 1.28 uses: framing, header compression, streams.

Mirrors k8s.io/apimachinery/pkg/util/httpstream/spdy (`(*responseUpgrader).UpgradeResponse`:
101 Switching Protocols with `Upgrade: SPDY/3.1` and the negotiated
`X-Stream-Protocol-Version`), the moby/spdystream framing it uses (SYN_STREAM answered by
SYN_REPLY, DATA frames with FIN, PING echoed, GOAWAY; header blocks zlib-compressed with
the SPDY/3 dictionary) and k8s.io/kubelet/pkg/cri/streaming/remotecommand
(`createHTTPStreamStreams` waiting for the error/stdin/stdout/stderr streams by their
`streamType` header, then `v4WriteStatusFunc` on the error stream).
"""

from __future__ import annotations

import base64
import json
import socket
import struct
import subprocess
import threading
import zlib
from typing import BinaryIO

from kubeatlas.minik8s.execstream import exit_status

PROTOCOL = "v4.channel.k8s.io"
SYN_STREAM, SYN_REPLY, RST_STREAM, PING, GOAWAY = 1, 2, 3, 6, 7
FLAG_FIN = 0x01
# The SPDY/3 header-compression dictionary (SPDY Protocol draft 3, section 2.6.10.1), zlib + base64.
DICTIONARY = zlib.decompress(base64.b64decode(
    "eNplVNty2zYQ1dSylEmTtEl+AM8tGYMk6Did8YN7cet03GQad/oMgSsKMQggIKhLvr67oOQq7YwkHhzs5eyFmkwmc+ejdrafTCbT"
    "FciGnt71EZ8nfqDHrAEDERCdxiAVgZlUCjxdPhtRrlYy9EDMN3sGrHKNtu0RZaRtB9lShKd7KiAFlPxk5E+lMW6TDIa4ckF/liSP"
    "CCXVCnLlbAzOIPEYoQW1v35CF2BjvpA9Bfr2cD7S8cAdCXn2wIFt4+oLK6cOyb8+cF1TJy37Y5J/nD3uPJ2njUwdm0KUlHkGW49S"
    "Ec0R6ZBKni6D61Lfx34/0su8k1GRiOeEUfdSQ5P32qa2P0XSOgsPVuRxkPAS8WD/72NkHx9Ckc9RWU86uc2XLmxkaEjRzAfZdhLR"
    "Cx/cdpfTELAsrcZyXv7LHo/m9KBhHmAJAQJ1LEAMaLqM6TjrIawT+ipFmuMqaZOI5whtj37Ho5oPvg2yIdPHA/rmOC1LTZquZdjR"
    "vqw16ZyjdLuf7maz+a/gWQcolco+adN2zvoo45BqLTln736nGCisHyt59Nvd3fuz4lVBHkMwqSfDwmhFQnDBcf/cvU6y7gF8Lo1e"
    "p0TYj1bbgvOCFyV9ypLXJT+vOK94WfGq4qLidUXMa8FLwWvBzwXhC8HfiIKLohBFKYpKFEIUtSjORfG65mXNRU2hKvaHs/nV2Hus"
    "AhOzG4vT69IcSi7QgP00LmLFC3br1tCw94AGFimzE1jxj7Jhf8KnAfoo0OYvexgmNAJTXLuw0E0DVqRwEYnBNjU63mDcYKVhH9Ik"
    "2S8huFBjCLK66byBDpMA2lbJRCug6Gscs1wYeCstu4YFu5WBXfmAzx17O1j8GnY1tOjiI3unIoZbs59BMc5/SB8sw2bsboCM/Q0N"
    "otWQseugM/ZBRvwZ8PbX2zu1Guw93kfYxrNV7EymO9yZM2/bPfroD6jVy0x6b/T4Ipxt0fqLM/l/T2yK5o3UdoQfsZ5eBe1jNq6F"
    "D3qNq0bvEUa+bD9rnzWwNMhlfaNW+//FyyEu84vDQfcuv7io3+RFRnz2XQb20yV/9Q/jxqfC"))


def negotiate(headers: list[tuple[str, str]]) -> str | None:
    """The stream protocol to answer an `Upgrade: SPDY/3.1` request with (only v4 is served)."""
    upgrade = next((v for k, v in headers if k.lower() == "upgrade"), "")
    offered = [v.strip() for k, v in headers if k.lower() == "x-stream-protocol-version"]
    return PROTOCOL if upgrade.lower() == "spdy/3.1" and PROTOCOL in offered else None


def expected_streams(stdin: bool, stdout: bool, stderr: bool) -> set[str]:
    return {"error"} | {name for name, wanted in (("stdin", stdin), ("stdout", stdout), ("stderr", stderr))
                        if wanted}


class SpdySession:
    """One SPDY connection on the server side: collect the client's streams, run the process, report its exit."""

    def __init__(self, reader: BinaryIO, connection: socket.socket) -> None:
        self.reader = reader
        self.connection = connection
        self.inflate = zlib.decompressobj(zdict=DICTIONARY)
        self.deflate = zlib.compressobj(zdict=DICTIONARY)
        self.streams: dict[str, int] = {}  # streamType -> stream id
        self.stdin_sink: BinaryIO | None = None
        self._write_lock = threading.Lock()
        self._arrived = threading.Condition()
        self._closed = threading.Event()

    # -- frames ----------------------------------------------------------------------------
    def _send(self, data: bytes) -> None:
        with self._write_lock:
            try:
                self.connection.sendall(data)
            except OSError:
                self._closed.set()

    def _control(self, kind: int, flags: int, payload: bytes) -> None:
        self._send(struct.pack(">HHI", 0x8003, kind, (flags << 24) | len(payload)) + payload)

    def data(self, stream_id: int, payload: bytes, fin: bool = False) -> None:
        for start in range(0, max(len(payload), 1), 65536):
            chunk = payload[start:start + 65536]
            last = fin and start + 65536 >= len(payload)
            self._send(struct.pack(">II", stream_id & 0x7FFFFFFF, ((FLAG_FIN if last else 0) << 24) | len(chunk))
                       + chunk)

    def _headers(self, block: bytes) -> dict[str, str]:
        raw = self.inflate.decompress(block)
        count, offset, found = struct.unpack(">I", raw[:4])[0], 4, {}
        for _ in range(count):
            size = struct.unpack(">I", raw[offset:offset + 4])[0]
            name = raw[offset + 4:offset + 4 + size].decode()
            offset += 4 + size
            size = struct.unpack(">I", raw[offset:offset + 4])[0]
            found[name.lower()] = raw[offset + 4:offset + 4 + size].decode()
            offset += 4 + size
        return found

    def _reply(self, stream_id: int) -> None:
        block = struct.pack(">I", 0)  # no headers
        compressed = self.deflate.compress(block) + self.deflate.flush(zlib.Z_SYNC_FLUSH)
        self._control(SYN_REPLY, 0, struct.pack(">I", stream_id) + compressed)

    def _read_exact(self, size: int) -> bytes:
        data = self.reader.read(size)
        if len(data) < size:
            raise EOFError
        return data

    def serve_frames(self) -> None:
        """The reader loop: SYN_STREAMs register streams, stdin DATA goes to the process, PINGs are echoed."""
        try:
            while not self._closed.is_set():
                first, second = struct.unpack(">II", self._read_exact(8))
                flags, length = second >> 24, second & 0xFFFFFF
                payload = self._read_exact(length)
                if first & 0x80000000:
                    self._on_control((first & 0xFFFF), flags, payload)
                else:
                    self.on_data(first & 0x7FFFFFFF, payload, bool(flags & FLAG_FIN))
        except (EOFError, OSError, struct.error, zlib.error):
            pass
        finally:
            self._closed.set()
            if self.stdin_sink is not None:
                self._to_stdin(b"", True)
            with self._arrived:
                self._arrived.notify_all()

    def _on_control(self, kind: int, flags: int, payload: bytes) -> None:
        if kind == SYN_STREAM:
            stream_id = struct.unpack(">I", payload[:4])[0] & 0x7FFFFFFF
            headers = self._headers(payload[10:])
            self._reply(stream_id)
            self.on_stream(stream_id, headers)
        elif kind == RST_STREAM:
            self.on_reset(struct.unpack(">I", payload[:4])[0] & 0x7FFFFFFF)
        elif kind == PING:
            self._control(PING, 0, payload)
        elif kind == GOAWAY:
            self._closed.set()

    # -- what streams carry (exec here; port forwarding overrides) -------------------------
    def on_stream(self, stream_id: int, headers: dict[str, str]) -> None:
        with self._arrived:
            self.streams[headers.get("streamtype", "")] = stream_id
            self._arrived.notify_all()

    def on_data(self, stream_id: int, payload: bytes, fin: bool) -> None:
        if self.stdin_sink is not None and stream_id == self.streams.get("stdin"):
            self._to_stdin(payload, fin)

    def on_reset(self, stream_id: int) -> None:
        if stream_id == self.streams.get("stdin"):
            self._to_stdin(b"", True)

    def _to_stdin(self, data: bytes, fin: bool) -> None:
        sink = self.stdin_sink
        if sink is None:
            return
        try:
            if data:
                sink.write(data)
                sink.flush()
            if fin:
                sink.close()
        except (OSError, ValueError):
            pass

    # -- the exec ----------------------------------------------------------------------------
    def wait_for_streams(self, wanted: set[str], timeout: float = 30.0) -> bool:
        with self._arrived:
            return self._arrived.wait_for(lambda: wanted <= set(self.streams) or self._closed.is_set(), timeout) \
                and wanted <= set(self.streams)

    def _pump(self, pipe: BinaryIO | None, name: str) -> None:
        stream_id = self.streams.get(name)
        if pipe is None or stream_id is None:
            return
        while data := (pipe.read1(32768) if hasattr(pipe, "read1") else pipe.read(32768)):
            self.data(stream_id, data)
        self.data(stream_id, b"", fin=True)

    def run(self, process: subprocess.Popen) -> int:
        """Copy the process's output to its streams, then its exit Status to the error stream, then GOAWAY."""
        self.stdin_sink = process.stdin
        pumps = [threading.Thread(target=self._pump, args=(pipe, name), daemon=True)
                 for pipe, name in ((process.stdout, "stdout"), (process.stderr, "stderr"))]
        for pump in pumps:
            pump.start()
        code = process.wait()
        for pump in pumps:
            pump.join(timeout=5)
        self.data(self.streams["error"], json.dumps(exit_status(code)).encode(), fin=True)
        self._control(GOAWAY, 0, struct.pack(">II", max(self.streams.values(), default=0), 0))
        return code

    def close(self) -> None:
        self._closed.set()
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
