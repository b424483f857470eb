"""The admission chain: mutating plugins, then validating plugins, before anything is stored.

Mirrors k8s.io/apiserver/pkg/admission (`admission.Attributes`, `chainAdmissionHandler`
calling `MutationInterface.Admit` then `ValidationInterface.Validate`) and two real plugins:
plugin/pkg/admission/namespace/lifecycle (`(*Lifecycle).Admit`). Defaulting
(pkg/apis/*/v1/defaults.go) and strategy validation (pkg/registry/*/strategy.go `Validate`)
run here as plugins too, so the whole gate before the store reads as one chain.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from kubeatlas.minik8s import kindrules, status
from kubeatlas.minik8s.defaults import apply_defaults
from kubeatlas.minik8s.resources import Resource
from kubeatlas.minik8s.validation import validate

CREATE, UPDATE, DELETE = "CREATE", "UPDATE", "DELETE"


@dataclass(frozen=True, slots=True)
class Attributes:
    """What an admission plugin sees about one request (admission.Attributes)."""

    operation: str
    resource: Resource
    subresource: str
    namespace: str
    name: str
    obj: dict | None
    old_obj: dict | None
    generated: bool = False  # the name was generated from metadata.generateName on this create


class MutatingPlugin(Protocol):
    def admit(self, attrs: Attributes) -> None: ...


class ValidatingPlugin(Protocol):
    def validate(self, attrs: Attributes) -> None: ...


class Defaulting:
    """Fill in defaults for the kind (scheme defaulting functions)."""

    def admit(self, attrs: Attributes) -> None:
        if attrs.obj is not None and attrs.operation in (CREATE, UPDATE) and not attrs.subresource:
            apply_defaults(attrs.obj)
            kindrules.apply_defaults(attrs.obj)


class NamespaceLifecycle:
    """Refuse objects in namespaces that do not exist or are being deleted."""

    def __init__(self, get_namespace: Callable[[str], dict | None]) -> None:
        self._get_namespace = get_namespace

    def validate(self, attrs: Attributes) -> None:
        if attrs.operation != CREATE or not attrs.resource.namespaced or attrs.subresource:
            return
        namespace = self._get_namespace(attrs.namespace)
        if namespace is None:
            raise status.not_found("Namespace", attrs.namespace)
        if (namespace.get("metadata") or {}).get("deletionTimestamp"):
            qualified = attrs.resource.plural + (f".{attrs.resource.group}" if attrs.resource.group else "")
            raise status.forbidden(qualified, attrs.name, f"unable to create new "
                                   f"content in namespace {attrs.namespace} because it is "
                                   "being terminated")


class Validation:
    """Field validation for the kind (the registry strategy's Validate / ValidateUpdate)."""

    def validate(self, attrs: Attributes) -> None:
        if attrs.obj is None or attrs.operation == DELETE:
            return
        causes = validate(attrs.obj, attrs.resource.namespaced) + kindrules.validate(attrs.obj)
        if causes:
            raise status.invalid(attrs.resource.kind, attrs.name, causes, attrs.resource.group)


class Chain:
    """Run every mutating plugin, then every validating plugin; the first error stops the request."""

    def __init__(self, mutating: Sequence[MutatingPlugin], validating: Sequence[ValidatingPlugin]):
        self.mutating = tuple(mutating)
        self.validating = tuple(validating)

    def admit(self, attrs: Attributes) -> None:
        """The mutating phase (runs before the registry strategy prepares the object)."""
        for plugin in self.mutating:
            plugin.admit(attrs)

    def validate(self, attrs: Attributes) -> None:
        """The validating phase (runs last, just before the object is stored)."""
        for plugin in self.validating:
            plugin.validate(attrs)

    def run(self, attrs: Attributes) -> None:
        self.admit(attrs)
        self.validate(attrs)


def default_chain(get_namespace: Callable[[str], dict | None]) -> Chain:
    return Chain([Defaulting()], [NamespaceLifecycle(get_namespace), Validation()])
