"""The kubelet's probes: readiness, liveness and startup checks of running containers.

Mirrors pkg/kubelet/prober: `(*manager).AddPod` starts a `worker` per container and probe kind
(a thread here, a goroutine there); `(*worker).doProbe` waits `initialDelaySeconds`, probes every
`periodSeconds` and changes its result only after `successThreshold` successes or
`failureThreshold` failures in a row; `(*prober).runProbe` runs an exec probe through the CRI's
Exec (exit code 0 passes), an HTTP GET (2xx or 3xx passes) or a TCP connect, each within
`timeoutSeconds`, and records an `Unhealthy` event for each failure. A readiness result starts
as failure, a liveness one as success, and both wait for a startup probe to pass; a failed
liveness or startup probe kills the container, which restarts by its pod's restartPolicy.
`(*manager).UpdatePodStatus` turns the results into each container's `ready` and `started`.

Process-runtime containers share this machine's network, so httpGet and tcpSocket go to
127.0.0.1 unless the probe names a host. The simulated runtime has no process to probe and
gRPC probes are not run: those probes pass once their initial delay is over.
"""

from __future__ import annotations

import http.client
import shlex
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kubeatlas.minik8s import cri

KINDS = (("startup", "startupProbe"), ("readiness", "readinessProbe"), ("liveness", "livenessProbe"))


@dataclass(slots=True)
class _Worker:
    pod: dict
    container: dict
    container_id: str
    kind: str
    probe: dict
    started_at: float
    result: bool | None
    stop: threading.Event = field(default_factory=threading.Event)
    last: bool | None = None
    run: int = 0


