"""The mini kube-apiserver: Kubernetes-style REST and watch over HTTP on 127.0.0.1.

Mirrors the serving half of k8s.io/apiserver/pkg/endpoints: the HTTP handler chain (here a
stdlib ThreadingHTTPServer), non-resource paths (health, version, discovery), resource
requests handed to handlers.py, and watches handed to watchserver.py. Errors are Status
objects. At start it creates the system namespaces, as the systemnamespaces controller
of pkg/controlplane does (`createNamespaceIfNeeded`). Every request first passes guard.py
(Host, Origin, token, body size, media type); a blocked write times out.
"""

from __future__ import annotations

import json
import logging
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from kubeatlas.minik8s import discovery, guard, openapi, podsubresource, status, tableformat, tlsmux, warning
from kubeatlas.minik8s.admission import Chain
from kubeatlas.minik8s.authorization import REVIEWS, authorize_request, user_of
from kubeatlas.minik8s.bootstrapservice import ensure_kubernetes_service
from kubeatlas.minik8s.handlers import serve_resource
from kubeatlas.minik8s.ingressadmission import DefaultIngressClass
from kubeatlas.minik8s.priorityadmission import PriorityAdmission
from kubeatlas.minik8s.priorityrules import ensure_system_classes
from kubeatlas.minik8s.quotaadmission import ResourceQuotaAdmission
from kubeatlas.minik8s.rbacescalation import EscalationCheck
from kubeatlas.minik8s.rbacpolicy import ensure_rbac_policy
from kubeatlas.minik8s.registry import Registry
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.routing import request_info
from kubeatlas.minik8s.serviceaccountauth import service_account_of
from kubeatlas.minik8s.store import Store
from kubeatlas.minik8s.trace import Tracer
from kubeatlas.minik8s.watchserver import WatchServing

log = logging.getLogger("kubeatlas.minik8s.apiserver")
SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
# a client that hung up before reading its answer (over TLS the write fails as an SSL EOF):
# nothing to answer, nothing to log (net/http just drops the connection)
HANGUPS = (ConnectionError, TimeoutError, ssl.SSLEOFError, ssl.SSLZeroReturnError)


