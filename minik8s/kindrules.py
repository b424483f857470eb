"""Defaulting and validation of ConfigMap, Secret, ServiceAccount and Job.

Mirrors pkg/apis/core/v1 (`SetDefaults_Secret`: type Opaque; the v1 -> internal conversion
folding `stringData` into `data`, `Convert_v1_Secret_To_core_Secret`), pkg/apis/batch/v1
(`SetDefaults_Job`: parallelism, completions, backoffLimit, completionMode), the Job
strategy's `generateSelector` (pkg/registry/batch/job/strategy.go: the controller-uid and
job-name labels and selector) and pkg/apis/core/validation (`ValidateConfigMap`,
`ValidateSecret`) and pkg/apis/batch/validation (`ValidateJob`: restartPolicy OnFailure or
Never, non-negative counts). The rules of the other kinds live in their own modules (rbacrules,
quotarules, pdbrules, priorityrules, ingressrules, hparules) and are dispatched from here by kind.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable

from kubeatlas.minik8s import hparules, ingressrules, pdbrules, priorityrules, quotarules, rbacrules
from kubeatlas.minik8s.defaults import default_pod_spec
from kubeatlas.minik8s.status import Cause
from kubeatlas.minik8s.validation import required_object, validate_pod_spec

_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
MAX_DATA = 1024 * 1024
JOB_LABELS = ("batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name", "controller-uid", "job-name")


def default_secret(obj: dict) -> None:
    obj.setdefault("type", "Opaque")
    string_data = obj.pop("stringData", None)
    if isinstance(string_data, dict):
        data = obj.setdefault("data", {})
        for key, value in string_data.items():
            data[key] = base64.b64encode(str(value).encode()).decode()


def default_job(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
    spec.setdefault("parallelism", 1)
    spec.setdefault("backoffLimit", 6)
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    md = obj.get("metadata") or {}
    if not spec.get("manualSelector") and md.get("uid") and not spec.get("selector"):
        uid, name = md["uid"], md.get("name", "")
        labels = dict(zip(JOB_LABELS, (uid, name, uid, name), strict=True))
        spec["selector"] = {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
        template = spec.setdefault("template", {})
        template.setdefault("metadata", {}).setdefault("labels", {}).update(labels)
    template_spec = (spec.get("template") or {}).get("spec")
    if isinstance(template_spec, dict):
        default_pod_spec(template_spec)


def _validate_data(obj: dict, causes: list[Cause], *, encoded: bool) -> None:
    total = 0
    for field in ("data", "binaryData"):
        values = obj.get(field) or {}
        if not isinstance(values, dict):
            causes.append(Cause(field, "must be an object"))
            continue
        for key, value in values.items():
            if not _KEY.match(key):
                causes.append(Cause(f"{field}[{key}]", f"Invalid value: {key!r}: a valid config key must consist "
                                    "of alphanumeric characters, '-', '_' or '.'"))
            if (encoded or field == "binaryData") and isinstance(value, str):
                try:
                    total += len(base64.b64decode(value, validate=True))
                except (binascii.Error, ValueError):
                    causes.append(Cause(f"{field}[{key}]", "Invalid value: illegal base64 data"))
            else:
                total += len(str(value))
    if total > MAX_DATA:
        causes.append(Cause("data", f"Too long: must have at most {MAX_DATA} bytes", "FieldValueTooLong"))


def validate_config_map(obj: dict, causes: list[Cause]) -> None:
    _validate_data(obj, causes, encoded=False)


def validate_secret(obj: dict, causes: list[Cause]) -> None:
    _validate_data(obj, causes, encoded=True)


def validate_job(obj: dict, causes: list[Cause]) -> None:
    spec = required_object(obj.get("spec"), "spec", causes)
    if spec is None:
        return
    for field in ("parallelism", "completions", "backoffLimit", "activeDeadlineSeconds"):
        value = spec.get(field)
        if value is not None and (not isinstance(value, int) or value < 0):
            causes.append(Cause(f"spec.{field}", f"Invalid value: {value!r}: must be greater than or equal to 0"))
    template = spec.get("template") or {}
    validate_pod_spec(template.get("spec"), "spec.template.spec", causes)
    policy = (template.get("spec") or {}).get("restartPolicy") if isinstance(template.get("spec"), dict) else None
    if policy not in ("OnFailure", "Never"):
        causes.append(Cause("spec.template.spec.restartPolicy", f'Unsupported value: "{policy}": supported values: '
                            '"OnFailure", "Never"', "FieldValueNotSupported"))
    labels = (template.get("metadata") or {}).get("labels") or {}
    wanted = ((spec.get("selector") or {}).get("matchLabels")) or {}
    if any(labels.get(k) != v for k, v in wanted.items()):
        causes.append(Cause("spec.template.metadata.labels", "Invalid value: `selector` does not match template "
                            "`labels`"))


DEFAULTERS: dict[str, Callable[[dict], None]] = {"Secret": default_secret, "Job": default_job,
                                                  "PriorityClass": priorityrules.default_priority_class,
                                                  "HorizontalPodAutoscaler": hparules.default_hpa,
                                                  **rbacrules.DEFAULTERS}
VALIDATORS: dict[str, Callable[[dict, list[Cause]], None]] = {
    "ConfigMap": validate_config_map, "Secret": validate_secret, "Job": validate_job,
    "ResourceQuota": quotarules.validate_resource_quota,
    "PodDisruptionBudget": pdbrules.validate_pod_disruption_budget,
    "PriorityClass": priorityrules.validate_priority_class, "Ingress": ingressrules.validate_ingress,
    "IngressClass": ingressrules.validate_ingress_class, "HorizontalPodAutoscaler": hparules.validate_hpa,
    **rbacrules.VALIDATORS}


def apply_defaults(obj: dict) -> None:
    defaulter = DEFAULTERS.get(obj.get("kind", ""))
    if defaulter:
        defaulter(obj)


def validate(obj: dict) -> tuple[Cause, ...]:
    causes: list[Cause] = []
    validator = VALIDATORS.get(obj.get("kind", ""))
    if validator:
        validator(obj, causes)
    return tuple(causes)