class ProbeManager:
    """Probe workers of the running containers of one node's pods, and their latest results."""

    def __init__(self, runtime, *, on_change: Callable[[str], None],
                 record: Callable[[dict, str, str, str, str], None]) -> None:
        self.runtime = runtime
        self.on_change = on_change  # pod uid: a result changed, sync the pod's status
        self.record = record  # (pod, container name, event type, reason, message)
        self.probes_run = bool(getattr(runtime, "runs_processes", False))
        self._workers: dict[tuple[str, str, str], _Worker] = {}
        self._lock = threading.Lock()

    def add_pod(self, pod: dict, containers: dict[str, cri.ContainerStatus]) -> None:
        """AddPod: a worker for each probe of each running container; workers of stopped ones end."""
        uid = pod["metadata"]["uid"]
        for container in (pod.get("spec") or {}).get("containers") or ():
            current = containers.get(container.get("name", ""))
            for kind, key in KINDS:
                probe = container.get(key)
                worker_key = (uid, container.get("name", ""), kind)
                with self._lock:
                    worker = self._workers.get(worker_key)
                    if worker is not None and (current is None or worker.container_id != current.id
                                               or current.state != cri.CONTAINER_RUNNING):
                        worker.stop.set()
                        del self._workers[worker_key]
                        worker = None
                    if worker is None and isinstance(probe, dict) and current is not None \
                            and current.state == cri.CONTAINER_RUNNING:
                        worker = _Worker(pod, container, current.id, kind, probe, current.started_at or time.time(),
                                         None if kind == "startup" else kind == "liveness")
                        self._workers[worker_key] = worker
                        threading.Thread(target=self._loop, args=(worker,), daemon=True,
                                         name=f"prober-{kind}-{container.get('name')}").start()

    def remove_pod(self, uid: str) -> None:
        with self._lock:
            for key in [k for k in self._workers if k[0] == uid]:
                self._workers.pop(key).stop.set()

    def stop(self) -> None:
        with self._lock:
            for worker in self._workers.values():
                worker.stop.set()
            self._workers.clear()

    def container_state(self, uid: str, container: dict, current: cri.ContainerStatus) -> tuple[bool, bool]:
        """UpdatePodStatus: (ready, started) of a running container, by its probes' results."""
        name = container.get("name", "")
        with self._lock:
            startup = self._workers.get((uid, name, "startup"))
            readiness = self._workers.get((uid, name, "readiness"))
        started = not isinstance(container.get("startupProbe"), dict) or bool(
            startup is not None and startup.container_id == current.id and startup.result)
        ready = started and (not isinstance(container.get("readinessProbe"), dict) or bool(
            readiness is not None and readiness.container_id == current.id and readiness.result))
        return ready, started

    # -- worker --------------------------------------------------------------------------
    def _loop(self, worker: _Worker) -> None:
        period = max(int(worker.probe.get("periodSeconds") or 10), 1)
        while not worker.stop.is_set():
            self._do_probe(worker)
            worker.stop.wait(period)

    def _startup_passed(self, worker: _Worker) -> bool:
        if worker.kind == "startup" or not isinstance(worker.container.get("startupProbe"), dict):
            return True
        with self._lock:
            startup = self._workers.get((worker.pod["metadata"]["uid"], worker.container.get("name", ""), "startup"))
        return bool(startup is not None and startup.result)

    def _do_probe(self, worker: _Worker) -> None:
        """doProbe: one probe, the result changed only after its threshold of equal results in a row."""
        if time.time() - worker.started_at < int(worker.probe.get("initialDelaySeconds") or 0):
            return
        if not self._startup_passed(worker) or (worker.kind == "startup" and worker.result):
            return
        passed, output = self.run_probe(worker) if self.probes_run and "grpc" not in worker.probe else (True, "")
        if worker.stop.is_set():
            return
        worker.run = worker.run + 1 if passed == worker.last else 1
        worker.last = passed
        name = worker.container.get("name", "")
        if not passed:
            self.record(worker.pod, name, "Warning", "Unhealthy", f"{worker.kind.capitalize()} probe failed: {output}")
        threshold = int(worker.probe.get("successThreshold" if passed else "failureThreshold") or (1 if passed else 3))
        if worker.run < threshold or worker.result == passed:
            return
        worker.result = passed
        if not passed and worker.kind in ("liveness", "startup"):  # killContainer; its successor gets new workers
            worker.stop.set()
            self.record(worker.pod, name, "Normal", "Killing",
                        f"Container {name} failed {worker.kind} probe, will be restarted")
            grace = (worker.pod.get("spec") or {}).get("terminationGracePeriodSeconds", 30)
            try:
                self.runtime.stop_container(worker.container_id, float(grace))
            except cri.CriError:
                pass  # already gone
        self.on_change(worker.pod["metadata"]["uid"])

    def run_probe(self, worker: _Worker) -> tuple[bool, str]:
        """runProbe: (passed, output) of an exec, httpGet or tcpSocket probe."""
        probe, timeout = worker.probe, max(int(worker.probe.get("timeoutSeconds") or 1), 1)
        try:
            if isinstance(probe.get("exec"), dict):
                return self._exec(worker.container_id, list(probe["exec"].get("command") or ()), timeout)
            if isinstance(probe.get("httpGet"), dict):
                return _http_get(probe["httpGet"], _port(probe["httpGet"], worker.container), timeout)
            if isinstance(probe.get("tcpSocket"), dict):
                action = probe["tcpSocket"]
                with socket.create_connection((action.get("host") or "127.0.0.1",
                                               _port(action, worker.container)), timeout=timeout):
                    return True, ""
        except (OSError, ValueError, cri.CriError, http.client.HTTPException) as exc:
            return False, str(exc) or type(exc).__name__
        return False, "the probe names no exec, httpGet or tcpSocket action"

    def _exec(self, container_id: str, command: list[str], timeout: int) -> tuple[bool, str]:
        process = self.runtime.exec(container_id, command, False)
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            return False, f'command "{shlex.join(command)}" timed out after {timeout}s'
        output = (out + err).decode(errors="replace").strip()
        return process.returncode == 0, output or f'command "{shlex.join(command)}" exited with {process.returncode}'


def _port(action: dict, container: dict) -> int:
    """The probe's port: a number, or the name of one of the container's ports."""
    port = action.get("port")
    if isinstance(port, str) and not port.isdigit():
        named = [p.get("containerPort") for p in container.get("ports") or () if p.get("name") == port]
        if not named:
            raise ValueError(f"couldn't find port {port!r} in the container's ports")
        port = named[0]
    return int(port)


def _http_get(action: dict, port: int, timeout: int) -> tuple[bool, str]:
    host, scheme = action.get("host") or "127.0.0.1", str(action.get("scheme", "HTTP")).lower()
    url = f"{scheme}://{host}:{port}{action.get('path') or '/'}"
    if scheme == "https":  # the kubelet does not verify a probed server's certificate
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, port, timeout=timeout, context=ssl._create_unverified_context())
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        headers = {h.get("name", ""): h.get("value", "") for h in action.get("httpHeaders") or ()}
        connection.request("GET", action.get("path") or "/", headers={"User-Agent": "kube-probe/1.28", **headers})
        code = connection.getresponse().status
    except (OSError, http.client.HTTPException) as exc:
        return False, f'Get "{url}": {exc}'
    finally:
        connection.close()
    if 200 <= code < 400:
        return True, ""
    return False, f"HTTP probe failed with statuscode: {code}"
