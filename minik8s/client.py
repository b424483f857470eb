"""A REST client for the mini apiserver: typed-ish CRUD, patch, bind and streaming watch.

Mirrors k8s.io/client-go/rest (`(*Request).Do`, `(*Request).Watch` decoding a stream of
watch events with `watch.NewStreamWatcher`) and the generated typed clients of
k8s.io/client-go/kubernetes (`pods.Create`, `pods.UpdateStatus`, `pods.Bind`, ...).
One keep-alive connection per thread; errors come back as `status.ApiError`.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from urllib.parse import quote, urlencode, urlsplit

from kubeatlas.minik8s.resources import Resource, for_kind
from kubeatlas.minik8s.status import ApiError

PATCH_TYPES = {"merge": "application/merge-patch+json", "json": "application/json-patch+json",
               "strategic": "application/strategic-merge-patch+json"}
POD = for_kind("v1", "Pod")


class ServerUnreachable(ConnectionError):
    """The apiserver did not answer (refused, reset, timed out)."""


class Watch:
    """An open watch: iterate (type, object) pairs; `stop()` from any thread ends it."""

    def __init__(self, connection: http.client.HTTPConnection,
                 response: http.client.HTTPResponse) -> None:
        self._connection = connection
        self._response = response
        self._stopped = False

    def __iter__(self) -> Iterator[tuple[str, dict]]:
        pending = b""
        try:
            while not self._stopped:
                data = self._response.read1(65536)  # a whole chunk: one or many events
                if not data:
                    return
                *lines, pending = (pending + data).split(b"\n")
                for line in lines:
                    if line.strip():
                        event = json.loads(line)
                        yield event["type"], event["object"]
        except (OSError, http.client.HTTPException, ValueError, AttributeError):
            if not self._stopped:  # AttributeError: http.client racing a shutdown socket
                raise ServerUnreachable("watch connection lost") from None
        finally:
            self._stopped = True
            self._connection.close()

    def stop(self) -> None:
        """End the watch; safe from any thread (the reader closes the connection)."""
        self._stopped = True
        sock = self._connection.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Client:
    """Talks to one apiserver base URL such as http://127.0.0.1:6443."""

    def __init__(self, base_url: str, *, timeout: float = 30.0, user_agent: str = "minik8s",
                 token: str | None = None, ca_pem: bytes | None = None) -> None:
        """`token`: the bearer token to send; `ca_pem`: the certificate to trust for an https URL."""
        parts = urlsplit(base_url)
        self.base_url = base_url.rstrip("/")
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self._tls = ssl.create_default_context(cadata=ca_pem.decode() if ca_pem else None) \
            if parts.scheme == "https" else None
        self.timeout = timeout
        self.user_agent = user_agent
        self._auth = {"Authorization": f"Bearer {token}"} if token else {}
        self._local = threading.local()

    # -- transport -----------------------------------------------------------------------
    def _open(self, timeout: float) -> http.client.HTTPConnection:
        if self._tls is not None:
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=self._tls)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._open(self.timeout)
            self._local.connection = connection
        return connection

    def request(self, method: str, path: str, body=None, *, query: dict | None = None,
                content_type: str = "application/json"):
        """One call; the decoded JSON answer, or ApiError carrying the Status."""
        url = path + ("?" + urlencode({k: v for k, v in query.items() if v not in (None, "")})
                      if query else "")
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        headers = {"Content-Type": content_type, "Accept": "application/json",
                   "User-Agent": self.user_agent, **self._auth}
        for attempt in (1, 2):
            connection = self._connection()
            try:
                connection.request(method, url, body=data, headers=headers)
                response = connection.getresponse()
                raw = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.CannotSendRequest, http.client.ResponseNotReady,
                    http.client.IncompleteRead) as exc:
                connection.close()
                self._local.connection = None
                if attempt == 2:
                    raise ServerUnreachable(f"{self.base_url}: {exc}") from None
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                self._local.connection = None
                raise ServerUnreachable(f"{self.base_url}: {exc}") from None
        try:
            decoded = json.loads(raw) if raw else {}
        except ValueError:
            decoded = {"message": raw.decode("utf-8", "replace")}
        if response.status >= 400:
            raise ApiError.from_status(decoded if isinstance(decoded, dict) else {}, response.status)
        return decoded

    # -- verbs ---------------------------------------------------------------------------
    @staticmethod
    def _path(resource: Resource, namespace: str = "", name: str = "", sub: str = "") -> str:
        path = resource.path(namespace, quote(name) if name else "")
        return f"{path}/{sub}" if sub else path

    def get(self, resource: Resource, namespace: str, name: str) -> dict:
        return self.request("GET", self._path(resource, namespace, name))

    def list(self, resource: Resource, namespace: str = "", *, label_selector: str = "",
             field_selector: str = "") -> tuple[list[dict], str]:
        body = self.request("GET", self._path(resource, namespace),
                            query={"labelSelector": label_selector, "fieldSelector": field_selector})
        return body.get("items") or [], body["metadata"]["resourceVersion"]

    def create(self, resource: Resource, namespace: str, obj: dict) -> dict:
        return self.request("POST", self._path(resource, namespace), obj)

    def update(self, resource: Resource, obj: dict, *, subresource: str = "") -> dict:
        md = obj["metadata"]
        return self.request("PUT", self._path(resource, md.get("namespace", ""), md["name"],
                                              subresource), obj)

    def update_status(self, resource: Resource, obj: dict) -> dict:
        return self.update(resource, obj, subresource="status")

    def patch(self, resource: Resource, namespace: str, name: str, patch, *,
              patch_type: str = "merge", subresource: str = "") -> dict:
        return self.request("PATCH", self._path(resource, namespace, name, subresource), patch,
                            content_type=PATCH_TYPES[patch_type])

    def delete(self, resource: Resource, namespace: str, name: str, *,
               grace_period: int | None = None, propagation: str | None = None,
               preconditions: dict | None = None) -> dict:
        options: dict = {"kind": "DeleteOptions", "apiVersion": "v1"}
        if grace_period is not None:
            options["gracePeriodSeconds"] = grace_period
        if propagation:
            options["propagationPolicy"] = propagation
        if preconditions:
            options["preconditions"] = preconditions
        return self.request("DELETE", self._path(resource, namespace, name), options)

    def bind(self, namespace: str, pod: str, node: str, uid: str = "") -> dict:
        binding = {"apiVersion": "v1", "kind": "Binding",
                   "metadata": {"name": pod, "namespace": namespace, **({"uid": uid} if uid else {})},
                   "target": {"apiVersion": "v1", "kind": "Node", "name": node}}
        return self.request("POST", self._path(POD, namespace, pod, "binding"), binding)

    def watch(self, resource: Resource, namespace: str = "", *, resource_version: str = "",
              label_selector: str = "", field_selector: str = "", timeout_seconds: int | None = None,
              bookmarks: bool = False) -> Watch:
        query = {"watch": "true", "resourceVersion": resource_version,
                 "labelSelector": label_selector, "fieldSelector": field_selector,
                 "timeoutSeconds": timeout_seconds, "allowWatchBookmarks": "true" if bookmarks else ""}
        url = self._path(resource, namespace) + "?" + urlencode(
            {k: v for k, v in query.items() if v not in (None, "")})
        read_timeout = (timeout_seconds or 1800) + self.timeout
        connection = self._open(read_timeout)
        try:
            connection.request("GET", url, headers={"Accept": "application/json",
                                                    "User-Agent": self.user_agent, **self._auth})
            response = connection.getresponse()
        except OSError as exc:
            connection.close()
            raise ServerUnreachable(f"{self.base_url}: {exc}") from None
        if response.status >= 400:
            raw = response.read()
            connection.close()
            raise ApiError.from_status(json.loads(raw or b"{}"), response.status)
        return Watch(connection, response)

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