class _Handler(WatchServing, BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60  # seconds a read (a slow body, an idle keep-alive) or a watch write may block
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms delayed-ACK stalls
    server: _Server

    def log_message(self, fmt, *args):  # route http.server's access log to logging
        log.debug("%s " + fmt, self.address_string(), *args)

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def do_PUT(self):
        self._serve("PUT")

    def do_PATCH(self):
        self._serve("PATCH")

    def do_DELETE(self):
        self._serve("DELETE")

    # -- plumbing ------------------------------------------------------------------------
    def _send(self, code: int, body, content_type: str = "application/json") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        for value in warning.headers():
            self.send_header("Warning", value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _serve(self, method: str) -> None:
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        try:  # Host, Origin, token, body size and media type, before a byte of the body is read
            raw, content_type = guard.admit(method, url.path, self.headers, self.rfile, self.server.policy)
        except (status.ApiError, TimeoutError, OSError) as err:
            self.close_connection = True
            if isinstance(err, status.ApiError):
                self._answer(err.code, err.status())
            return
        watch = query.get("watch", "").lower() in ("true", "1")
        info = request_info(method, url.path, watch)
        warning.start()
        try:
            user = user_of(self.headers, self.server.policy.token_user)
            authorize_request(self.server.registry, user, info, method)
            if not info.is_resource_request:
                self._non_resource(method, url.path)
            elif info.verb == "watch":
                self._watch(info, query)
            elif info.subresource in podsubresource.UPGRADED and \
                    self.headers.get("Upgrade", "").lower() in podsubresource.UPGRADES:
                podsubresource.tunnel(self, *podsubresource.UPGRADED[info.subresource](
                    self.server.registry, info.namespace, info.name, url.query))
            elif info.resource == "pods" and info.subresource == "log" and info.verb == "get":
                self._send_chunks("text/plain", podsubresource.open_log(self.server.registry, info.namespace,
                                                                        info.name, query))
            elif (info.group, info.resource) in REVIEWS and info.verb == "create":
                self._send(201, REVIEWS[info.group, info.resource](self.server.registry, user, raw))
            else:
                code, body = serve_resource(self.server.registry, info, query, raw, content_type,
                                            self.headers.get("User-Agent", ""))
                self._send(code, tableformat.as_table(info, query, self.headers.get("Accept", ""), body))
        except status.ApiError as err:
            self._answer(err.code, err.status())
        except HANGUPS:
            self.close_connection = True
        except Exception as exc:
            log.exception("%s %s failed", method, self.path)
            self._answer(500, status.internal(f"{type(exc).__name__}: {exc}").status())

    def _answer(self, code: int, body: dict) -> None:
        """_send an error, unless the client has gone."""
        try:
            self._send(code, body)
        except HANGUPS:
            self.close_connection = True

    def _non_resource(self, method: str, path: str) -> None:
        path = path.rstrip("/") or "/"
        if path in ("/healthz", "/livez", "/readyz"):
            self._send(200, b"ok", "text/plain")
            return
        parts = path.strip("/").split("/")
        answer = openapi.serve(path, self.headers.get("Accept", "")) if method == "GET" else None
        if answer is not None:
            self._send(answer[0], answer[1], answer[2])
            return
        doc = None
        if method == "GET":
            if path == "/version":
                doc = discovery.version_info()
            elif path == "/api":
                doc = discovery.api_versions()
            elif path == "/apis":
                doc = discovery.api_group_list()
            elif parts[0] == "api" and len(parts) == 2:
                doc = discovery.resource_list("", parts[1])
            elif parts[0] == "apis" and len(parts) == 2:
                doc = discovery.api_group(parts[1])
            elif parts[0] == "apis" and len(parts) == 3:
                doc = discovery.resource_list(parts[1], parts[2])
        if doc is None:
            raise status.ApiError(404, "NotFound", "the server could not find the requested resource")
        self._send(200, doc)

class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    registry: Registry
    stopping: threading.Event
    watch_timeout: float
    bookmark_interval: float
    policy: guard.Policy
    max_watches: int
    watch_slots: threading.BoundedSemaphore
    watch_buffer: int
    tls: ssl.SSLContext | None

    def __init__(self, address, handler) -> None:
        super().__init__(address, handler)
        self.connections: set = set()
        self.connections_lock = threading.Lock()

    def process_request(self, request, client_address):
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def finish_request(self, request, client_address):  # in the connection's thread
        served = tlsmux.accept(request, self.tls)
        if served is None:
            return
        if served is not request:
            with self.connections_lock:
                self.connections.add(served)
        try:
            super().finish_request(served, client_address)
        finally:
            if served is not request:
                with self.connections_lock:
                    self.connections.discard(served)
                served.close()

    def shutdown_request(self, request):
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End kept-alive connections too, so no client talks to a stopped server."""
        with self.connections_lock:
            connections = list(self.connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class ApiServerError(Exception):
    """The apiserver could not start (the port is taken, say)."""


class ApiServer:
    """The apiserver: `start()` serves on 127.0.0.1:port (0 picks a free port), `stop()` ends it."""

    def __init__(self, store: Store | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 watch_timeout: float = 1800.0, bookmark_interval: float = 5.0,
                 trace: Tracer | None = None, token: str | None = None, max_watches: int = 1000,
                 watch_buffer: int = 1000, max_body: int = guard.MAX_BODY,
                 tls: ssl.SSLContext | None = None) -> None:
        """`token`: the bearer token every request but health and version must carry (None: none)."""
        self.store = store or Store()
        self.token = token
        self.registry = Registry(self.store, trace=trace)
        chain = self.registry.chain  # the RBAC storage's escalation checks run after validation, quota last
        classes, ingress = for_kind("scheduling.k8s.io/v1", "PriorityClass"), for_kind("networking.k8s.io/v1",
                                                                                       "IngressClass")
        priority = PriorityAdmission(lambda: self.registry.list(classes, "")[0])
        mutating = (*chain.mutating, priority, DefaultIngressClass(lambda: self.registry.list(ingress, "")[0]))
        self.registry.chain = Chain(mutating, (*chain.validating, EscalationCheck(self.registry), priority,
                                               ResourceQuotaAdmission(self.registry)))
        try:
            self._httpd = _Server((host, port), _Handler)
        except OSError as exc:
            raise ApiServerError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        self._httpd.registry = self.registry
        self._httpd.stopping = threading.Event()
        self._httpd.watch_timeout = watch_timeout
        self._httpd.bookmark_interval = bookmark_interval
        self._httpd.policy = guard.Policy(self.port, token, guard.LOOPBACK_NAMES | {host}, max_body,
                                          lambda credential: service_account_of(self.registry, credential))
        self._httpd.max_watches = max_watches
        self._httpd.watch_slots = threading.BoundedSemaphore(max_watches)
        self._httpd.watch_buffer = watch_buffer
        self._httpd.tls = tls  # TLS on the same port, for clients that send a token only over TLS
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def https_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def start(self) -> ApiServer:
        self._bootstrap()
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="apiserver",
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        log.info("serving on %s", self.url)
        return self

    def _bootstrap(self) -> None:
        namespaces = for_kind("v1", "Namespace")
        for name in SYSTEM_NAMESPACES:
            if self.store.get(namespaces.key("", name)) is None:
                self.registry.create(namespaces, "", {"apiVersion": "v1", "kind": "Namespace",
                                                      "metadata": {"name": name}})
        ensure_kubernetes_service(self.registry, self.port)
        ensure_rbac_policy(self.registry)
        ensure_system_classes(self.registry)

    def stop(self) -> None:
        self._httpd.stopping.set()
        if self._thread:  # shutdown() waits for serve_forever: forever, if start() failed before it ran
            self._httpd.shutdown()
        self._httpd.server_close()
        self._httpd.close_connections()
        if self._thread:
            self._thread.join(timeout=5)
