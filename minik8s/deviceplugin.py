"""A device plugin for example.com/gpu: Register, ListAndWatch, Allocate, PreStartContainer.

Mirrors the device plugin API of k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1
(`RegisterRequest`, `Device` with Healthy/Unhealthy, `ListAndWatchResponse`,
`AllocateRequest` / `ContainerAllocateResponse` with envs, mounts and device specs) and
the reference stub pkg/kubelet/cm/devicemanager/plugin/v1beta1 (`Stub.ListAndWatch`,
`Stub.Allocate`, `Stub.Register`). In Kubernetes these are gRPC over a unix socket in
/var/lib/kubelet/device-plugins; here they are method calls and a stream is a generator.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from kubeatlas.minik8s import cri

API_VERSION = "v1beta1"
HEALTHY, UNHEALTHY = "Healthy", "Unhealthy"


@dataclass(frozen=True, slots=True)
class Device:
    id: str
    health: str = HEALTHY


@dataclass(frozen=True, slots=True)
class RegisterRequest:
    version: str
    endpoint: str
    resource_name: str
    pre_start_required: bool = False


@dataclass(frozen=True, slots=True)
class ContainerAllocateResponse:
    envs: tuple[tuple[str, str], ...] = ()
    mounts: tuple[cri.Mount, ...] = ()
    devices: tuple[cri.Device, ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()


class GpuPlugin:
    """A plugin advertising N fake GPUs; health can be flipped to exercise ListAndWatch."""

    def __init__(self, resource_name: str = "example.com/gpu", count: int = 2,
                 endpoint: str = "minigpu.sock") -> None:
        self.resource_name = resource_name
        self.endpoint = endpoint
        self._devices = {f"gpu-{i}": Device(f"gpu-{i}") for i in range(count)}
        self._lock = threading.Lock()
        self._watchers: list[queue.Queue] = []
        self.allocations: list[tuple[str, ...]] = []
        self.pre_started: list[tuple[str, ...]] = []

    def get_device_plugin_options(self) -> dict:
        return {"pre_start_required": True, "get_preferred_allocation_available": False}

    def register_request(self) -> RegisterRequest:
        return RegisterRequest(API_VERSION, self.endpoint, self.resource_name, True)

    def list_and_watch(self, stop: threading.Event) -> Iterator[list[Device]]:
        """The current device list at once, then again on every health change."""
        updates: queue.Queue = queue.Queue()
        with self._lock:
            self._watchers.append(updates)
            current = list(self._devices.values())
        try:
            yield current
            while not stop.is_set():
                try:
                    yield updates.get(timeout=0.1)
                except queue.Empty:
                    continue
        finally:
            with self._lock:
                self._watchers.remove(updates)

    def set_health(self, device_id: str, health: str) -> None:
        with self._lock:
            self._devices[device_id] = Device(device_id, health)
            snapshot = list(self._devices.values())
            for watcher in self._watchers:
                watcher.put(snapshot)

    def allocate(self, device_ids: list[str]) -> ContainerAllocateResponse:
        """What the runtime must add to the container so it can use these devices."""
        with self._lock:
            unknown = [d for d in device_ids if d not in self._devices]
            if unknown:
                raise ValueError(f"unknown devices {unknown}")
            self.allocations.append(tuple(device_ids))
        return ContainerAllocateResponse(
            envs=(("MINI_VISIBLE_GPUS", ",".join(device_ids)),),
            devices=tuple(cri.Device(f"/dev/mini{d}", "/dev/null") for d in device_ids),
            annotations=((f"{self.resource_name}/allocated", ",".join(device_ids)),))

    def pre_start_container(self, device_ids: list[str]) -> None:
        with self._lock:
            self.pre_started.append(tuple(device_ids))
