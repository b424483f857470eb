"""Watch streaming, the watch half of the apiserver's handler: `serveWatch` and
`(*WatchServer).ServeHTTP` of k8s.io/apiserver/pkg/endpoints/handlers — chunked JSON events,
ERROR with a 410 Status for a compacted resourceVersion, BOOKMARKs, timeoutSeconds; watches
capped (429 past `max_watches`, as `errors.NewTooManyRequests`), a watcher that does not keep
up ended with a 410 ERROR (as the cacher's `(*cacheWatcher).add` drops it), and the chunked
answers of streamed subresources (pods/log)."""

from __future__ import annotations

import json
import select
import time
from collections.abc import Callable

from kubeatlas.minik8s import request, status, tableformat
from kubeatlas.minik8s.resources import lookup
from kubeatlas.minik8s.routing import RequestInfo
from kubeatlas.minik8s.selector import parse_fields, parse_labels
from kubeatlas.minik8s.store import WatchClosed
from kubeatlas.minik8s.watchstream import ERROR, WatchStream

CHUNK_BYTES = 64 * 1024  # a watch batches queued events into chunks of about this size


def _line(event: tuple[str, dict], table: Callable[[str, dict], dict]) -> bytes:
    """One watch event as a JSON line, its object converted (to a Table row when asked)."""
    return json.dumps({"type": event[0], "object": table(*event)}).encode() + b"\n"


class WatchServing:
    """Mixed into the apiserver's BaseHTTPRequestHandler: serves a watch on its connection
    (the server carries registry, stopping, watch_timeout, bookmark_interval, max_watches,
    watch_slots and watch_buffer)."""

    def _watch(self, info: RequestInfo, query: dict) -> None:
        resource = lookup(info.group, info.version, info.resource)
        if resource is None:
            raise status.ApiError(404, "NotFound", "the server could not find the requested resource")
        timeout = request.watch_timeout(query, self.server.watch_timeout)
        if not self.server.watch_slots.acquire(blocking=False):
            raise status.ApiError(429, "TooManyRequests", f"too many open watches (the limit is "
                                  f"{self.server.max_watches}); please try again later")
        try:
            self._stream(resource, info.namespace, query, timeout)
        finally:
            self.server.watch_slots.release()

    def _stream(self, resource, namespace: str, query: dict, timeout: float) -> None:
        try:
            stream = WatchStream(self.server.registry, resource, namespace,
                                 query.get("resourceVersion"), parse_labels(query.get("labelSelector")),
                                 parse_fields(query.get("fieldSelector"), resource.kind),
                                 buffer=self.server.watch_buffer)
        except status.ApiError as err:
            if err.code != 410:
                raise
            self._start_stream()
            self._chunk({"type": ERROR, "object": err.status()})
            self._end_stream()
            return
        table = tableformat.watch_converter(query, self.headers.get("Accept", ""))
        bookmarks = query.get("allowWatchBookmarks", "").lower() in ("true", "1")
        deadline = time.monotonic() + timeout
        self._start_stream()
        idle_since = time.monotonic()
        try:
            while not self.server.stopping.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    event = stream.next(min(left, 0.5))
                except WatchClosed:
                    if stream.overflowed:  # the cacher's verdict on a watcher that does not keep up
                        self._chunk({"type": ERROR, "object": status.gone(
                            "watch closed: the client is too slow to keep up with events").status()})
                    break
                if event is None:
                    if self._client_gone():  # frees the watch slot without waiting for a failed write
                        self.close_connection = True
                        return
                    if bookmarks and time.monotonic() - idle_since > self.server.bookmark_interval:
                        kind, obj = stream.bookmark()
                        self._chunk({"type": kind, "object": obj})
                        idle_since = time.monotonic()
                    continue
                batch = [_line(event, table)]
                size = len(batch[0])
                while size < CHUNK_BYTES:  # what is already queued goes out in the same chunk
                    try:
                        more = stream.next(0)
                    except WatchClosed:
                        more = None
                    if more is None:
                        break
                    batch.append(_line(more, table))
                    size += len(batch[-1])
                self._write_chunk(b"".join(batch))
                idle_since = time.monotonic()
            self._end_stream()
        finally:
            stream.stop()

    def _send_chunks(self, content_type: str, chunks) -> None:
        """A streamed answer (pods/log): chunked, flushed as each piece arrives."""
        self._start_stream(content_type)
        for data in chunks:
            self._write_chunk(data)
        self._end_stream()

    def _start_stream(self, content_type: str = "application/json") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _chunk(self, *events: dict) -> None:
        """One HTTP chunk holding one JSON event per line."""
        self._write_chunk(b"".join(json.dumps(event).encode() + b"\n" for event in events))

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _client_gone(self) -> bool:
        """The watch client closed its end (a watch client sends nothing while it reads events)."""
        try:
            return bool(select.select([self.connection], [], [], 0)[0])
        except (OSError, ValueError):
            return True

    def _end_stream(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


