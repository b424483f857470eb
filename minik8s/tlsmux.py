"""One port, two protocols: a connection whose first byte opens a TLS handshake is served over TLS.

kube-apiserver serves HTTPS only (k8s.io/apiserver/pkg/server `(*SecureServingInfo).Serve`
with the TLS config of `tlsConfig`); minik8s keeps plain HTTP on the same port for the
learner's curl and the Python clients, and adds TLS there because kubectl and client-go
send their bearer token only over TLS. Both paths pass the same filters (guard.py).
"""

from __future__ import annotations

import socket
import ssl

TLS_HANDSHAKE = 0x16  # the content type byte of a TLS record carrying a ClientHello


def accept(sock: socket.socket, context: ssl.SSLContext | None, *, timeout: float = 10.0) -> socket.socket | None:
    """The connection to serve (TLS-wrapped when it starts a handshake), or None to drop it."""
    if context is None:
        return sock
    sock.settimeout(timeout)  # a client that connects and says nothing is dropped, not waited for
    try:
        first = sock.recv(1, socket.MSG_PEEK)
    except OSError:
        return None
    if not first:
        return None
    if first[0] != TLS_HANDSHAKE:
        return sock
    try:
        return context.wrap_socket(sock, server_side=True)
    except (ssl.SSLError, OSError):
        return None
