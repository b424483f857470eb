"""The DefaultIngressClass admission plugin: an Ingress naming no class gets the cluster's default IngressClass.

Mirrors plugin/pkg/admission/network/defaultingressclass (`(*classDefaulterPlugin).Admit`: no
change when spec.ingressClassName or the kubernetes.io/ingress.class annotation is set;
`getDefaultClass`: the classes annotated ingressclass.kubernetes.io/is-default-class=true, the
newest first, then by name).
"""

from __future__ import annotations

from collections.abc import Callable

from kubeatlas.minik8s import admission
from kubeatlas.minik8s.ingressrules import CLASS_ANNOTATION

DEFAULT_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"


class DefaultIngressClass:
    """A mutating plugin over the ingress classes `list_classes` returns."""

    def __init__(self, list_classes: Callable[[], list[dict]]) -> None:
        self._list_classes = list_classes

    def admit(self, attrs: admission.Attributes) -> None:
        ingress = attrs.obj
        if attrs.resource.kind != "Ingress" or attrs.subresource or ingress is None \
                or attrs.operation != admission.CREATE:
            return
        spec = ingress.setdefault("spec", {})
        annotations = (ingress.get("metadata") or {}).get("annotations") or {}
        if not isinstance(spec, dict) or spec.get("ingressClassName") is not None or CLASS_ANNOTATION in annotations:
            return
        defaults = [c for c in self._list_classes()
                    if ((c.get("metadata") or {}).get("annotations") or {}).get(DEFAULT_ANNOTATION) == "true"]
        if defaults:
            newest = max(c["metadata"].get("creationTimestamp", "") for c in defaults)
            spec["ingressClassName"] = min(c["metadata"]["name"] for c in defaults
                                           if c["metadata"].get("creationTimestamp", "") == newest)
