"""The Container Runtime Interface: the only way the kubelet touches containers.

Mirrors k8s.io/cri-api/pkg/apis (`RuntimeService` = PodSandboxManager + ContainerManager,
`ImageManagerService`) and the message types of k8s.io/cri-api/pkg/apis/runtime/v1
(`PodSandboxConfig`, `ContainerConfig`, `PodSandboxStatus`, `ContainerStatus`, states
`SANDBOX_READY`, `CONTAINER_RUNNING`, ...). The kubelet calls them in the real order:
PullImage, RunPodSandbox, CreateContainer, StartContainer; StopContainer,
RemoveContainer, StopPodSandbox, RemovePodSandbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

SANDBOX_READY, SANDBOX_NOTREADY = "SANDBOX_READY", "SANDBOX_NOTREADY"
CONTAINER_CREATED, CONTAINER_RUNNING, CONTAINER_EXITED, CONTAINER_UNKNOWN = (
    "CONTAINER_CREATED", "CONTAINER_RUNNING", "CONTAINER_EXITED", "CONTAINER_UNKNOWN")


class CriError(Exception):
    """A runtime call failed (a gRPC error status in the real CRI)."""


@dataclass(frozen=True, slots=True)
class SandboxMetadata:
    name: str
    uid: str
    namespace: str
    attempt: int = 0


@dataclass(frozen=True, slots=True)
class PodSandboxConfig:
    metadata: SandboxMetadata
    hostname: str = ""
    log_directory: str = ""
    labels: tuple[tuple[str, str], ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class PodSandboxStatus:
    id: str
    metadata: SandboxMetadata
    state: str
    created_at: float
    ip: str = ""
    labels: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Mount:
    container_path: str
    host_path: str
    readonly: bool = False


@dataclass(frozen=True, slots=True)
class Device:
    container_path: str
    host_path: str
    permissions: str = "rw"


@dataclass(frozen=True, slots=True)
class ContainerConfig:
    name: str
    image: str
    attempt: int = 0
    command: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    working_dir: str = ""
    envs: tuple[tuple[str, str], ...] = ()
    mounts: tuple[Mount, ...] = ()
    devices: tuple[Device, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    log_path: str = ""


@dataclass(frozen=True, slots=True)
class ContainerStatus:
    id: str
    sandbox_id: str
    name: str
    attempt: int
    state: str
    image: str
    image_ref: str
    created_at: float
    started_at: float = 0.0
    finished_at: float = 0.0
    exit_code: int = 0
    reason: str = ""
    message: str = ""
    labels: tuple[tuple[str, str], ...] = ()
    log_path: str = ""


@dataclass(frozen=True, slots=True)
class Image:
    id: str
    repo_tags: tuple[str, ...]
    size: int = 0


@dataclass(frozen=True, slots=True)
class RuntimeCondition:
    type: str
    status: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class RuntimeStatus:
    conditions: tuple[RuntimeCondition, ...] = field(default_factory=tuple)


class RuntimeService(Protocol):
    """runtimeapi.RuntimeServiceServer as the kubelet uses it."""

    def version(self) -> dict: ...

    def run_pod_sandbox(self, config: PodSandboxConfig) -> str: ...

    def stop_pod_sandbox(self, sandbox_id: str) -> None: ...

    def remove_pod_sandbox(self, sandbox_id: str) -> None: ...

    def pod_sandbox_status(self, sandbox_id: str) -> PodSandboxStatus: ...

    def list_pod_sandbox(self) -> list[PodSandboxStatus]: ...

    def create_container(self, sandbox_id: str, config: ContainerConfig,
                         sandbox_config: PodSandboxConfig) -> str: ...

    def start_container(self, container_id: str) -> None: ...

    def stop_container(self, container_id: str, timeout: float) -> None: ...

    def remove_container(self, container_id: str) -> None: ...

    def list_containers(self, sandbox_id: str = "") -> list[ContainerStatus]: ...

    def container_status(self, container_id: str) -> ContainerStatus: ...

    def status(self) -> RuntimeStatus: ...


class ImageService(Protocol):
    """runtimeapi.ImageServiceServer."""

    def list_images(self) -> list[Image]: ...

    def image_status(self, image: str) -> Image | None: ...

    def pull_image(self, image: str, sandbox_config: PodSandboxConfig | None = None) -> str: ...

    def remove_image(self, image: str) -> None: ...
