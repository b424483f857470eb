"""Variables declared inside function bodies, read from query matches: `:=` (one value per
name, or a call's results, or `v, ok := m[k]`), `range`, closure parameters and a type switch's
variable per clause. What each records lets resolution type the receivers of later calls."""

from __future__ import annotations

from typing import Protocol

from kubeatlas.analyzer.goparse import Captures, Node
from kubeatlas.analyzer.model import LocalSource, LocalVar
from kubeatlas.analyzer.typesyntax import read_params
from kubeatlas.analyzer.values import MAX_CALLEE, block_end, callee_text, flat, local_of_value, text


class LocalsSink(Protocol):
    """What the handlers need of a file's extraction: where locals go, and the enclosing
    function of a node ("" at package level)."""

    locals: list[LocalVar]

    def scope_of(self, node: Node) -> str: ...


def named_results(acc: LocalsSink, node: Node) -> None:
    """`func f() (pod *v1.Pod, err error)`: pod and err are variables of the body."""
    result = node.child_by_field_name("result")
    if result is not None and result.type == "parameter_list":
        line = node.start_point[0] + 1
        scope = acc.scope_of(node)
        acc.locals.extend(LocalVar(scope, p.name, line, p.type_expr)
                          for p in read_params(result) if p.name and p.name != "_")


def on_local(acc: LocalsSink, c: Captures) -> None:
    names = c["local.names"][0]
    scope = acc.scope_of(names)
    if not scope:
        return
    line = names.start_point[0] + 1
    until = block_end(names)
    left = [text(n) for n in names.named_children]
    right = c["local.values"][0].named_children
    if len(left) == len(right):
        for name, value in zip(left, right, strict=True):
            found = local_of_value(value) if name != "_" else None
            if found:
                acc.locals.append(LocalVar(scope, name, line, *found, until=until))
    elif len(right) == 1:
        value = right[0]
        for position, name in enumerate(left):
            if name == "_":
                continue
            if value.type == "call_expression":
                callee = callee_text(value)
                if callee:
                    acc.locals.append(LocalVar(scope, name, line, callee, LocalSource.CALL, position,
                                               until))
            elif position == 0:  # v, ok := m[k] / <-ch / x.(T)
                found = local_of_value(value)
                if found:
                    acc.locals.append(LocalVar(scope, name, line, *found, until=until))


def on_range(acc: LocalsSink, c: Captures) -> None:
    node = c["range"][0]
    scope = acc.scope_of(node)
    if not scope or not any(child.type == ":=" for child in node.children):
        return
    ranged = flat(c["range.value"][0])
    if len(ranged) > MAX_CALLEE:
        return
    line = node.start_point[0] + 1
    for name, how in zip(c["range.names"][0].named_children[:2],
                         (LocalSource.RANGE_KEY, LocalSource.RANGE_VALUE), strict=False):
        if text(name) != "_":
            acc.locals.append(LocalVar(scope, text(name), line, ranged, how,
                                       until=block_end(node)))


def on_closure(acc: LocalsSink, c: Captures) -> None:
    plist = c["closure.params"][0]
    scope = acc.scope_of(plist)
    if scope:
        line = plist.start_point[0] + 1
        until = plist.parent.end_point[0] + 1
        acc.locals.extend(LocalVar(scope, p.name, line, p.type_expr, until=until)
                          for p in read_params(plist) if p.name and p.name != "_")


def on_type_switch(acc: LocalsSink, c: Captures) -> None:
    """`switch v := x.(type) { case *T: … }`: in a clause naming one type, v is of that type;
    in the others (several types, default) it is what x is."""
    node = c["tswitch"][0]
    scope = acc.scope_of(node)
    if not scope:
        return
    name = text(c["tswitch.name"][0])
    value = flat(c["tswitch.value"][0])
    if name == "_" or len(value) > MAX_CALLEE:
        return
    for clause in node.named_children:
        if clause.type not in ("type_case", "default_case"):
            continue
        types = clause.children_by_field_name("type") if clause.type == "type_case" else []
        line, until = clause.start_point[0] + 1, clause.end_point[0] + 1
        if len(types) == 1 and text(types[0]) != "nil":
            acc.locals.append(LocalVar(scope, name, line, flat(types[0]), until=until))
        else:
            acc.locals.append(LocalVar(scope, name, line, value, LocalSource.VARIABLE, until=until))
