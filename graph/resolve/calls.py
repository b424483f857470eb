"""CALLS and REFERENCES: resolve each call site's expression, and each function named as a
value, to the function or method it names; aggregate them into edges per caller."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from kubeatlas.analyzer.model import (
    PASS,
    SEND,
    YIELD,
    CallRef,
    ChannelOp,
    FileFacts,
    is_channel_type,
)
from kubeatlas.graph.model.kubegraph import KubeGraph
from kubeatlas.graph.model.schema import CallVia, EdgeKind, NodeKind, function_id, kind_of, method_id
from kubeatlas.graph.resolve.call_outcome import CallOutcome
from kubeatlas.graph.resolve.fields import call_end, channel_field, holds_channel, stored_field
from kubeatlas.graph.resolve.handoff import (
    CHANNEL_PASS,
    CHANNEL_RECEIVE,
    CHANNEL_SEND,
    CHANNEL_STORE,
    CHANNEL_YIELD,
    ENDS,
    RETURNS,
    ChannelRoutes,
    End,
    add_handoffs,
    through_routes,
)
from kubeatlas.graph.resolve.resolver import CallResolver
from kubeatlas.graph.resolve.symbols import SymbolTable

# (caller, callee, via, count, first line, file, variant): `variant` when the caller's node is
# read from another file, so this is another platform's body (kept apart, as VARIANT_CALLS).
CallEdge = tuple[str, str, str, int, int, str, bool]
# Three more kinds of CallEdge meet in add_call_edges: (field key, function, STORED, …) — a
# value stored into a func-typed field — and (caller, field key, FIELD_CALL or FIELD_VALUE, …) —
# a call through it, or its value passed on (`Pop(PopProcessFunc(c.config.Process))`).
STORED = "store"
FIELD_CALL = "field-call"
FIELD_VALUE = "field-value"  # (caller, field key, FIELD_VALUE, …): passes what the field holds
# And a store through a parameter: (slot, field key, PARAM_STORE, …) — the constructor stores its
# parameter there (`&BoundedFrequencyRunner{fn: fn}`) — with (slot, function, ARG_VALUE, …) —
# a caller passes that function as the argument (`NewBoundedFrequencyRunner(…, p.syncProxyRules,
# …)`); a slot is the callee's id, "@", the parameter's position (the receiver is 0).
PARAM_STORE = "param-store"
ARG_VALUE = "arg-value"
FORWARD = "forward"  # (slot, slot, FORWARD, …): a func parameter handed on to another's
MAX_FORWARDS = 8  # `NewBoundedFrequencyRunner` -> `construct` is one
# And (function, field key, CHANNEL_SEND …, …): one end of a hand-off (graph/resolve/handoff.py).


def add_call_edges(graph: KubeGraph, edges: Iterable[CallEdge], tally: Counter[str]) -> dict:
    """Add the resolved calls (and, via "value", references) whose two ends are in the graph,
    in the order given; then the calls through func-typed fields to what was stored in them,
    and the values taken from such fields (both via "stored"). Other platforms' variants go to
    VARIANT_CALLS, out of the default view. `tally` holds the resolution counts once `edges`
    is exhausted."""
    stored: dict[str, set[str]] = defaultdict(set)
    field_calls: list[CallEdge] = []
    field_values: list[CallEdge] = []
    slot_fields: dict[str, set[str]] = defaultdict(set)
    slot_values: dict[str, set[str]] = defaultdict(set)
    forwards: dict[str, set[str]] = defaultdict(set)
    ends: list[End] = []
    routes = ChannelRoutes(graph)
    for edge in edges:
        caller, target, via, count, line, file, variant = edge
        if via in ENDS:
            ends.append((caller, target, via, count, line))
        elif via == CHANNEL_YIELD:
            routes.yields[caller].add(target)
        elif via == CHANNEL_PASS:
            routes.passes[caller].add(target)
        elif via == CHANNEL_STORE:
            routes.stores[caller].add(target)
        elif via == STORED:
            stored[caller].add(target)
        elif via == PARAM_STORE:
            slot_fields[caller].add(target)
        elif via == ARG_VALUE:
            slot_values[caller].add(target)
        elif via == FORWARD:
            forwards[caller].add(target)
        elif via == FIELD_CALL:
            field_calls.append(edge)
        elif via == FIELD_VALUE:
            field_values.append(edge)
        elif caller in graph and target in graph:
            if variant:
                add_variant_call(graph, caller, target, variant_record(via, count, line, file))
                tally["variant_calls"] += 1
            elif via == CallVia.VALUE:
                graph.add_edge(caller, target, EdgeKind.REFERENCES, via=via, count=count,
                               line=line, file=file)
            else:
                graph.add_edge(caller, target, EdgeKind.CALLS, via=via, count=count, line=line)
    _hand_on(slot_values, forwards)
    for slot, fields in slot_fields.items():  # what callers pass lands where the callee stores it
        for key in fields:
            tally["stored_through_parameters"] += len(slot_values.get(slot, set()) - stored[key])
            stored[key] |= slot_values.get(slot, set())
    for caller, field, _, count, line, _, _ in field_calls:
        for target in sorted(stored.get(field, ())):
            if caller in graph and target in graph and graph.edge(caller, target,
                                                                   EdgeKind.CALLS) is None:
                graph.add_edge(caller, target, EdgeKind.CALLS, via=CallVia.STORED.value,
                               count=count, line=line, field=field.partition(":")[2])
                tally["via_stored"] += 1
    for caller, field, _, count, line, file, _ in field_values:
        for target in sorted(stored.get(field, ())):
            if caller in graph and target in graph and graph.edge(caller, target,
                                                                   EdgeKind.REFERENCES) is None:
                graph.add_edge(caller, target, EdgeKind.REFERENCES, via=CallVia.STORED.value,
                               count=count, line=line, file=file, field=field.partition(":")[2])
                tally["values_stored"] += 1
    handed = add_handoffs(graph, through_routes(ends, routes), routes)
    if handed:
        tally["hand_offs"] = handed
    # edges, not additions: a pair called at two sites (or once directly and once through an
    # interface) is one edge; the counts are what the index holds and what a patch keeps
    counts = graph.counts()
    tally["edges"] = counts.get(str(EdgeKind.CALLS), 0)
    if counts.get(str(EdgeKind.REFERENCES)):
        tally["reference_edges"] = counts[str(EdgeKind.REFERENCES)]
    return finish_tally(tally)


def _hand_on(slot_values: dict[str, set[str]], forwards: dict[str, set[str]]) -> None:
    """What a parameter receives, its callee's parameter receives too, when it is handed on
    (up to MAX_FORWARDS hands)."""
    for _ in range(MAX_FORWARDS):
        grew = False
        for source, targets in forwards.items():
            values = slot_values.get(source) or set()
            for target in targets if values else ():
                if not values <= slot_values[target]:
                    slot_values[target] |= values
                    grew = True
        if not grew:
            return


def variant_record(via: str, count: int, line: int, file: str) -> dict:
    """One variant's call or value, as a VARIANT_CALLS edge lists it."""
    kind = EdgeKind.REFERENCES if via == CallVia.VALUE else EdgeKind.CALLS
    return {"file": file, "kind": str(kind), "via": via, "count": count, "line": line}


