"""IMPLEMENTS by Go's structural typing, and DISPATCHES from interface methods to the
methods that implement them."""

from __future__ import annotations

from collections import Counter

from kubeatlas.graph.build.typeref import FileScope
from kubeatlas.graph.model.kubegraph import KubeGraph
from kubeatlas.graph.model.schema import EdgeKind
from kubeatlas.graph.resolve.symbols import MethodInfo, SymbolTable


def add_implements(graph: KubeGraph, symbols: SymbolTable) -> dict[str, int]:
    """For every in-tree interface with methods, every named non-interface type whose method
    set (of T, else of *T) covers the interface's, compared by name and qualified signature."""
    # an interface, or a type defined from one (`type List metav1.ListInterface`): its methods
    method_source = {tid: symbols.interface_of(tid) for tid in symbols.types if tid in graph}
    interfaces = {tid: source for tid, source in method_source.items() if source}
    tally: Counter[str] = Counter()
    # the types that can implement (named non-interfaces in the graph) and their method sets,
    # looked up once: a common method name (String, DeepCopyObject) has thousands of holders
    concrete_types = {tid for tid, source in method_source.items() if not source}
    method_sets: dict[str, dict[str, tuple[MethodInfo, bool]]] = {}
    for iface in sorted(interfaces):
        wanted = symbols.method_set(interfaces[iface])
        if not wanted:
            continue
        rarest = min(wanted, key=lambda name: len(symbols.by_method_name.get(name, ())))
        candidates = _types_with_method(symbols, rarest) & concrete_types
        for tid in sorted(candidates):
            have = method_sets.get(tid)
            if have is None:
                have = method_sets[tid] = symbols.method_set(tid)
            via_pointer = False
            for name, (spec, _) in wanted.items():
                entry = have.get(name)
                if entry is None or entry[0].signature != spec.signature:
                    break
                via_pointer = via_pointer or entry[1]
            else:
                graph.add_edge(tid, iface, EdgeKind.IMPLEMENTS, via_pointer=via_pointer,
                               confidence=_confidence(symbols, tid, iface))
                tally["implements"] += 1
                if interfaces[iface] != iface:
                    continue  # the methods are the source interface's: it dispatches them
                for name, (spec, _) in wanted.items():
                    concrete = have[name][0].id
                    if concrete in graph and spec.id in graph:
                        graph.add_edge(spec.id, concrete, EdgeKind.DISPATCHES,
                                       via_pointer=have[name][1])
                        tally["dispatches"] += 1
    tally["interfaces"] = len(interfaces)
    return dict(tally)


def _confidence(symbols: SymbolTable, tid: str, iface: str) -> str:
    """"exact" when every name in both signatures resolved through imports; "approximate"
    when a dot-import could have supplied an unqualified name (compared as written)."""
    if _scope(symbols, tid).dot_imports or _scope(symbols, iface).dot_imports:
        return "approximate"
    return "exact"


def _types_with_method(symbols: SymbolTable, name: str) -> set[str]:
    """Types declaring `name`, plus the structs that embed them (promotion), transitively."""
    found = set(symbols.by_method_name.get(name, ()))
    embedders = symbols.embedders()
    frontier = list(found)
    while frontier:
        nxt = []
        for tid in frontier:
            for outer in embedders.get(tid, ()):
                if outer not in found:
                    found.add(outer)
                    nxt.append(outer)
        frontier = nxt
    return found


def _scope(symbols: SymbolTable, tid: str) -> FileScope:
    info = symbols.type_info(tid)
    assert info is not None, tid  # only ids the table listed reach here
    return info.scope
