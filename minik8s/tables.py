"""Printer columns per kind, declared once: the cells kube-apiserver's Table output and `mini get` show.

Mirrors pkg/printers/internalversion/printers.go (`AddHandlers`: the `podColumnDefinitions`,
`deploymentColumnDefinitions`, … tables of `metav1.TableColumnDefinition`, and the
`printPod`, `printDeployment`, `printReplicaSet`, `printJob`, `printService`, `printNode`,
`printNamespace`, `printEndpoints`, `printEvent`, `printConfigMap`, `printSecret`,
`printServiceAccount`, `printLease` row functions). Priority-1 columns are the ones
`kubectl get -o wide` adds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kubeatlas.minik8s import meta
from kubeatlas.minik8s.selector import to_query


@dataclass(frozen=True, slots=True)
class Column:
    """One metav1.TableColumnDefinition and the function computing its cell."""

    name: str
    cell: Callable[[dict], Any]
    type: str = "string"
    priority: int = 0
    description: str = ""
    format: str = ""


def human_duration(span: float) -> str:
    """duration.HumanDuration, as kubectl prints ages."""
    seconds = max(int(span), 0)
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        return f"{minutes}m{seconds % 60}s" if seconds % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 48:
        return f"{hours}h"
    return f"{hours // 24}d"


def age_of(timestamp: str | None, now: float | None = None) -> str:
    """translateTimestampSince: the age of a timestamp ('<unknown>' when absent)."""
    since = meta.parse_time(timestamp)
    return human_duration((now or time.time()) - since) if since else "<unknown>"


def _spec(obj: dict) -> dict:
    return obj.get("spec") or {}


def _status(obj: dict) -> dict:
    return obj.get("status") or {}


def _name(obj: dict) -> str:
    return meta.name_of(obj)


def _age(obj: dict) -> str:
    return age_of((obj.get("metadata") or {}).get("creationTimestamp"))


def _none(value: Any) -> str:
    return str(value) if value not in (None, "", []) else "<none>"


def pod_status(pod: dict) -> str:
    """printPod's STATUS: the phase, or a container's waiting/terminated reason, or Terminating."""
    status = _status(pod)
    reason = status.get("reason") or status.get("phase") or "Pending"
    for cs in status.get("containerStatuses") or ():
        state = cs.get("state") or {}
        if (state.get("waiting") or {}).get("reason"):
            reason = state["waiting"]["reason"]
        elif (state.get("terminated") or {}).get("reason"):
            reason = state["terminated"]["reason"]
    if meta.is_deleting(pod) and status.get("phase") not in ("Succeeded", "Failed"):
        return "Terminating"
    return reason


def _pod_ready(pod: dict) -> str:
    statuses = _status(pod).get("containerStatuses") or []
    ready = sum(1 for s in statuses if s.get("ready"))
    return f"{ready}/{len(_spec(pod).get('containers') or [])}"


def _pod_restarts(pod: dict) -> str:
    return str(sum(s.get("restartCount", 0) for s in _status(pod).get("containerStatuses") or ()))


def _readiness_gates(pod: dict) -> str:
    gates = _spec(pod).get("readinessGates") or []
    if not gates:
        return "<none>"
    conditions = {c.get("type"): c.get("status") for c in _status(pod).get("conditions") or ()}
    return f"{sum(1 for g in gates if conditions.get(g.get('conditionType')) == 'True')}/{len(gates)}"


def _containers(obj: dict) -> str:
    template = _spec(obj).get("template") or {}
    return ",".join(c.get("name", "") for c in _spec(template).get("containers") or ())


def _images(obj: dict) -> str:
    template = _spec(obj).get("template") or {}
    return ",".join(c.get("image", "") for c in _spec(template).get("containers") or ())


def _selector(obj: dict) -> str:
    return to_query(_spec(obj).get("selector")) or "<none>"


def _node_status(node: dict) -> str:
    ready = next((c.get("status") for c in _status(node).get("conditions") or ()
                  if c.get("type") == "Ready"), None)
    text = {"True": "Ready", "False": "NotReady"}.get(ready or "", "Unknown")
    return text + (",SchedulingDisabled" if _spec(node).get("unschedulable") else "")


def _node_roles(node: dict) -> str:
    prefix = "node-role.kubernetes.io/"
    roles = sorted(k[len(prefix):] for k in meta.labels_of(node) if k.startswith(prefix))
    return ",".join(roles) or "<none>"


def _node_address(kind: str) -> Callable[[dict], str]:
    def cell(node: dict) -> str:
        return next((a.get("address", "") for a in _status(node).get("addresses") or ()
                     if a.get("type") == kind), "<none>")
    return cell


def _node_info(field: str) -> Callable[[dict], str]:
    return lambda node: _none((_status(node).get("nodeInfo") or {}).get(field))


def _service_ports(svc: dict) -> str:
    parts = []
    for p in _spec(svc).get("ports") or ():
        node_port = f":{p['nodePort']}" if p.get("nodePort") else ""
        parts.append(f"{p.get('port')}{node_port}/{p.get('protocol', 'TCP')}")
    return ",".join(parts) or "<none>"


def _external_ip(svc: dict) -> str:
    ips = _spec(svc).get("externalIPs") or []
    if _spec(svc).get("type") == "LoadBalancer":
        ingress = [i.get("ip") or i.get("hostname") for i in
                   (_status(svc).get("loadBalancer") or {}).get("ingress") or ()]
        return ",".join(ingress + ips) or "<pending>"
    return ",".join(ips) or "<none>"


def _endpoints(ep: dict) -> str:
    shown = [f"{a.get('ip')}:{p.get('port')}" for s in ep.get("subsets") or ()
             for p in s.get("ports") or [{}] for a in s.get("addresses") or ()]
    more = f" + {len(shown) - 3} more..." if len(shown) > 3 else ""
    return ",".join(shown[:3]) + more if shown else "<none>"


def _event_object(ev: dict) -> str:
    involved = ev.get("involvedObject") or {}
    return f"{involved.get('kind', '').lower()}/{involved.get('name', '')}"


def _event_last_seen(ev: dict) -> str:
    return age_of(ev.get("lastTimestamp") or ev.get("eventTime") or ev.get("firstTimestamp")
                  or (ev.get("metadata") or {}).get("creationTimestamp"))


def _event_source(ev: dict) -> str:
    source = ev.get("source") or {}
    text = source.get("component") or ev.get("reportingComponent") or ""
    return f"{text}, {source['host']}" if source.get("host") else text


def _job_completions(job: dict) -> str:
    completions = _spec(job).get("completions")
    succeeded = _status(job).get("succeeded", 0)
    if completions is None:
        return f"{succeeded}/1 of {_spec(job).get('parallelism', 1)}"
    return f"{succeeded}/{completions}"


def _job_duration(job: dict) -> str:
    start = meta.parse_time(_status(job).get("startTime"))
    if not start:
        return ""
    end = meta.parse_time(_status(job).get("completionTime")) or time.time()
    return human_duration(end - start)


def _data_count(obj: dict) -> int:
    return len(obj.get("data") or {}) + len(obj.get("binaryData") or {})


NAME = Column("Name", _name, format="name",
              description="Name must be unique within a namespace. Cannot be updated.")
AGE = Column("Age", _age, description="CreationTimestamp is a timestamp representing the server time "
             "when this object was created.")
_WORKLOAD_WIDE = (Column("Containers", _containers, priority=1, description="Names of each container in the template."),
                  Column("Images", _images, priority=1,
                         description="Images referenced by each container in the template."),
                  Column("Selector", _selector, priority=1, description="Label selector for pods."))

COLUMNS: dict[str, tuple[Column, ...]] = {
    "Pod": (NAME,
            Column("Ready", _pod_ready, description="The aggregate readiness state of this pod for accepting traffic."),
            Column("Status", pod_status, description="The aggregate status of the containers in this pod."),
            Column("Restarts", _pod_restarts, description="The number of times the containers in this pod have "
                   "been restarted and when the last container in this pod has restarted."),
            AGE,
            Column("IP", lambda p: _none(_status(p).get("podIP")), priority=1,
                   description="IP address allocated to the pod."),
            Column("Node", lambda p: _none(_spec(p).get("nodeName")), priority=1, description="Name of the node."),
            Column("Nominated Node", lambda p: _none(_status(p).get("nominatedNodeName")), priority=1,
                   description="Name of the node where the pod is nominated to run on."),
            Column("Readiness Gates", _readiness_gates, priority=1, description="Readiness gates of the pod.")),
    "Deployment": (NAME,
                   Column("Ready", lambda d: f"{_status(d).get('readyReplicas', 0)}/{_spec(d).get('replicas', 0)}",
                          description="Number of the pod with ready state"),
                   Column("Up-to-date", lambda d: _status(d).get("updatedReplicas", 0), "integer",
                          description="Total number of non-terminated pods targeted by this deployment that have "
                          "the desired template spec."),
                   Column("Available", lambda d: _status(d).get("availableReplicas", 0), "integer",
                          description="Total number of available pods (ready for at least minReadySeconds) "
                          "targeted by this deployment."),
                   AGE, *_WORKLOAD_WIDE),
    "ReplicaSet": (NAME,
                   Column("Desired", lambda r: _spec(r).get("replicas", 0), "integer",
                          description="Replicas is the number of desired replicas."),
                   Column("Current", lambda r: _status(r).get("replicas", 0), "integer",
                          description="Replicas is the most recently observed number of replicas."),
                   Column("Ready", lambda r: _status(r).get("readyReplicas", 0), "integer",
                          description="The number of ready replicas for this replica set."),
                   AGE, *_WORKLOAD_WIDE),
    "Job": (NAME,
            Column("Completions", _job_completions, description="The desired number of successfully finished pods "
                   "the job should be run with."),
            Column("Duration", _job_duration, description="Time required to complete the job."),
            AGE, *_WORKLOAD_WIDE),
    "Service": (NAME,
                Column("Type", lambda s: _spec(s).get("type", "ClusterIP"), description="The type of the service."),
                Column("Cluster-IP", lambda s: _none(_spec(s).get("clusterIP")),
                       description="The IP address of the service."),
                Column("External-IP", _external_ip, description="The external IP address of the service."),
                Column("Port(s)", _service_ports, description="The ports that this service is serving on."),
                AGE,
                Column("Selector", lambda s: _none(to_query({"matchLabels": _spec(s).get("selector")})
                                                   if _spec(s).get("selector") else ""),
                       priority=1, description="Route service traffic to pods with label keys and values matching "
                       "this selector.")),
    "Node": (NAME,
             Column("Status", _node_status, description="The status of the node"),
             Column("Roles", _node_roles, description="The roles of the node"),
             AGE,
             Column("Version", _node_info("kubeletVersion"), description="Kubelet Version reported by the node."),
             Column("Internal-IP", _node_address("InternalIP"), priority=1, description="List of internal IPs."),
             Column("External-IP", _node_address("ExternalIP"), priority=1, description="List of external IPs."),
             Column("OS-Image", _node_info("osImage"), priority=1, description="OS image reported by the node."),
             Column("Kernel-Version", _node_info("kernelVersion"), priority=1,
                    description="Kernel version reported by the node."),
             Column("Container-Runtime", _node_info("containerRuntimeVersion"), priority=1,
                    description="Container runtime and version reported by the node.")),
    "Namespace": (NAME, Column("Status", lambda n: _status(n).get("phase", ""),
                               description="The status of the namespace"), AGE),
    "Endpoints": (NAME, Column("Endpoints", _endpoints, description="Endpoints of the resource."), AGE),
    "Event": (Column("Last Seen", _event_last_seen, description="Time when last event occurred"),
              Column("Type", lambda e: e.get("type", ""), description="Type of this event."),
              Column("Reason", lambda e: e.get("reason", ""), description="Reason is why the action was taken."),
              Column("Object", _event_object, description="The object that this event is about."),
              Column("Subobject", lambda e: (e.get("involvedObject") or {}).get("fieldPath", ""), priority=1,
                     description="The subobject that this event is about."),
              Column("Source", _event_source, priority=1, description="The component reporting this event."),
              Column("Message", lambda e: e.get("message", ""), description="A human-readable description."),
              Column("First Seen", lambda e: age_of(e.get("firstTimestamp")), priority=1,
                     description="The time at which the event was first recorded."),
              Column("Count", lambda e: e.get("count", 1), "integer", priority=1,
                     description="The number of times this event has occurred."),
              Column("Name", _name, format="name", priority=1, description=NAME.description)),
    "ConfigMap": (NAME, Column("Data", _data_count, "integer", description="Data contains the configuration data."),
                  AGE),
    "Secret": (NAME, Column("Type", lambda s: s.get("type", ""), description="The type of the secret"),
               Column("Data", _data_count, "integer", description="Data contains the secret data."), AGE),
    "ServiceAccount": (NAME, Column("Secrets", lambda s: len(s.get("secrets") or ()), "integer",
                                    description="Secrets is a list of the secrets used by this service account."),
                       AGE),
    "Lease": (NAME, Column("Holder", lambda lease: _spec(lease).get("holderIdentity", ""),
                           description="The holder of the lease."), AGE),
}
def rbac_binding_columns(what: str) -> tuple[Column, ...]:
    """roleBindingsColumnDefinitions and clusterRoleBindingsColumnDefinitions (printRoleBinding)."""
    def subjects(kind: str) -> Callable[[dict], str]:
        def cell(binding: dict) -> str:  # rbac.SubjectsStrings: a ServiceAccount as namespace/name
            return ", ".join(f"{s.get('namespace', '')}/{s.get('name', '')}" if kind == "ServiceAccount"
                             else s.get("name", "") for s in binding.get("subjects") or () if s.get("kind") == kind)
        return cell
    def role_ref(binding: dict) -> str:
        ref = binding.get("roleRef") or {}
        return f"{ref.get('kind', '')}/{ref.get('name', '')}"
    role = Column("Role", role_ref,
                  description="RoleRef can reference a Role in the current namespace or a ClusterRole in the global "
                  "namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.")
    return (NAME, role, AGE, *(Column(title, subjects(kind), priority=1, description=f"{title} in the {what}")
                               for title, kind in (("Users", "User"), ("Groups", "Group"),
                                                   ("ServiceAccounts", "ServiceAccount"))))


CREATED_AT = Column("Created At", lambda o: (o.get("metadata") or {}).get("creationTimestamp"), "date",
                    description=AGE.description)  # rest.NewDefaultTableConvertor, as roles and clusterroles have
COLUMNS.update({"Role": (NAME, CREATED_AT), "ClusterRole": (NAME, CREATED_AT),
                "RoleBinding": rbac_binding_columns("roleBinding"),
                "ClusterRoleBinding": rbac_binding_columns("clusterRoleBinding")})
DEFAULT_COLUMNS: tuple[Column, ...] = (NAME, AGE)


def columns_for(kind: str) -> tuple[Column, ...]:
    """The column definitions of a kind (Name and Age for kinds without a printer)."""
    return COLUMNS.get(kind, DEFAULT_COLUMNS)


def cells(kind: str, obj: dict) -> list[Any]:
    """One row's cells, every column (priority 0 and 1)."""
    return [column.cell(obj) for column in columns_for(kind)]


# the columns of further kinds register themselves on import (they use Column, NAME and AGE above)
from kubeatlas.minik8s import tables_policy  # noqa: E402,F401
