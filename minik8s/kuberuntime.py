"""The kubelet's runtime manager: turn a pod spec into CRI calls, and CRI state back into a pod's runtime status.

Mirrors pkg/kubelet/kuberuntime `kubeGenericRuntimeManager`: `GetPodStatus` (sandboxes and
containers of one pod uid, by CRI labels), `SyncPod` driven by `computePodActions`
(create the sandbox if none is ready, start missing containers, restart exited ones per
restartPolicy with crash-loop backoff), `createPodSandbox`, `startContainer` (images.py
`EnsureImageExists`, whose failure is a `Failed` "Error: ErrImagePull" event and the container's
waiting reason; `generateContainerConfig` -> CreateContainer -> StartContainer), and `KillPod` /
`killPodWithSyncResult` / `killContainer`. Crash loops and image pulls back off alike, from the
kubelet's backOffPeriod to MaxContainerBackOff.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from kubeatlas.minik8s import cri
from kubeatlas.minik8s.devicemanager import DeviceManager
from kubeatlas.minik8s.images import Backoff, ImageError, ImageManager
from kubeatlas.minik8s.trace import Step, Tracer, no_trace
from kubeatlas.minik8s.volumemanager import VolumeManager

POD_UID, POD_NAME, POD_NAMESPACE = "io.kubernetes.pod.uid", "io.kubernetes.pod.name", "io.kubernetes.pod.namespace"
CONTAINER_NAME = "io.kubernetes.container.name"
MIRROR = "method:k8s.io/kubernetes/pkg/kubelet/kuberuntime.(*kubeGenericRuntimeManager)."
CREATE_CONTAINER = "method:k8s.io/cri-api/pkg/apis.(ContainerManager).CreateContainer"


@dataclass(slots=True)
class PodRuntimeStatus:
    """What the runtime holds for a pod (kubecontainer.PodStatus)."""

    sandbox: cri.PodSandboxStatus | None = None
    containers: dict[str, cri.ContainerStatus] = field(default_factory=dict)  # latest per name
    waiting: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (reason, message)


class RuntimeManager:
    def __init__(self, runtime, volumes: VolumeManager, devices: DeviceManager, *, node: str,
                 crash_backoff: float = 10.0, max_crash_backoff: float = 300.0,
                 trace: Tracer | None = None) -> None:
        self.runtime = runtime
        self.volumes = volumes
        self.devices = devices
        self.node = node
        self.crash_backoff = crash_backoff
        self.max_crash_backoff = max_crash_backoff
        self.trace = trace or no_trace
        self._waiting: dict[str, dict[str, tuple[str, str]]] = {}  # pod uid -> container -> reason
        self.events = None  # the kubelet's EventRecorder (Pulling, Pulled, Created, Started)
        self.images = ImageManager(runtime, Backoff(crash_backoff, max_crash_backoff), self._event,
                                   node=node, trace=self.trace)

    def _event(self, pod: dict | None, container: dict, kind: str, reason: str, message: str) -> None:
        if self.events is not None and pod is not None:
            self.events.record(pod, kind, reason, message, object_kind="Pod",
                               field_path=f"spec.containers{{{container.get('name')}}}")

    def _emit(self, action: str, mirrors: str, detail: str) -> None:
        self.trace(Step(f"kubelet/{self.node}", action, mirrors, detail))

    def get_pod_status(self, uid: str) -> PodRuntimeStatus:
        sandboxes = [s for s in self.runtime.list_pod_sandbox() if dict(s.labels).get(POD_UID) == uid]
        sandboxes.sort(key=lambda s: (s.state == cri.SANDBOX_READY, s.created_at))
        status = PodRuntimeStatus(sandboxes[-1] if sandboxes else None,
                                  waiting=dict(self._waiting.get(uid, {})))
        if status.sandbox is not None:
            for container in sorted(self.runtime.list_containers(status.sandbox.id),
                                    key=lambda c: (c.attempt, c.created_at)):
                status.containers[container.name] = container
        return status

    # -- SyncPod ---------------------------------------------------------------------------
    def sync_pod(self, pod: dict, status: PodRuntimeStatus) -> float | None:
        """Converge the pod; returns seconds until a backed-off container may restart, if any."""
        uid = pod["metadata"]["uid"]
        key = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
        spec = pod.get("spec") or {}
        sandbox = status.sandbox
        if sandbox is None or sandbox.state != cri.SANDBOX_READY:
            if sandbox is not None:
                self.kill_pod(uid, 0)  # the sandbox died: start over, as computePodActions does
            self._emit("compute pod actions", MIRROR + "computePodActions", f"{key}: create sandbox")
            sandbox = self.create_pod_sandbox(pod)
            status = PodRuntimeStatus(sandbox)
        mounts = self.volumes.mount_pod_volumes(pod)
        waiting: dict[str, tuple[str, str]] = {}
        retry: float | None = None
        for container in spec.get("containers") or ():
            current = status.containers.get(container["name"])
            action, wait = self._container_action(spec.get("restartPolicy", "Always"), current)
            if action == "keep":
                continue
            if action == "backoff":
                waiting[container["name"]] = ("CrashLoopBackOff", f"back-off {wait:.1f}s restarting "
                                              f"failed container {container['name']} in pod {key}")
                retry = wait if retry is None else min(retry, wait)
                continue
            attempt = current.attempt + 1 if current else 0
            try:
                self.start_container(pod, container, sandbox, attempt, mounts)
            except ImageError as exc:  # startContainer: "Error: ErrImagePull", the pull's message as the status's
                self._event(pod, container, "Warning", "Failed", f"Error: {exc.reason}")
                waiting[container["name"]] = (exc.reason, exc.message)
                if exc.retry_after is not None:
                    retry = exc.retry_after if retry is None else min(retry, exc.retry_after)
            except cri.CriError as exc:
                waiting[container["name"]] = ("CreateContainerError", str(exc))
        self._waiting[uid] = waiting
        return retry

    def _container_action(self, policy: str, current: cri.ContainerStatus | None) -> tuple[str, float]:
        """('start' | 'keep' | 'backoff', seconds left of the crash-loop backoff)."""
        if current is None or current.state == cri.CONTAINER_CREATED:
            return "start", 0.0
        if current.state == cri.CONTAINER_RUNNING:
            return "keep", 0.0
        if policy == "Never" or (policy == "OnFailure" and current.exit_code == 0):
            return "keep", 0.0
        # doBackOff: the first exit restarts at once; then crashBackOff, doubled per restart, capped
        delay = 0.0 if current.attempt == 0 else min(self.crash_backoff * (2 ** (current.attempt - 1)),
                                                     self.max_crash_backoff)
        left = current.finished_at + delay - time.time()
        return ("start", 0.0) if left <= 0 else ("backoff", left)

    def _sandbox_config(self, pod: dict) -> cri.PodSandboxConfig:
        md = pod["metadata"]
        return cri.PodSandboxConfig(
            cri.SandboxMetadata(md["name"], md["uid"], md["namespace"]), hostname=md["name"],
            log_directory=str(self.volumes.pod_dir(md["uid"]) / "logs"),
            labels=((POD_UID, md["uid"]), (POD_NAME, md["name"]), (POD_NAMESPACE, md["namespace"])))

    def create_pod_sandbox(self, pod: dict) -> cri.PodSandboxStatus:
        config = self._sandbox_config(pod)
        sandbox_id = self.runtime.run_pod_sandbox(config)
        sandbox = self.runtime.pod_sandbox_status(sandbox_id)
        self._emit("RunPodSandbox", MIRROR + "createPodSandbox",
                   f"{pod['metadata']['name']}: sandbox {sandbox_id[:12]}, CNI ADD gave {sandbox.ip}")
        return sandbox

    def start_container(self, pod: dict, container: dict, sandbox: cri.PodSandboxStatus,
                        attempt: int, mounts: dict[str, str]) -> str:
        sandbox_config = self._sandbox_config(pod)
        self.images.ensure_image_exists(pod, container, sandbox_config)
        config = self.generate_container_config(pod, container, attempt, mounts)
        container_id = self.runtime.create_container(sandbox.id, config, sandbox_config)
        self._event(pod, container, "Normal", "Created", f"Created container {container['name']}")
        self._emit("CreateContainer", CREATE_CONTAINER, f"{pod['metadata']['name']}/{container['name']} "
                   f"attempt {attempt}: {container_id[:12]}")
        self.runtime.start_container(container_id)
        self._event(pod, container, "Normal", "Started", f"Started container {container['name']}")
        self._emit("StartContainer", MIRROR + "startContainer",
                   f"{pod['metadata']['name']}/{container['name']} running")
        return container_id

    def generate_container_config(self, pod: dict, container: dict, attempt: int,
                                  mounts: dict[str, str]) -> cri.ContainerConfig:
        envs = [(e["name"], str(e.get("value", ""))) for e in container.get("env") or () if "name" in e]
        envs += [("POD_NAME", pod["metadata"]["name"]), ("POD_NAMESPACE", pod["metadata"]["namespace"])]
        devices = self.devices.allocate(pod["metadata"]["uid"], container)
        log_path = self.log_dir(pod["metadata"]["uid"]) / f"{container['name']}_{attempt}.log"
        return cri.ContainerConfig(
            name=container["name"], image=container.get("image", ""), attempt=attempt,
            command=tuple(container.get("command") or ()), args=tuple(container.get("args") or ()),
            working_dir=container.get("workingDir", ""),
            envs=tuple(envs) + (devices.envs if devices else ()),
            mounts=self.volumes.container_mounts(container, mounts) + (devices.mounts if devices else ()),
            devices=devices.devices if devices else (),
            labels=((POD_UID, pod["metadata"]["uid"]), (CONTAINER_NAME, container["name"])),
            log_path=str(log_path))

    # -- KillPod ---------------------------------------------------------------------------
    def kill_containers(self, uid: str, grace: float) -> None:
        """killContainersWithSyncResult: stop every running container of the pod within grace."""
        for sandbox in [s for s in self.runtime.list_pod_sandbox() if dict(s.labels).get(POD_UID) == uid]:
            for container in self.runtime.list_containers(sandbox.id):
                if container.state == cri.CONTAINER_RUNNING:
                    self.runtime.stop_container(container.id, grace)
                    self._emit("StopContainer", MIRROR + "killContainer",
                               f"{container.name} (grace {grace:.0f}s)")

    def kill_pod(self, uid: str, grace: float) -> None:
        """Stop every container (within grace), then the sandbox; remove them; free resources."""
        self.kill_containers(uid, grace)
        sandboxes = [s for s in self.runtime.list_pod_sandbox() if dict(s.labels).get(POD_UID) == uid]
        for sandbox in sandboxes:
            self.runtime.stop_pod_sandbox(sandbox.id)
            self.runtime.remove_pod_sandbox(sandbox.id)
            self._emit("StopPodSandbox", MIRROR + "killPodWithSyncResult",
                       f"sandbox {sandbox.id[:12]} stopped and removed (CNI DEL)")
        self._waiting.pop(uid, None)

    def log_dir(self, uid: str) -> Path:
        """Where a pod's container logs live (/var/log/pods/...): they outlast the containers, not the pod."""
        return self.volumes.root / "logs" / uid

    def remove_logs(self, uid: str) -> None:
        shutil.rmtree(self.log_dir(uid), ignore_errors=True)

    def release(self, uid: str) -> None:
        """After the pod is gone: volumes torn down, devices freed."""
        self.volumes.unmount_pod_volumes(uid)
        self.devices.release(uid)
