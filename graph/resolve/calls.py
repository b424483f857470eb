"""CALLS: resolve each call site's expression to the function or method it names."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from kubeatlas.analyzer.model import FileFacts
from kubeatlas.graph.build.typeref import FileScope
from kubeatlas.graph.model.kubegraph import KubeGraph
from kubeatlas.graph.model.schema import (
    EdgeKind,
    function_id,
    method_id,
    type_id,
)
from kubeatlas.graph.resolve.call_outcome import (
    embeds_external,
    head_outcome,
    member_outcome,
)
from kubeatlas.graph.resolve.symbols import SymbolTable

BUILTINS = frozenset(
    "append cap clear close complex copy delete imag len make max min new panic print println "
    "real recover bool byte complex64 complex128 error float32 float64 int int8 int16 int32 "
    "int64 rune string uint uint8 uint16 uint32 uint64 uintptr any".split()
)
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")


CallEdge = tuple[str, str, str, int, int]  # (caller, callee, via, count, first line)


def add_call_edges(graph: KubeGraph, edges: Iterable[CallEdge], tally: Counter[str]) -> dict:
    """Add the resolved calls whose two ends are in the graph, in the order given; `tally` holds
    the resolution counts once `edges` is exhausted. Returns the finished tally."""
    for caller, target, via, count, line in edges:
        if caller in graph and target in graph:
            graph.add_edge(caller, target, EdgeKind.CALLS, via=via, count=count, line=line)
            tally["edges"] += 1
    return finish_tally(tally)


def finish_tally(tally: Counter[str]) -> dict:
    considered = tally["resolved"] + tally["unresolved"]
    tally["resolved_share_pct"] = round(100 * tally["resolved"] / considered, 1) if considered else 0
    return dict(sorted(tally.items()))


def resolve_file_calls(f: FileFacts, symbols: SymbolTable, tally: Counter[str]) -> list[CallEdge]:
    """One file's call sites aggregated per (caller, callee): (caller, callee, via, count, line)."""
    if not f.calls:
        return []
    symbols.ensure(f.import_path)
    scope = symbols.scopes[f.rel_path]
    local_types = {(v.scope, v.name): v.type_expr for v in f.locals}
    resolver = _Resolver(symbols, scope, local_types)
    edges: dict[tuple[str, str], list] = {}
    caller_ids: dict[str, str] = {}
    for call in f.calls:
        if not call.caller:
            tally["package_level"] += 1
            continue
        outcome, target, via = resolver.resolve(call.caller, call.callee_expr)
        tally[outcome] += 1
        if outcome != "resolved":
            continue
        tally[f"via_{via}"] += 1
        caller = caller_ids.get(call.caller)
        if caller is None:
            caller = caller_ids[call.caller] = _caller_id(f.import_path, call.caller)
        key = (caller, target)
        if key in edges:
            edges[key][1] += 1
        else:
            edges[key] = [via, 1, call.line]
    return [(c, t, via, n, line) for (c, t), (via, n, line) in edges.items()]


def _caller_id(package: str, caller: str) -> str:
    if caller.startswith("("):
        receiver, _, name = caller[1:].partition(").")
        return method_id(package, receiver.lstrip("*"), name, receiver.startswith("*"))
    return function_id(package, caller)


def split_segments(expr: str) -> list[str] | None:
    """`a.b(x).c` -> ["a", "b()", "c"]; `sets.New[string]` -> ["sets", "New"] (type arguments
    dropped); None for expressions we do not follow (index expressions, literals)."""
    if _DOTTED.match(expr):  # the common case: a.b.c
        return expr.split(".")
    segments: list[str] = []
    depth = 0
    current: list[str] = []
    for position, ch in enumerate(expr):
        if ch in "([{":
            if depth == 0 and ch == "(":
                current.append("()")
            elif depth == 0 and ch == "[" and _type_arguments(expr, position):
                pass  # F[T](...): an instantiation, F is what is called
            elif depth == 0:
                return None  # index expressions, composite literals
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and not ch.isspace():  # chains broken over lines: `c.Get().\n\tName()`
            if ch == ".":
                segments.append("".join(current))
                current = []
            else:
                current.append(ch)
    segments.append("".join(current))
    for s in segments:
        name = s[:-2] if s.endswith("()") else s
        if not _PLAIN.match(name):
            return None
    return segments


def _type_arguments(expr: str, open_at: int) -> bool:
    """Is the `[` at open_at the start of type arguments, i.e. is its `]` the callee's end
    (the call expression's own text stops there) or followed by `(`?"""
    depth = 0
    for position in range(open_at, len(expr)):
        if expr[position] == "[":
            depth += 1
        elif expr[position] == "]":
            depth -= 1
            if depth == 0:
                tail = expr[position + 1:].lstrip()
                return tail == "" or tail.startswith("(")
    return False


