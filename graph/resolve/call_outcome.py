"""Why a call's receiver stays unknown: a type from outside the tree makes the call
EXTERNAL (not a resolution failure), `error` makes it BUILTIN, anything else is UNRESOLVED
and counts against the resolved share."""

from __future__ import annotations

from enum import StrEnum

from kubeatlas.analyzer.model import LocalSource
from kubeatlas.graph.build.typeref import FileScope
from kubeatlas.graph.resolve.symbols import SymbolTable


class CallOutcome(StrEnum):
    """What became of one call site (the resolution tally's keys)."""

    RESOLVED = "resolved"
    BUILTIN = "builtin"  # len(), append(), err.Error()
    CONVERSION = "conversion"  # T(x), pkg.T(x)
    EXTERNAL = "external"  # a function or type outside the tree
    DYNAMIC = "dynamic"  # a func-typed variable or field: nothing static to name
    UNRESOLVED = "unresolved"


def is_external(symbols: SymbolTable, scope: FileScope, type_expr: str) -> bool:
    found = scope.named_type(type_expr)
    return found is not None and not symbols.has_package(found[0])


def head_outcome(symbols: SymbolTable, scope: FileScope, head: str, declared: str | None,
                 callee: str | None = None) -> CallOutcome:
    """Outcome for `head.M()` when head's type is unknown; `declared` is its local or
    parameter type text, `callee` the function whose result it is (else package-level
    variables are consulted)."""
    text = declared
    if callee is not None:
        alias, dot, _ = callee.partition(".")
        path = scope.imports.get(alias) if dot else None
        return (CallOutcome.EXTERNAL if path and not symbols.has_package(path)
                else CallOutcome.UNRESOLVED)
    if text is None:
        found = symbols.package_var(scope.package, head)
        if found is None:
            return CallOutcome.UNRESOLVED
        if found.how is LocalSource.ADDRESS:  # var b = &SchemeBuilder: typed only when resolved
            return CallOutcome.UNRESOLVED
        text, scope = found.expr, found.scope
        if found.how is LocalSource.CALL:
            return head_outcome(symbols, scope, head, None, text)
    if text.lstrip("*") == "error":
        return CallOutcome.BUILTIN
    return CallOutcome.EXTERNAL if is_external(symbols, scope, text) else CallOutcome.UNRESOLVED


def member_outcome(symbols: SymbolTable, tid: str, segment: str) -> CallOutcome:
    """Outcome when a chain step `.segment` of a known type leads nowhere in the tree."""
    if segment.endswith("()"):
        entry = symbols.method_set(tid).get(segment[:-2])
        if entry is not None:
            method = entry[0]
            return (CallOutcome.EXTERNAL if method.results
                    and is_external(symbols, method.scope, method.results[0])
                    else CallOutcome.UNRESOLVED)
        return embeds_external(symbols, tid)
    found = symbols.field_type(tid, segment)
    if found is not None:
        return (CallOutcome.EXTERNAL if is_external(symbols, found[1], found[0])
                else CallOutcome.UNRESOLVED)
    return embeds_external(symbols, tid)


def embeds_external(symbols: SymbolTable, tid: str) -> CallOutcome:
    """A member missing from a type that embeds an out-of-tree type (sync.Mutex, io.Reader)
    is most likely promoted from it."""
    info = symbols.type_info(tid)
    if info is None:
        return CallOutcome.UNRESOLVED
    embedded = [f.type_expr for f in info.decl.fields if f.embedded] + list(info.decl.embeds)
    return (CallOutcome.EXTERNAL if any(is_external(symbols, info.scope, e) for e in embedded)
            else CallOutcome.UNRESOLVED)
