"""Schemas of the apps/v1, batch/v1 and coordination.k8s.io/v1 kinds: Deployment, ReplicaSet, Job, Lease.

Mirrors k8s.io/api/apps/v1 types.go (`DeploymentSpec` with `strategy` under
`patchStrategy:"retainKeys"`, `DeploymentStatus.conditions` merged by type),
k8s.io/api/batch/v1 types.go (`JobSpec`) and k8s.io/api/coordination/v1 types.go (`LeaseSpec`).
"""

from __future__ import annotations

from kubeatlas.minik8s.schema import (
    META,
    any_value,
    array,
    boolean,
    define,
    define_kind,
    int_or_string,
    integer,
    kind,
    ref,
    retain_keys,
    string,
    struct,
    time,
)

APPS = "io.k8s.api.apps.v1."
CORE = "io.k8s.api.core.v1."
COORD = "io.k8s.api.coordination.v1."
BATCH = "io.k8s.api.batch.v1."
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

define_kind(APPS + "Deployment", kind("apps", "v1", "Deployment", "Deployment enables declarative updates for "
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

define_kind(APPS + "ReplicaSet", kind("apps", "v1", "ReplicaSet", "ReplicaSet ensures that a specified number of "
                                      "pod replicas are running at any given time.", APPS + "ReplicaSetSpec",
                                      APPS + "ReplicaSetStatus"))

define(BATCH + "JobSpec", struct("JobSpec describes how the job execution will look like.", {
    "parallelism": integer("Maximum number of pods the job should run at any given time."),
    "completions": integer("Number of successfully finished pods the job should be run with."),
    "activeDeadlineSeconds": integer("Seconds the job may be active before the system tries to end it.", "int64"),
    "podFailurePolicy": any_value("How failed pods influence the backoffLimit."),
    "backoffLimit": integer("Number of retries before marking this job failed. Defaults to 6."),
    "backoffLimitPerIndex": integer("Retries per index before marking it failed (Indexed jobs)."),
    "maxFailedIndexes": integer("Failed indexes before the whole job fails (Indexed jobs)."),
    "selector": ref(SELECTOR, "A label query over pods that should match the pod count."),
    "manualSelector": boolean("Set the selector by hand instead of the generated one."),
    "template": ref(CORE + "PodTemplateSpec", "Describes the pod that will be created when executing a job."),
    "ttlSecondsAfterFinished": integer("Seconds after finishing before the job is deleted."),
    "completionMode": string("NonIndexed or Indexed."),
    "suspend": boolean("Whether the job controller should create pods."),
    "podReplacementPolicy": string("When to create replacement pods: TerminatingOrFailed or Failed."),
}, required=("template",)))

define(BATCH + "JobStatus", struct("JobStatus represents the current state of a Job.", {
    "conditions": array(any_value(), "The latest available observations of the job's state.", key="type"),
    "startTime": time("When the job controller started processing the job."),
    "completionTime": time("When the job was completed."),
    "active": integer("Pending and running pods."),
    "succeeded": integer("Pods that reached phase Succeeded."),
    "failed": integer("Pods that reached phase Failed."),
    "ready": integer("Pods that have a Ready condition."),
}, open=True))

define_kind(BATCH + "Job", kind("batch", "v1", "Job", "Job represents the configuration of a single job.",
                                BATCH + "JobSpec", BATCH + "JobStatus"))

define(COORD + "LeaseSpec", struct("The specification of a Lease.", {
    "holderIdentity": string("The identity of the holder of the lease."),
    "leaseDurationSeconds": integer("Seconds candidates wait to force-acquire the lease."),
    "acquireTime": ref(META + "MicroTime", "When the current lease was acquired."),
    "renewTime": ref(META + "MicroTime", "When the current holder last renewed the lease."),
    "leaseTransitions": integer("Number of transitions of the lease between holders."),
}))

define_kind(COORD + "Lease", kind("coordination.k8s.io", "v1", "Lease", "Lease defines a lease concept.",
                                  COORD + "LeaseSpec", None))

