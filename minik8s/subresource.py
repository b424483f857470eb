"""The pods/binding and */scale subresources.

Mirrors pkg/registry/core/pod/storage (`(*BindingREST).Create` and
`setPodHostAndAnnotations`: a pod is bound once, by setting spec.nodeName and the
PodScheduled condition) and pkg/registry/apps/deployment/storage (`(*ScaleREST).Get`,
`Update`, `scaleFromDeployment`): autoscaling/v1 Scale objects over spec.replicas.
"""

from __future__ import annotations

import json

from kubeatlas.minik8s import meta, status
from kubeatlas.minik8s.patch import apply_patch
from kubeatlas.minik8s.registry import Registry, parse_rv
from kubeatlas.minik8s.resources import Resource, for_kind
from kubeatlas.minik8s.selector import to_query

POD = for_kind("v1", "Pod")


def bind(registry: Registry, namespace: str, name: str, body) -> dict:
    """Assign a pod to a node; 409 if it is already assigned or being deleted."""
    if not isinstance(body, dict) or body.get("kind") != "Binding":
        raise status.bad_request("the body of pods/binding must be a Binding")
    target = body.get("target") or {}
    node = target.get("name")
    if not node:
        raise status.invalid("Binding", name, (status.Cause("target.name", "Required value",
                                                            "FieldValueRequired"),))
    wanted_uid = (body.get("metadata") or {}).get("uid")

    def assign(pod: dict) -> dict:
        if wanted_uid and wanted_uid != meta.uid_of(pod):
            raise status.conflict("pods", name, "the UID of the binding does not match the pod")
        if meta.is_deleting(pod):
            raise status.conflict("pods", name, "pod is being deleted, cannot be assigned to a host")
        current = (pod.get("spec") or {}).get("nodeName")
        if current:
            raise status.conflict("pods", name, f"pod {name} is already assigned to node "
                                  f'"{current}"')
        pod["spec"]["nodeName"] = node
        meta.set_condition(pod.setdefault("status", {}), "PodScheduled", "True")
        return pod

    registry.guaranteed_update(POD, namespace, name, assign, subresource="binding")
    registry.emit(POD, "bind", "method:k8s.io/kubernetes/pkg/registry/core/pod/storage.(*BindingREST).Create",
                  f"{namespace}/{name} -> spec.nodeName={node}")
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}


def scale_of(resource: Resource, obj: dict) -> dict:
    """scaleFromDeployment / scaleFromReplicaSet."""
    md = obj["metadata"]
    spec = obj.get("spec") or {}
    return {"kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": {k: md[k] for k in ("name", "namespace", "uid", "resourceVersion",
                                            "creationTimestamp") if k in md},
            "spec": {"replicas": spec.get("replicas", 0)},
            "status": {"replicas": (obj.get("status") or {}).get("replicas", 0),
                       "selector": to_query(spec.get("selector"))}}


def get_scale(registry: Registry, resource: Resource, namespace: str, name: str) -> dict:
    return scale_of(resource, registry.get(resource, namespace, name))


def update_scale(registry: Registry, resource: Resource, namespace: str, name: str,
                 body: bytes, content_type: str | None) -> dict:
    """PUT (content_type None) or PATCH of a Scale; writes spec.replicas of the parent."""
    if content_type is None:
        try:
            scale = json.loads(body or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise status.bad_request(f"invalid JSON in request body: {exc}") from None
    else:
        scale = apply_patch(get_scale(registry, resource, namespace, name), body, content_type)
    if not isinstance(scale, dict) or scale.get("kind", "Scale") != "Scale":
        raise status.bad_request("the body of a scale request must be a Scale")
    replicas = (scale.get("spec") or {}).get("replicas")
    if not isinstance(replicas, int) or replicas < 0:
        raise status.invalid("Scale", name, (status.Cause("spec.replicas", f"Invalid value: "
                                                          f"{replicas!r}: must be >= 0"),))
    wanted = parse_rv((scale.get("metadata") or {}).get("resourceVersion")) \
        if content_type is None else None

    def set_replicas(obj: dict) -> dict:
        obj["spec"]["replicas"] = replicas
        return obj

    updated = registry.guaranteed_update(resource, namespace, name, set_replicas, wanted)
    return scale_of(resource, updated)
