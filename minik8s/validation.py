"""Validation of objects, per kind: required fields, name syntax, selector/template agreement.

Mirrors k8s.io/apimachinery/pkg/api/validation (`ValidateObjectMeta`),
pkg/apis/core/validation (`ValidatePodSpec`, `ValidateService`, `ValidateNode`,
`ValidateEndpoints`) and pkg/apis/apps/validation (`ValidateDeployment`,
`ValidateReplicaSet`). Errors are field paths with messages, returned as a tuple of
`Cause`s the apiserver turns into one 422 Invalid Status.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kubeatlas.minik8s.selector import from_label_selector
from kubeatlas.minik8s.status import ApiError, Cause

_DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_QUANTITY = re.compile(r"^[+]?[0-9.]+([eE][+-]?[0-9]+|[numkKMGTPE]i?)?$")


PATH_SEGMENT_NAMED = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}  # system:basic-user is a name


def _required(value, path: str, causes: list[Cause]) -> bool:
    if value in (None, "", [], {}):
        causes.append(Cause(path, "Required value", "FieldValueRequired"))
        return False
    return True


def required_object(value, path: str, causes: list[Cause]) -> dict | None:
    """The value when it is an object (a dict, maybe empty); else None, with "Required value" at path."""
    if isinstance(value, dict):
        return value
    causes.append(Cause(path, "Required value", "FieldValueRequired"))
    return None


def validate_meta(obj: dict, namespaced: bool, causes: list[Cause]) -> None:
    meta = required_object(obj.get("metadata"), "metadata", causes)
    if meta is None:
        return
    name = meta.get("name", "")
    if not name:
        causes.append(Cause("metadata.name", "name or generateName is required",
                            "FieldValueRequired"))
    elif obj.get("kind") in PATH_SEGMENT_NAMED:  # rbac ValidateRBACName: path.IsValidPathSegmentName
        for bad in ("/", "%"):
            if bad in name:
                causes.append(Cause("metadata.name", f"Invalid value: {name!r}: may not contain '{bad}'"))
    elif len(name) > 253 or not _DNS1123_SUBDOMAIN.match(name):
        causes.append(Cause("metadata.name", f"Invalid value: {name!r}: a lowercase RFC 1123 "
                            "subdomain must consist of lower case alphanumeric characters, "
                            "'-' or '.'"))
    if namespaced and not meta.get("namespace"):
        causes.append(Cause("metadata.namespace", "Required value", "FieldValueRequired"))
    for field in ("labels", "annotations"):
        values = meta.get(field)
        if values is not None and (not isinstance(values, dict)
                                   or not all(isinstance(v, str) for v in values.values())):
            causes.append(Cause(f"metadata.{field}", "must be a map of string to string"))


def _resources(container: dict, path: str, causes: list[Cause]) -> None:
    resources = container.get("resources") or {}
    for section in ("requests", "limits"):
        for name, value in (resources.get(section) or {}).items():
            if not _QUANTITY.match(str(value)):
                causes.append(Cause(f"{path}.resources.{section}[{name}]",
                                    f"Invalid value: {value!r}: must be a quantity"))


def validate_pod_spec(value, path: str, causes: list[Cause]) -> None:
    spec = required_object(value, path, causes)
    if spec is None:
        return
    containers = spec.get("containers")
    if not _required(containers, f"{path}.containers", causes):
        return
    if not isinstance(containers, list):
        causes.append(Cause(f"{path}.containers", "must be a list"))
        return
    seen = set()
    for i, container in enumerate(containers):
        cpath = f"{path}.containers[{i}]"
        if not isinstance(container, dict):
            causes.append(Cause(cpath, "must be an object"))
            continue
        name = container.get("name")
        if _required(name, f"{cpath}.name", causes):
            if not _DNS1123_LABEL.match(str(name)):
                causes.append(Cause(f"{cpath}.name", f"Invalid value: {name!r}"))
            if name in seen:
                causes.append(Cause(f"{cpath}.name", f"Duplicate value: {name!r}",
                                    "FieldValueDuplicate"))
            seen.add(name)
        _required(container.get("image"), f"{cpath}.image", causes)
        _resources(container, cpath, causes)
    policy = spec.get("restartPolicy")
    if policy not in (None, "Always", "OnFailure", "Never"):
        causes.append(Cause(f"{path}.restartPolicy", f"Unsupported value: {policy!r}",
                            "FieldValueNotSupported"))


def validate_pod(obj: dict, causes: list[Cause]) -> None:
    validate_pod_spec(obj.get("spec"), "spec", causes)


def _validate_workload(obj: dict, causes: list[Cause]) -> None:
    spec = required_object(obj.get("spec"), "spec", causes)
    if spec is None:
        return
    replicas = spec.get("replicas", 0)
    if not isinstance(replicas, int) or replicas < 0:
        causes.append(Cause("spec.replicas", f"Invalid value: {replicas!r}: must be greater "
                            "than or equal to 0"))
    selector = spec.get("selector")
    if not _required(selector, "spec.selector", causes):
        return
    template = required_object(spec.get("template"), "spec.template", causes)
    if template is None:
        return
    labels = (template.get("metadata") or {}).get("labels") or {}
    try:
        matches = from_label_selector(selector).matches(labels)
    except ApiError as exc:
        causes.append(Cause("spec.selector", exc.message))
        return
    if not matches:
        causes.append(Cause("spec.template.metadata.labels", f"Invalid value: {labels!r}: "
                            "`selector` does not match template `labels`"))
    validate_pod_spec(template.get("spec"), "spec.template.spec", causes)


def validate_service(obj: dict, causes: list[Cause]) -> None:
    spec = required_object(obj.get("spec"), "spec", causes)
    if spec is None:
        return
    ports = spec.get("ports")
    if spec.get("clusterIP") != "None" and _required(ports, "spec.ports", causes):
        for i, port in enumerate(ports):
            number = port.get("port") if isinstance(port, dict) else None
            if not isinstance(number, int) or not 0 < number < 65536:
                causes.append(Cause(f"spec.ports[{i}].port", f"Invalid value: {number!r}: "
                                    "must be between 1 and 65535, inclusive"))


def validate_endpoints(obj: dict, causes: list[Cause]) -> None:
    for i, subset in enumerate(obj.get("subsets") or ()):
        for j, address in enumerate(subset.get("addresses") or ()):
            _required(address.get("ip"), f"subsets[{i}].addresses[{j}].ip", causes)


def validate_lease(obj: dict, causes: list[Cause]) -> None:
    spec = obj.get("spec")
    if spec is not None and not isinstance(spec, dict):
        causes.append(Cause("spec", "must be an object"))


def validate_node(obj: dict, causes: list[Cause]) -> None:
    for i, taint in enumerate((obj.get("spec") or {}).get("taints") or ()):
        _required(taint.get("key"), f"spec.taints[{i}].key", causes)
        if taint.get("effect") not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
            causes.append(Cause(f"spec.taints[{i}].effect", "Unsupported value: "
                                f"{taint.get('effect')!r}", "FieldValueNotSupported"))


VALIDATORS: dict[str, Callable[[dict, list[Cause]], None]] = {
    "Pod": validate_pod,
    "Deployment": _validate_workload,
    "ReplicaSet": _validate_workload,
    "Service": validate_service,
    "Endpoints": validate_endpoints,
    "Lease": validate_lease,
    "Node": validate_node,
}


def validate(obj: dict, namespaced: bool) -> tuple[Cause, ...]:
    """Every problem with obj (an empty tuple when it is valid)."""
    causes: list[Cause] = []
    validate_meta(obj, namespaced, causes)
    validator = VALIDATORS.get(obj.get("kind", ""))
    if validator:
        validator(obj, causes)
    return tuple(causes)
