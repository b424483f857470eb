"""The Job controller: run pods until spec.completions succeed, or give up after backoffLimit failures.

Mirrors pkg/controller/job/job_controller.go: `(*Controller).syncJob` (count the job's
active, succeeded and failed pods; fail the job with `BackoffLimitExceeded` or
`DeadlineExceeded`; complete it once enough pods succeeded; otherwise `manageJob`),
`manageJob` (create pods up to min(parallelism, remaining completions), delete the surplus),
`newCondition` (the Complete / Failed conditions), the job's `startTime` /
`completionTime`, and the events it records (`SuccessfulCreate`, `SuccessfulDelete`,
`Completed`, `BackoffLimitExceeded`). Pods are counted from the informer cache rather than
through upstream's finalizer-based tracking (`uncountedTerminatedPods`).
"""

from __future__ import annotations

import time

from kubeatlas.minik8s import meta, status
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.controllers.expectations import Expectations
from kubeatlas.minik8s.controllers.worker import Controller
from kubeatlas.minik8s.informer import Handler, InformerFactory
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.trace import Tracer

JOB, POD = for_kind("batch/v1", "Job"), for_kind("v1", "Pod")
MIRROR = "method:k8s.io/kubernetes/pkg/controller/job.(*Controller)."
FINISHED = ("Complete", "Failed")


def _phase(pod: dict) -> str:
    return (pod.get("status") or {}).get("phase", "Pending")


def finished_condition(job: dict) -> dict | None:
    """The job's Complete or Failed condition when it is True (IsJobFinished)."""
    for condition in (job.get("status") or {}).get("conditions") or ():
        if condition.get("type") in FINISHED and condition.get("status") == "True":
            return condition
    return None


def _condition(kind: str, reason: str = "", message: str = "") -> dict:
    now = meta.now()
    return {"type": kind, "status": "True", **({"reason": reason, "message": message} if reason else {}),
            "lastProbeTime": now, "lastTransitionTime": now}


