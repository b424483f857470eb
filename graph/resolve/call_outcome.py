"""Why a call's receiver stays unknown: a type from outside the tree makes the call
"external" (not a resolution failure), `error` makes it "builtin", anything else is
"unresolved" and counts against the resolved share."""

from __future__ import annotations

from kubeatlas.graph.build.typeref import FileScope
from kubeatlas.graph.resolve.symbols import SymbolTable


def is_external(symbols: SymbolTable, scope: FileScope, type_expr: str) -> bool:
    found = scope.named_type(type_expr)
    return found is not None and found[0] not in symbols.packages


def head_outcome(symbols: SymbolTable, scope: FileScope, head: str, declared: str | None) -> str:
    """Outcome for `head.M()` when head's type is unknown; `declared` is its local or
    parameter type text, if any (else package-level variables are consulted)."""
    text = declared
    if text is None:
        found = symbols.package_vars.get(f"{scope.package}.{head}")
        if found is None:
            return "unresolved"
        text, scope = found
    if text.startswith("call:"):
        alias, dot, _ = text[5:].partition(".")
        path = scope.imports.get(alias) if dot else None
        return "external" if path and path not in symbols.packages else "unresolved"
    if text.lstrip("*") == "error":
        return "builtin"
    return "external" if is_external(symbols, scope, text) else "unresolved"


def member_outcome(symbols: SymbolTable, tid: str, segment: str) -> str:
    """Outcome when a chain step `.segment` of a known type leads nowhere in the tree."""
    if segment.endswith("()"):
        entry = symbols.method_set(tid).get(segment[:-2])
        if entry is not None:
            method = entry[0]
            return ("external" if method.results
                    and is_external(symbols, method.scope, method.results[0]) else "unresolved")
        return embeds_external(symbols, tid)
    found = symbols.field_type(tid, segment)
    if found is not None:
        return "external" if is_external(symbols, found[1], found[0]) else "unresolved"
    return embeds_external(symbols, tid)


def embeds_external(symbols: SymbolTable, tid: str) -> str:
    """A member missing from a type that embeds an out-of-tree type (sync.Mutex, io.Reader)
    is most likely promoted from it."""
    info = symbols.types.get(tid)
    if info is None:
        return "unresolved"
    embedded = [f.type_expr for f in info.decl.fields if f.embedded] + list(info.decl.embeds)
    return ("external" if any(is_external(symbols, info.scope, e) for e in embedded)
            else "unresolved")
