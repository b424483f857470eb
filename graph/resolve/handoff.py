"""HANDS_OFF: a function that sends on a channel field, adds to a work queue held in a field or
signals a condition variable in a field hands its data to each function that receives from,
takes from or waits on that same field. Neither calls the other: a controller's event handler
enqueues a key that its worker takes, an informer's listener is fed through its channels, the
scheduler's PriorityQueue.Add wakes the Pop that waits for a pod; a call graph alone stops at
all three."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

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
# channel field the method returns (an interface method: each implementation's) or, for a
# method declared to return a channel, the route of what it returns: a channel it makes, a
# parameter's, another method's result (the kubelet's PodConfig.Channel returns
# Mux.ChannelWithContext's, the channel that method makes and listens on);
# "<function id>@<i>:<name>", the channels the function's callers pass as its i-th parameter
# (the receiver is 0; callers through an interface pass to "<interface method id>@<i>"), or
# "<function id>#<name>", a channel the function makes. Resolution records what a getter or
# such a method returns, a caller's argument and a parameter or made channel stored into a
# field as (method, field key or route, CHANNEL_YIELD, …), (route, source, CHANNEL_PASS, …)
# and (route, field key, CHANNEL_STORE, …); ChannelRoutes follows them. Two fields that one
# made channel is stored into (directly or through the parameters it is passed to) hold one
# channel: the kubelet's NewPodConfig makes `updates` and stores it in PodConfig.updates
# and, through newPodStorage, in podStorage.updates. A made channel stored in no field is its own key: the ends in the
# function that made it and in those it is passed to join by it (the kubelet's
# EnsureImageExists makes `pullChan`, hands it to the image puller, which sends the result
# on it, and receives it; the edge's `field` is then "<function>#<name>"). One stored into a
# field only where it is passed (or returned) is one key with that field (the kubelet's
# file pod source keeps the channel Mux.ChannelWithContext made in sourceFile.updates), yet
# two channels two functions made never meet (see meeting).
CHANNEL_YIELD = "channel-yield"
CHANNEL_PASS = "channel-pass"
CHANNEL_STORE = "channel-store"
RETURNS = "returns:"
MAX_IMPLEMENTATIONS = 3  # through an interface method with more: no one channel, no one callee
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
    edges), the channels callers pass into each parameter (CHANNEL_PASS edges), and the
    fields a parameter or a made channel is stored into (CHANNEL_STORE edges), which makes
    two fields hold one channel."""

    def __init__(self, graph: KubeGraph) -> None:
        self.graph = graph
        self.yields: dict[str, set[str]] = defaultdict(set)  # getter -> field keys
        self.passes: dict[str, set[str]] = defaultdict(set)  # slot -> field keys, routes
        self.stores: dict[str, set[str]] = defaultdict(set)  # slot, made channel -> field keys
        # (key -> the key it joins by, made channel in no field -> the fields that hold it)
        self._joined: tuple[dict[str, str], dict[str, set[str]]] | None = None

    def same_channel(self, field: str) -> str:
        """The one field key that stands for every field holding the same made channel."""
        return self._join()[0].get(field, field)

    def holds(self, field: str, made: str) -> bool:
        """Does the field hold the channel a function made (one it keeps in no field itself,
        stored into that field where it is passed)?"""
        return field in self._join()[1].get(made, ())

    def _join(self) -> tuple[dict[str, str], dict[str, set[str]]]:
        if self._joined is None:
            self._joined = self._join_made()
        return self._joined

    def _join_made(self) -> tuple[dict[str, str], dict[str, set[str]]]:
        """field key -> the least key of the fields a made channel is stored into, directly
        or through the parameters it is passed to (and those pass it on to, a method that
        returns it among them); a made channel stored into no field itself but reaching one
        that way (the kubelet's Mux.ChannelWithContext makes the channel a pod source stores
        in its field) -> that key too; and such a made channel -> the fields that hold it."""
        feeds: dict[str, set[str]] = defaultdict(set)  # source -> the slots it is passed to
        for slot in self.passes.keys() | self.stores.keys():
            if "@" in slot:  # a parameter: what callers pass, through an interface method too
                for source in self._passed(slot):
                    feeds[source].add(slot)
        returning = {k for keys in (*self.passes.values(), *self.yields.values()) for k in keys
                     if k.startswith(RETURNS)}
        for key in returning:  # what a method returns feeds the method's result
            for source in self._returned(key.removeprefix(RETURNS)):
                if is_channel_route(source):
                    feeds[source].add(key)
        parent: dict[str, str] = {}
        held: dict[str, set[str]] = {}

        def root(key: str) -> str:
            while parent.get(key, key) != key:
                key = parent[key]
            return key

        for made in sorted(k for k in self.stores.keys() | feeds.keys() if is_made(k)):
            reach, todo = {made}, [made]
            for _ in range(MAX_PASSES):
                todo = [s for k in todo for s in sorted(feeds.get(k, ())) if s not in reach]
                reach.update(todo)
            fields = sorted({f for k in reach for f in self.stores.get(k, ())})
            if fields and not self.stores.get(made):
                held[made] = set(fields)
                fields.append(made)  # a field key always sorts first
            for other in fields[1:]:
                a, b = root(fields[0]), root(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        return {key: root(key) for key in parent.keys() | set(parent.values())}, held

    def fields(self, route: str) -> set[str]:
        """The channel fields a route leads to (a field key leads to itself), and the made
        channels among them that no field holds."""
        found: set[str] = set()
        seen = {route}
        todo = [route]
        for _ in range(MAX_PASSES + 1):
            onward: list[str] = []
            for key in todo:
                if not is_channel_route(key):
                    found.add(key)
                elif is_made(key):  # a channel the function made: the fields it is stored
                    found |= self.stores.get(key) or {key}  # into, else the channel itself
                elif key.startswith(RETURNS):  # a field, or where the method's channel comes from
                    returned = self._returned(key.removeprefix(RETURNS))
                    found |= {k for k in returned if not is_channel_route(k)}
                    onward += [k for k in sorted(returned) if is_channel_route(k) and k not in seen]
                else:
                    onward += [k for k in sorted(self._passed(key)) if k not in seen]
            seen.update(onward)
            todo = onward
            if not todo:
                break
        return found

    def _passed(self, slot: str) -> set[str]:
        """What callers pass into a parameter ("function@i:name"): directly, and through each
        interface method it implements that has at most MAX_IMPLEMENTATIONS implementations
        outside test files."""
        found = set(self.passes.get(slot, ()))
        function, _, position = slot.rpartition("@")
        index = position.partition(":")[0]
        if function in self.graph:
            for method in self.graph.predecessors(function, EdgeKind.DISPATCHES):
                implementations = [m for m in self.graph.successors(method, EdgeKind.DISPATCHES)
                                   if not self._in_test(m)]
                if len(implementations) <= MAX_IMPLEMENTATIONS:
                    found |= self.passes.get(f"{method}@{index}", set())
        return found

    def _in_test(self, function: str) -> bool:
        return str(self.graph.attrs(function).get("file", "")).endswith("_test.go")

    def _returned(self, method: str) -> set[str]:
        """What a method returns: a getter's field; a channel it makes, a parameter's or another
        method's (routes); through an interface method, each implementation's outside test
        files, if at most MAX_IMPLEMENTATIONS of them return a channel."""
        if method in self.yields:
            return self.yields[method]
        getters = [m for m in self.graph.successors(method, EdgeKind.DISPATCHES)
                   if m in self.yields and not self._in_test(m)] if method in self.graph else []
        if len(getters) > MAX_IMPLEMENTATIONS:
            return set()
        return {key for m in getters for key in self.yields[m]}


# A way an end reached its key: (the route it took, "" on the field itself; the field or made
# channel it led to)
Way = tuple[str, str]
# An end as joined: (function, the key it joins by, via, count, first line) and the ways it
# reached that key, the direct one first
RoutedEnd = tuple[End, tuple[Way, ...]]


def through_routes(ends: Iterable[End], routes: ChannelRoutes) -> list[RoutedEnd]:
    """Each end on a field as it is, and each end on a getter's or a parameter's channel once per
    field that route leads to, with the route; fields holding one made channel join by one
    key. Ends of one function on one field (directly, or by two routes) merge: their counts
    add up (an end's once, though its route leads to two fields of one key), the first line
    wins, and every way it got there is kept."""
    merged: dict[tuple[str, str, str], list] = {}
    for function, key, via, count, line in ends:
        route = key if is_channel_route(key) else ""
        for field in sorted(routes.fields(key)) if route else (key,):
            joined = routes.same_channel(field)
            entry = merged.get((function, joined, via))
            if entry is None:
                merged[(function, joined, via)] = [count, line, {(route, field)}, {key}]
                continue
            if key not in entry[3]:
                entry[0] += count
                entry[3].add(key)
            entry[1] = min(entry[1], line)
            entry[2].add((route, field))
    return [((function, joined, via, count, line), tuple(sorted(ways)))
            for (function, joined, via), (count, line, ways, _) in merged.items()]


def add_handoffs(graph: KubeGraph, ends: Iterable[RoutedEnd], routes: ChannelRoutes) -> int:
    """A HANDS_OFF edge from each function that gives into a field to each other function that
    takes from it (via channel, queue or cond, the giver's field, the giving line and the
    taking line; the getter or parameter route of an end that took one, and the taker's
    field when it is another field holding the same channel: a taker that reaches the
    giver's own field names no other); the number of edges added. The two ends meet as
    `meeting` says. A pair joined through two fields keeps the first field's edge."""
    giving: dict[str, list[RoutedEnd]] = defaultdict(list)
    taking: dict[str, list[RoutedEnd]] = defaultdict(list)
    for end in ends:
        (giving if end[0][2] in _GIVING else taking)[end[0][1]].append(end)
    added = 0
    for key in sorted(giving.keys() & taking.keys()):
        for (source, _, via, count, line), gives in sorted(giving[key]):
            for (target, _, _, _, to_line), ways in sorted(taking[key]):
                met = meeting(gives, ways, routes.holds)
                if (met is None or source == target or source not in graph
                        or target not in graph
                        or graph.edge(source, target, EdgeKind.HANDS_OFF) is not None):
                    continue
                (given, field), (taken, taken_field) = met
                ways_of = {"given_through": given} if given else {}
                if taken:
                    ways_of["taken_through"] = taken
                if taken_field != field:
                    ways_of["taken_field"] = taken_field.partition(":")[2]
                graph.add_edge(source, target, EdgeKind.HANDS_OFF, via=_GIVING[via].value,
                               field=field.partition(":")[2], count=count, line=line,
                               to_line=to_line, **ways_of)
                added += 1
    return added


def meeting(gives: Sequence[Way], takes: Sequence[Way],
            holds: Callable[[str, str], bool]) -> tuple[Way, Way] | None:
    """The giver's way and the taker's way one hand-off goes by: the first pair on one field
    or channel; else the first on two fields that hold one channel, or on a field and a
    channel a function made that the field `holds`. Two channels two functions made never
    meet, though one field may hold either, nor a field and a made channel it does not hold
    (a test's channel given to the kubelet's file pod source reaches no mux, and the HTTP
    source's field, which holds the mux's channel, reaches no such test); None when no pair
    meets."""
    for give in gives:
        for take in takes:
            if give[1] == take[1]:
                return give, take
    for give in gives:
        for take in takes:
            made = (is_made(give[1]), is_made(take[1]))
            if made == (False, False) or (made == (False, True) and holds(give[1], take[1])) \
                    or (made == (True, False) and holds(take[1], give[1])):
                return give, take
    return None


def is_made(key: str) -> bool:
    """Is a key a channel a function made (`<function>#<name>`), not a field?"""
    return "#" in key and not key.startswith("field:")
