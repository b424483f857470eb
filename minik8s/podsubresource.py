"""The pod subresources beyond binding and eviction: log, exec and portforward (proxied to the kubelet); attach refused.

Mirrors pkg/registry/core/pod/rest/log.go (`(*LogREST).Get`: validate PodLogOptions, find
the container, then `pod.LogLocation` — the node's kubelet endpoint and
`/containerLogs/{ns}/{pod}/{container}` — streamed back as text/plain),
pkg/registry/core/pod/rest/subresources.go (`ExecREST` with `pod.ExecLocation`, the
and `PortForwardREST` with `pod.PortForwardLocation`, the upgrade tunnelled to the kubelet
as k8s.io/apimachinery/pkg/util/proxy `(*UpgradeAwareHandler).ServeHTTP` does;
`AttachREST`, which minik8s answers with a 501 Status saying why).
"""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

from kubeatlas.minik8s import status
from kubeatlas.minik8s.registry import Registry
from kubeatlas.minik8s.resources import for_kind

POD, NODE = for_kind("v1", "Pod"), for_kind("v1", "Node")
STREAMING = ("exec", "attach", "portforward")
UPGRADED = {"exec": lambda registry, ns, name, query: exec_location(registry, ns, name, query),
            "portforward": lambda registry, ns, name, query: port_forward_location(registry, ns, name, query)}
UPGRADE_HEADERS = ("upgrade", "connection", "sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol",
                   "x-stream-protocol-version")
UPGRADES = ("websocket", "spdy/3.1")
LOG_OPTIONS = ("follow", "tailLines", "timestamps", "previous", "sinceSeconds", "sinceTime", "limitBytes")


def not_streaming(sub: str, name: str) -> status.ApiError:
    """The answer to attach, and to an exec or port-forward that asks for no stream upgrade."""
    if sub in ("exec", "portforward"):
        return status.ApiError(400, "BadRequest", f"pods/{sub} of {name} needs a stream upgrade: SPDY/3.1"
                               + (" or WebSocket (v5.channel.k8s.io or v4.channel.k8s.io)" if sub == "exec" else ""))
    return status.ApiError(501, "NotImplemented", f"pods/{sub} is not implemented by minik8s (pod {name}): a "
                           "container's output goes to its log file and its stdin is closed, so there is no TTY "
                           "or pipe to attach to; use `kubectl logs -f` or `kubectl exec`")


def _container(pod: dict, wanted: str) -> str:
    names = [c.get("name", "") for c in (pod.get("spec") or {}).get("containers") or ()]
    name = pod["metadata"]["name"]
    if not wanted:
        if len(names) == 1:
            return names[0]
        raise status.bad_request(f"a container name must be specified for pod {name}, "
                                 f"choose one of: [{' '.join(names)}]")
    if wanted not in names:
        raise status.bad_request(f"container {wanted} is not valid for pod {name}")
    return wanted


def _kubelet_port(registry: Registry, node_name: str) -> int:
    node = registry.get(NODE, "", node_name)
    port = (((node.get("status") or {}).get("daemonEndpoints") or {}).get("kubeletEndpoint") or {}).get("Port")
    if not port:
        raise status.ApiError(503, "ServiceUnavailable", f"node {node_name} reports no kubelet endpoint")
    return int(port)


