"""CALLS and REFERENCES: resolve each call site's expression, and each function named as a
value, to the function or method it names; aggregate them into edges per caller."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from kubeatlas.analyzer.model import FileFacts
from kubeatlas.graph.model.kubegraph import KubeGraph
from kubeatlas.graph.model.schema import CallVia, EdgeKind, function_id, method_id
from kubeatlas.graph.resolve.call_outcome import CallOutcome
from kubeatlas.graph.resolve.resolver import CallResolver
from kubeatlas.graph.resolve.symbols import SymbolTable

CallEdge = tuple[str, str, str, int, int, str]  # (caller, callee, via, count, first line, file)
# Two more kinds of CallEdge meet in add_call_edges: (field key, function, STORED, …) — a value
# stored into a func-typed field — and (caller, field key, FIELD_CALL, …) — a call through it.
STORED = "store"
FIELD_CALL = "field-call"


def add_call_edges(graph: KubeGraph, edges: Iterable[CallEdge], tally: Counter[str]) -> dict:
    """Add the resolved calls (and, via "value", references) whose two ends are in the graph,
    in the order given; then the calls through func-typed fields to what was stored in them
    (via "stored"). `tally` holds the resolution counts once `edges` is exhausted."""
    stored: dict[str, set[str]] = defaultdict(set)
    field_calls: list[CallEdge] = []
    for edge in edges:
        caller, target, via, count, line, file = edge
        if via == STORED:
            stored[caller].add(target)
        elif via == FIELD_CALL:
            field_calls.append(edge)
        elif caller in graph and target in graph:
            if via == CallVia.VALUE:
                graph.add_edge(caller, target, EdgeKind.REFERENCES, via=via, count=count,
                               line=line, file=file)
                tally["reference_edges"] += 1
            else:
                graph.add_edge(caller, target, EdgeKind.CALLS, via=via, count=count, line=line)
                tally["edges"] += 1
    for caller, field, _, count, line, _ in field_calls:
        for target in sorted(stored.get(field, ())):
            if caller in graph and target in graph and graph.edge(caller, target,
                                                                   EdgeKind.CALLS) is None:
                graph.add_edge(caller, target, EdgeKind.CALLS, via=CallVia.STORED.value,
                               count=count, line=line, field=field.partition(":")[2])
                tally["edges"] += 1
                tally["via_stored"] += 1
    return finish_tally(tally)


def finish_tally(tally: Counter[str]) -> dict:
    considered = tally[CallOutcome.RESOLVED] + tally[CallOutcome.UNRESOLVED]
    share = round(100 * tally[CallOutcome.RESOLVED] / considered, 1) if considered else 0
    out: dict[str, float] = {str(k): v for k, v in tally.items() if k != "resolved_share_pct"}
    out["resolved_share_pct"] = share
    return dict(sorted(out.items()))


def resolve_file_calls(f: FileFacts, symbols: SymbolTable, tally: Counter[str]) -> list[CallEdge]:
    """One file's call sites and function values aggregated per (caller, callee, via):
    (caller, callee, via, count, line); via "value" for a function named as a value."""
    if not f.calls:
        return []
    symbols.ensure(f.import_path)
    scope = symbols.scopes[f.rel_path]
    resolver = CallResolver(symbols, scope, f.locals)
    edges: dict[tuple[str, str, str], list[int]] = {}
    caller_ids: dict[str, str] = {}
    file_name = f.rel_path.rsplit("/", 1)[-1]
    for call in f.calls:
        if not call.caller:
            tally["package_level"] += 1
            continue
        caller = caller_ids.get(call.caller)
        if caller is None:
            caller = caller_ids[call.caller] = caller_id(f.import_path, call.caller, file_name)
            info = symbols.func_info(caller)
            if info is not None and info.file != f.rel_path:
                caller = caller_ids[call.caller] = ""  # another platform's variant: not in view
        if not caller:
            tally["other_platform"] += 1
            continue
        if call.value:
            target, via = resolver.reference(call.caller, call.callee_expr, call.line)
            if not target:
                continue
            tally["references"] += 1
            if call.field:
                key = resolver.store(call.caller, call.holder, call.field, call.line)
                if key:
                    _count(edges, key, target, STORED, call.line)
        else:
            outcome, target, via = resolver.resolve(call.caller, call.callee_expr, call.line)
            tally[outcome.value] += 1
            if outcome is CallOutcome.DYNAMIC and target:
                _count(edges, caller, target, FIELD_CALL, call.line)
                continue
            if outcome is not CallOutcome.RESOLVED:
                continue
            tally[f"via_{via.value if via else via}"] += 1
        _count(edges, caller, target, str(via), call.line)
    return [(c, t, via, n, line, f.rel_path) for (c, t, via), (n, line) in edges.items()]


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
