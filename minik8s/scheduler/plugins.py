"""The default scheduling plugins: resources, node affinity, taints, unschedulable, binder.

Mirrors pkg/scheduler/framework/plugins: noderesources `Fit` (`PreFilter` computing the
pod's requests, `Filter` via `fitsRequest` including extended resources such as
example.com/gpu, `Score` with the LeastAllocated strategy), nodeaffinity `NodeAffinity`
(nodeSelector and required/preferred node affinity), tainttoleration `TaintToleration`,
nodeunschedulable `NodeUnschedulable`, and defaultbinder `DefaultBinder.Bind` (POST
pods/binding).
"""

from __future__ import annotations

from kubeatlas.minik8s import status as api_status
from kubeatlas.minik8s import toleration
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.quantity import pod_requests
from kubeatlas.minik8s.scheduler.framework import (
    MAX_NODE_SCORE,
    OK,
    UNRESOLVABLE,
    UNSCHEDULABLE,
    CycleState,
    NodeInfo,
    Status,
    default_normalize,
)

REQUESTS_KEY = "PreFilterNodeResourcesFit"


class NodeResourcesFit:
    """Does the node have room for the pod's requests (cpu, memory, pods, extended)?"""

    name = "NodeResourcesFit"
    weight = 1
    scored = ("cpu", "memory")

    def pre_filter(self, state: CycleState, pod: dict) -> Status:
        state[REQUESTS_KEY] = pod_requests(pod.get("spec") or {})
        return OK

    def filter(self, state: CycleState, pod: dict, node: NodeInfo) -> Status:
        requests = state.get(REQUESTS_KEY) or pod_requests(pod.get("spec") or {})
        allocatable = node.allocatable
        insufficient = []
        if len(node.pods) + 1 > allocatable.get("pods", 110):
            insufficient.append("Too many pods")
        for name, wanted in sorted(requests.items()):
            if wanted == 0:
                continue
            free = allocatable.get(name, 0) - node.requested.get(name, 0)
            if wanted > free:
                insufficient.append(f"Insufficient {name}")
        if insufficient:
            return Status(UNSCHEDULABLE, ", ".join(insufficient))
        return OK

    def score(self, state: CycleState, pod: dict, node: NodeInfo) -> int:
        """LeastAllocated: the more room left after placing the pod, the higher."""
        requests = state.get(REQUESTS_KEY) or {}
        allocatable = node.allocatable
        total = 0
        for name in self.scored:
            capacity = allocatable.get(name, 0)
            used = node.requested.get(name, 0) + requests.get(name, 0)
            total += 0 if capacity == 0 or used > capacity else (capacity - used) * MAX_NODE_SCORE // capacity
        return total // len(self.scored)

    def normalize(self, scores: dict[str, int]) -> dict[str, int]:
        return scores


def match_expression(expr: dict, labels: dict) -> bool:
    """One NodeSelectorRequirement (In, NotIn, Exists, DoesNotExist, Gt, Lt)."""
    key, op, values = expr.get("key", ""), expr.get("operator"), expr.get("values") or []
    present, value = key in labels, labels.get(key)
    if op == "In":
        return present and value in values
    if op == "NotIn":
        return not present or value not in values
    if op == "Exists":
        return present
    if op == "DoesNotExist":
        return not present
    if op in ("Gt", "Lt") and present and values:
        try:
            number, bound = int(value), int(values[0])
        except ValueError:
            return False
        return number > bound if op == "Gt" else number < bound
    return False


def match_term(term: dict, node: dict) -> bool:
    labels = (node.get("metadata") or {}).get("labels") or {}
    fields = {"metadata.name": node["metadata"]["name"]}
    exprs = term.get("matchExpressions") or []
    field_exprs = term.get("matchFields") or []
    if not exprs and not field_exprs:
        return False  # an empty term matches no objects
    return all(match_expression(e, labels) for e in exprs) and \
        all(match_expression(e, fields) for e in field_exprs)


