"""Field keys: the struct field a store, a call through a func field, a channel operation, a
work queue's call or a condition variable's call names — the meeting point of what is put
there and what is taken out — and which calls are the ends of hand-offs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kubeatlas.analyzer.model import is_channel_type
from kubeatlas.graph.resolve.callexpr import base_name, split_segments
from kubeatlas.graph.resolve.handoff import SYNC_COND, cond_end, queue_end

if TYPE_CHECKING:
    from kubeatlas.analyzer.model import CallRef
    from kubeatlas.graph.build.typeref import FileScope
    from kubeatlas.graph.resolve.resolver import CallResolver
    from kubeatlas.graph.resolve.symbols import SymbolTable


def field_key(tid: str, field: str) -> str:
    """`field:k8s.io/…/deployment.DeploymentController.syncHandler`: field `field` of the
    struct whose type id is tid."""
    return f"field:{tid.partition(':')[2]}.{field}"


def stored_field(resolver: CallResolver, caller: str, holder: str, field: str, line: int) -> str:
    """The key of the field a value is stored into: `holder.field = v` or `Holder{field: v}`
    (holder "Holder{}"); "" when the holder's type, or such a field, is not known."""
    tid = resolver.holder_type(caller, holder, line)
    if tid is None or resolver.symbols.field_type(tid, field) is None:
        return ""
    return field_key(tid, field)


def channel_field(resolver: CallResolver, caller: str, expr: str, line: int) -> str:
    """The key of the channel field `expr` names (`p.addCh`); "" when expr is no field of a
    known struct, or the field holds no channel (a slice ranged over)."""
    return _field_holding(resolver, caller, expr, line, lambda text, _: is_channel_type(text))


def holds_channel(symbols: SymbolTable, key: str) -> bool:
    """Does the field a key names hold a channel (its declared type `chan …`/`<-chan …`)?"""
    owner, _, name = key.partition(":")[2].rpartition(".")
    found = symbols.field_type(f"type:{owner}", name)
    return found is not None and is_channel_type(found[0])


def receiver_field(resolver: CallResolver, caller: str, callee_expr: str, line: int) -> str:
    """The key of the field a method is called on (`queue` in `c.queue.Add(key)`); "" when
    the receiver is no field (a local, a parameter)."""
    return _field_holding(resolver, caller, callee_expr.rpartition(".")[0], line,
                          lambda *_: True)


def call_end(resolver: CallResolver, call: CallRef, target: str) -> tuple[str, str]:
    """(end, field key) when a call gives into or takes from a field: `c.queue.Add(key)`
    resolved (target) into client-go's work queue, `p.cond.Wait()` on a field that holds a
    sync.Cond (outside the tree: no target); ("", "") for any other call."""
    end = queue_end(target) if target else cond_end(call.callee_expr)
    if not end:
        return "", ""
    field_of = receiver_field if target else cond_field
    key = field_of(resolver, call.caller, call.callee_expr, call.line)
    return (end, key) if key else ("", "")


def cond_field(resolver: CallResolver, caller: str, callee_expr: str, line: int) -> str:
    """The key of the sync.Cond field a method is called on (`cond` in `p.cond.Broadcast()`,
    the field a `sync.Cond` or a `*sync.Cond`); "" for any other receiver."""
    return _field_holding(resolver, caller, callee_expr.rpartition(".")[0], line,
                          lambda text, scope: scope.named_type(text) == SYNC_COND)


def _field_holding(resolver: CallResolver, caller: str, expr: str, line: int,
                   holds: Callable[[str, FileScope], bool]) -> str:
    """The key of the field `expr` names when its declared type (text, and the scope that
    reads it) `holds`; "" otherwise."""
    split = _split_field(expr)
    if split is None:
        return ""
    tid = resolver.holder_type(caller, split[0], line)
    found = resolver.symbols.field_type(tid, split[1]) if tid is not None else None
    if tid is None or found is None or not holds(*found):
        return ""
    return field_key(tid, split[1])


def _split_field(expr: str) -> tuple[str, str] | None:
    """`c.config.queue` -> ("c.config", "queue"); None for an expression not ending in a field."""
    segments = split_segments(expr, value=True)
    if not segments or len(segments) < 2 or segments[-1] != base_name(segments[-1]):
        return None
    return expr[: -len(segments[-1]) - 1], segments[-1]
