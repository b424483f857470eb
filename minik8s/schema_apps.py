"""Schemas of the apps/v1 and coordination.k8s.io/v1 kinds: Deployment, ReplicaSet, Lease.

Mirrors k8s.io/api/apps/v1 types.go (`DeploymentSpec` with `strategy` under
`patchStrategy:"retainKeys"`, `DeploymentStatus.conditions` merged by type) and
k8s.io/api/coordination/v1 types.go (`LeaseSpec`).
"""

from __future__ import annotations

from kubeatlas.minik8s.schema import (
    META,
    any_value,
    array,
    boolean,
    define,
    int_or_string,
    integer,
    kind,
    list_kind,
    ref,
    retain_keys,
    string,
    struct,
)

APPS = "io.k8s.api.apps.v1."
CORE = "io.k8s.api.core.v1."
COORD = "io.k8s.api.coordination.v1."
SELECTOR = META + "LabelSelector"

define(APPS + "RollingUpdateDeployment", struct("Parameters of a rolling update.", {
    "maxUnavailable": int_or_string("Pods that can be unavailable during the update (number or percent)."),
    "maxSurge": int_or_string("Pods that can be scheduled above the desired count (number or percent)."),
}))

define(APPS + "DeploymentStrategy", struct("How to replace existing pods with new ones.", {
    "type": string("Recreate or RollingUpdate. Default is RollingUpdate.", enum=("Recreate", "RollingUpdate")),
    "rollingUpdate": ref(APPS + "RollingUpdateDeployment", "Rolling update parameters; only for RollingUpdate."),
}))

define(APPS + "DeploymentSpec", struct("The specification of the desired behavior of the Deployment.", {
    "replicas": integer("Number of desired pods. Defaults to 1."),
    "selector": ref(SELECTOR, "Label selector for pods; must match the template's labels."),
    "template": ref(CORE + "PodTemplateSpec", "Template describes the pods that will be created."),
    "strategy": retain_keys(ref(APPS + "DeploymentStrategy",
                                "The deployment strategy used to replace old pods by new ones.")),
    "minReadySeconds": integer("Seconds a new pod must be ready before it counts as available."),
    "revisionHistoryLimit": integer("Old ReplicaSets kept for rollback. Defaults to 10."),
    "paused": boolean("Indicates that the deployment is paused."),
    "progressDeadlineSeconds": integer("Seconds before a deployment without progress is reported failed."),
}, required=("selector", "template")))

define(APPS + "DeploymentStatus", struct("The most recently observed status of the Deployment.", {
    "observedGeneration": integer("The generation observed by the deployment controller.", "int64"),
    "replicas": integer("Total number of non-terminated pods targeted by this deployment."),
    "updatedReplicas": integer("Pods that have the desired template spec."),
    "readyReplicas": integer("Pods with a Ready condition."),
    "availableReplicas": integer("Pods available for at least minReadySeconds."),
    "unavailableReplicas": integer("Pods still needed for the deployment to be fully available."),
    "conditions": array(any_value(), "Latest available observations of the deployment's state.", key="type"),
    "collisionCount": integer("Count of hash collisions for the deployment."),
}, open=True))

define(APPS + "Deployment", kind("apps", "v1", "Deployment", "Deployment enables declarative updates for "
                                 "Pods and ReplicaSets.", APPS + "DeploymentSpec", APPS + "DeploymentStatus"))

define(APPS + "ReplicaSetSpec", struct("The specification of a ReplicaSet.", {
    "replicas": integer("Number of desired replicas. Defaults to 1."),
    "minReadySeconds": integer("Seconds a new pod must be ready before it counts as available."),
    "selector": ref(SELECTOR, "Label query over the pods that should match the replica count."),
    "template": ref(CORE + "PodTemplateSpec", "The pod created when too few replicas exist."),
}, required=("selector",)))

define(APPS + "ReplicaSetStatus", struct("The current status of a ReplicaSet.", {
    "replicas": integer("Most recently observed number of replicas."),
    "fullyLabeledReplicas": integer("Pods whose labels match the template's labels."),
    "readyReplicas": integer("Pods with a Ready condition."),
    "availableReplicas": integer("Pods available for at least minReadySeconds."),
    "observedGeneration": integer("The generation observed by the controller.", "int64"),
    "conditions": array(any_value(), "Latest available observations of the replica set's state.", key="type"),
}, open=True))

define(APPS + "ReplicaSet", kind("apps", "v1", "ReplicaSet", "ReplicaSet ensures that a specified number of "
                                 "pod replicas are running at any given time.", APPS + "ReplicaSetSpec",
                                 APPS + "ReplicaSetStatus"))

define(COORD + "LeaseSpec", struct("The specification of a Lease.", {
    "holderIdentity": string("The identity of the holder of the lease."),
    "leaseDurationSeconds": integer("Seconds candidates wait to force-acquire the lease."),
    "acquireTime": ref(META + "MicroTime", "When the current lease was acquired."),
    "renewTime": ref(META + "MicroTime", "When the current holder last renewed the lease."),
    "leaseTransitions": integer("Number of transitions of the lease between holders."),
}))

define(COORD + "Lease", kind("coordination.k8s.io", "v1", "Lease", "Lease defines a lease concept.",
                             COORD + "LeaseSpec", None))

for _prefix, _group, _kind in ((APPS, "apps", "Deployment"), (APPS, "apps", "ReplicaSet"),
                               (COORD, "coordination.k8s.io", "Lease")):
    define(_prefix + _kind + "List", list_kind(_group, "v1", _prefix + _kind, _kind))

