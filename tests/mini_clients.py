"""How tests reach a minik8s cluster: its URL and the bearer token of the cluster under test."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kubernetes import client as k8s

KUBECTL = shutil.which("kubectl")  # the real client the tests hold minik8s to, when installed


def eventually(check: Callable[[], Any], timeout: float = 30.0) -> Any:
    """check()'s answer once it stops failing its assertions (controllers converge), or its
    last AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def started_watch(argv: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """`kubectl get -w` (argv) running, returned once its watch request has been answered: from
    then on every change is in its output (it watches from the resourceVersion of its list).
    kubectl says so itself at -v=6 ('GET .../pods?...watch=true 200 OK'), however long a loaded
    machine takes to start it; its stdout is left for the caller."""
    watcher = subprocess.Popen([*argv, "-v=6"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env)
    assert watcher.stderr is not None
    for line in watcher.stderr:  # ends when kubectl exits (its --request-timeout bounds the wait)
        if "watch=true" in line and " 200 OK" in line:
            return watcher
    out, _ = watcher.communicate()
    raise AssertionError(f"kubectl never started watching (exit {watcher.returncode}): {out[-2000:]}")


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


def kubectl_runner(kubectl: str, cluster: Any, home: Path, timeout: float = 90) -> Callable[..., Any]:
    """`run(*args, check=True, stdin=None, extra_env=None)`: kubectl against `cluster` with its own
    HOME, config and cache under `home`; a failure with check=True is an AssertionError naming
    the command. `run.argv` and `run.env` serve long-running commands (port-forward, get -w)."""
    (home / "config").write_text("")
    argv = [kubectl, *kubectl_args(cluster), "--cache-dir", str(home / "cache")]
    env = {**os.environ, "HOME": str(home), "KUBECONFIG": str(home / "config")}

    def run(*args: str, check: bool = True, stdin: str | None = None,
            extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([*argv, *args], capture_output=True, text=True, input=stdin, timeout=timeout,
                              env={**env, **(extra_env or {})})
        if check and done.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
        return done

    run.argv, run.env = argv, env  # type: ignore[attr-defined]
    return run