def add_variant_call(graph: KubeGraph, caller: str, target: str, record: dict) -> None:
    """One VARIANT_CALLS edge per caller and target, listing each variant file's call."""
    found = graph.edge(caller, target, EdgeKind.VARIANT_CALLS)
    graph.add_edge(caller, target, EdgeKind.VARIANT_CALLS,
                   variants=ordered_variants([*found.attrs["variants"], record] if found
                                             else [record]))


def ordered_variants(records: Iterable[dict]) -> list[dict]:
    """A VARIANT_CALLS edge's records in one order, however they were added (file, kind, via)."""
    return sorted(records, key=lambda r: (r["file"], r["kind"], r["via"]))


def finish_tally(tally: Counter[str]) -> dict:
    considered = tally[CallOutcome.RESOLVED] + tally[CallOutcome.UNRESOLVED]
    share = round(100 * tally[CallOutcome.RESOLVED] / considered, 1) if considered else 0
    out: dict[str, float] = {str(k): v for k, v in tally.items() if k != "resolved_share_pct"}
    out["resolved_share_pct"] = share
    return dict(sorted(out.items()))


def resolve_file_calls(f: FileFacts, symbols: SymbolTable, tally: Counter[str]) -> list[CallEdge]:
    """One file's call sites and function values aggregated per (caller, callee, via):
    (caller, callee, via, count, line, file, variant); via "value" for a function named as a
    value; and each function's ends of hand-offs (a send or receive on a channel field, an
    add to or take from a work queue in a field, a signal of or wait on a sync.Cond in a
    field: (function, field key, CHANNEL_SEND …); on a getter's or parameter's channel, the
    route instead of the key), with the routes' own facts: a getter's field, a channel handed
    to a parameter, one stored into a field (CHANNEL_YIELD, CHANNEL_PASS, CHANNEL_STORE). A
    body of another platform's variant is resolved too (counted as "other_platform" only),
    without its stores into and calls through func fields, and without hand-offs."""
    if not f.calls and not f.channels:
        return []
    symbols.ensure(f.import_path)
    scope = symbols.scopes[f.rel_path]
    resolver = CallResolver(symbols, scope, f.locals)
    edges: dict[tuple[str, str, str], list[int]] = {}
    caller_ids: dict[str, str] = {}
    variants: set[str] = set()  # callers whose node is read from another platform's file
    aside: Counter[str] = Counter()  # their outcomes: not the default view's figures
    for call in f.calls:
        if not call.caller:
            tally["package_level"] += 1
            continue
        caller = caller_ids.get(call.caller) or _enclosing(f, call.caller, symbols, caller_ids,
                                                           variants)
        variant = caller in variants
        if variant:
            tally["other_platform"] += 1
        counts = aside if variant else tally
        if call.value:
            slot = _parameter_slot(symbols, resolver, call, caller) if not variant else ""
            if slot and call.field:  # a parameter stored into a field
                key = stored_field(resolver, call.caller, call.holder, call.field, call.line)
                if key:
                    _count(edges, slot, key, PARAM_STORE, call.line)
                    _store_channel(edges, resolver, call, caller, key)
                continue
            if call.field and not variant and _store_channel(edges, resolver, call, caller):
                continue  # `&T{updates: updates}`, updates a channel the function made
            if slot and call.call:  # a func parameter handed on to another function's
                onward = _argument_slot(symbols, resolver, call.caller, call.call, call.arg, call.line)
                if onward:
                    _count(edges, slot, onward, FORWARD, call.line)
                continue
            target, via = resolver.reference(call.caller, call.callee_expr, call.line)
            if not target:
                continue
            if via is CallVia.STORED:  # passes what a func-typed field holds
                if not variant:
                    _count(edges, caller, target, FIELD_VALUE, call.line)
                    if call.call and holds_channel(symbols, target):  # `relayUpdates(c.updates)`
                        slot = _channel_slot(symbols, resolver, call.caller, call.call, call.arg,
                                             call.line)
                        if slot:
                            _count(edges, slot, target, CHANNEL_PASS, call.line)
                continue
            counts["references"] += 1
            if call.call and not variant:  # an argument: into the callee's parameter
                slot = _argument_slot(symbols, resolver, call.caller, call.call, call.arg, call.line)
                if slot:
                    _count(edges, slot, target, ARG_VALUE, call.line)
            if call.field and not variant:
                key = stored_field(resolver, call.caller, call.holder, call.field, call.line)
                if key:
                    _count(edges, key, target, STORED, call.line)
        else:
            outcome, target, via = resolver.resolve(call.caller, call.callee_expr, call.line)
            counts[outcome.value] += 1
            if outcome is CallOutcome.DYNAMIC and target and not variant:
                _count(edges, caller, target, FIELD_CALL, call.line)
                continue
            resolved = outcome is CallOutcome.RESOLVED
            end, key = ("", "") if variant else call_end(resolver, call, target if resolved else "")
            if key:  # `c.queue.Add(key)`, `p.cond.Broadcast()`: one end of a hand-off
                _count(edges, caller, key, end, call.line)
            if not resolved:
                continue
            counts[f"via_{via.value if via else via}"] += 1
        _count(edges, caller, target, str(via), call.line)
    for op in f.channels:
        caller = caller_ids.get(op.caller) or _enclosing(f, op.caller, symbols, caller_ids, variants)
        if caller in variants:
            continue
        if op.op == YIELD:  # `return g.eventChannel`, a made channel, another method's result
            key = _channel_route(symbols, resolver, op, caller)
            if key:
                _count(edges, caller, key, CHANNEL_YIELD, op.line)
            continue
        key = _channel_route(symbols, resolver, op, caller)
        if not key:
            continue
        if op.op == PASS:  # into the callee's channel parameter
            slot = _channel_slot(symbols, resolver, op.caller, op.call, op.arg, op.line)
            if slot:
                _count(edges, slot, key, CHANNEL_PASS, op.line)
        else:
            _count(edges, caller, key, CHANNEL_SEND if op.op == SEND else CHANNEL_RECEIVE, op.line)
    return [(c, t, via, n, line, f.rel_path, c in variants)
            for (c, t, via), (n, line) in edges.items()]


