"""Per-kind registry strategies: what create, update, status update and delete may change.

Mirrors pkg/registry/*/strategy.go: `PrepareForCreate` (status reset, generation 1),
`PrepareForUpdate` (main resource keeps the stored status; spec changes bump
`metadata.generation`), the status strategies (`podStatusStrategy.PrepareForUpdate` keeps
the stored spec), `ValidateUpdate` (pod spec is immutable but for images), graceful
deletion (`podStrategy.CheckGracefulDelete`), the namespace's spec.finalizers that only
namespaces/finalize changes (`namespaceStrategy.PrepareForUpdate`,
`namespaceFinalizeStrategy.PrepareForUpdate`, storage `(*FinalizeREST).Update` and
`ShouldDeleteNamespaceDuringUpdate`), and the ClusterIP allocator of
pkg/registry/core/service/ipallocator.
"""

from __future__ import annotations

import ipaddress

from kubeatlas.minik8s import ingressrules, priorityrules, rbacrules, status
from kubeatlas.minik8s.resources import Resource
from kubeatlas.minik8s.status import Cause

WITH_STATUS = {"Pod", "Node", "Deployment", "ReplicaSet", "Service", "Namespace", "Job", "ResourceQuota",
               "PodDisruptionBudget", "Ingress", "HorizontalPodAutoscaler"}
WITH_GENERATION = {"Deployment", "ReplicaSet", "Pod", "Service", "Job", "PodDisruptionBudget", "Ingress"}
SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/16")
FINALIZER_KUBERNETES = "kubernetes"
STANDARD_FINALIZERS = {FINALIZER_KUBERNETES, "orphan", "foregroundDeletion"}  # helper.IsStandardFinalizerName


def prepare_for_create(resource: Resource, obj: dict) -> None:
    kind = resource.kind
    if kind in WITH_GENERATION:
        obj["metadata"]["generation"] = 1
    if kind == "Pod":
        obj["status"] = {"phase": "Pending", "qosClass": qos_class(obj.get("spec") or {})}
    elif kind == "ReplicaSet":
        obj["status"] = {"replicas": 0}  # a non-omitempty int32 in apps/v1
    elif kind in ("Deployment", "Job", "ResourceQuota"):
        obj["status"] = {}
    elif kind in ("Service", "Ingress"):
        obj["status"] = {"loadBalancer": {}}
    elif kind == "HorizontalPodAutoscaler":  # v1's currentReplicas is not omitempty, v2's is
        obj["status"] = {"currentReplicas": 0, "desiredReplicas": 0} if resource.version == "v1" else \
            {"desiredReplicas": 0}
    elif kind == "PodDisruptionBudget":  # podDisruptionBudgetStrategy.PrepareForCreate: its counts are not omitempty
        obj["status"] = {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}
    elif kind == "Namespace":  # namespaceStrategy.PrepareForCreate: the kubernetes finalizer is required
        obj["status"] = {"phase": "Active"}
        spec = obj.setdefault("spec", {})
        if FINALIZER_KUBERNETES not in (spec.get("finalizers") or ()):
            spec["finalizers"] = [*(spec.get("finalizers") or ()), FINALIZER_KUBERNETES]


def prepare_for_update(resource: Resource, obj: dict, old: dict) -> None:
    """Main-resource update: status comes from the stored object; spec changes bump generation;
    a namespace's spec.finalizers change only through namespaces/finalize."""
    if resource.kind == "Namespace":
        obj.setdefault("spec", {})["finalizers"] = (old.get("spec") or {}).get("finalizers")
        if obj["spec"]["finalizers"] is None:
            del obj["spec"]["finalizers"]
    if resource.kind in WITH_STATUS and "status" in old:
        obj["status"] = old["status"]
    elif resource.kind in WITH_STATUS:
        obj.pop("status", None)
    generation = old["metadata"].get("generation")
    if generation is not None:
        changed = obj.get("spec") != old.get("spec")
        obj["metadata"]["generation"] = generation + 1 if changed else generation


def prepare_for_status_update(resource: Resource, obj: dict, old: dict) -> None:
    """Status update: everything but status (and labels/annotations) comes from the stored object."""
    if "spec" in old:
        obj["spec"] = old["spec"]
    else:
        obj.pop("spec", None)
    meta, old_meta = obj["metadata"], old["metadata"]
    for field in ("generation", "deletionTimestamp", "deletionGracePeriodSeconds",
                  "ownerReferences", "finalizers"):
        if field in old_meta:
            meta[field] = old_meta[field]
        else:
            meta.pop(field, None)


def prepare_for_finalize_update(obj: dict, old: dict) -> None:
    """namespaceFinalizeStrategy.PrepareForUpdate (the status is the stored one) and
    ValidateNamespaceFinalizeUpdate: each finalizer is standard or a qualified name."""
    obj["status"] = old.get("status") or {}
    finalizers = (obj.get("spec") or {}).get("finalizers") or []
    causes = [Cause(f"spec.finalizers[{i}]", f'Invalid value: "{name}": name is neither a standard finalizer '
                    "name nor is it fully qualified") for i, name in enumerate(finalizers)
              if "/" not in str(name) and name not in STANDARD_FINALIZERS]
    if causes:
        raise status.invalid("Namespace", obj["metadata"].get("name", ""), tuple(causes))


