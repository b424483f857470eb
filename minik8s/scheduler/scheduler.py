"""The scheduler: take an unscheduled pod, filter and score nodes, assume, bind.

Mirrors pkg/scheduler: `(*Scheduler).scheduleOne` -> `schedulingCycle` (`schedulePod`:
`findNodesThatFitPod` runs PreFilter then Filter on every node, `prioritizeNodes` runs
Score, `selectHost` picks the best, ties at random; then `assume` in the cache) ->
`bindingCycle` (off the scheduling thread, `bind` through the bind plugins), and
`handleSchedulingFailure` (PodScheduled=False with the "0/N nodes are available" message,
back to the queue). Event handlers (eventhandlers.go `addPodToSchedulingQueue`,
`addPodToCache`, `addNodeToCache`) keep queue and cache in step with the informers.
"""

from __future__ import annotations

import logging
import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from kubeatlas.minik8s import meta, status
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.events import EventRecorder
from kubeatlas.minik8s.informer import Handler, InformerFactory
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.scheduler.cache import SchedulerCache
from kubeatlas.minik8s.scheduler.framework import CycleState, Framework
from kubeatlas.minik8s.scheduler.plugins import default_plugins
from kubeatlas.minik8s.scheduler.queue import QueuedPod, SchedulingQueue
from kubeatlas.minik8s.trace import Step, Tracer, no_trace

POD = for_kind("v1", "Pod")
NODE = for_kind("v1", "Node")
MIRROR = "method:k8s.io/kubernetes/pkg/scheduler.(*Scheduler)."
log = logging.getLogger("kubeatlas.minik8s.scheduler")