def _enclosing(f: FileFacts, name: str, symbols: SymbolTable, caller_ids: dict[str, str],
               variants: set[str]) -> str:
    """The graph id of the function a record of f names (see caller_id), remembered; one whose
    node is read from another platform's file joins `variants`."""
    caller = caller_ids[name] = caller_id(f.import_path, name, f.rel_path.rsplit("/", 1)[-1])
    info = symbols.func_info(caller)
    if info is not None and info.file != f.rel_path:
        variants.add(caller)
    return caller


def _parameter_slot(symbols: SymbolTable, resolver: CallResolver, call: CallRef,
                    caller: str) -> str:
    """`fn` in `&T{fn: fn}` or `construct(…, fn)` inside caller: "caller@i" when fn is
    caller's i-th parameter."""
    if not (call.field or call.call) or not call.callee_expr.isidentifier():
        return ""  # `c.sync`, `pkg.F`: no parameter
    if not isinstance(resolver.variables.declared(call.caller, call.callee_expr, call.line), str):
        return ""  # not a parameter (a local, or no variable at all)
    info = symbols.func_info(caller)
    names = [name for name, _ in info.params] if info is not None else []
    return f"{caller}@{names.index(call.callee_expr)}" if call.callee_expr in names else ""


def _store_channel(edges: dict[tuple[str, str, str], list[int]], resolver: CallResolver,
                   call: CallRef, caller: str, key: str = "") -> bool:
    """A channel parameter (`&podStore{updates: updates}`) or a channel the function made
    (`updates := make(chan …)` … `&PodConfig{updates: updates}`) stored into a field: (its
    route, field key, CHANNEL_STORE). False when the value is neither."""
    name = call.callee_expr
    if not name.isidentifier():
        return False
    declared = resolver.variables.declared(call.caller, name, call.line)
    if isinstance(declared, str):
        route = _parameter_route(resolver.symbols, caller, name) if is_channel_type(declared) else ""
    elif declared is not None and declared.makes_channel:
        route = f"{caller}#{name}"
    else:
        route = ""
    key = key or (stored_field(resolver, call.caller, call.holder, call.field, call.line)
                  if route else "")
    if route and key:
        _count(edges, route, key, CHANNEL_STORE, call.line)
    return bool(route and key)


