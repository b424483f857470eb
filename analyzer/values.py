"""Syntax nodes read as text, and what a right-hand side tells of a local variable's type."""

from __future__ import annotations

import re

from kubeatlas.analyzer.goparse import Node
from kubeatlas.analyzer.model import LocalSource

_SPACE = re.compile(r"\s+")
MAX_CALLEE = 200


def text(node: Node) -> str:
    return node.text.decode("utf-8", "replace")


def flat(node: Node) -> str:
    """Node text on one line with runs of whitespace collapsed (type and callee texts)."""
    raw = text(node)
    if " " in raw or "\n" in raw or "\t" in raw:
        return _SPACE.sub(" ", raw).strip()
    return raw


NOT_CALLEES = frozenset({"func_literal", "parenthesized_expression"})  # no function's name

# client-go's cache.NewListWatchFromClient and NewFilteredListWatchFromClient: a list-watch of
# the resource their second argument names
_LIST_WATCH = "ListWatchFromClient"


def listed_resource(callee: str, call: Node) -> str:
    """The resource a list-watch call names with a string literal (`"pods"`), else ""."""
    if not callee.endswith(_LIST_WATCH):
        return ""
    arguments = call.child_by_field_name("arguments")
    named = [a for a in arguments.named_children if a.type != "comment"] if arguments else []
    if len(named) < 2 or named[1].type != "interpreted_string_literal":
        return ""
    return text(named[1])[1:-1]


def argument_of(callee_at: dict[int, str], node: Node) -> tuple[str, int]:
    """(the called expression, position) when node is an argument of a call, else ("", -1);
    `callee_at` holds each call's function text by the byte it ends at."""
    arguments = node.parent
    if arguments is None or arguments.type != "argument_list":
        return "", -1
    callee = callee_at.get(arguments.start_byte)  # `f(`: what the call's handler read before
    if callee is None:  # `f[T](x)`, `f (x)`: the function does not end where `(` starts
        fn = arguments.parent.child_by_field_name("function") if arguments.parent else None
        callee = flat(fn) if fn is not None and fn.type not in NOT_CALLEES else ""
        if not callee or len(callee) > MAX_CALLEE:
            return "", -1
    position = 0
    sibling = node.prev_named_sibling
    while sibling is not None:
        position += sibling.type != "comment"
        sibling = sibling.prev_named_sibling
    return callee, position


def callee_text(call: Node) -> str:
    fn = call.child_by_field_name("function")  # F, pkg.F, x.M, F[T] / pkg.F[T]
    if fn is not None and fn.type in ("identifier", "selector_expression", "index_expression"):
        callee = flat(fn)
        return callee if len(callee) <= MAX_CALLEE else ""
    return ""


def local_of_value(value: Node) -> tuple[str, LocalSource] | None:
    """What a right-hand side tells of its type: &T{} -> ("*T", TYPE), NewT() -> ("NewT", CALL),
    m[k] -> ("m", INDEX), <-ch -> ("ch", RECEIVE), y -> ("y", VARIABLE)."""
    kind = value.type
    if kind == "unary_expression":
        operand = value.child_by_field_name("operand")
        operator = text(value)[:2]
        if operand is not None and operator[:1] == "&" and operand.type == "composite_literal":
            type_node = operand.child_by_field_name("type")
            return ("*" + flat(type_node), LocalSource.TYPE) if type_node else None
        if operand is not None and operator == "<-":
            return _bounded(flat(operand), LocalSource.RECEIVE)
        if operand is not None and operator[:1] == "&" and operand.type in ("identifier",
                                                                         "selector_expression"):
            return _bounded(flat(operand), LocalSource.ADDRESS)
        return None
    if kind == "composite_literal":
        type_node = value.child_by_field_name("type")
        return (flat(type_node), LocalSource.TYPE) if type_node else None
    if kind == "call_expression":
        callee = callee_text(value)
        if callee in ("make", "new"):  # make(T, n) is a T, new(T) a *T
            return _made(value, callee)
        return (callee, LocalSource.CALL) if callee else None
    if kind == "type_conversion_expression":  # F[T](x): a generic call, or a conversion
        generic = value.child_by_field_name("type")
        named = generic.child_by_field_name("type") if generic is not None else None
        return _bounded(flat(named), LocalSource.CALL) if named is not None else None
    if kind == "func_literal":
        return "func", LocalSource.TYPE  # a closure: calls through it are dynamic
    if kind == "type_assertion_expression":
        type_node = value.child_by_field_name("type")
        return (flat(type_node), LocalSource.TYPE) if type_node else None
    if kind == "index_expression":
        operand = value.child_by_field_name("operand")
        return _bounded(flat(operand), LocalSource.INDEX) if operand is not None else None
    if kind in ("identifier", "selector_expression"):
        return _bounded(flat(value), LocalSource.VARIABLE)
    return None


def _made(call: Node, builtin: str) -> tuple[str, LocalSource] | None:
    arguments = call.child_by_field_name("arguments")
    first = arguments.named_children[0] if arguments is not None and arguments.named_child_count else None
    if first is None:
        return None
    made = flat(first)
    return _bounded(made if builtin == "make" else "*" + made, LocalSource.TYPE)


def _bounded(expr: str, how: LocalSource) -> tuple[str, LocalSource] | None:
    return (expr, how) if len(expr) <= MAX_CALLEE else None


_BLOCKS = frozenset({"block", "if_statement", "for_statement", "expression_switch_statement",
                     "type_switch_statement", "select_statement", "func_literal",
                     "communication_case", "expression_case", "type_case", "default_case"})


def block_end(node: Node) -> int:
    """Last line of the innermost block (or if/for/switch/case, or closure) around node: where
    a variable declared there goes out of scope."""
    parent = node.parent
    while parent is not None:
        if parent.type in _BLOCKS:
            return parent.end_point[0] + 1
        parent = parent.parent
    return 0
