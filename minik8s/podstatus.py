"""The API status of a pod, computed from what the runtime reports.

Mirrors pkg/kubelet/kubelet_pods.go: `(*Kubelet).generateAPIPodStatus` (container
statuses with waiting / running / terminated states, restart counts and image ids; pod
IP from the sandbox; the PodScheduled, Initialized, ContainersReady and Ready conditions)
and `getPhase` (Pending while something waits, Running while something runs or will
restart, Succeeded or Failed when everything has stopped for good).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from kubeatlas.minik8s import cri, meta
from kubeatlas.minik8s.kuberuntime import PodRuntimeStatus


def _time(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


Probed = Callable[[dict, cri.ContainerStatus], tuple[bool, bool]]  # (container, running one) -> (ready, started)


def container_status(spec: dict, current: cri.ContainerStatus | None,
                     waiting: tuple[str, str] | None, probed: Probed | None = None) -> dict:
    name, image = spec["name"], spec.get("image", "")
    result = {"name": name, "image": image, "imageID": "", "ready": False, "restartCount": 0,
              "started": False}
    if current is None:
        reason, message = waiting or ("ContainerCreating", "")
        result["state"] = {"waiting": {"reason": reason, **({"message": message} if message else {})}}
        return result
    result.update(imageID=current.image_ref, containerID=f"minik8s://{current.id}",
                  restartCount=current.attempt)
    if current.state == cri.CONTAINER_RUNNING:
        ready, started = probed(spec, current) if probed else (True, True)
        result.update(state={"running": {"startedAt": _time(current.started_at)}}, ready=ready, started=started)
    elif current.state == cri.CONTAINER_EXITED:
        terminated = {"exitCode": current.exit_code, "reason": current.reason or "Error",
                      "startedAt": _time(current.started_at or current.created_at),
                      "finishedAt": _time(current.finished_at), "containerID": f"minik8s://{current.id}"}
        if waiting:  # about to be restarted: waiting now, the exit becomes lastState
            result.update(state={"waiting": {"reason": waiting[0], "message": waiting[1]}},
                          lastState={"terminated": terminated})
        else:
            result["state"] = {"terminated": terminated}
    else:
        result["state"] = {"waiting": {"reason": "ContainerCreating"}}
    return result


def get_phase(spec: dict, statuses: list[dict]) -> str:
    """getPhase."""
    running = waiting = stopped = succeeded = 0
    for status in statuses:
        state = status.get("state") or {}
        if "running" in state:
            running += 1
        elif "terminated" in state:
            stopped += 1
            if state["terminated"].get("exitCode") == 0:
                succeeded += 1
        elif status.get("lastState", {}).get("terminated"):
            stopped += 1
        else:
            waiting += 1
    if waiting > 0:
        return "Pending"
    if running > 0:
        return "Running"
    if stopped > 0:
        policy = spec.get("restartPolicy", "Always")
        if policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        return "Running" if policy == "OnFailure" else "Failed"
    return "Pending"


def generate_api_pod_status(pod: dict, runtime: PodRuntimeStatus, host_ip: str,
                            probed: Probed | None = None) -> dict:
    """The pod's status; `probed` gives a running container's readiness from its probes (else ready)."""
    spec = pod.get("spec") or {}
    old = pod.get("status") or {}
    statuses = [container_status(c, runtime.containers.get(c["name"]), runtime.waiting.get(c["name"]), probed)
                for c in spec.get("containers") or ()]
    phase = get_phase(spec, statuses)
    if old.get("phase") in ("Succeeded", "Failed"):
        phase = old["phase"]  # terminal phases never go back
    ready = bool(statuses) and all(s["ready"] for s in statuses) and phase == "Running"
    status = {"phase": phase, "hostIP": host_ip, "startTime": old.get("startTime") or meta.now(),
              "qosClass": old.get("qosClass", "BestEffort"), "containerStatuses": statuses,
              "conditions": [dict(c) for c in old.get("conditions") or ()]}
    if runtime.sandbox is not None and runtime.sandbox.ip:
        status["podIP"] = runtime.sandbox.ip
        status["podIPs"] = [{"ip": runtime.sandbox.ip}]
    meta.set_condition(status, "PodScheduled", "True")
    meta.set_condition(status, "Initialized", "True")
    reason = "" if ready else ("PodCompleted" if phase in ("Succeeded", "Failed") else "ContainersNotReady")
    message = "" if ready or reason == "PodCompleted" else "containers with unready status: [" + \
        " ".join(s["name"] for s in statuses if not s["ready"]) + "]"
    meta.set_condition(status, "ContainersReady", "True" if ready else "False", reason, message)
    meta.set_condition(status, "Ready", "True" if ready else "False", reason, message)
    order = {"Initialized": 0, "Ready": 1, "ContainersReady": 2, "PodScheduled": 3}
    status["conditions"].sort(key=lambda c: order.get(c.get("type"), 9))
    return status