class _Resolver:
    """Resolves call expressions within one file."""

    def __init__(self, symbols: SymbolTable, scope: FileScope,
                 local_types: dict[tuple[str, str], str]) -> None:
        self.symbols = symbols
        self.scope = scope
        self.local_types = local_types
        self._params: dict[str, dict[str, str]] = {}
        self._depth = 0

    def resolve(self, caller: str, expr: str) -> tuple[str, str, str]:
        """(outcome, target id, via) with outcome resolved/builtin/conversion/external/unresolved."""
        segments = split_segments(expr)
        if not segments:
            return "unresolved", "", ""
        head = segments[0]
        if len(segments) == 1:
            return self._plain_call(caller, head)
        current = self._head_type(caller, head)
        rest = segments[1:]
        if current is None and not head.endswith("()") and self._variable_type(caller, head) is None:
            path = self.scope.imports.get(head)
            if path is not None:
                return self._package_member(path, rest)
        if current is None:
            outcome = head_outcome(self.symbols, self.scope, head,
                                   self._variable_type(caller, head))
            return outcome, "", ""
        outcome, target, via = self._chain_to_method(current[0], rest)
        if via == "method" and len(segments) > 2:
            via = "field"  # recv.field.M(): through a struct field
        return outcome, target, via

    def _plain_call(self, caller: str, head: str) -> tuple[str, str, str]:
        name = head[:-2] if head.endswith("()") else head
        if head.endswith("()"):
            return "unresolved", "", ""  # f()() — a call of a call's result
        if self._variable_type(caller, name) is not None:
            return "dynamic", "", ""
        fid = function_id(self.scope.package, name)
        if fid in self.symbols.funcs:
            return "resolved", fid, "direct"
        if name in BUILTINS:
            return "builtin", "", ""
        if type_id(self.scope.package, name) in self.symbols.types:
            return "conversion", "", ""
        return "unresolved", "", ""

    def _package_member(self, path: str, rest: list[str]) -> tuple[str, str, str]:
        if path not in self.symbols.packages:
            return "external", "", ""
        name = rest[0]
        if len(rest) == 1:
            fid = function_id(path, name)
            if fid in self.symbols.funcs:
                return "resolved", fid, "direct"
            if type_id(path, name) in self.symbols.types:
                return "conversion", "", ""
            return "unresolved", "", ""
        if name.endswith("()"):  # pkg.F().M()
            info = self.symbols.funcs.get(function_id(path, name[:-2]))
            tid = (self.symbols.named(info.scope, info.results[0])
                   if info is not None and info.results else None)
        else:  # pkg.Var.M()
            tid = self.symbols.package_var_type(path, name)
        return self._chain_to_method(tid, rest[1:])

    def _chain_to_method(self, tid: str | None, rest: list[str]) -> tuple[str, str, str]:
        """Walk `.a.b().M` from type tid to the method M: (outcome, method id, via)."""
        if tid is None:
            return "unresolved", "", ""
        for segment in rest[:-1]:
            step = self._member_type(tid, segment)
            if step is None:
                return member_outcome(self.symbols, tid, segment), "", ""
            tid = step
        name = rest[-1]
        if name.endswith("()"):
            return "unresolved", "", ""  # f()(): a call of a call's result
        entry = self.symbols.method_set(tid).get(name)
        if entry is None:
            if self.symbols.field_type(tid, name) is not None:
                return "dynamic", "", ""  # a func-typed field
            return embeds_external(self.symbols, tid), "", ""
        return "resolved", entry[0].id, "interface" if self.symbols.is_interface(tid) else "method"

    def _variable_type(self, caller: str, name: str) -> str | None:
        text = self.local_types.get((caller, name))
        if text is not None:
            return text
        params = self._params.get(caller)
        if params is None:
            info = self.symbols.funcs.get(_caller_id(self.scope.package, caller))
            params = {p: t for p, t in info.params if p} if info is not None else {}
            self._params[caller] = params
        return params.get(name)

    def _head_type(self, caller: str, head: str) -> tuple[str, FileScope] | None:
        if head.endswith("()"):
            return self._result_type(function_id(self.scope.package, head[:-2]))
        text = self._variable_type(caller, head)
        if text is None:
            tid = self.symbols.package_var_type(self.scope.package, head)
            return (tid, self.scope) if tid else None
        if text.startswith("call:"):
            return self._call_result(caller, text[5:])
        tid = self.symbols.named(self.scope, text)
        return (tid, self.scope) if tid else None

    def _call_result(self, caller: str, callee: str) -> tuple[str, FileScope] | None:
        """Type of `x := callee(...)`: a function, pkg.F, or a method chain (`c.Pods(ns).Get`)."""
        alias, dot, rest = callee.partition(".")
        package_func = (dot and alias in self.scope.imports
                        and self._variable_type(caller, alias) is None)
        if (not dot or package_func) and "." not in rest:
            return self.symbols.call_result(self.scope, callee)
        if self._depth > 3:  # x := x.Next(): a chain through itself
            return None
        self._depth += 1
        try:
            outcome, target, _ = self.resolve(caller, callee)
        finally:
            self._depth -= 1
        return self._result_type(target) if outcome == "resolved" else None

    def _result_type(self, fid: str) -> tuple[str, FileScope] | None:
        info = self.symbols.funcs.get(fid)
        if info is not None:
            results, scope = info.results, info.scope
        else:  # an interface method: method:pkg.(Iface).Name
            owner, _, name = fid.partition(":")[2].rpartition(").")
            package, _, iface = owner.partition(".(")
            declared = self.symbols.types.get(type_id(package, iface)) if iface else None
            method = declared.methods.get(name) if declared is not None else None
            if method is None:
                return None
            results, scope = method.results, method.scope
        tid = self.symbols.named(scope, results[0]) if results else None
        return (tid, scope) if tid else None

    def _member_type(self, tid: str, segment: str) -> str | None:
        if segment.endswith("()"):
            entry = self.symbols.method_set(tid).get(segment[:-2])
            if entry is None or not entry[0].results:
                return None
            return self.symbols.named(entry[0].scope, entry[0].results[0])
        found = self.symbols.field_type(tid, segment)
        if found is None:
            return None
        return self.symbols.named(found[1], found[0])
