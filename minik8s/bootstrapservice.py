"""The `kubernetes` Service and its Endpoints in `default`: how pods find the apiserver.

Mirrors pkg/controlplane/controller/kubernetesservice (`(*Controller).UpdateKubernetesService`,
`CreateOrUpdateMasterServiceIfNeeded`: a ClusterIP Service at the first address of the
service CIDR, port `https` 443, labels component=apiserver and provider=kubernetes) and
pkg/controlplane/reconcilers (`(*leaseEndpointReconciler).ReconcileEndpoints` writing the
apiserver's own address into the Endpoints of the same name). minik8s serves plain HTTP,
so the port keeps its upstream name and number while the endpoint is 127.0.0.1:<port>.
"""

from __future__ import annotations

from kubeatlas.minik8s import status
from kubeatlas.minik8s.registry import Registry
from kubeatlas.minik8s.resources import for_kind

SERVICE, ENDPOINTS = for_kind("v1", "Service"), for_kind("v1", "Endpoints")
FIRST_SERVICE_IP = "10.96.0.1"


def kubernetes_service(port: int) -> dict:
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kubernetes", "namespace": "default",
                         "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"type": "ClusterIP", "clusterIP": FIRST_SERVICE_IP, "sessionAffinity": "None",
                     "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": port}]}}


def kubernetes_endpoints(port: int) -> dict:
    return {"apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": "kubernetes", "namespace": "default",
                         "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
            "subsets": [{"addresses": [{"ip": "127.0.0.1"}],
                         "ports": [{"name": "https", "port": port, "protocol": "TCP"}]}]}


def ensure_kubernetes_service(registry: Registry, port: int) -> None:
    """Create the Service if missing (another apiserver on the same store may have made it);
    point its Endpoints at this apiserver's port."""
    try:
        registry.get(SERVICE, "default", "kubernetes")
    except status.ApiError as err:
        if err.code != 404:
            raise
        try:
            registry.create(SERVICE, "default", kubernetes_service(port))
        except status.ApiError as again:
            if again.code != 409:
                raise
    wanted = kubernetes_endpoints(port)
    try:
        registry.create(ENDPOINTS, "default", wanted)
    except status.ApiError as err:
        if err.code != 409:
            raise

        def point_here(current: dict) -> dict:
            current["subsets"] = wanted["subsets"]
            return current

        registry.guaranteed_update(ENDPOINTS, "default", "kubernetes", point_here)
