"""How tests reach a minik8s cluster: its URL and the bearer token of the cluster under test."""

from __future__ import annotations

from typing import Any

from kubernetes import client as k8s


def auth_headers(cluster: Any) -> dict[str, str]:
    """The Authorization header a client of `cluster` sends (none for an insecure cluster)."""
    token = getattr(cluster, "token", None)
    return {"Authorization": f"Bearer {token}"} if token else {}


def k8s_configuration(cluster: Any) -> k8s.Configuration:
    """The official Python client's configuration for `cluster`."""
    config = k8s.Configuration(host=cluster.url)
    token = getattr(cluster, "token", None)
    if token:
        config.api_key = {"authorization": token}
        config.api_key_prefix = {"authorization": "Bearer"}
    return config


def kubectl_args(cluster: Any) -> list[str]:
    """kubectl's global flags that reach `cluster`: its kubeconfig (https + token: kubectl sends a
    token only over TLS), or the plain URL of an insecure cluster."""
    kubeconfig = getattr(cluster, "kubeconfig", None)
    if getattr(cluster, "token", None) and kubeconfig is not None and kubeconfig.exists():
        return ["--kubeconfig", str(kubeconfig)]
    return ["--server", cluster.url]
