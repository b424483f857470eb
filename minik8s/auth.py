"""The cluster's credentials: a bearer token per run, and the kubeconfig file that carries it.

Mirrors what kubeadm does for an admin (cmd/kubeadm/app/util/kubeconfig `CreateWithToken`,
phases/kubeconfig `WriteKubeConfigWithToken`) and how client-go writes and reads the file
(k8s.io/client-go/tools/clientcmd `WriteToFile`, mode 0600): a cluster with its server
URL, a user with its token, and a current context joining them. The apiserver side checks
the token as the static token file authenticator does
(k8s.io/apiserver/pkg/authentication/token/tokenfile `(*TokenAuthenticator).AuthenticateToken`).
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import yaml

CONTEXT = "minik8s"
USER = "minik8s-admin"


class KubeconfigError(ValueError):
    """A kubeconfig that cannot be read or names no server."""


@dataclass(frozen=True, slots=True)
class Credentials:
    """Where the apiserver is, the token it wants (None: an insecure cluster), the CA of its certificate."""

    server: str
    token: str | None
    ca_pem: bytes | None = None


def new_token() -> str:
    """A fresh random bearer token (256 bits)."""
    return secrets.token_urlsafe(32)


def kubeconfig_document(server: str, token: str | None, ca_pem: bytes | None = None) -> dict:
    """The kubeconfig for `server`, with the token as the admin user's credential."""
    user: dict = {"token": token} if token else {}
    cluster: dict = {"server": server}
    if ca_pem:
        cluster["certificate-authority-data"] = base64.b64encode(ca_pem).decode()
    return {"apiVersion": "v1", "kind": "Config", "preferences": {},
            "clusters": [{"name": CONTEXT, "cluster": cluster}],
            "users": [{"name": USER, "user": user}],
            "contexts": [{"name": CONTEXT, "context": {"cluster": CONTEXT, "user": USER,
                                                       "namespace": "default"}}],
            "current-context": CONTEXT}


def write_kubeconfig(path: Path, server: str, token: str | None, ca_pem: bytes | None = None) -> Path:
    """Write the kubeconfig with mode 0600 (created so, never world-readable for an instant)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(kubeconfig_document(server, token, ca_pem), sort_keys=False)
    if path.exists():
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


def read_kubeconfig(path: str | Path) -> Credentials:
    """The server and token of the kubeconfig's current context."""
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise KubeconfigError(f"cannot read kubeconfig {path}: {exc.strerror}") from None
    except yaml.YAMLError:
        raise KubeconfigError(f"kubeconfig {path} is not valid YAML") from None
    if not isinstance(doc, dict):
        raise KubeconfigError(f"kubeconfig {path} is not a kubeconfig")
    current = doc.get("current-context")
    context = next((c.get("context") or {} for c in doc.get("contexts") or ()
                    if isinstance(c, dict) and c.get("name") == current), {})
    cluster = next((c.get("cluster") or {} for c in doc.get("clusters") or ()
                    if isinstance(c, dict) and c.get("name") == context.get("cluster")), {})
    user = next((u.get("user") or {} for u in doc.get("users") or ()
                 if isinstance(u, dict) and u.get("name") == context.get("user")), {})
    if not cluster.get("server"):
        raise KubeconfigError(f"kubeconfig {path} names no server for context {current!r}")
    try:
        ca_pem = base64.b64decode(cluster["certificate-authority-data"]) \
            if cluster.get("certificate-authority-data") else None
    except (binascii.Error, TypeError):
        raise KubeconfigError(f"kubeconfig {path}: certificate-authority-data is not base64") from None
    return Credentials(str(cluster["server"]), user.get("token") or None, ca_pem)


def resolve(server: str | None, kubeconfig: str | None, token: str | None, default_server: str) -> Credentials:
    """Flags first, then the kubeconfig, then the default: what a client command talks to."""
    from_file = read_kubeconfig(kubeconfig) if kubeconfig else None
    if server or not from_file:  # a server named on the command line: the file's CA may not fit it
        return Credentials(server or default_server, token or (from_file.token if from_file else None),
                           from_file.ca_pem if from_file else None)
    return Credentials(from_file.server, token or from_file.token, from_file.ca_pem)
