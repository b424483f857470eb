"""HorizontalPodAutoscaler between autoscaling/v1 and autoscaling/v2: one object, read in the version asked for.

Mirrors pkg/apis/autoscaling/v1 conversion.go (`Convert_autoscaling_HorizontalPodAutoscaler_To_v1_...`:
the cpu Utilization metric is targetCPUUtilizationPercentage, the other metrics, the behavior and
the conditions ride in the autoscaling.alpha.kubernetes.io annotations so a v1 round trip loses
nothing; `Convert_v1_HorizontalPodAutoscaler_To_autoscaling_...` the other way) - what the
apiserver's versioned codec does when a stored object is served in another version of its group.
"""

from __future__ import annotations

import json

V1, V2 = "autoscaling/v1", "autoscaling/v2"
PREFIX = "autoscaling.alpha.kubernetes.io/"
CARRIED = {"metrics": ("spec", "metrics"), "behavior": ("spec", "behavior"),
           "current-metrics": ("status", "currentMetrics"), "conditions": ("status", "conditions")}


def _is_cpu_utilization(metric: dict) -> bool:
    resource = metric.get("resource") or {}
    return metric.get("type") == "Resource" and resource.get("name") == "cpu" and \
        (resource.get("target") or resource.get("current") or {}).get("averageUtilization") is not None


def to_v1(obj: dict) -> dict:
    spec, status = dict(obj.get("spec") or {}), dict(obj.get("status") or {})
    md = {**obj.get("metadata", {})}
    annotations = dict(md.get("annotations") or {})
    metrics = list(spec.pop("metrics", None) or [])
    cpu = next((m for m in metrics if _is_cpu_utilization(m)), None)
    if cpu is not None:
        spec["targetCPUUtilizationPercentage"] = cpu["resource"]["target"]["averageUtilization"]
        metrics.remove(cpu)
    current = list(status.pop("currentMetrics", None) or [])
    current_cpu = next((m for m in current if _is_cpu_utilization(m)), None)
    if current_cpu is not None:
        status["currentCPUUtilizationPercentage"] = current_cpu["resource"]["current"]["averageUtilization"]
        current.remove(current_cpu)
    carried = {"metrics": metrics, "behavior": spec.pop("behavior", None), "current-metrics": current,
               "conditions": status.pop("conditions", None)}
    for name, value in carried.items():
        if value:
            annotations[PREFIX + name] = json.dumps(value, separators=(",", ":"))
    if annotations:
        md["annotations"] = annotations
    status.setdefault("currentReplicas", 0)
    status.setdefault("desiredReplicas", 0)
    return {**obj, "apiVersion": V1, "metadata": md, "spec": spec, "status": status}


def to_v2(obj: dict) -> dict:
    spec, status = dict(obj.get("spec") or {}), dict(obj.get("status") or {})
    md = {**obj.get("metadata", {})}
    annotations = dict(md.get("annotations") or {})
    metrics, current = [], []
    target = spec.pop("targetCPUUtilizationPercentage", None)
    if target is not None:
        metrics.append({"type": "Resource", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": target}}})
    used = status.pop("currentCPUUtilizationPercentage", None)
    if used is not None:
        current.append({"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": used}}})
    values = {"metrics": metrics, "current-metrics": current}
    for name, (part, field) in CARRIED.items():
        text = annotations.pop(PREFIX + name, None)
        try:
            carried = json.loads(text) if text else None
        except json.JSONDecodeError:
            carried = None
        if isinstance(values.get(name), list):
            values[name] = values[name] + (carried if isinstance(carried, list) else [])
        elif carried:
            values[name] = carried
        if values.get(name):
            (spec if part == "spec" else status)[field] = values[name]
    md.pop("annotations", None)
    if annotations:
        md["annotations"] = annotations
    result = {**obj, "apiVersion": V2, "metadata": md, "spec": spec}
    if obj.get("status") is not None:
        result["status"] = status
    return result


def as_version(obj: dict, api_version: str) -> dict:
    """The object in `api_version` (unchanged when it is already, or is not an autoscaler)."""
    if obj.get("kind") != "HorizontalPodAutoscaler" or obj.get("apiVersion") == api_version:
        return obj
    if api_version == V1:
        return to_v1(obj)
    return to_v2(obj) if api_version == V2 else obj
