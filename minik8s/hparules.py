"""Defaulting and validation of HorizontalPodAutoscaler (autoscaling/v1 and v2).

Mirrors pkg/apis/autoscaling/v1 and v2 defaults.go (`SetDefaults_HorizontalPodAutoscaler`:
minReplicas 1; in v2 a cpu Utilization metric of 80% when no metric is given, which is also what a
v1 object without targetCPUUtilizationPercentage becomes in its stored form through
pkg/apis/autoscaling/v1 `Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler`) and
pkg/apis/autoscaling/validation (`ValidateHorizontalPodAutoscaler`,
`validateHorizontalPodAutoscalerSpec`: minReplicas at least 1, maxReplicas above 0 and not below
minReplicas; `ValidateCrossVersionObjectReference`: the scale target's kind and name).
"""

from __future__ import annotations

from kubeatlas.minik8s.status import Cause

DEFAULT_CPU_UTILIZATION = 80


def default_hpa(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    if spec.get("minReplicas") is None:
        spec["minReplicas"] = 1
    if obj.get("apiVersion") == "autoscaling/v2" and not spec.get("metrics"):
        spec["metrics"] = [{"type": "Resource", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": DEFAULT_CPU_UTILIZATION}}}]
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    if obj.get("apiVersion") == "autoscaling/v1" and spec.get("targetCPUUtilizationPercentage") is None \
            and "autoscaling.alpha.kubernetes.io/metrics" not in annotations:
        spec["targetCPUUtilizationPercentage"] = DEFAULT_CPU_UTILIZATION  # what the stored v2 form reads back as


def validate_hpa(obj: dict, causes: list[Cause]) -> None:
    spec = obj.get("spec") or {}
    low, high = spec.get("minReplicas"), spec.get("maxReplicas")
    if isinstance(low, int) and low < 1:
        causes.append(Cause("spec.minReplicas", f"Invalid value: {low}: must be greater than or equal to 1"))
    if not isinstance(high, int) or high < 1:
        causes.append(Cause("spec.maxReplicas", f"Invalid value: {high or 0}: must be greater than 0"))
    elif isinstance(low, int) and high < low:
        causes.append(Cause("spec.maxReplicas", f"Invalid value: {high}: must be greater than or equal to "
                            "`minReplicas`"))
    ref = spec.get("scaleTargetRef") or {}
    for field in ("kind", "name"):
        value = ref.get(field) or ""
        if not value:
            causes.append(Cause(f"spec.scaleTargetRef.{field}", "Required value", "FieldValueRequired"))
        elif "/" in value or "%" in value:
            bad = "/" if "/" in value else "%"
            causes.append(Cause(f"spec.scaleTargetRef.{field}", f"Invalid value: \"{value}\": may not contain "
                                f"'{bad}'"))
    target = spec.get("targetCPUUtilizationPercentage")
    if target is not None and (not isinstance(target, int) or target < 1):
        causes.append(Cause("spec.targetCPUUtilizationPercentage", f"Invalid value: {target}: must be greater "
                            "than 0"))
    for i, metric in enumerate(spec.get("metrics") or ()):
        utilization = (((metric or {}).get("resource") or {}).get("target") or {}).get("averageUtilization")
        if utilization is not None and (not isinstance(utilization, int) or utilization < 1):
            causes.append(Cause(f"spec.metrics[{i}].resource.target.averageUtilization", f"Invalid value: "
                                f"{utilization}: must be greater than 0"))