class Scheduler:
    def __init__(self, client: Client, informers: InformerFactory | None = None, *,
                 plugins: list | None = None, name: str = "default-scheduler",
                 initial_backoff: float = 1.0, max_backoff: float = 10.0, bind_workers: int = 16,
                 record_events: bool = True, trace: Tracer | None = None) -> None:
        self.client = client
        self.name = name
        self.framework = Framework(plugins if plugins is not None else default_plugins(client))
        self.cache = SchedulerCache()
        self.queue = SchedulingQueue(initial_backoff=initial_backoff, max_backoff=max_backoff)
        self.trace = trace or no_trace
        self.events = EventRecorder(client, "default-scheduler") if record_events else None
        self.informers = informers or InformerFactory(client)
        self._own_informers = informers is None
        self.pods = self.informers.informer(POD)
        self.nodes = self.informers.informer(NODE)
        self.pods.add_handler(Handler(self._pod_added, self._pod_updated, self._pod_deleted))
        self.nodes.add_handler(Handler(self._node_changed, lambda _o, n: self._node_changed(n),
                                       self._node_deleted))
        self._binder = ThreadPoolExecutor(bind_workers, thread_name_prefix="scheduler-bind")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.scheduled = 0
        self.failures = 0

    # -- event handlers ------------------------------------------------------------------
    def _responsible(self, pod: dict) -> bool:
        return (pod.get("spec") or {}).get("schedulerName", "default-scheduler") == self.name

    def _pod_added(self, pod: dict) -> None:
        if (pod.get("spec") or {}).get("nodeName"):
            self.cache.add_pod(pod)
        elif self._responsible(pod) and not meta.is_deleting(pod):
            self.queue.add(pod)

    def _pod_updated(self, old: dict, pod: dict) -> None:
        if (pod.get("spec") or {}).get("nodeName"):
            self.cache.update_pod(pod)
            if not (old.get("spec") or {}).get("nodeName"):
                self.queue.delete(meta.uid_of(pod))
        elif self._responsible(pod):
            if meta.is_deleting(pod):
                self.queue.delete(meta.uid_of(pod))
            else:
                self.queue.update(pod)

    def _pod_deleted(self, pod: dict) -> None:
        if (pod.get("spec") or {}).get("nodeName"):
            self.cache.remove_pod(pod)
            self.queue.move_all_to_active_or_backoff()  # room was freed
        else:
            self.queue.delete(meta.uid_of(pod))

    def _node_changed(self, node: dict) -> None:
        self.cache.add_node(node)
        self.queue.move_all_to_active_or_backoff()

    def _node_deleted(self, node: dict) -> None:
        self.cache.remove_node(node)

    # -- the loop ------------------------------------------------------------------------
    def start(self) -> Scheduler:
        if self._own_informers:
            self.informers.start()
            self.informers.wait_for_sync()
        self._thread = threading.Thread(target=self._run, daemon=True, name="scheduler")
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            info = self.queue.pop(timeout=0.2)
            if info is not None:
                try:
                    self.schedule_one(info)
                except Exception:
                    log.exception("scheduling %s failed", meta.key_of(info.pod))
                    self.queue.requeue_after_error(info)

    def schedule_one(self, info: QueuedPod) -> None:
        pod = info.pod
        key = meta.key_of(pod)
        if meta.is_deleting(pod) or self.cache.is_assumed_or_bound(meta.uid_of(pod)):
            self.queue.done(meta.uid_of(pod))
            return
        self._emit("schedule pod", MIRROR + "scheduleOne", f"{key} (attempt {info.attempts})")
        state = CycleState()
        pre = self.framework.run_pre_filter(state, pod)
        nodes = self.cache.snapshot()
        if not pre.ok:
            return self.handle_failure(info, f"0/{len(nodes)} nodes are available: {pre.reason}.")
        feasible, reasons = [], Counter()
        for node in nodes:
            result = self.framework.run_filter(state, pod, node)
            if result.ok:
                feasible.append(node)
            else:
                reasons[result.reason] += 1
        self._emit("filter nodes", MIRROR + "findNodesThatFitPod",
                   f"{key}: {len(feasible)}/{len(nodes)} nodes fit")
        if not feasible:
            detail = ", ".join(f"{n} {r}" for r, n in sorted(reasons.items()))
            return self.handle_failure(info, f"0/{len(nodes)} nodes are available: {detail}.")
        host = feasible[0].name
        if len(feasible) > 1:
            scores = self.framework.run_score(state, pod, feasible)
            best = max(scores.values())
            host = random.choice(sorted(n for n, s in scores.items() if s == best))  # selectHost
            self._emit("score nodes", "func:k8s.io/kubernetes/pkg/scheduler.prioritizeNodes",
                       f"{key}: best {host} with {best}")
        assumed = meta.deep_copy(pod)
        assumed["spec"]["nodeName"] = host
        self.cache.assume_pod(assumed, host)
        self._emit("assume pod", MIRROR + "assume", f"{key} on {host}")
        self._binder.submit(self.binding_cycle, info, assumed, state, host)

    def binding_cycle(self, info: QueuedPod, assumed: dict, state: CycleState, host: str) -> None:
        key = meta.key_of(assumed)
        result = self.framework.run_bind(state, assumed, host)
        if not result.ok:
            self.cache.forget_pod(meta.uid_of(assumed))
            log.info("binding %s to %s failed: %s", key, host, result.reason)
            self.failures += 1
            self.queue.requeue_after_error(info)
            return
        self.cache.finish_binding(meta.uid_of(assumed))
        self.queue.done(meta.uid_of(assumed))
        self.scheduled += 1
        self._emit("bind pod", MIRROR + "bind", f"{key} -> {host} (POST pods/binding)")
        if self.events:
            self.events.record(assumed, "Normal", "Scheduled",
                               f"Successfully assigned {key} to {host}")

    def handle_failure(self, info: QueuedPod, message: str) -> None:
        pod = info.pod
        self.failures += 1
        self._emit("unschedulable", MIRROR + "handleSchedulingFailure",
                   f"{meta.key_of(pod)}: {message}")
        self.queue.add_unschedulable(info)
        cond = meta.condition(pod, "PodScheduled") or {}
        if cond.get("reason") == "Unschedulable" and cond.get("message") == message:
            return
        patch = {"status": {"conditions": [{"type": "PodScheduled", "status": "False",
                                            "reason": "Unschedulable", "message": message,
                                            "lastTransitionTime": meta.now()}]}}
        try:
            self.client.patch(POD, meta.namespace_of(pod), meta.name_of(pod), patch,
                              subresource="status")
        except status.ApiError:
            pass  # gone already: nothing to report on
        if self.events:
            self.events.record(pod, "Warning", "FailedScheduling", message)

    def _emit(self, action: str, mirrors: str, detail: str) -> None:
        self.trace(Step("scheduler", action, mirrors, detail))

    def stop(self) -> None:
        self._stop.set()
        self.queue.close()
        if self._thread:
            self._thread.join(timeout=2)
        self._binder.shutdown(wait=True, cancel_futures=True)
        if self._own_informers:
            self.informers.stop()
        if self.events:
            self.events.stop()
