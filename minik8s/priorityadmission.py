"""The Priority admission plugin: a pod's priorityClassName resolved into spec.priority; one global default class.

Mirrors plugin/pkg/admission/priority (`(*Plugin).admitPod`: on create spec.priority and
spec.preemptionPolicy come from the named class, or from the global default class, else 0;
`no PriorityClass with name X was found`; a priority given in the pod that differs is Forbidden;
on update the stored priority is kept; `(*Plugin).validatePriorityClass`: only one globalDefault;
`getDefaultPriorityClass`).
"""

from __future__ import annotations

from collections.abc import Callable

from kubeatlas.minik8s import admission, status


class PriorityAdmission:
    """The Priority admission plugin: mutating for pods, validating for priority classes."""

    def __init__(self, list_classes: Callable[[], list[dict]]) -> None:
        self._list_classes = list_classes

    def _default_class(self) -> dict | None:
        """getDefaultPriorityClass: of several defaults (a race), the lowest value."""
        defaults = [c for c in self._list_classes() if c.get("globalDefault")]
        return min(defaults, key=lambda c: c.get("value", 0)) if defaults else None

    def admit(self, attrs: admission.Attributes) -> None:
        pod, kind = attrs.obj, attrs.resource.kind
        if attrs.subresource or kind != "Pod" or pod is None or attrs.operation not in (admission.CREATE,
                                                                                         admission.UPDATE):
            return
        spec = pod.setdefault("spec", {})
        if not isinstance(spec, dict):
            return
        if attrs.operation == admission.UPDATE:
            old = (attrs.old_obj or {}).get("spec") or {}
            for field in ("priority", "preemptionPolicy"):
                if spec.get(field) is None and old.get(field) is not None:
                    spec[field] = old[field]
            return
        name = spec.get("priorityClassName") or ""
        if not name:
            found = self._default_class()
            if found is not None:
                spec["priorityClassName"] = found["metadata"]["name"]
            priority, policy = (found.get("value", 0), found.get("preemptionPolicy")) if found else \
                (0, "PreemptLowerPriority")
        else:
            found = next((c for c in self._list_classes() if c["metadata"]["name"] == name), None)
            if found is None:
                raise self._forbidden(attrs, pod, f"no PriorityClass with name {name} was found")
            priority, policy = found.get("value", 0), found.get("preemptionPolicy")
        if spec.get("priority") is not None and spec["priority"] != priority:
            raise self._forbidden(attrs, pod, f"the integer value of priority ({spec['priority']}) must not be "
                                  f"provided in pod spec; priority admission controller computed {priority} from "
                                  "the given PriorityClass name")
        spec["priority"] = priority
        if policy is not None:
            if spec.get("preemptionPolicy") is not None and spec["preemptionPolicy"] != policy:
                raise self._forbidden(attrs, pod, f"the string value of PreemptionPolicy ({spec['preemptionPolicy']})"
                                      f" must not be provided in pod spec; priority admission controller computed "
                                      f"{policy} from the given PriorityClass name")
            spec["preemptionPolicy"] = policy

    def validate(self, attrs: admission.Attributes) -> None:
        """validatePriorityClass: a second global default is refused."""
        pc = attrs.obj
        if attrs.subresource or attrs.resource.kind != "PriorityClass" or pc is None or not pc.get("globalDefault") \
                or attrs.operation not in (admission.CREATE, admission.UPDATE):
            return
        found = self._default_class()
        if found is not None and (attrs.operation == admission.CREATE or found["metadata"]["name"] != attrs.name):
            raise status.forbidden("priorityclasses.scheduling.k8s.io", attrs.name, f"PriorityClass "
                                   f"{found['metadata']['name']} is already marked as default. Only one default "
                                   "can exist")

    @staticmethod
    def _forbidden(attrs: admission.Attributes, pod: dict, message: str) -> status.ApiError:
        md = pod.get("metadata") or {}
        name = md.get("generateName") or attrs.name if attrs.generated else attrs.name
        return status.forbidden("pods", name, message)