def _channel_route(symbols: SymbolTable, resolver: CallResolver, op: ChannelOp,
                   caller: str) -> str:
    """What a channel operation's channel is: a field's key (`p.addCh`), the route of a
    getter's result ("returns:" and the method `kl.pleg.Watch()` resolves to), of a
    parameter ("caller@i:name") or of a channel the caller made ("caller#name"); "" when the
    getter or the field is not found."""
    if op.channel.endswith("()"):
        outcome, target, _ = resolver.resolve(op.caller, op.channel[:-2], op.line)
        resolved = outcome is CallOutcome.RESOLVED and kind_of(target) is NodeKind.METHOD
        return RETURNS + target if resolved else ""
    if "." in op.channel:
        return channel_field(resolver, op.caller, op.channel, op.line)
    # a parameter, else a channel the function made
    return _parameter_route(symbols, caller, op.channel) or f"{caller}#{op.channel}"


def _parameter_route(symbols: SymbolTable, function: str, name: str) -> str:
    """"function@i:name" for the function's parameter of that name (the receiver is 0)."""
    info = symbols.func_info(function)
    names = [n for n, _ in info.params] if info is not None else []
    return f"{function}@{names.index(name)}:{name}" if name in names else ""


def _channel_slot(symbols: SymbolTable, resolver: CallResolver, caller: str, call: str,
                  arg: int, line: int) -> str:
    """The channel parameter argument `arg` of `call(…)` lands in: "callee@i:name"
    (`…(*Kubelet).syncLoopIteration@6:plegCh`); through an interface method, "method@i"
    (each implementation's parameter i, see ChannelRoutes); "" for any other parameter."""
    outcome, callee, via = resolver.resolve(caller, call, line)
    if outcome is CallOutcome.RESOLVED and via is CallVia.INTERFACE:
        return f"{callee}@{arg + 1}"
    slot = _argument_slot(symbols, resolver, caller, call, arg, line, is_channel_type)
    if not slot:
        return ""
    callee, _, index = slot.rpartition("@")
    info = symbols.func_info(callee)
    return f"{slot}:{info.params[int(index)][0]}" if info is not None else ""