class NodeAffinity:
    """spec.nodeSelector and spec.affinity.nodeAffinity (required filters, preferred scores)."""

    name = "NodeAffinity"
    weight = 2

    def filter(self, state: CycleState, pod: dict, node: NodeInfo) -> Status:
        spec = pod.get("spec") or {}
        labels = (node.node.get("metadata") or {}).get("labels") or {}
        for key, value in (spec.get("nodeSelector") or {}).items():
            if labels.get(key) != value:
                return Status(UNRESOLVABLE, "node(s) didn't match Pod's node affinity/selector")
        required = (((spec.get("affinity") or {}).get("nodeAffinity") or {})
                    .get("requiredDuringSchedulingIgnoredDuringExecution") or {})
        terms = required.get("nodeSelectorTerms")
        if terms is not None and not any(match_term(t, node.node) for t in terms):
            return Status(UNRESOLVABLE, "node(s) didn't match Pod's node affinity/selector")
        return OK

    def score(self, state: CycleState, pod: dict, node: NodeInfo) -> int:
        preferred = ((((pod.get("spec") or {}).get("affinity") or {}).get("nodeAffinity") or {})
                     .get("preferredDuringSchedulingIgnoredDuringExecution") or [])
        return sum(int(p.get("weight", 0)) for p in preferred
                   if match_term(p.get("preference") or {}, node.node))

    def normalize(self, scores: dict[str, int]) -> dict[str, int]:
        return default_normalize(scores)


class TaintToleration:
    """NoSchedule/NoExecute taints filter; PreferNoSchedule taints lower the score."""

    name = "TaintToleration"
    weight = 3

    def filter(self, state: CycleState, pod: dict, node: NodeInfo) -> Status:
        taints = (node.node.get("spec") or {}).get("taints") or []
        tolerations = (pod.get("spec") or {}).get("tolerations") or []
        taint = toleration.untolerated(taints, tolerations, ("NoSchedule", "NoExecute"))
        if taint is not None:
            return Status(UNRESOLVABLE, f"node(s) had untolerated taint {{{taint.get('key')}: "
                                        f"{taint.get('value', '')}}}")
        return OK

    def score(self, state: CycleState, pod: dict, node: NodeInfo) -> int:
        taints = (node.node.get("spec") or {}).get("taints") or []
        tolerations = (pod.get("spec") or {}).get("tolerations") or []
        return sum(1 for t in taints if t.get("effect") == "PreferNoSchedule"
                   and toleration.tolerated_by(tolerations, t) is None)

    def normalize(self, scores: dict[str, int]) -> dict[str, int]:
        return default_normalize(scores, reverse=True)


class NodeUnschedulable:
    """A cordoned node (spec.unschedulable) takes no pods that don't tolerate it."""

    name = "NodeUnschedulable"

    def filter(self, state: CycleState, pod: dict, node: NodeInfo) -> Status:
        if not (node.node.get("spec") or {}).get("unschedulable"):
            return OK
        taint = {"key": toleration.UNSCHEDULABLE, "effect": "NoSchedule"}
        if toleration.tolerated_by((pod.get("spec") or {}).get("tolerations") or [], taint):
            return OK
        return Status(UNRESOLVABLE, "node(s) were unschedulable")


class DefaultBinder:
    """Bind by POSTing a Binding to the pod's binding subresource."""

    name = "DefaultBinder"

    def __init__(self, client: Client) -> None:
        self.client = client

    def bind(self, state: CycleState, pod: dict, node_name: str) -> Status:
        md = pod["metadata"]
        try:
            self.client.bind(md["namespace"], md["name"], node_name, md.get("uid", ""))
        except api_status.ApiError as err:
            return Status("Error", err.message, self.name)
        return OK


def default_plugins(client: Client) -> list:
    """The default profile, in extension-point order."""
    return [NodeUnschedulable(), NodeResourcesFit(), NodeAffinity(), TaintToleration(),
            DefaultBinder(client)]
