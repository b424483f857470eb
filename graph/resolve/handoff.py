"""HANDS_OFF: a function that sends on a channel field, adds to a work queue held in a field or
signals a condition variable in a field hands its data to each function that receives from,
takes from or waits on that same field. Neither calls the other: a controller's event handler
enqueues a key that its worker takes, an informer's listener is fed through its channels, the
scheduler's PriorityQueue.Add wakes the Pop that waits for a pod; a call graph alone stops at
all three."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from kubeatlas.graph.model.kubegraph import KubeGraph
from kubeatlas.graph.model.schema import EdgeKind, HandOffVia

# CallEdge vias (graph/resolve/calls.py) of one end of a hand-off: (function, field key, via, …)
CHANNEL_SEND = "channel-send"
CHANNEL_RECEIVE = "channel-receive"
QUEUE_ADD = "queue-add"
QUEUE_GET = "queue-get"
COND_SIGNAL = "cond-signal"
COND_WAIT = "cond-wait"
_GIVING = {CHANNEL_SEND: HandOffVia.CHANNEL, QUEUE_ADD: HandOffVia.QUEUE,
           COND_SIGNAL: HandOffVia.COND}
GIVING = frozenset(_GIVING)
ENDS = GIVING | {CHANNEL_RECEIVE, QUEUE_GET, COND_WAIT}

# client-go's work queues (every controller's): what puts a key in, what takes one out
WORKQUEUE = "method:k8s.io/client-go/util/workqueue.("
_QUEUE_METHODS = {"Add": QUEUE_ADD, "AddRateLimited": QUEUE_ADD, "AddAfter": QUEUE_ADD,
                  "Get": QUEUE_GET}

# sync.Cond's methods, called on a field that holds one: what wakes, what waits
_COND_METHODS = {"Broadcast": COND_SIGNAL, "Signal": COND_SIGNAL, "Wait": COND_WAIT}
SYNC_COND = ("sync", "Cond")

# A channel reached through a getter or a parameter (a route): "returns:<method id>", the
# channel field the method returns (an interface method: each implementation's), or
# "<function id>@<name>", the channels the function's callers pass as its parameter of that
# name. Resolution records a getter's field and a caller's argument as (getter, field key,
# CHANNEL_YIELD, …) and (route, source, CHANNEL_PASS, …); ChannelRoutes.fields follows them.
CHANNEL_YIELD = "channel-yield"
CHANNEL_PASS = "channel-pass"
RETURNS = "returns:"
MAX_GETTERS = 3  # an interface method with more getter implementations names no one channel
MAX_PASSES = 8  # callers' callers: `Run(updates)` -> `syncLoop` -> `syncLoopIteration` is two

End = tuple[str, str, str, int, int]  # (function, field key, via, count, first line)


def queue_end(target: str) -> str:
    """QUEUE_ADD or QUEUE_GET when a resolved call's target is a work queue's, else ""."""
    if not target.startswith(WORKQUEUE):
        return ""
    return _QUEUE_METHODS.get(target.rpartition(").")[2], "")


def cond_end(callee_expr: str) -> str:
    """COND_SIGNAL or COND_WAIT when a call's text ends in a sync.Cond method's name (whether
    its receiver holds a sync.Cond is for the caller to find out), else ""."""
    head, dot, name = callee_expr.rpartition(".")
    return _COND_METHODS.get(name, "") if dot and head else ""


def is_channel_route(key: str) -> bool:
    """Is an end's key a getter's or a parameter's, not a field's?"""
    return not key.startswith("field:")


class ChannelRoutes:
    """Where getters and parameters lead: the channel fields a getter returns (CHANNEL_YIELD
    edges) and the channels callers pass into each parameter (CHANNEL_PASS edges)."""

    def __init__(self, graph: KubeGraph) -> None:
        self.graph = graph
        self.yields: dict[str, set[str]] = defaultdict(set)  # getter -> field keys
        self.passes: dict[str, set[str]] = defaultdict(set)  # slot -> field keys, routes

    def fields(self, route: str) -> set[str]:
        """The channel fields a route leads to (a field key leads to itself)."""
        found: set[str] = set()
        seen = {route}
        todo = [route]
        for _ in range(MAX_PASSES + 1):
            onward: list[str] = []
            for key in todo:
                if not is_channel_route(key):
                    found.add(key)
                elif key.startswith(RETURNS):
                    found |= self._returned(key.removeprefix(RETURNS))
                else:
                    onward += [k for k in sorted(self.passes.get(key, ())) if k not in seen]
            seen.update(onward)
            todo = onward
            if not todo:
                break
        return found

    def _returned(self, method: str) -> set[str]:
        """The fields a getter returns; through an interface method, each implementation's
        outside test files, if at most MAX_GETTERS of them are getters."""
        if method in self.yields:
            return self.yields[method]
        getters = [m for m in self.graph.successors(method, EdgeKind.DISPATCHES)
                   if m in self.yields and not str(self.graph.attrs(m).get("file", "")).endswith(
                       "_test.go")] if method in self.graph else []
        if len(getters) > MAX_GETTERS:
            return set()
        return {key for m in getters for key in self.yields[m]}


def through_routes(ends: Iterable[End], routes: ChannelRoutes) -> list[tuple[End, str]]:
    """Each end on a field as it is, and each end on a getter's or a parameter's channel once per
    field that route leads to, with the route; ends of one function on one field (directly,
    or by two routes) merge: their counts add up, the first line and the direct end win."""
    merged: dict[tuple[str, str, str], list] = {}
    for function, key, via, count, line in ends:
        route = key if is_channel_route(key) else ""
        for field in sorted(routes.fields(key)) if route else (key,):
            entry = merged.get((function, field, via))
            if entry is None:
                merged[(function, field, via)] = [count, line, route]
            else:
                entry[0] += count
                entry[1] = min(entry[1], line)
                entry[2] = min(entry[2], route)  # "" (direct) before any route
    return [((function, field, via, count, line), route)
            for (function, field, via), (count, line, route) in merged.items()]


def add_handoffs(graph: KubeGraph, ends: Iterable[tuple[End, str]]) -> int:
    """A HANDS_OFF edge from each function that gives into a field to each other function that
    takes from it (via channel, queue or cond, the field, the giving line and the taking
    line, and the getter or parameter route of an end that took one); the number of edges
    added. A pair joined through two fields keeps the first field's edge."""
    giving: dict[str, list[tuple[End, str]]] = defaultdict(list)
    taking: dict[str, list[tuple[End, str]]] = defaultdict(list)
    for end in ends:
        (giving if end[0][2] in _GIVING else taking)[end[0][1]].append(end)
    added = 0
    for key in sorted(giving.keys() & taking.keys()):
        field = key.partition(":")[2]
        for (source, _, via, count, line), given in sorted(giving[key]):
            for (target, _, _, _, to_line), taken in sorted(taking[key]):
                if (source == target or source not in graph or target not in graph
                        or graph.edge(source, target, EdgeKind.HANDS_OFF) is not None):
                    continue
                routes = {"given_through": given} if given else {}
                if taken:
                    routes["taken_through"] = taken
                graph.add_edge(source, target, EdgeKind.HANDS_OFF, via=_GIVING[via].value,
                               field=field, count=count, line=line, to_line=to_line, **routes)
                added += 1
    return added