def should_delete_during_update(resource: Resource, obj: dict, old: dict) -> bool:
    """ShouldDeleteDuringUpdate: the update leaves no finalizer on an object a delete request
    already marked, whose grace period is over (the stored deletionGracePeriodSeconds is absent
    or 0: a pod's kubelet asked for 0 once its containers stopped, and must not have to ask
    again); for a namespace also no spec.finalizers (ShouldDeleteNamespaceDuringUpdate)."""
    if resource.kind == "Namespace" and (obj.get("spec") or {}).get("finalizers"):
        return False
    if obj["metadata"].get("finalizers") or not old["metadata"].get("deletionTimestamp"):
        return False
    return not old["metadata"].get("deletionGracePeriodSeconds")


def validate_update(resource: Resource, obj: dict, old: dict) -> None:
    """ValidatePodUpdate: only container images (and added tolerations) may change in a pod spec;
    ValidateRoleBindingUpdate: nor may a binding's roleRef."""
    if resource.kind in rbacrules.BINDINGS:
        cause = rbacrules.role_ref_change(obj, old)
        if cause:
            raise status.invalid(resource.kind, obj["metadata"].get("name", ""), (cause,), resource.group)
    if resource.kind == "PriorityClass":
        priorityrules.validate_update(obj, old)
    if resource.kind == "IngressClass":
        ingressrules.validate_class_update(obj, old)
    if resource.kind != "Pod":
        return
    new_spec, old_spec = dict(obj.get("spec") or {}), dict(old.get("spec") or {})
    for spec in (new_spec, old_spec):
        spec["containers"] = [{k: v for k, v in c.items() if k != "image"}
                              for c in spec.get("containers") or ()]
        spec.pop("tolerations", None)
        spec.pop("activeDeadlineSeconds", None)
    if new_spec != old_spec:
        raise status.invalid("Pod", obj["metadata"].get("name", ""), (Cause(
            "spec", "Forbidden: pod updates may not change fields other than "
            "`spec.containers[*].image`, `spec.activeDeadlineSeconds` or `spec.tolerations`",
            "FieldValueForbidden"),))


def grace_period(resource: Resource, obj: dict, requested: int | None) -> int:
    """Seconds of graceful deletion; 0 deletes at once (podStrategy.CheckGracefulDelete)."""
    if resource.kind != "Pod":
        return 0
    spec, phase = obj.get("spec") or {}, (obj.get("status") or {}).get("phase")
    if not spec.get("nodeName") or phase in ("Succeeded", "Failed"):
        return 0  # never started on a node: nothing to stop
    if requested is not None:
        return max(int(requested), 0)
    return int(spec.get("terminationGracePeriodSeconds", 30))


def qos_class(spec: dict) -> str:
    """pkg/apis/core/v1/helper/qos.GetPodQOS, simplified to the three classes."""
    requests = limits = 0
    guaranteed = True
    for container in spec.get("containers") or ():
        resources = container.get("resources") or {} if isinstance(container, dict) else {}
        req, lim = resources.get("requests") or {}, resources.get("limits") or {}
        requests += len(req)
        limits += len(lim)
        if not lim or any(req.get(k, lim[k]) != lim[k] for k in lim) or not {"cpu", "memory"} <= set(lim):
            guaranteed = False
    if requests == 0 and limits == 0:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def allocate_cluster_ip(obj: dict, used: set[str]) -> None:
    """Give a ClusterIP service the next free address of the service CIDR (or check its own)."""
    spec = obj.setdefault("spec", {})
    if spec.get("type", "ClusterIP") not in ("ClusterIP", "NodePort", "LoadBalancer"):
        return
    spec.setdefault("ipFamilyPolicy", "SingleStack")  # the service registry's single-stack IPv4 defaults
    spec.setdefault("ipFamilies", ["IPv4"])
    wanted = spec.get("clusterIP")
    if wanted == "None":
        spec["clusterIPs"] = ["None"]
        return
    if wanted:
        try:
            address = ipaddress.ip_address(wanted)
        except ValueError:
            address = None
        if address is None or address not in SERVICE_CIDR:
            raise status.invalid("Service", obj["metadata"].get("name", ""), (Cause(
                "spec.clusterIP", f"Invalid value: {wanted!r}: not in {SERVICE_CIDR}"),))
        if wanted in used:
            raise status.invalid("Service", obj["metadata"].get("name", ""), (Cause(
                "spec.clusterIP", f"Invalid value: {wanted!r}: provided IP is already "
                "allocated"),))
    else:
        for host in SERVICE_CIDR.hosts():
            if str(host) not in used and not str(host).endswith(".0.1"):
                wanted = str(host)
                break
        else:
            raise status.internal(f"service CIDR {SERVICE_CIDR} is full")
    spec["clusterIP"] = wanted
    spec["clusterIPs"] = [wanted]
