"""Channel operations in function bodies: sends and receives on fields, through locals too."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Protocol

from kubeatlas.analyzer.goparse import Captures, Node
from kubeatlas.analyzer.model import RECEIVE, SEND, ChannelOp, LocalSource, LocalVar
from kubeatlas.analyzer.values import MAX_CALLEE, flat


class ChannelSink(Protocol):
    """What the handlers need of a file's extraction: where operations and aliases go, and the
    enclosing function of a node ("" at package level)."""

    channels: list[ChannelOp]
    channel_aliases: list[tuple[str, str, str]]

    def scope_of(self, node: Node) -> str: ...


def on_send(acc: ChannelSink, c: Captures) -> None:
    _record(acc, c["send.channel"][0], SEND)


def on_receive(acc: ChannelSink, c: Captures) -> None:
    _record(acc, c["receive.channel"][0], RECEIVE)


def on_ranged(acc: ChannelSink, c: Captures) -> None:
    """`for n := range p.nextCh`: a receive, when what is ranged over is a channel (the
    resolution knows; a slice field is dropped there)."""
    _record(acc, c["ranged.channel"][0], RECEIVE)


def note_alias(acc: ChannelSink, scope: str, name: Node, value: Node) -> None:
    """`nextCh = p.nextCh`: a local assigned from a field, in case a channel operation uses it."""
    if name.type == "identifier" and value.type == "selector_expression":
        acc.channel_aliases.append((scope, flat(name), flat(value)))


def _record(acc: ChannelSink, node: Node, op: str) -> None:
    scope = acc.scope_of(node)
    channel = flat(node)
    if scope and len(channel) <= MAX_CALLEE:
        acc.channels.append(ChannelOp(scope, channel, node.start_point[0] + 1, op))


def through_fields(ops: Sequence[ChannelOp], aliases: Iterable[tuple[str, str, str]],
                   locals_: Sequence[LocalVar]) -> tuple[ChannelOp, ...]:
    """The operations on a field: `p.addCh` as it is; a local's (`nextCh`), once per field it
    was assigned from (`nextCh = p.nextCh`, `ch := p.nextCh`); the others (a parameter, a
    local channel made in the body) joined nothing across functions, so they are dropped."""
    if all("." in op.channel for op in ops):
        return tuple(ops)
    fields: dict[tuple[str, str], set[str]] = defaultdict(set)
    for scope, name, value in aliases:
        fields[(scope, name)].add(value)
    for v in locals_:
        if v.how is LocalSource.VARIABLE and "." in v.expr:
            fields[(v.scope, v.name)].add(v.expr)
    kept: list[ChannelOp] = []
    for op in ops:
        if "." in op.channel:
            kept.append(op)
        else:
            kept += [op._replace(channel=field)
                     for field in sorted(fields.get((op.caller, op.channel), ()))]
    return tuple(kept)
