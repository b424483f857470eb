"""The namespace controller: a deleted namespace is Terminating until everything in it is gone.

Mirrors pkg/controller/namespace (`(*NamespaceController).syncNamespaceFromKey` and
deletion/namespaced_resources_deleter.go `(*namespacedResourcesDeleter).Delete`: delete every
namespaced resource's objects in the namespace, gracefully, come back while some remain, then
`finalizeNamespace` drops the `kubernetes` finalizer from spec.finalizers with a PUT to the
namespaces/finalize subresource, and the apiserver deletes the namespace for good once no
finalizer is left; another spec finalizer keeps it Terminating until its owner finalizes).
Simplified: there are no deletion-failure conditions.
"""

from __future__ import annotations

from kubeatlas.minik8s import meta, status
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.controllers.worker import Controller
from kubeatlas.minik8s.informer import Handler, InformerFactory
from kubeatlas.minik8s.resources import PREFERRED, for_kind
from kubeatlas.minik8s.trace import Tracer

NAMESPACE = for_kind("v1", "Namespace")
FINALIZER = "kubernetes"
MIRROR = "method:k8s.io/kubernetes/pkg/controller/namespace/deletion.(*namespacedResourcesDeleter).Delete"


class NamespaceController(Controller):
    name = "namespace-controller"

    def __init__(self, client: Client, informers: InformerFactory, *, recheck: float = 0.5,
                 trace: Tracer | None = None) -> None:
        super().__init__(trace=trace)
        self.client = client
        self.recheck = recheck
        self.namespaces = informers.informer(NAMESPACE)
        self.namespaces.add_handler(Handler(self._changed, lambda _o, n: self._changed(n)))

    def _changed(self, namespace: dict) -> None:
        if meta.is_deleting(namespace):
            self.queue.add(meta.name_of(namespace))

    def sync(self, key: str) -> None:
        namespace = self.namespaces.indexer.get(key)
        if namespace is None or not meta.is_deleting(namespace):
            return
        left = self.delete_content(key)
        if left:
            self.queue.add_after(key, self.recheck)  # pods terminate gracefully: look again
            return
        self.emit("finalize namespace", MIRROR, f"{key}: empty, finalizer {FINALIZER} removed")
        finalized = meta.deep_copy(namespace)  # finalizeNamespace: PUT namespaces/NAME/finalize
        finalized.setdefault("spec", {})["finalizers"] = [f for f in finalized["spec"].get("finalizers") or ()
                                                          if f != FINALIZER]
        try:  # the apiserver deletes the namespace once no finalizer is left (ShouldDeleteNamespaceDuringUpdate)
            self.client.update(NAMESPACE, finalized, subresource="finalize")
        except status.ApiError as err:
            if not status.is_not_found(err):
                raise

    def delete_content(self, namespace: str) -> int:
        """Delete what each namespaced resource holds in the namespace; how many objects remain."""
        left = 0
        for resource in PREFERRED:
            if not resource.namespaced:
                continue
            items, _ = self.client.list(resource, namespace)
            left += len(items)
            for item in items:
                if meta.is_deleting(item):
                    continue
                self.emit("delete content", MIRROR, f"{namespace}: {resource.plural}/{meta.name_of(item)}")
                try:
                    self.client.delete(resource, namespace, meta.name_of(item), propagation="Background")
                except status.ApiError as err:
                    if not status.is_not_found(err):
                        raise
        return left
