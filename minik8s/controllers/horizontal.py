"""The horizontal pod autoscaler controller: keep the target's replicas within [minReplicas, maxReplicas].

Mirrors pkg/controller/podautoscaler/horizontal.go (`(*HorizontalController).reconcileAutoscaler`:
read the target's scale subresource - AbleToScale SucceededGetScale, or FailedGetScale; a target
at zero replicas is ScalingDisabled; above maxReplicas or below minReplicas it is rescaled at
once ("Current number of replicas below Spec.MinReplicas", the SuccessfulRescale event); within
the range the replica count comes from metrics, and minik8s, like a cluster without
metrics-server, has none: `computeStatusForResourceMetric` fails with FailedGetResourceMetric
and ScalingActive False, so nothing is rescaled; `setStatus`: currentReplicas, desiredReplicas,
lastScaleTime; the controller's 15 s resync period).
"""

from __future__ import annotations

from kubeatlas.minik8s import meta, status
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.controllers.worker import Controller
from kubeatlas.minik8s.informer import Handler, InformerFactory
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.trace import Tracer

HPA = for_kind("autoscaling/v2", "HorizontalPodAutoscaler")
SCALABLE = {"Deployment": for_kind("apps/v1", "Deployment"), "ReplicaSet": for_kind("apps/v1", "ReplicaSet")}
NO_METRICS = ("unable to get metrics for resource {name}: unable to fetch metrics from resource metrics API: the "
              "server could not find the requested resource (get pods.metrics.k8s.io)")
MIRROR = "method:k8s.io/kubernetes/pkg/controller/podautoscaler.(*HorizontalController).reconcileAutoscaler"


def _set(hpa_status: dict, kind: str, value: str, reason: str, message: str) -> bool:
    """setCondition; True when the condition changed."""
    return meta.set_condition(hpa_status, kind, value, reason, message)


class HorizontalController(Controller):
    name = "horizontal-pod-autoscaler"

    def __init__(self, client: Client, informers: InformerFactory, *, sync_period: float = 15.0,
                 trace: Tracer | None = None) -> None:
        super().__init__(trace=trace)
        self.client = client
        self.sync_period = sync_period
        self.autoscalers = informers.informer(HPA)
        self.autoscalers.add_handler(Handler(self._enqueue, lambda old, new: self._enqueue(new)
                                             if old.get("spec") != new.get("spec") else None, None))

    def _enqueue(self, hpa: dict) -> None:
        self.queue.add(meta.key_of(hpa))

    def sync(self, key: str) -> None:
        namespace, name = meta.split_key(key)
        try:
            hpa = self.client.get(HPA, namespace, name)
        except status.ApiError as err:
            if status.is_not_found(err):
                return
            raise
        try:
            self.reconcile(hpa)
        finally:
            self.queue.add_after(key, self.sync_period)

    def reconcile(self, hpa: dict) -> None:
        spec, before = hpa.get("spec") or {}, meta.deep_copy(hpa.get("status") or {})
        hpa_status = hpa.setdefault("status", {})
        ref = spec.get("scaleTargetRef") or {}
        target = SCALABLE.get(ref.get("kind", ""))
        path = (target.path(meta.namespace_of(hpa), ref.get("name", "")) + "/scale") if target else ""
        try:
            if target is None:
                raise status.not_found(ref.get("kind", "").lower() + "s", ref.get("name", ""))
            scale = self.client.request("GET", path)
        except status.ApiError as err:
            self.record(hpa, "Warning", "FailedGetScale", err.message)
            _set(hpa_status, "AbleToScale", "False", "FailedGetScale", "the HPA controller was unable to get the "
                 f"target's current scale: {err.message}")
            return self._write(hpa, before)
        _set(hpa_status, "AbleToScale", "True", "SucceededGetScale", "the HPA controller was able to get the "
             "target's current scale")
        current, low, high = int((scale.get("spec") or {}).get("replicas", 0)), spec.get("minReplicas", 1), \
            int(spec.get("maxReplicas", 0))
        desired, reason = current, ""
        if current == 0 and low != 0:
            _set(hpa_status, "ScalingActive", "False", "ScalingDisabled", "scaling is disabled since the replica "
                 "count of the target is zero")
        elif current > high:
            desired, reason = high, "Current number of replicas above Spec.MaxReplicas"
        elif current < low:
            desired, reason = low, "Current number of replicas below Spec.MinReplicas"
        else:
            self._no_metrics(hpa, hpa_status)
        if desired != current:
            scale["spec"]["replicas"] = desired
            self.emit("rescale", MIRROR, f"{meta.key_of(hpa)}: {current} -> {desired} ({reason})")
            self.client.request("PUT", path, scale)
            _set(hpa_status, "AbleToScale", "True", "SucceededRescale", "the HPA controller was able to update the "
                 f"target scale to {desired}")
            self.record(hpa, "Normal", "SuccessfulRescale", f"New size: {desired}; reason: {reason}")
            hpa_status["lastScaleTime"] = meta.now()
        hpa_status.update(currentReplicas=current, desiredReplicas=desired)
        self._write(hpa, before)

    def _no_metrics(self, hpa: dict, hpa_status: dict) -> None:
        """computeReplicasForMetrics without a resource metrics API: every metric is invalid."""
        metrics = (hpa.get("spec") or {}).get("metrics") or []
        resource = ((metrics[0] if metrics else {}).get("resource") or {}).get("name", "cpu")
        problem = f"failed to get {resource} utilization: " + NO_METRICS.format(name=resource)
        changed = _set(hpa_status, "ScalingActive", "False", "FailedGetResourceMetric",
                       f"the HPA was unable to compute the replica count: {problem}")
        if changed:  # the event recorder's aggregation, simplified: once per change
            self.record(hpa, "Warning", "FailedGetResourceMetric", problem)
            self.record(hpa, "Warning", "FailedComputeMetricsReplicas", f"invalid metrics ({len(metrics)} invalid "
                        f"out of {len(metrics)}), first error is: failed to get {resource} resource metric value: "
                        f"{problem}")

    def _write(self, hpa: dict, before: dict) -> None:
        """updateStatusIfNeeded."""
        if hpa.get("status") != before:
            self.client.update(HPA, hpa, subresource="status")
