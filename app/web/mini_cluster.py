"""The mini cluster the Mini cluster page runs: `kubeatlas mini up` started in the background on
a free loopback port (simulated runtime), its objects listed and its watch streams collected
in memory; stopped by the page, or when the app exits."""

from __future__ import annotations

import atexit
import collections
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from kubeatlas.minik8s import auth, resources
from kubeatlas.minik8s.client import Client

WATCHED = ("nodes", "pods", "deployments", "replicasets", "events")
_URL = re.compile(r"apiserver (http://127\.0\.0\.1:\d+)")
_KUBECONFIG = re.compile(r"kubeconfig \(mode 0600, removed on exit\): (\S+)")


@dataclass
class MiniCluster:
    proc: subprocess.Popen
    url: str
    log: Path
    token: str | None = None  # the bearer token `mini up` wrote into its kubeconfig
    stream: collections.deque = field(default_factory=lambda: collections.deque(maxlen=300))
    stopping: threading.Event = field(default_factory=threading.Event)

    def client(self) -> Client:
        return Client(self.url, timeout=5.0, user_agent="kubeatlas-web", token=self.token)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        self.stopping.set()
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def list(self, plural: str) -> list[dict]:
        resource = resources.find(plural)
        assert resource is not None
        return list(self.client().list(resource)[0])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(nodes: int = 2, wait_s: float = 60.0) -> MiniCluster:
    """`kubeatlas mini up` on 127.0.0.1 (simulated containers); returns once it serves."""
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="kubeatlas-mini-")) / "mini.log"
    out = log.open("w")
    proc = subprocess.Popen([sys.executable, "-m", "kubeatlas", "mini", "up", "--port", str(port),
                             "--nodes", str(nodes), "--runtime", "sim"],
                            stdout=out, stderr=subprocess.STDOUT)
    cluster = MiniCluster(proc, f"http://127.0.0.1:{port}", log)
    atexit.register(cluster.stop)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if not cluster.alive():
            raise RuntimeError("`kubeatlas mini up` exited: " + log.read_text()[-300:])
        printed = log.read_text()
        found, kubeconfig = _URL.search(printed), _KUBECONFIG.search(printed)
        if found and kubeconfig:  # the token: from the kubeconfig (mode 0600) `mini up` wrote
            cluster.url = found.group(1)
            cluster.token = auth.read_kubeconfig(kubeconfig.group(1)).token
            break
        time.sleep(0.2)
    else:
        cluster.stop()
        raise RuntimeError(f"`kubeatlas mini up` did not answer in {wait_s:.0f} s")
    for plural in WATCHED:
        threading.Thread(target=_watch, args=(cluster, plural), daemon=True,
                         name=f"mini-watch-{plural}").start()
    return cluster


def _watch(cluster: MiniCluster, plural: str) -> None:
    """Follow one resource's watch stream into cluster.stream, reconnecting until stopped."""
    resource = resources.find(plural)
    assert resource is not None
    version = ""
    while not cluster.stopping.is_set() and cluster.alive():
        try:
            watch = cluster.client().watch(resource, resource_version=version,
                                           timeout_seconds=30)
            for kind, obj in watch:
                meta = obj.get("metadata") or {}
                version = str(meta.get("resourceVersion") or version)
                cluster.stream.append((time.strftime("%H:%M:%S"), kind, obj.get("kind", ""),
                                       meta.get("namespace", ""), meta.get("name", ""),
                                       _summary(obj)))
                if cluster.stopping.is_set():
                    watch.stop()
                    return
        except Exception:  # the server went away or the watch expired: retry shortly
            version = ""
            time.sleep(1.0)


def _summary(obj: dict) -> str:
    kind = obj.get("kind")
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    if kind == "Pod":
        return f"{status.get('phase', '')} on {spec.get('nodeName') or '(unscheduled)'}"
    if kind in ("Deployment", "ReplicaSet"):
        return f"{status.get('readyReplicas', 0) or 0}/{spec.get('replicas', 0)} ready"
    if kind == "Event":
        return f"{obj.get('reason', '')}: {obj.get('message', '')}"[:120]
    if kind == "Node":
        ready = [c for c in status.get("conditions") or [] if c.get("type") == "Ready"]
        return f"Ready={ready[0].get('status')}" if ready else ""
    return ""
