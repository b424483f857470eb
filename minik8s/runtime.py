"""A container runtime serving the CRI: sandboxes with CNI networking, containers, images.

Plays the part of containerd's CRI plugin (out of tree) and mirrors cri-api's
`FakeRuntimeService` / `FakeImageService` (k8s.io/cri-api/pkg/apis/testing), which keep
the same bookkeeping in memory: `RunPodSandbox` sets up the network through CNI and
returns a sandbox id; `CreateContainer` needs the image pulled and links volume mounts
into the container root; `StartContainer` runs the process through a Launcher; statuses
report CONTAINER_RUNNING / CONTAINER_EXITED with exit codes. Every call is logged in
order (`calls`), as `FakeRuntimeService.GetCalls` does.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from kubeatlas.minik8s import cri
from kubeatlas.minik8s.cni import CniPlugin, NetworkConfig
from kubeatlas.minik8s.launcher import Launcher, SimulatedLauncher, SubprocessLauncher


@dataclass(slots=True)
class _Container:
    status: cri.ContainerStatus
    config: cri.ContainerConfig
    root: str
    handle: object = None


def _reference(image: str) -> tuple[str, str, str]:
    """(registry host, repository path, tag or digest) as docker/reference normalises a name."""
    name, _, digest = image.partition("@")
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        host, name = first, rest
    else:
        host, name = "docker.io", name if rest else f"library/{name}"
    repository, colon, tag = name.rpartition(":")
    if not colon or "/" in tag:
        repository, tag = name, "latest"
    return host, repository, digest or tag


class ContainerRuntime:
    """RuntimeService + ImageService over a Launcher; thread-safe."""

    def __init__(self, launcher: Launcher, *, root: str | None = None,
                 network: CniPlugin | None = None, name: str = "minik8s",
                 cni_exec: bool = False) -> None:
        self.launcher = launcher
        self.cni_exec = cni_exec
        self.name = name
        self.root = Path(root or tempfile.mkdtemp(prefix="minik8s-runtime-"))
        self.network = network
        self.calls: list[str] = []
        self._lock = threading.RLock()
        self._sandboxes: dict[str, cri.PodSandboxStatus] = {}
        self._containers: dict[str, _Container] = {}
        self._images: dict[str, cri.Image] = {}

    @property
    def runs_processes(self) -> bool:
        """Whether containers are real processes (exec, probes) or bookkeeping only."""
        return getattr(self.launcher, "exec", None) is not None

    def _call(self, name: str) -> None:
        self.calls.append(name)
        if len(self.calls) > 10_000:
            del self.calls[:5_000]

    # -- runtime ---------------------------------------------------------------------------
    def version(self) -> dict:
        return {"version": "0.1.0", "runtime_name": self.name, "runtime_version": sys.version.split()[0],
                "runtime_api_version": "v1"}

    def status(self) -> cri.RuntimeStatus:
        network_ready = self.network is not None
        return cri.RuntimeStatus((cri.RuntimeCondition("RuntimeReady", True),
                                  cri.RuntimeCondition("NetworkReady", network_ready,
                                                       "" if network_ready else "NetworkPluginNotReady")))

    def update_runtime_config(self, pod_cidr: str) -> None:
        """UpdateRuntimeConfig: the kubelet hands over the node's pod CIDR; configure CNI with it."""
        with self._lock:
            self._call("UpdateRuntimeConfig")
            config = NetworkConfig(self.name, pod_cidr, str(self.root / "cni"))
            if self.network is None or self.network.config != config:
                self.network = CniPlugin(config, exec_mode=self.cni_exec)

    def run_pod_sandbox(self, config: cri.PodSandboxConfig) -> str:
        sandbox_id = uuid.uuid4().hex
        netns = f"/var/run/netns/cni-{sandbox_id[:12]}"
        (self.root / "sandboxes" / sandbox_id).mkdir(parents=True, exist_ok=True)
        if self.network is None:
            raise cri.CriError("network is not ready: NetworkPluginNotReady (no pod CIDR yet)")
        ip = self.network.setup(sandbox_id, netns)
        with self._lock:
            self._call("RunPodSandbox")
            self._sandboxes[sandbox_id] = cri.PodSandboxStatus(
                sandbox_id, config.metadata, cri.SANDBOX_READY, time.time(), ip, config.labels)
        return sandbox_id

    def stop_pod_sandbox(self, sandbox_id: str) -> None:
        with self._lock:
            self._call("StopPodSandbox")
            sandbox = self._sandboxes.get(sandbox_id)
            ids = [c for c, rec in self._containers.items() if rec.status.sandbox_id == sandbox_id]
        for container_id in ids:
            self.stop_container(container_id, 0)
        if sandbox is not None and sandbox.state == cri.SANDBOX_READY:
            if self.network:
                self.network.teardown(sandbox_id, f"/var/run/netns/cni-{sandbox_id[:12]}")
            with self._lock:
                self._sandboxes[sandbox_id] = replace(sandbox, state=cri.SANDBOX_NOTREADY)

    def remove_pod_sandbox(self, sandbox_id: str) -> None:
        self.stop_pod_sandbox(sandbox_id)
        with self._lock:
            self._call("RemovePodSandbox")
            for container_id in [c for c, rec in self._containers.items()
                                 if rec.status.sandbox_id == sandbox_id]:
                self._remove(container_id)
            self._sandboxes.pop(sandbox_id, None)
        shutil.rmtree(self.root / "sandboxes" / sandbox_id, ignore_errors=True)

    def pod_sandbox_status(self, sandbox_id: str) -> cri.PodSandboxStatus:
        with self._lock:
            sandbox = self._sandboxes.get(sandbox_id)
        if sandbox is None:
            raise cri.CriError(f"sandbox {sandbox_id} not found")
        return sandbox

    def list_pod_sandbox(self) -> list[cri.PodSandboxStatus]:
        with self._lock:
            return list(self._sandboxes.values())

    # -- containers ------------------------------------------------------------------------
    def create_container(self, sandbox_id: str, config: cri.ContainerConfig,
                         sandbox_config: cri.PodSandboxConfig) -> str:
        with self._lock:
            self._call("CreateContainer")
            if sandbox_id not in self._sandboxes:
                raise cri.CriError(f"sandbox {sandbox_id} not found")
            image = self._images.get(config.image)
            if image is None:
                raise cri.CriError(f"image {config.image!r} not found: pull it first")
        container_id = uuid.uuid4().hex
        rootfs = self.root / "containers" / container_id / "rootfs"
        rootfs.mkdir(parents=True, exist_ok=True)
        for mount in config.mounts:
            link = rootfs / mount.container_path.lstrip("/")
            link.parent.mkdir(parents=True, exist_ok=True)
            if not link.exists():
                os.symlink(mount.host_path, link)
        log_path = config.log_path or str(self.root / "containers" / container_id / "log")
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        status = cri.ContainerStatus(container_id, sandbox_id, config.name, config.attempt,
                                     cri.CONTAINER_CREATED, config.image, image.id, time.time(),
                                     labels=config.labels, log_path=log_path)
        with self._lock:
            self._containers[container_id] = _Container(status, config, str(rootfs))
        return container_id

    def start_container(self, container_id: str) -> None:
        with self._lock:
            self._call("StartContainer")
            record = self._containers.get(container_id)
            if record is None or record.status.state != cri.CONTAINER_CREATED:
                raise cri.CriError(f"container {container_id} is not in created state")
        command = list(record.config.command) + list(record.config.args)
        try:
            handle = self.launcher.start(command, dict(record.config.envs), record.root,
                                         record.status.log_path)
        except OSError as exc:
            with self._lock:
                record.status = replace(record.status, state=cri.CONTAINER_EXITED, exit_code=128,
                                        finished_at=time.time(), reason="StartError", message=str(exc))
            raise cri.CriError(f"failed to start container: {exc}") from None
        with self._lock:
            record.handle = handle
            record.status = replace(record.status, state=cri.CONTAINER_RUNNING, started_at=time.time())

    def exec(self, container_id: str, command: list[str], stdin: bool):
        """CRI Exec: run a command beside a running container's process (same working directory and env)."""
        with self._lock:
            self._call("Exec")
            record = self._containers.get(container_id)
            if record is None or self._refresh(record).state != cri.CONTAINER_RUNNING:
                raise cri.CriError(f"container {container_id} is not running")
        run = getattr(self.launcher, "exec", None)
        if run is None:
            raise cri.CriError("the simulated runtime runs no processes: there is nothing to exec into "
                               "(start the cluster with the process runtime)")
        try:
            return run(command, dict(record.config.envs), record.root, stdin)
        except OSError as exc:
            raise cri.CriError(f"exec failed: {exc}") from None

    def _refresh(self, record: _Container) -> cri.ContainerStatus:
        if record.status.state == cri.CONTAINER_RUNNING and record.handle is not None:
            code = self.launcher.exit_code(record.handle)
            if code is not None:
                record.status = replace(record.status, state=cri.CONTAINER_EXITED, exit_code=code,
                                        finished_at=time.time(),
                                        reason="Completed" if code == 0 else "Error")
        return record.status

    def stop_container(self, container_id: str, timeout: float) -> None:
        with self._lock:
            self._call("StopContainer")
            record = self._containers.get(container_id)
        if record is None or self._refresh(record).state != cri.CONTAINER_RUNNING:
            return
        code = self.launcher.stop(record.handle, timeout)
        with self._lock:
            record.status = replace(record.status, state=cri.CONTAINER_EXITED, exit_code=code,
                                    finished_at=time.time(), reason="Completed" if code == 0 else "Error")

    def remove_container(self, container_id: str) -> None:
        self.stop_container(container_id, 0)
        with self._lock:
            self._call("RemoveContainer")
            self._remove(container_id)

    def _remove(self, container_id: str) -> None:
        record = self._containers.pop(container_id, None)
        if record is not None:
            shutil.rmtree(Path(record.root).parent, ignore_errors=True)

    def list_containers(self, sandbox_id: str = "") -> list[cri.ContainerStatus]:
        with self._lock:
            return [self._refresh(r) for r in self._containers.values()
                    if not sandbox_id or r.status.sandbox_id == sandbox_id]

    def container_status(self, container_id: str) -> cri.ContainerStatus:
        with self._lock:
            record = self._containers.get(container_id)
            if record is None:
                raise cri.CriError(f"container {container_id} not found")
            return self._refresh(record)

    # -- images ----------------------------------------------------------------------------
    def list_images(self) -> list[cri.Image]:
        with self._lock:
            return list(self._images.values())

    def image_status(self, image: str) -> cri.Image | None:
        return self._images.get(image)

    def pull_image(self, image: str, sandbox_config: cri.PodSandboxConfig | None = None) -> str:
        """No registry here: an image is a name; its id is a digest of the name.

        Nothing is fetched, so one rule stands for an unreachable registry: a registry host in
        the reserved `.invalid` domain (RFC 2606; it never resolves, so real pulls fail too)
        fails as containerd's resolver does.
        """
        if not image:
            raise cri.CriError("image name is empty")
        host, path, tag = _reference(image)
        if host.split(":", 1)[0].endswith(".invalid"):
            raise cri.CriError(f'failed to pull and unpack image "{image}": failed to resolve reference '
                               f'"{image}": failed to do request: Head "https://{host}/v2/{path}/manifests/{tag}": '
                               f"dial tcp: lookup {host.split(':', 1)[0]}: no such host")
        digest = "sha256:" + hashlib.sha256(image.encode()).hexdigest()
        with self._lock:
            self._call("PullImage")
            self._images[image] = cri.Image(digest, (image,), 0)
        return digest

    def remove_image(self, image: str) -> None:
        with self._lock:
            self._call("RemoveImage")
            self._images.pop(image, None)

    def close(self) -> None:
        """Stop every container (the node is going away)."""
        for sandbox in self.list_pod_sandbox():
            self.stop_pod_sandbox(sandbox.id)


def process_runtime(**kwargs) -> ContainerRuntime:
    """Containers as real local processes."""
    return ContainerRuntime(SubprocessLauncher(), name="minik8s-process", **kwargs)


def simulated_runtime(**kwargs) -> ContainerRuntime:
    """Containers as bookkeeping only (for many nodes and fast tests)."""
    return ContainerRuntime(SimulatedLauncher(), name="minik8s-sim", **kwargs)
