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


def add_handoffs(graph: KubeGraph, ends: Iterable[End]) -> int:
    """A HANDS_OFF edge from each function that gives into a field to each other function that
    takes from it (via channel, queue or cond, the field, the giving line and the taking
    line); the number of edges added. A pair joined through two fields keeps the first
    field's edge."""
    giving: dict[str, list[End]] = defaultdict(list)
    taking: dict[str, list[End]] = defaultdict(list)
    for end in ends:
        (giving if end[2] in _GIVING else taking)[end[1]].append(end)
    added = 0
    for key in sorted(giving.keys() & taking.keys()):
        field = key.partition(":")[2]
        for source, _, via, count, line in sorted(giving[key]):
            for target, _, _, _, to_line in sorted(taking[key]):
                if (source == target or source not in graph or target not in graph
                        or graph.edge(source, target, EdgeKind.HANDS_OFF) is not None):
                    continue
                graph.add_edge(source, target, EdgeKind.HANDS_OFF, via=_GIVING[via].value,
                               field=field, count=count, line=line, to_line=to_line)
                added += 1
    return added
