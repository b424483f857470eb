"""Channel operations in function bodies: sends and receives on fields, through locals, getters
and parameters too; the getters that return a field, the methods that return a channel, and
the channels handed to calls."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from kubeatlas.analyzer.goparse import Captures, Node
from kubeatlas.analyzer.model import (
    PASS,
    RECEIVE,
    SEND,
    YIELD,
    ChannelOp,
    LocalVar,
)
from kubeatlas.analyzer.values import MAX_CALLEE, argument_of, flat


class ChannelSink(Protocol):
    """What the handlers need of a file's extraction: where operations and aliases go, and the
    enclosing function of a node ("" at package level)."""

    channels: list[ChannelOp]
    channel_aliases: list[tuple[str, str, str]]
    handed: set[str]  # the current function's variables that may hold such a channel
    callee_at: dict[int, str]  # each call's function text by the byte it ends at

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
    """`nextCh = p.nextCh`, `plegCh := kl.pleg.Watch()`: a local assigned from a field or a
    getter's result, in case a channel operation uses it or hands it to a call."""
    if name.type != "identifier":
        return
    source = flat(value) if value.type == "selector_expression" else (
        _getter_call(value) if value.type == "call_expression" else "")
    if source:
        local = flat(name)
        acc.channel_aliases.append((scope, local, source))
        acc.handed.add(local)


def on_yield(acc: ChannelSink, scope: str, receiver: str, method: Node) -> None:
    """A getter: a method whose body is only `return g.eventChannel`, a field of its receiver
    (whether the field holds a channel is for the resolution to find out)."""
    body = method.child_by_field_name("body")
    statements = [n for n in body.named_children if n.type != "comment"] if body else []
    if len(statements) == 1 and statements[0].type == "statement_list":
        statements = [n for n in statements[0].named_children if n.type != "comment"]
    if len(statements) != 1 or statements[0].type != "return_statement":
        return
    values = statements[0].named_children
    if len(values) != 1 or values[0].type != "expression_list" or values[0].named_child_count != 1:
        return
    value = values[0].named_children[0]
    operand = value.child_by_field_name("operand") if value.type == "selector_expression" else None
    if operand is not None and operand.type == "identifier" and flat(operand) == receiver:
        acc.channels.append(ChannelOp(scope, flat(value), value.start_point[0] + 1, YIELD))


def on_channel_return(acc: ChannelSink, scope: str, method: Node) -> None:
    """A method declared to return a channel (`Channel(…) chan<- interface{}`): what each of its
    returns gives back (outside closures) — a channel it makes, a parameter, a field, or
    another method's result (`return c.mux.ChannelWithContext(ctx, source)`, any arguments);
    whether a name is such a channel is for through_fields to find out."""
    body = method.child_by_field_name("body")
    todo = list(body.named_children) if body is not None else []
    while todo:
        node = todo.pop()
        if node.type == "return_statement":
            values = node.named_children
            if len(values) == 1 and values[0].type == "expression_list" and \
                    values[0].named_child_count == 1:
                _yield_value(acc, scope, values[0].named_children[0])
        elif node.type != "func_literal":
            todo.extend(node.named_children)


def _yield_value(acc: ChannelSink, scope: str, value: Node) -> None:
    if value.type in ("identifier", "selector_expression"):
        channel = flat(value)
    elif value.type == "call_expression":
        channel = _returning_call(value)
    else:
        return
    if channel and len(channel) <= MAX_CALLEE:
        acc.channels.append(ChannelOp(scope, channel, value.start_point[0] + 1, YIELD))


def on_handed(acc: ChannelSink, c: Captures) -> None:
    """`go k.Run(podCfg.Updates())`, `config.NewSourceApiserver(…, cfg.Channel(ctx, source))`: a
    method's result handed to a function started as a goroutine or called as a statement."""
    node = c["handed"][0]
    scope = acc.scope_of(node)
    channel = _returning_call(node) if scope else ""
    call, arg = argument_of(acc.callee_at, node) if channel else ("", -1)
    if call:
        acc.channels.append(ChannelOp(scope, channel, node.start_point[0] + 1, PASS, call, arg))


def pass_variable(acc: ChannelSink, scope: str, name: str, line: int, call: str, arg: int) -> None:
    """A variable handed to a call: kept if it turns out to be a channel parameter, a channel
    the function made, or a local holding a field or a getter's result (see through_fields)."""
    acc.channels.append(ChannelOp(scope, name, line, PASS, call, arg))


def _record(acc: ChannelSink, node: Node, op: str) -> None:
    scope = acc.scope_of(node)
    channel = _getter_call(node) if node.type == "call_expression" else flat(node)
    if scope and channel and len(channel) <= MAX_CALLEE:
        acc.channels.append(ChannelOp(scope, channel, node.start_point[0] + 1, op))


def _getter_call(call: Node) -> str:
    """`kl.pleg.Watch()` for a call of a method with no arguments; "" for any other call."""
    args = call.child_by_field_name("arguments")
    return _returning_call(call) if args is not None and not args.named_child_count else ""


def _returning_call(call: Node) -> str:
    """`cfg.Channel()` for a call of a method (its arguments left out, whatever they are); ""
    for any other call. The resolution finds the method and what it returns."""
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "selector_expression":
        return ""
    text = flat(fn) + "()"
    return text if len(text) <= MAX_CALLEE else ""


def through_fields(ops: Sequence[ChannelOp], aliases: Iterable[tuple[str, str, str]],
                   locals_: Sequence[LocalVar],
                   chan_params: Mapping[str, frozenset[str]]) -> tuple[ChannelOp, ...]:
    """The operations on a field, a getter's result, a channel parameter or a channel the
    function makes: `p.addCh`, `kl.pleg.Watch()`, `plegCh` (a parameter of the function, per
    `chan_params`) and `updates` (`updates := make(chan …)`) as they are; a local's
    (`nextCh`), once per field or getter call it was assigned from (`nextCh = p.nextCh`, `ch :=
    p.nextCh`, `plegCh := kl.pleg.Watch()`); the others join nothing across functions, so
    they are dropped."""
    if all("." in op.channel for op in ops):
        return tuple(ops)
    fields: dict[tuple[str, str], set[str]] = defaultdict(set)
    for scope, name, value in aliases:
        fields[(scope, name)].add(value)
    made: set[tuple[str, str]] = set()
    for v in locals_:
        if v.from_field:
            fields[(v.scope, v.name)].add(v.expr)
        elif v.makes_channel:
            made.add((v.scope, v.name))
    kept: list[ChannelOp] = []
    for op in ops:
        local = (op.caller, op.channel)
        if "." in op.channel or op.channel in chan_params.get(op.caller, ()):
            kept.append(op)
        elif local in fields:  # `var next chan<- T` … `next = l.nextCh`: the field's
            kept += [op._replace(channel=field) for field in sorted(fields[local])]
        elif local in made:
            kept.append(op)
    return tuple(kept)
