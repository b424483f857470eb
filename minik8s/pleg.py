"""The Pod Lifecycle Event Generator: relist the runtime, turn state changes into pod events.

Mirrors pkg/kubelet/pleg `(*GenericPLEG).Relist`: every relist period, list all sandboxes
and containers through the CRI, compare each container's state with the previous
relist (`generateEvents`: ContainerStarted, ContainerDied, ContainerRemoved), and send a
PodLifecycleEvent for every pod that changed, so the sync loop re-syncs just those pods.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from kubeatlas.minik8s import cri
from kubeatlas.minik8s.kuberuntime import POD_UID

log = logging.getLogger("kubeatlas.minik8s.pleg")
STARTED, DIED, REMOVED = "ContainerStarted", "ContainerDied", "ContainerRemoved"


@dataclass(frozen=True, slots=True)
class PodLifecycleEvent:
    pod_uid: str
    type: str
    container_id: str


class GenericPleg:
    def __init__(self, runtime, on_event: Callable[[PodLifecycleEvent], None], *,
                 period: float = 1.0) -> None:
        self.runtime = runtime
        self.on_event = on_event
        self.period = period
        self.relists = 0
        self._previous: dict[str, tuple[str, str]] = {}  # container id -> (pod uid, state)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def relist(self) -> list[PodLifecycleEvent]:
        sandbox_pods = {s.id: dict(s.labels).get(POD_UID, "") for s in self.runtime.list_pod_sandbox()}
        current = {c.id: (sandbox_pods.get(c.sandbox_id, ""), c.state)
                   for c in self.runtime.list_containers()}
        events = []
        for cid, (uid, state) in current.items():
            before = self._previous.get(cid, (uid, ""))[1]
            if state == before:
                continue
            if state == cri.CONTAINER_RUNNING:
                events.append(PodLifecycleEvent(uid, STARTED, cid))
            elif state == cri.CONTAINER_EXITED:
                events.append(PodLifecycleEvent(uid, DIED, cid))
        for cid, (uid, _state) in self._previous.items():
            if cid not in current:
                events.append(PodLifecycleEvent(uid, REMOVED, cid))
        self._previous = current
        self.relists += 1
        for event in events:
            if event.pod_uid:
                self.on_event(event)
        return events

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True, name="pleg")
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.period):
            try:
                self.relist()
            except Exception:
                log.exception("relist failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=2)