def _argument_slot(symbols: SymbolTable, resolver: CallResolver, caller: str, call: str,
                   arg: int, line: int, takes: Callable[[str], bool] = lambda _: True) -> str:
    """The parameter argument `arg` of `call(…)` lands in: "callee@i" for a function or
    concrete method in the tree (not a variadic one) whose parameter's type `takes`."""
    outcome, callee, via = resolver.resolve(caller, call, line)
    if outcome is not CallOutcome.RESOLVED or via is CallVia.INTERFACE:
        return ""
    info = symbols.func_info(callee)
    index = arg + (1 if kind_of(callee) is NodeKind.METHOD else 0)
    if (info is None or index >= len(info.params) or info.params[index][1].startswith("...")
            or not takes(info.params[index][1])):
        return ""
    return f"{callee}@{index}"


def _count(edges: dict[tuple[str, str, str], list[int]], source: str, target: str, via: str,
           line: int) -> None:
    entry = edges.get((source, target, via))
    if entry is None:
        edges[(source, target, via)] = [1, line]
    else:
        entry[0] += 1


def caller_id(package: str, caller: str, file_name: str = "") -> str:
    """Graph id of the function a CallRef's `caller` names; `init#2` is the file's second
    init (or _) function, as the structure names it."""
    if caller.startswith("("):
        receiver, _, name = caller[1:].partition(").")
        return method_id(package, receiver.lstrip("*"), name, receiver.startswith("*"))
    name, hash_, ordinal = caller.partition("#")
    if hash_:
        return f"{function_id(package, name)}#{file_name}#{ordinal}"
    return function_id(package, caller)
