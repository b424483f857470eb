"""Schemas of policy/v1 PodDisruptionBudget and scheduling.k8s.io/v1 PriorityClass.

Mirrors k8s.io/api/policy/v1 types.go (`PodDisruptionBudgetSpec`: minAvailable or
maxUnavailable, selector, unhealthyPodEvictionPolicy; `PodDisruptionBudgetStatus` with
`disruptedPods`, the counts and the DisruptionAllowed condition merged by type) and
k8s.io/api/scheduling/v1 types.go (`PriorityClass`: value, globalDefault, preemptionPolicy).
"""

from __future__ import annotations

from dataclasses import replace

from kubeatlas.minik8s.schema import (
    META,
    Schema,
    any_value,
    array,
    boolean,
    define,
    define_kind,
    int_or_string,
    integer,
    kind,
    ref,
    string,
    struct,
    time,
)

POLICY = "io.k8s.api.policy.v1."
SCHEDULING = "io.k8s.api.scheduling.v1."

define(POLICY + "PodDisruptionBudgetSpec", struct("PodDisruptionBudgetSpec is a description of a "
                                                  "PodDisruptionBudget.", {
    "minAvailable": int_or_string("An eviction is allowed if at least this many selected pods are still available "
                                  "after it (a number or a percent)."),
    "maxUnavailable": int_or_string("An eviction is allowed if at most this many selected pods are unavailable "
                                    "after it (a number or a percent)."),
    "selector": ref(META + "LabelSelector", "Label query over pods whose evictions are managed by the budget. "
                    "An empty selector selects all pods of the namespace."),
    "unhealthyPodEvictionPolicy": string("When unhealthy running pods may be evicted: IfHealthyBudget or "
                                         "AlwaysAllow.", enum=("AlwaysAllow", "IfHealthyBudget")),
}))

define(POLICY + "PodDisruptionBudgetStatus", struct("PodDisruptionBudgetStatus represents information about the "
                                                    "status of a PodDisruptionBudget.", {
    "observedGeneration": integer("The most recent generation observed when updating this status.", "int64"),
    "disruptedPods": Schema("map", "Pods whose eviction was processed by the API server's eviction subresource "
                            "but not yet seen deleted, with the time of the eviction.", items=time()),
    "disruptionsAllowed": integer("Number of pod disruptions that are currently allowed."),
    "currentHealthy": integer("Current number of healthy pods."),
    "desiredHealthy": integer("Minimum desired number of healthy pods."),
    "expectedPods": integer("Total number of pods counted by this disruption budget."),
    "conditions": array(any_value(), "Conditions about the budget: DisruptionAllowed.", key="type"),
}, required=("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods")))

define_kind(POLICY + "PodDisruptionBudget", kind(
    "policy", "v1", "PodDisruptionBudget", "PodDisruptionBudget is an object to define the max disruption that "
    "can be caused to a collection of pods", POLICY + "PodDisruptionBudgetSpec", POLICY + "PodDisruptionBudgetStatus"))

_PRIORITY_CLASS = kind(
    "scheduling.k8s.io", "v1", "PriorityClass", "PriorityClass defines mapping from a priority class name to the "
    "priority integer value.", None, None,
    value=integer("The integer value of this priority class: the priority that pods naming it receive."),
    globalDefault=boolean("Whether this class's value is the default priority of pods naming no class."),
    preemptionPolicy=string("Never or PreemptLowerPriority (the default).",
                            enum=("Never", "PreemptLowerPriority")))
define_kind(SCHEDULING + "PriorityClass", replace(_PRIORITY_CLASS, fields=(*_PRIORITY_CLASS.fields, (
    "description", string("An arbitrary string: guidance on when this priority class should be used.")))))