class JobController(Controller):
    name = "job-controller"

    def __init__(self, client: Client, informers: InformerFactory, *, trace: Tracer | None = None) -> None:
        super().__init__(trace=trace)
        self.client = client
        self.expectations = Expectations()
        self.jobs = informers.informer(JOB)
        self.pods = informers.informer(POD)
        self.jobs.add_handler(Handler(self._enqueue, lambda _o, j: self._enqueue(j), self._job_deleted))
        self.pods.add_handler(Handler(self._pod_added, lambda old, new: self._pod_changed(new),
                                      self._pod_deleted))

    def _enqueue(self, job: dict) -> None:
        self.queue.add(meta.key_of(job))

    def _job_deleted(self, job: dict) -> None:
        self.expectations.delete(meta.key_of(job))

    def _owner_key(self, pod: dict) -> str | None:
        ref = meta.controller_of(pod)
        return f"{meta.namespace_of(pod)}/{ref['name']}" if ref and ref.get("kind") == "Job" else None

    def _pod_added(self, pod: dict) -> None:
        key = self._owner_key(pod)
        if key:
            self.expectations.creation_observed(key)
            self.queue.add(key)

    def _pod_changed(self, pod: dict) -> None:
        key = self._owner_key(pod)
        if key:
            self.queue.add(key)

    def _pod_deleted(self, pod: dict) -> None:
        key = self._owner_key(pod)
        if key:
            self.expectations.deletion_observed(key)
            self.queue.add(key)

    # -- syncJob ---------------------------------------------------------------------------
    def sync(self, key: str) -> None:
        job = self.jobs.indexer.get(key)
        if job is None or finished_condition(job) is not None or meta.is_deleting(job):
            return
        spec = job.get("spec") or {}
        uid = meta.uid_of(job)
        pods = [p for p in self.pods.indexer.by_index("namespace", meta.namespace_of(job))
                if (meta.controller_of(p) or {}).get("uid") == uid]
        active = [p for p in pods if _phase(p) not in ("Succeeded", "Failed") and not meta.is_deleting(p)]
        succeeded = sum(1 for p in pods if _phase(p) == "Succeeded")
        failed = sum(1 for p in pods if _phase(p) == "Failed")
        new_status = dict(job.get("status") or {})
        new_status.setdefault("startTime", meta.now())
        started = meta.parse_time(new_status["startTime"])
        deadline = spec.get("activeDeadlineSeconds")
        completions = spec.get("completions")
        finished = None
        if failed > int(spec.get("backoffLimit", 6)):
            finished = _condition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit")
        elif deadline is not None and time.time() - started >= deadline:
            finished = _condition("Failed", "DeadlineExceeded", "Job was active longer than specified deadline")
        elif (completions is not None and succeeded >= completions) or \
                (completions is None and succeeded > 0 and not active):
            finished = _condition("Complete")
        if finished is not None:
            for pod in active:
                self._delete_pod(job, pod)
            active = []
        elif self.expectations.satisfied(key):
            active = self.manage_job(key, job, active, succeeded)
        if finished is None and deadline is not None:
            self.queue.add_after(key, max(started + deadline - time.time(), 0.1))
        new_status.update(active=len(active), succeeded=succeeded, failed=failed,
                          ready=sum(1 for p in active if meta.condition(p, "Ready")
                                    and meta.condition(p, "Ready").get("status") == "True"),
                          uncountedTerminatedPods={})
        if finished is not None:
            new_status["conditions"] = [*(new_status.get("conditions") or []), finished]
            if finished["type"] == "Complete":
                new_status["completionTime"] = meta.now()
        for field in ("active", "succeeded", "failed"):
            if not new_status[field]:
                new_status.pop(field)
        if new_status != (job.get("status") or {}):
            updated = dict(job)
            updated["status"] = new_status
            self.client.update_status(JOB, updated)
        if finished is not None:
            self.emit("finish job", MIRROR + "syncJob",
                      f"{key}: {finished['type']} {finished.get('reason', '')}".strip())
            if finished["type"] == "Complete":
                self.record(job, "Normal", "Completed", "Job completed")
            else:
                self.record(job, "Warning", finished.get("reason", ""), finished.get("message", ""))

    def manage_job(self, key: str, job: dict, active: list[dict], succeeded: int) -> list[dict]:
        """manageJob: as many active pods as parallelism and the remaining completions allow."""
        spec = job.get("spec") or {}
        parallelism = int(spec.get("parallelism", 1))
        completions = spec.get("completions")
        wanted = parallelism if completions is None else min(parallelism, max(int(completions) - succeeded, 0))
        if spec.get("suspend"):
            wanted = 0
        if len(active) > wanted:
            surplus = active[wanted:]
            self.expectations.expect_deletions(key, len(surplus))
            for pod in surplus:
                self._delete_pod(job, pod)
            return active[:wanted]
        missing = wanted - len(active)
        if missing:
            self.emit("create pods", MIRROR + "manageJob", f"{key}: {len(active)} active of {wanted}, "
                      f"creating {missing}")
            self.expectations.expect_creations(key, missing)
            for _ in range(missing):
                try:
                    active = [*active, self._create_pod(job)]
                except status.ApiError as err:
                    self.expectations.creation_observed(key)
                    self.record(job, "Warning", "FailedCreate", f"Error creating: {err.message}")
                    raise
        return active

    def _create_pod(self, job: dict) -> dict:
        template = (job.get("spec") or {}).get("template") or {}
        tmeta = template.get("metadata") or {}
        pod = {"apiVersion": "v1", "kind": "Pod",
               "metadata": {"generateName": f"{meta.name_of(job)}-", "namespace": meta.namespace_of(job),
                            "labels": dict(tmeta.get("labels") or {}),
                            "annotations": dict(tmeta.get("annotations") or {}),
                            "ownerReferences": [meta.controller_ref(job)]},
               "spec": meta.deep_copy(template.get("spec") or {})}
        created = self.client.create(POD, meta.namespace_of(job), pod)
        self.record(job, "Normal", "SuccessfulCreate", f"Created pod: {meta.name_of(created)}")
        return created

    def _delete_pod(self, job: dict, pod: dict) -> None:
        try:
            self.client.delete(POD, meta.namespace_of(pod), meta.name_of(pod))
            self.record(job, "Normal", "SuccessfulDelete", f"Deleted pod: {meta.name_of(pod)}")
        except status.ApiError as err:
            if not status.is_not_found(err):
                raise
