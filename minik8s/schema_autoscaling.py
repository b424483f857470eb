"""Schemas of HorizontalPodAutoscaler in autoscaling/v1 and autoscaling/v2.

Mirrors k8s.io/api/autoscaling/v1 types.go (`HorizontalPodAutoscalerSpec` with
targetCPUUtilizationPercentage, `CrossVersionObjectReference`) and k8s.io/api/autoscaling/v2
types.go (`HorizontalPodAutoscalerSpec` with metrics and behavior, `MetricSpec`, the status's
currentMetrics and conditions).
"""

from __future__ import annotations

from kubeatlas.minik8s.schema import any_value, array, define, define_kind, integer, kind, ref, string, struct, time

V1, V2 = "io.k8s.api.autoscaling.v1.", "io.k8s.api.autoscaling.v2."

for prefix in (V1, V2):
    define(prefix + "CrossVersionObjectReference", struct("The scaled resource, named by kind and name.", {
        "apiVersion": string("API version of the referent."),
        "kind": string("Kind of the referent, e.g. Deployment."),
        "name": string("Name of the referent."),
    }, required=("kind", "name")))

define(V1 + "HorizontalPodAutoscalerSpec", struct("Specification of a horizontal pod autoscaler.", {
    "scaleTargetRef": ref(V1 + "CrossVersionObjectReference", "The resource whose replicas are scaled."),
    "minReplicas": integer("The lower limit for the number of replicas. Defaults to 1."),
    "maxReplicas": integer("The upper limit for the number of replicas; cannot be below minReplicas."),
    "targetCPUUtilizationPercentage": integer("The target average CPU utilization over all the pods, as a "
                                              "percentage of the requested CPU."),
}, required=("scaleTargetRef", "maxReplicas")))

define(V1 + "HorizontalPodAutoscalerStatus", struct("Current status of a horizontal pod autoscaler.", {
    "observedGeneration": integer("The most recent generation observed by this autoscaler.", "int64"),
    "lastScaleTime": time("The last time the autoscaler scaled the number of pods."),
    "currentReplicas": integer("The current number of replicas of pods managed by this autoscaler."),
    "desiredReplicas": integer("The desired number of replicas of pods managed by this autoscaler."),
    "currentCPUUtilizationPercentage": integer("The current average CPU utilization over all pods."),
}, required=("currentReplicas", "desiredReplicas")))

define_kind(V1 + "HorizontalPodAutoscaler", kind(
    "autoscaling", "v1", "HorizontalPodAutoscaler", "configuration of a horizontal pod autoscaler.",
    V1 + "HorizontalPodAutoscalerSpec", V1 + "HorizontalPodAutoscalerStatus"))

define(V2 + "HorizontalPodAutoscalerSpec", struct("HorizontalPodAutoscalerSpec describes the desired "
                                                  "functionality of the HorizontalPodAutoscaler.", {
    "scaleTargetRef": ref(V2 + "CrossVersionObjectReference", "The resource whose replicas are scaled."),
    "minReplicas": integer("The lower limit for the number of replicas. Defaults to 1."),
    "maxReplicas": integer("The upper limit for the number of replicas; cannot be below minReplicas."),
    "metrics": array(any_value(), "The specifications used to calculate the desired replica count (the maximum "
                     "over all metrics). Defaults to 80% average CPU utilization."),
    "behavior": any_value("The scaling behavior of the target in both Up and Down directions."),
}, required=("scaleTargetRef", "maxReplicas")))

define(V2 + "HorizontalPodAutoscalerStatus", struct("HorizontalPodAutoscalerStatus describes the current status "
                                                    "of a horizontal pod autoscaler.", {
    "observedGeneration": integer("The most recent generation observed by this autoscaler.", "int64"),
    "lastScaleTime": time("The last time the autoscaler scaled the number of pods."),
    "currentReplicas": integer("The current number of replicas of pods managed by this autoscaler."),
    "desiredReplicas": integer("The desired number of replicas of pods managed by this autoscaler."),
    "currentMetrics": array(any_value(), "The last read state of the metrics used by this autoscaler."),
    "conditions": array(any_value(), "The conditions needed for this autoscaler to scale its target.", key="type"),
}, required=("desiredReplicas",)))

define_kind(V2 + "HorizontalPodAutoscaler", kind(
    "autoscaling", "v2", "HorizontalPodAutoscaler", "HorizontalPodAutoscaler is the configuration for a horizontal "
    "pod autoscaler, which automatically manages the replica count of any resource implementing the scale "
    "subresource based on the metrics specified.", V2 + "HorizontalPodAutoscalerSpec",
    V2 + "HorizontalPodAutoscalerStatus"))
