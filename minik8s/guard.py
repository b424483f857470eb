"""The filters every request passes before a handler: Host and Origin, bearer token, body size, media type.

Mirrors the front of kube-apiserver's handler chain (k8s.io/apiserver/pkg/server
`DefaultBuildHandlerChain`): `filters.WithCORS` (here an Origin that is not the server's
own is refused outright, and so is a Host that is not a loopback name with the bound port,
against DNS rebinding), `filters.WithAuthentication` with a bearer token
(`bearertoken.(*Authenticator).AuthenticateRequest` over one static token, as
`--token-auth-file` does, then the service account token authenticator; failure is the 401
`Unauthorized` Status that the filter's `Unauthorized` handler writes), `limitedReadBody` of
endpoints/handlers/rest.go (3 MiB, 413 `RequestEntityTooLarge`) and
`negotiation.NegotiateInputSerializer` (415 for a media type the endpoint does not decode;
an absent Content-Type means JSON, as there).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import BinaryIO

import yaml

from kubeatlas.minik8s import protobody, status

MAX_BODY = 3 * 1024 * 1024  # kube-apiserver's DefaultMaxRequestSizeBytes
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
ANONYMOUS_PATHS = frozenset({"/healthz", "/livez", "/readyz", "/version"})  # system:public-info-viewer
WRITE_TYPES = frozenset({"application/json", "application/yaml", protobody.MEDIA_TYPE})
PATCH_TYPES = frozenset({"application/json-patch+json", "application/merge-patch+json",
                         "application/strategic-merge-patch+json", "application/apply-patch+yaml"})
YAML = "application/yaml"


@dataclass(frozen=True, slots=True)
class Policy:
    """What the server accepts: its port and host names, the bearer token (None: no authentication)."""

    port: int
    token: str | None = None
    hosts: frozenset[str] = LOOPBACK_NAMES
    max_body: int = MAX_BODY
    token_user: Callable[[str], tuple[str, tuple[str, ...]] | None] | None = None  # other tokens: service accounts


def media_type(content_type: str) -> str:
    """`application/json; charset=utf-8` -> `application/json`."""
    return content_type.split(";")[0].strip().lower()


def _split_host(value: str) -> tuple[str, int | None]:
    value = value.strip().lower()
    if value.startswith("["):  # [::1]:6443
        end = value.find("]")
        host, rest = value[:end + 1], value[end + 1:]
        port = rest[1:] if rest.startswith(":") else ""
    else:
        host, _, port = value.partition(":")
    if port and not port.isdigit():
        return host, -1
    return host, int(port) if port else None


def check_host(headers: Mapping[str, str], policy: Policy) -> None:
    """403 unless Host names this server (a loopback name and its port): DNS rebinding ends here."""
    value = headers.get("Host")
    if value is None:
        return  # HTTP/1.0 without Host: no browser sends that
    host, port = _split_host(value)
    if host not in policy.hosts or (port if port is not None else 80) != policy.port:
        raise status.ApiError(403, "Forbidden", f"host {value!r} is not allowed: this apiserver "
                              f"answers only to 127.0.0.1:{policy.port} and localhost:{policy.port}")


def check_origin(headers: Mapping[str, str], policy: Policy) -> None:
    """403 for a browser request sent from a page on another origin (or an opaque `null` one)."""
    origin = headers.get("Origin")
    if origin is None:
        return  # not a cross-origin browser request
    scheme, _, rest = origin.strip().lower().partition("://")
    host, port = _split_host(rest)
    if scheme not in ("http", "https") or host not in policy.hosts or (port if port is not None else 80) != policy.port:
        raise status.ApiError(403, "Forbidden", f"origin {origin!r} is not allowed: requests from "
                              "web pages on other origins are refused")


def authenticate(path: str, headers: Mapping[str, str], policy: Policy) -> None:
    """401 unless the request carries `Authorization: Bearer <the token>` (health and version are open)."""
    if policy.token is None or (path.rstrip("/") or "/") in ANONYMOUS_PATHS:
        return
    scheme, _, credential = (headers.get("Authorization") or "").strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not (hmac.compare_digest(credential.encode(), policy.token.encode()) or (
            policy.token_user is not None and policy.token_user(credential) is not None)):
        raise status.ApiError(401, "Unauthorized", "Unauthorized")


def is_chunked(headers: Mapping[str, str]) -> bool:
    return "chunked" in (headers.get("Transfer-Encoding") or "").lower()


def read_chunked(rfile: BinaryIO, policy: Policy) -> bytes:
    """A chunked body (kubectl replace --raw sends one), 413 as soon as it passes the limit."""
    body = bytearray()
    while True:
        line = rfile.readline(1024)
        try:
            size = int(line.split(b";")[0].strip(), 16)
        except ValueError:
            raise status.bad_request("malformed chunked request body") from None
        if size < 0 or len(body) + size > policy.max_body:
            raise status.ApiError(413, "RequestEntityTooLarge", f"Request entity too large: limit is {policy.max_body}")
        if size == 0:
            while rfile.readline(1024).strip():  # trailers, then the blank line
                pass
            return bytes(body)
        chunk = rfile.read(size)
        if len(chunk) < size or rfile.readline(1024).strip():
            raise status.bad_request("the chunked request body ended early")
        body += chunk


def body_length(headers: Mapping[str, str], policy: Policy) -> int:
    """The declared body length: 400 when not a number, 413 past the limit (0 for a chunked body)."""
    if is_chunked(headers):
        return 0
    value = (headers.get("Content-Length") or "0").strip()
    if not (value.isascii() and value.isdigit()):  # -1, +5, 1e3, 0x10, empty after strip
        raise status.bad_request(f"invalid Content-Length {value!r}")
    if len(value) > 12 or int(value) > policy.max_body:
        raise status.ApiError(413, "RequestEntityTooLarge",
                              f"Request entity too large: limit is {policy.max_body}")
    return int(value)


def check_media_type(method: str, content_type: str, length: int) -> None:
    """415 for a write whose body is not JSON/YAML (or, for PATCH, one of the patch types)."""
    media = media_type(content_type)
    if method not in ("POST", "PUT", "PATCH", "DELETE") or (not media and method != "PATCH") or (
            method == "DELETE" and not length):
        return
    allowed = PATCH_TYPES if method == "PATCH" else WRITE_TYPES - {protobody.MEDIA_TYPE} if method == "DELETE" \
        else WRITE_TYPES
    if media not in allowed:
        raise status.ApiError(415, "UnsupportedMediaType",
                              f"the body of the request was in an unknown format - accepted media types "
                              f"include: {', '.join(sorted(allowed))} (got {content_type!r})")


def yaml_to_json(raw: bytes) -> bytes:
    """A YAML body as JSON bytes; aliases are refused (no billion laughs past the size limit)."""
    try:
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(raw, Loader=yaml.SafeLoader)):
            raise status.bad_request("YAML aliases are not accepted in request bodies")
        return json.dumps(yaml.safe_load(raw)).encode()
    except yaml.YAMLError as exc:
        raise status.bad_request(f"invalid YAML in request body: {str(exc).splitlines()[0]}") from None


def admit(method: str, path: str, headers: Mapping[str, str], rfile: BinaryIO,
          policy: Policy) -> tuple[bytes, str]:
    """Run every filter, then read the body: (body, content type); ApiError before any byte is read."""
    check_host(headers, policy)
    check_origin(headers, policy)
    authenticate(path, headers, policy)
    length = body_length(headers, policy)
    content_type = headers.get("Content-Type") or ""
    chunked = is_chunked(headers)
    check_media_type(method, content_type, 1 if chunked else length)
    raw = read_chunked(rfile, policy) if chunked else rfile.read(length) if length else b""
    if len(raw) < length:
        raise status.bad_request("the request body ended before Content-Length bytes")
    if media_type(content_type) == YAML and method in ("POST", "PUT", "DELETE") and raw:
        return yaml_to_json(raw), "application/json"
    if media_type(content_type) == protobody.MEDIA_TYPE and method in ("POST", "PUT") and raw:
        return protobody.to_json(raw), "application/json"  # kubectl create rolebinding sends protobuf
    return raw, content_type
