"""The scheduling framework: extension points, plugin statuses, NodeInfo and the runner.

Mirrors pkg/scheduler/framework (`interface.go`: PreFilterPlugin, FilterPlugin,
ScorePlugin with ScoreExtensions.NormalizeScore, BindPlugin, `Status` codes; `types.go`:
`NodeInfo` with Requested/Allocatable; `cycle_state.go`: `CycleState`) and
pkg/scheduler/framework/runtime `frameworkImpl` (`RunPreFilterPlugins`,
`RunFilterPlugins`, `RunScorePlugins` applying weights, `RunBindPlugins`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from kubeatlas.minik8s.quantity import pod_requests, resource_list

SUCCESS, UNSCHEDULABLE, UNRESOLVABLE, ERROR, SKIP = (
    "Success", "Unschedulable", "UnschedulableAndUnresolvable", "Error", "Skip")
MAX_NODE_SCORE = 100


@dataclass(frozen=True, slots=True)
class Status:
    """The result of one plugin call (framework.Status)."""

    code: str = SUCCESS
    reason: str = ""
    plugin: str = ""

    @property
    def ok(self) -> bool:
        return self.code in (SUCCESS, SKIP)


OK = Status()


class CycleState(dict):
    """Per-cycle scratch space plugins share (framework.CycleState)."""


@dataclass(slots=True)
class NodeInfo:
    """A node and what is placed on it, including assumed pods (framework.NodeInfo)."""

    node: dict
    pods: list[dict] = field(default_factory=list)
    requested: dict[str, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.node["metadata"]["name"]

    @property
    def allocatable(self) -> dict[str, int]:
        status = self.node.get("status") or {}
        return resource_list(status.get("allocatable") or status.get("capacity") or {})

    def add_pod(self, pod: dict) -> None:
        self.pods.append(pod)
        for name, value in pod_requests(pod.get("spec") or {}).items():
            self.requested[name] = self.requested.get(name, 0) + value

    def remove_pod(self, uid: str) -> None:
        kept = [p for p in self.pods if p["metadata"].get("uid") != uid]
        if len(kept) != len(self.pods):
            self.pods = []
            self.requested = {}
            for pod in kept:
                self.add_pod(pod)


@runtime_checkable
class PreFilterPlugin(Protocol):
    name: str

    def pre_filter(self, state: CycleState, pod: dict) -> Status: ...


@runtime_checkable
class FilterPlugin(Protocol):
    name: str

    def filter(self, state: CycleState, pod: dict, node: NodeInfo) -> Status: ...


@runtime_checkable
class ScorePlugin(Protocol):
    name: str
    weight: int

    def score(self, state: CycleState, pod: dict, node: NodeInfo) -> int: ...

    def normalize(self, scores: dict[str, int]) -> dict[str, int]: ...


@runtime_checkable
class BindPlugin(Protocol):
    name: str

    def bind(self, state: CycleState, pod: dict, node_name: str) -> Status: ...


def default_normalize(scores: dict[str, int], reverse: bool = False) -> dict[str, int]:
    """helper.DefaultNormalizeScore: scale to 0..100, optionally reversed."""
    top = max(scores.values(), default=0)
    if top == 0:
        return {n: (MAX_NODE_SCORE if reverse else 0) for n in scores}
    return {n: (MAX_NODE_SCORE - s * MAX_NODE_SCORE // top) if reverse else s * MAX_NODE_SCORE // top
            for n, s in scores.items()}


class Framework:
    """A profile: ordered plugins per extension point."""

    def __init__(self, plugins: list) -> None:
        self.plugins = list(plugins)
        self.pre_filters = [p for p in plugins if hasattr(p, "pre_filter")]
        self.filters = [p for p in plugins if hasattr(p, "filter")]
        self.scorers = [p for p in plugins if hasattr(p, "score")]
        self.binders = [p for p in plugins if hasattr(p, "bind")]

    def run_pre_filter(self, state: CycleState, pod: dict) -> Status:
        for plugin in self.pre_filters:
            status = plugin.pre_filter(state, pod)
            if not status.ok:
                return Status(status.code, status.reason, plugin.name)
        return OK

    def run_filter(self, state: CycleState, pod: dict, node: NodeInfo) -> Status:
        for plugin in self.filters:
            status = plugin.filter(state, pod, node)
            if not status.ok:
                return Status(status.code, status.reason, plugin.name)
        return OK

    def run_score(self, state: CycleState, pod: dict, nodes: list[NodeInfo]) -> dict[str, int]:
        """Total weighted, normalised score per node name."""
        totals = {n.name: 0 for n in nodes}
        for plugin in self.scorers:
            scores = {n.name: plugin.score(state, pod, n) for n in nodes}
            for name, value in plugin.normalize(scores).items():
                totals[name] += value * plugin.weight
        return totals

    def run_bind(self, state: CycleState, pod: dict, node_name: str) -> Status:
        for plugin in self.binders:
            status = plugin.bind(state, pod, node_name)
            if status.code != SKIP:
                return status
        return Status(ERROR, "no bind plugin bound the pod")