def exec_location(registry: Registry, namespace: str, name: str, raw_query: str) -> tuple[int, str]:
    """ExecLocation: the kubelet port and `/exec/{ns}/{pod}/{container}?command=...` for a running pod."""
    query = parse_qs(raw_query)
    pod = registry.get(POD, namespace, name)
    container = _container(pod, (query.get("container") or [""])[-1])
    if not query.get("command"):
        raise status.bad_request("you must specify at least 1 command")
    node_name = (pod.get("spec") or {}).get("nodeName")
    if not node_name or (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        raise status.bad_request(f"cannot exec into a container in a completed or unscheduled pod; "
                                 f"current phase is {(pod.get('status') or {}).get('phase', 'Pending')}")
    params = urlencode([("command", c) for c in query["command"]] +
                       [(k, query[k][-1]) for k in ("stdin", "stdout", "stderr", "tty") if k in query])
    return _kubelet_port(registry, node_name), \
        f"/exec/{quote(namespace)}/{quote(name)}/{quote(container)}?{params}"


def port_forward_location(registry: Registry, namespace: str, name: str, raw_query: str = "") -> tuple[int, str]:
    """PortForwardLocation: the kubelet port and `/portForward/{ns}/{pod}` for a running pod, with the
    `ports` a WebSocket client names (SPDY clients name them per stream)."""
    pod = registry.get(POD, namespace, name)
    node_name = (pod.get("spec") or {}).get("nodeName")
    if not node_name or (pod.get("status") or {}).get("phase") != "Running":
        raise status.bad_request(f"unable to forward ports to pod {name}: it is not running "
                                 f"(phase {(pod.get('status') or {}).get('phase', 'Pending')})")
    ports = urlencode([("ports", p) for p in parse_qs(raw_query).get("ports", [])])
    return _kubelet_port(registry, node_name), f"/portForward/{quote(namespace)}/{quote(name)}" + \
        (f"?{ports}" if ports else "")


def tunnel(client: Any, port: int, path: str) -> None:
    """UpgradeAwareHandler: forward the upgrade to the kubelet, then copy bytes both ways until either side ends.

    `client` is the apiserver's request handler (its headers, rfile and connection).
    """
    upstream = socket.create_connection(("127.0.0.1", port), timeout=10)
    headers = "".join(f"{k}: {v}\r\n" for k, v in client.headers.items() if k.lower() in UPGRADE_HEADERS)
    method = "POST" if client.command == "POST" else "GET"
    upstream.sendall(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\n{headers}\r\n"
                     .encode())
    reader = upstream.makefile("rb")
    head = [reader.readline()]
    while head[-1] not in (b"\r\n", b"\n", b""):
        head.append(reader.readline())
    if b" 101 " not in head[0]:
        length = next((int(line.split(b":")[1]) for line in head if line.lower().startswith(b"content-length")), 0)
        message = reader.read(length).decode(errors="replace").strip() if length else head[0].decode().strip()
        upstream.close()
        raise status.bad_request(message)
    upstream.settimeout(None)
    client.connection.sendall(b"".join(head))

    def downstream() -> None:
        try:
            while data := reader.read1(65536):
                client.connection.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (client.connection, upstream):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    relay = threading.Thread(target=downstream, daemon=True, name="exec-tunnel")
    relay.start()
    try:
        while data := client.rfile.read1(65536):
            upstream.sendall(data)
    except OSError:
        pass
    relay.join(timeout=5)
    upstream.close()
    client.close_connection = True


def _validate_log_options(name: str, query: dict) -> None:
    """ValidatePodLogOptions: counts are numbers, sinceSeconds and limitBytes above 0, at most one
    of sinceSeconds and sinceTime (an Invalid PodLogOptions, as LogREST.Get answers)."""
    for option in ("tailLines", "sinceSeconds", "limitBytes"):
        value = query.get(option)
        if value is not None and not value.lstrip("-").isdigit():
            raise status.bad_request(f"{option}: Invalid value: {value!r}")
    causes = [status.Cause(option, f"Invalid value: {query[option]}: must be greater than 0")
              for option in ("sinceSeconds", "limitBytes") if option in query and int(query[option]) < 1]
    if "sinceSeconds" in query and "sinceTime" in query:
        causes.append(status.Cause("sinceTime", "Forbidden: at most one of `sinceTime` or `sinceSeconds` "
                                                "may be specified"))
    if causes:
        raise status.invalid("PodLogOptions", name, tuple(causes))


def open_log(registry: Registry, namespace: str, name: str, query: dict) -> Iterator[bytes]:
    """LogREST.Get: check the options and the pod now (ApiError), then stream the kubelet's answer."""
    _validate_log_options(name, query)
    pod = registry.get(POD, namespace, name)
    container = _container(pod, query.get("container", ""))
    node_name = (pod.get("spec") or {}).get("nodeName")
    if not node_name:
        return iter(())  # LogLocation: a pod without a host has an empty log
    port = _kubelet_port(registry, node_name)
    params = urlencode({k: query[k] for k in LOG_OPTIONS if k in query})
    path = f"/containerLogs/{quote(namespace)}/{quote(name)}/{quote(container)}" + (f"?{params}" if params else "")
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=None)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
    except OSError as exc:
        connection.close()
        raise status.ApiError(503, "ServiceUnavailable", f"cannot reach the kubelet of {node_name}: {exc}") from None
    if response.status != 200:
        message = response.read().decode(errors="replace").strip()
        connection.close()
        if "has no log" in message:
            message = f'container "{container}" in pod "{name}" is waiting to start: ContainerCreating'
        raise status.bad_request(message)
    return _relay(connection, response)


def _relay(connection: http.client.HTTPConnection, response: http.client.HTTPResponse) -> Iterator[bytes]:
    try:
        while True:
            chunk = response.read1(65536)
            if not chunk:
                return
            yield chunk
    finally:
        connection.close()
