"""Defaulting of incoming objects, per kind (the first admission step in minik8s).

Mirrors pkg/apis/core/v1/defaults.go (`SetDefaults_Pod`, `SetDefaults_PodSpec`,
`SetDefaults_Container`, `SetDefaults_Probe`, `SetDefaults_Service`) and pkg/apis/apps/v1/defaults.go
(`SetDefaults_Deployment`, `SetDefaults_ReplicaSet`). In Kubernetes these run while the
request body is decoded; minik8s runs them as the first plugin of its admission chain.
"""

from __future__ import annotations

from collections.abc import Callable


def default_pod_spec(spec: dict) -> None:
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("securityContext", {})
    for container in spec.get("containers") or ():
        if not isinstance(container, dict):
            continue
        image = str(container.get("image", ""))
        tag = image.rsplit("/", 1)[-1]
        latest = ":" not in tag or tag.endswith(":latest")
        container.setdefault("imagePullPolicy", "Always" if latest else "IfNotPresent")
        container.setdefault("terminationMessagePath", "/dev/termination-log")
        container.setdefault("terminationMessagePolicy", "File")
        container.setdefault("resources", {})
        for port in container.get("ports") or ():
            if isinstance(port, dict):
                port.setdefault("protocol", "TCP")
        for key in ("livenessProbe", "readinessProbe", "startupProbe"):
            if isinstance(container.get(key), dict):
                default_probe(container[key])


def default_probe(probe: dict) -> None:
    """SetDefaults_Probe and SetDefaults_HTTPGetAction (a value of 0 counts as unset, as in Go)."""
    for name, value in (("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1),
                        ("failureThreshold", 3)):
        if not probe.get(name):
            probe[name] = value
    if isinstance(probe.get("httpGet"), dict):
        probe["httpGet"].setdefault("path", "/")
        probe["httpGet"].setdefault("scheme", "HTTP")


def default_pod(obj: dict) -> None:
    """SetDefaults_Pod: a container's limits are its requests when it asks for none (a Pod's only,
    not a template's), then SetDefaults_PodSpec."""
    spec = obj.setdefault("spec", {})
    if isinstance(spec, dict):
        for container in spec.get("containers") or ():
            resources = container.get("resources") if isinstance(container, dict) else None
            if isinstance(resources, dict) and isinstance(resources.get("limits"), dict):
                requests = resources.setdefault("requests", {})
                if isinstance(requests, dict):
                    for name, value in resources["limits"].items():
                        requests.setdefault(name, value)
        default_pod_spec(spec)
        spec.setdefault("tolerations", [])


def _default_template(spec: dict) -> None:
    template = spec.get("template")
    if isinstance(template, dict) and isinstance(template.get("spec"), dict):
        default_pod_spec(template["spec"])


def default_deployment(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    spec.setdefault("replicas", 1)
    strategy = spec.setdefault("strategy", {})
    strategy.setdefault("type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.setdefault("rollingUpdate", {})
        rolling.setdefault("maxUnavailable", "25%")
        rolling.setdefault("maxSurge", "25%")
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)
    spec.setdefault("minReadySeconds", 0)
    _default_template(spec)


def default_replica_set(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    if isinstance(spec, dict):
        spec.setdefault("replicas", 1)
        spec.setdefault("minReadySeconds", 0)
        _default_template(spec)


def default_service(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    if spec["type"] in ("ClusterIP", "NodePort", "LoadBalancer"):
        spec.setdefault("internalTrafficPolicy", "Cluster")
    for port in spec.get("ports") or ():
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")
            port.setdefault("targetPort", port.get("port"))


def default_namespace(obj: dict) -> None:
    obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
    obj.setdefault("status", {}).setdefault("phase", "Active")


DEFAULTERS: dict[str, Callable[[dict], None]] = {
    "Pod": default_pod,
    "Deployment": default_deployment,
    "ReplicaSet": default_replica_set,
    "Service": default_service,
    "Namespace": default_namespace,
}


def apply_defaults(obj: dict) -> None:
    """Run the defaulter registered for obj's kind (scheme.Default)."""
    defaulter = DEFAULTERS.get(obj.get("kind", ""))
    if defaulter:
        defaulter(obj)
