"""The kubelet's device manager: registered plugins, healthy devices, per-container assignments.

Mirrors pkg/kubelet/cm/devicemanager `ManagerImpl`: `PluginConnected` (a plugin registered
through the Registration service; its ListAndWatch stream is consumed on a goroutine,
`genericDeviceUpdateCallback` keeping the healthy set), `GetCapacity` (capacity and
allocatable per extended resource, reported in node status), `Allocate` /
`devicesToAllocate` (pick free healthy devices for a container and call the plugin's
Allocate) and `GetDeviceRunContainerOptions` (the envs, mounts and devices the container
is created with); assignments are freed when the pod goes away.
"""

from __future__ import annotations

import logging
import threading

from kubeatlas.minik8s.deviceplugin import (
    API_VERSION,
    HEALTHY,
    ContainerAllocateResponse,
    Device,
    GpuPlugin,
)
from kubeatlas.minik8s.quantity import amount, is_extended

log = logging.getLogger("kubeatlas.minik8s.devicemanager")


class DeviceManager:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._plugins: dict[str, GpuPlugin] = {}
        self._devices: dict[str, dict[str, Device]] = {}
        self._assigned: dict[tuple[str, str, str], tuple[str, ...]] = {}  # (pod, container, res)
        self._stop = threading.Event()
        self.on_change = lambda: None  # the kubelet re-reports node status

    def register(self, plugin: GpuPlugin) -> None:
        """The Registration service's Register, then PluginConnected."""
        request = plugin.register_request()
        if request.version != API_VERSION:
            raise ValueError(f"unsupported device plugin API version {request.version}")
        if not is_extended(request.resource_name):
            raise ValueError(f"{request.resource_name} is not an extended resource name")
        with self._lock:
            self._plugins[request.resource_name] = plugin
        thread = threading.Thread(target=self._watch, args=(request.resource_name, plugin),
                                  daemon=True, name=f"listandwatch-{request.resource_name}")
        thread.start()

    def _watch(self, resource: str, plugin: GpuPlugin) -> None:
        for devices in plugin.list_and_watch(self._stop):
            with self._lock:
                self._devices[resource] = {d.id: d for d in devices}
            log.debug("%s: %d devices, %d healthy", resource, len(devices),
                      sum(d.health == HEALTHY for d in devices))
            self.on_change()

    def capacity(self) -> tuple[dict[str, str], dict[str, str]]:
        """(capacity, allocatable) for node status: all devices, healthy devices."""
        with self._lock:
            capacity = {r: str(len(d)) for r, d in self._devices.items()}
            allocatable = {r: str(sum(x.health == HEALTHY for x in d.values()))
                           for r, d in self._devices.items()}
        return capacity, allocatable

    def allocate(self, pod_uid: str, container: dict) -> ContainerAllocateResponse | None:
        """Devices for one container's extended-resource limits (or requests); None if it uses none."""
        resources = container.get("resources") or {}
        wanted = {**(resources.get("requests") or {}), **(resources.get("limits") or {})}
        merged = ContainerAllocateResponse()
        used_any = False
        for resource, value in sorted(wanted.items()):
            plugin = self._plugins.get(resource)
            if plugin is None:
                continue
            count = amount(resource, value)
            device_ids = self._devices_to_allocate(pod_uid, container["name"], resource, count)
            plugin.pre_start_container(list(device_ids))
            response = plugin.allocate(list(device_ids))
            merged = ContainerAllocateResponse(merged.envs + response.envs, merged.mounts + response.mounts,
                                               merged.devices + response.devices,
                                               merged.annotations + response.annotations)
            used_any = True
        return merged if used_any else None

    def _devices_to_allocate(self, pod_uid: str, container: str, resource: str, count: int) -> tuple[str, ...]:
        key = (pod_uid, container, resource)
        with self._lock:
            if key in self._assigned:
                return self._assigned[key]  # a restart keeps its devices
            taken = {d for (_, _, r), ids in self._assigned.items() if r == resource for d in ids}
            free = sorted(d.id for d in self._devices.get(resource, {}).values()
                          if d.health == HEALTHY and d.id not in taken)
            if len(free) < count:
                raise RuntimeError(f"requested number of devices unavailable for {resource}. "
                                   f"Requested: {count}, Available: {len(free)}")
            self._assigned[key] = tuple(free[:count])
            return self._assigned[key]

    def release(self, pod_uid: str) -> None:
        with self._lock:
            for key in [k for k in self._assigned if k[0] == pod_uid]:
                del self._assigned[key]

    def assigned(self) -> dict[tuple[str, str, str], tuple[str, ...]]:
        with self._lock:
            return dict(self._assigned)

    def stop(self) -> None:
        self._stop.set()
