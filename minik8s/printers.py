"""Tables for `mini get`: the columns kubectl shows for each kind.

Mirrors pkg/printers/internalversion (`printPod` with READY, STATUS, RESTARTS, AGE and, wide,
IP and NODE; `printDeployment`, `printReplicaSet`, `printNode`, `printService`,
`printEndpoints`), which kube-apiserver serves as Table objects to kubectl.
"""

from __future__ import annotations

import time

from kubeatlas.minik8s import meta


def age(obj: dict, now: float | None = None) -> str:
    created = meta.parse_time((obj.get("metadata") or {}).get("creationTimestamp"))
    seconds = int((now or time.time()) - created) if created else 0
    if seconds < 120:
        return f"{max(seconds, 0)}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    if seconds < 172800:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"


def _pod_status(pod: dict) -> str:
    if meta.is_deleting(pod):
        return "Terminating"
    status = pod.get("status") or {}
    reason = status.get("phase", "Pending")
    for cs in status.get("containerStatuses") or ():
        state = cs.get("state") or {}
        if "waiting" in state and state["waiting"].get("reason"):
            reason = state["waiting"]["reason"]
        elif "terminated" in state and state["terminated"].get("reason"):
            reason = state["terminated"]["reason"]
    if reason == "Pending" and not (pod.get("spec") or {}).get("nodeName"):
        cond = meta.condition(pod, "PodScheduled") or {}
        reason = "Pending" if cond.get("reason") != "Unschedulable" else "Pending (Unschedulable)"
    return reason


def pod_row(pod: dict, wide: bool) -> list[str]:
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    total = len((pod.get("spec") or {}).get("containers") or [])
    ready = sum(1 for s in statuses if s.get("ready"))
    restarts = sum(s.get("restartCount", 0) for s in statuses)
    row = [meta.name_of(pod), f"{ready}/{total}", _pod_status(pod), str(restarts), age(pod)]
    if wide:
        row += [(pod.get("status") or {}).get("podIP") or "<none>",
                (pod.get("spec") or {}).get("nodeName") or "<none>"]
    return row


def node_row(node: dict, wide: bool) -> list[str]:
    ready = (meta.condition(node, "Ready") or {}).get("status")
    status = {"True": "Ready", "False": "NotReady"}.get(ready, "NotReady" if ready else "Unknown")
    if (node.get("spec") or {}).get("unschedulable"):
        status += ",SchedulingDisabled"
    info = (node.get("status") or {}).get("nodeInfo") or {}
    row = [meta.name_of(node), status, "<none>", age(node), info.get("kubeletVersion", "")]
    if wide:
        row += [(node.get("spec") or {}).get("podCIDR", "<none>"),
                ",".join(f"{k}={v}" for k, v in sorted(((node.get("status") or {}).get("allocatable") or {}).items()))]
    return row


def deployment_row(d: dict, wide: bool) -> list[str]:
    spec, status = d.get("spec") or {}, d.get("status") or {}
    return [meta.name_of(d), f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
            str(status.get("updatedReplicas", 0)), str(status.get("availableReplicas", 0)), age(d)]


def replica_set_row(rs: dict, wide: bool) -> list[str]:
    spec, status = rs.get("spec") or {}, rs.get("status") or {}
    return [meta.name_of(rs), str(spec.get("replicas", 0)), str(status.get("replicas", 0)),
            str(status.get("readyReplicas", 0)), age(rs)]


def service_row(svc: dict, wide: bool) -> list[str]:
    spec = svc.get("spec") or {}
    ports = ",".join(f"{p.get('port')}/{p.get('protocol', 'TCP')}" for p in spec.get("ports") or ())
    return [meta.name_of(svc), spec.get("type", "ClusterIP"), spec.get("clusterIP", "<none>"),
            ports or "<none>", age(svc)]


def endpoints_row(ep: dict, wide: bool) -> list[str]:
    addresses = [f"{a['ip']}:{p['port']}" for s in ep.get("subsets") or ()
                 for a in s.get("addresses") or () for p in s.get("ports") or ()]
    shown = ",".join(addresses[:3]) + (f" + {len(addresses) - 3} more..." if len(addresses) > 3 else "")
    return [meta.name_of(ep), shown or "<none>", age(ep)]


def event_row(ev: dict, wide: bool) -> list[str]:
    involved = ev.get("involvedObject") or {}
    return [age(ev), ev.get("type", ""), ev.get("reason", ""),
            f"{involved.get('kind', '').lower()}/{involved.get('name', '')}", ev.get("message", "")]


PRINTERS = {
    "Pod": (["NAME", "READY", "STATUS", "RESTARTS", "AGE"], ["IP", "NODE"], pod_row),
    "Node": (["NAME", "STATUS", "ROLES", "AGE", "VERSION"], ["POD-CIDR", "ALLOCATABLE"], node_row),
    "Deployment": (["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], [], deployment_row),
    "ReplicaSet": (["NAME", "DESIRED", "CURRENT", "READY", "AGE"], [], replica_set_row),
    "Service": (["NAME", "TYPE", "CLUSTER-IP", "PORT(S)", "AGE"], [], service_row),
    "Endpoints": (["NAME", "ENDPOINTS", "AGE"], [], endpoints_row),
    "Event": (["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], [], event_row),
}


def table(kind: str, items: list[dict], *, wide: bool = False, namespaced_all: bool = False) -> str:
    """Aligned columns, as `kubectl get` prints them."""
    headers, extra, row = PRINTERS.get(kind, (["NAME", "AGE"], [], lambda o, w: [meta.name_of(o), age(o)]))
    headers = headers + (extra if wide else [])
    rows = [row(item, wide) for item in items]
    if namespaced_all:
        headers = ["NAMESPACE"] + headers
        rows = [[meta.namespace_of(item)] + r for item, r in zip(items, rows)]
    if not rows:
        return ""
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows)]
    lines = ["   ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip() for r in [headers] + rows]
    return "\n".join(lines)
