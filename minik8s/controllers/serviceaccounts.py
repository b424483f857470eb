"""The ServiceAccounts controller: every active namespace has a `default` ServiceAccount.

Mirrors pkg/controller/serviceaccount/serviceaccounts_controller.go
(`(*ServiceAccountsController).syncNamespace`: for an active namespace, create each
ServiceAccount named in the controller's list that is missing; `serviceAccountDeleted`
re-queues the namespace so a deleted `default` comes back).
"""

from __future__ import annotations

from kubeatlas.minik8s import meta, status
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.controllers.worker import Controller
from kubeatlas.minik8s.informer import Handler, InformerFactory
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.trace import Tracer

NAMESPACE, SERVICE_ACCOUNT = for_kind("v1", "Namespace"), for_kind("v1", "ServiceAccount")
MIRROR = "method:k8s.io/kubernetes/pkg/controller/serviceaccount.(*ServiceAccountsController).syncNamespace"


class ServiceAccountsController(Controller):
    name = "serviceaccount-controller"

    def __init__(self, client: Client, informers: InformerFactory, *, accounts: tuple[str, ...] = ("default",),
                 trace: Tracer | None = None) -> None:
        super().__init__(trace=trace)
        self.client = client
        self.accounts = accounts
        self.namespaces = informers.informer(NAMESPACE)
        self.service_accounts = informers.informer(SERVICE_ACCOUNT)
        self.namespaces.add_handler(Handler(self._namespace_changed, lambda _o, n: self._namespace_changed(n)))
        self.service_accounts.add_handler(Handler(None, None, self._account_deleted))

    def _namespace_changed(self, namespace: dict) -> None:
        self.queue.add(meta.name_of(namespace))

    def _account_deleted(self, account: dict) -> None:
        if meta.name_of(account) in self.accounts:
            self.queue.add(meta.namespace_of(account))

    def sync(self, key: str) -> None:
        namespace = self.namespaces.indexer.get(key)
        if namespace is None or (namespace.get("status") or {}).get("phase") != "Active" \
                or meta.is_deleting(namespace):
            return
        for name in self.accounts:
            if self.service_accounts.indexer.get(f"{key}/{name}") is not None:
                continue
            self.emit("create serviceaccount", MIRROR, f"{key}/{name}")
            try:
                self.client.create(SERVICE_ACCOUNT, key, {"apiVersion": "v1", "kind": "ServiceAccount",
                                                          "metadata": {"name": name, "namespace": key}})
            except status.ApiError as err:
                if not status.is_already_exists(err) and err.code != 403:  # 403: the namespace is terminating
                    raise
