"""Go syntax tree -> FileFacts: one small function per kind of query match."""

from __future__ import annotations

import hashlib
import re

from kubeatlas.analyzer.body_locals import named_results, on_closure, on_local, on_range, on_type_switch
from kubeatlas.analyzer.buildtags import read_build_expr, with_cgo
from kubeatlas.analyzer.channels import (
    note_alias,
    on_channel_return,
    on_handed,
    on_ranged,
    on_receive,
    on_send,
    on_yield,
    pass_variable,
    through_fields,
)
from kubeatlas.analyzer.goparse import PATTERN_NAMES, Captures, GoParser, Node
from kubeatlas.analyzer.model import (
    CallRef,
    ChannelOp,
    Decl,
    DeclKind,
    FileFacts,
    ImportRef,
    LocalSource,
    LocalVar,
    Param,
    Problem,
    SourceFile,
    is_channel_type,
)
from kubeatlas.analyzer.typesyntax import (
    read_doc,
    read_interface_elems,
    read_params,
    read_receiver,
    read_results,
    read_struct_fields,
)
from kubeatlas.analyzer.values import (
    MAX_CALLEE,
    NOT_CALLEES,
    argument_of,
    block_end,
    flat,
    listed_resource,
    local_of_value,
    text,
)

GENERATED = re.compile(rb"^// Code generated .* DO NOT EDIT\.$", re.MULTILINE)


def extract_facts(parser: GoParser, source: SourceFile, content: bytes) -> FileFacts:
    """Parse one file's bytes into its FileFacts; problems are recorded, never raised."""
    problems: list[Problem] = []
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        problems.append(Problem("encoding", f"invalid UTF-8 at byte {exc.start}", line))
    if not content.strip():
        problems.append(Problem("empty", "file is empty"))
    root = parser.parse(content)
    acc = _Accumulator(source.rel_path)
    handlers = _HANDLER_BY_PATTERN
    for index, captures in parser.matches(root):
        handlers[index](acc, captures)
    if root.has_error:
        problems.append(Problem("syntax", "syntax error", parser.first_missing_line(root)))
    if not acc.package and content.strip():
        problems.append(Problem("no-package", "no package clause"))
    header = content[: acc.package_offset] if acc.package else content[:4096]  # before `package`
    return FileFacts(
        rel_path=source.rel_path,
        import_path=source.import_path,
        module=source.module,
        package=acc.package,
        is_test=source.is_test,
        is_generated=bool(GENERATED.search(header)),
        build_expr=with_cgo(read_build_expr(header), any(i.path == "C" for i in acc.imports)),
        imports=tuple(acc.imports),
        decls=tuple(acc.decls),
        calls=tuple(acc.calls),
        locals=tuple(acc.locals),
        lines=content.count(b"\n") + (0 if content.endswith(b"\n") or not content else 1),
        size=len(content),
        sha=hashlib.sha1(content).hexdigest(),
        problems=tuple(problems),
        channels=through_fields(acc.channels, acc.channel_aliases, acc.locals, acc.chan_params),
    )


class _Accumulator:
    """Mutable state of one file's extraction, turned into tuples at the end."""

    __slots__ = ("callee_at", "calls", "chan_params", "channel_aliases", "channels", "decls",
                 "func_params", "handed", "imports", "known", "known_upto", "locals", "ordinal", "package",
                 "package_offset", "rel_path", "scope", "scope_end")

    def __init__(self, rel_path: str) -> None:
        self.rel_path = rel_path
        self.package = ""
        self.package_offset = 0
        self.imports: list[ImportRef] = []
        self.decls: list[Decl] = []
        self.calls: list[CallRef] = []
        self.locals: list[LocalVar] = []
        self.channels: list[ChannelOp] = []
        self.channel_aliases: list[tuple[str, str, str]] = []  # (scope, local, field expression)
        self.scope = ""  # qualified name of the function being walked
        self.scope_end = -1
        self.ordinal = 0  # init and _ functions so far: they may repeat, their ordinal names them
        self.known: set[str] = set()
        self.known_upto = 0
        self.func_params: frozenset[str] = frozenset()  # the function's func-typed parameters
        # its variables that may hold a channel worth following when handed to a call: channel
        # parameters, channels it makes, and locals assigned from a field or a getter's call
        # (see note_alias)
        self.handed: set[str] = set()
        self.chan_params: dict[str, frozenset[str]] = {}  # by function: its channel parameters
        self.callee_at: dict[int, str] = {}  # a call's function text by the byte it ends at

    def enter(self, node: Node, qualified: str) -> None:
        self.scope, self.scope_end = qualified, node.end_byte
        params = self.decls[-1].params if self.decls else ()
        self.known = {p.name for p in params}  # the function's variables: never function values
        self.known_upto = len(self.locals)
        self.func_params = frozenset(p.name for p in params if p.type_expr.startswith("func"))
        self.handed = {p.name for p in params if is_channel_type(p.type_expr)}
        if self.handed:
            self.chan_params[qualified] = frozenset(self.handed)

    def is_variable(self, name: str) -> bool:
        """Is name a parameter or a local declared so far in the current function?"""
        if self.known_upto < len(self.locals):
            for v in self.locals[self.known_upto:]:
                self.known.add(v.name)
                if v.from_field or v.makes_channel:
                    self.handed.add(v.name)
            self.known_upto = len(self.locals)
        return name in self.known

    def scope_of(self, node: Node) -> str:
        return self.scope if node.start_byte < self.scope_end else ""


def _on_package(acc: _Accumulator, c: Captures) -> None:
    node = c["package.name"][0]
    if not acc.package:
        acc.package = text(node)
        acc.package_offset = node.parent.start_byte


def _on_import(acc: _Accumulator, c: Captures) -> None:
    path = text(c["import.path"][0]).strip('"`')
    alias = text(c["import.alias"][0]) if "import.alias" in c else None
    acc.imports.append(ImportRef(path, alias, c["import"][0].start_point[0] + 1))


def _on_func(acc: _Accumulator, c: Captures) -> None:
    node = c["func"][0]
    name = text(c["func.name"][0])
    params, results = _signature(node)
    acc.decls.append(Decl(
        DeclKind.FUNC, name, node.start_point[0] + 1, node.end_point[0] + 1, _exported(name),
        doc=read_doc(node), type_params=node.child_by_field_name("type_parameters") is not None,
        params=params, results=results,
    ))
    if name in ("init", "_"):
        acc.ordinal += 1
        name = f"{name}#{acc.ordinal}"
    acc.enter(node, name)
    named_results(acc, node)


def _on_method(acc: _Accumulator, c: Captures) -> None:
    node = c["method"][0]
    name = text(c["method.name"][0])
    recv_name, recv_type, pointer = read_receiver(c["method.receiver"][0])
    params, results = _signature(node)
    params = (Param(recv_name, ("*" if pointer else "") + recv_type), *params)  # receiver first
    decl = Decl(
        DeclKind.METHOD, name, node.start_point[0] + 1, node.end_point[0] + 1, _exported(name),
        doc=read_doc(node), receiver=recv_type, pointer_receiver=pointer, params=params,
        results=results,
    )
    acc.decls.append(decl)
    acc.enter(node, decl.qualified_name)
    named_results(acc, node)
    if len(results) == 1 and is_channel_type(results[0]):  # what it returns, a getter's too
        on_channel_return(acc, decl.qualified_name, node)
    elif len(params) == 1 and len(results) == 1 and recv_name:  # perhaps a getter
        on_yield(acc, decl.qualified_name, recv_name, node)


def _on_type(acc: _Accumulator, c: Captures) -> None:
    node = c["type"][0]
    if not _top_level(node):
        return
    name = text(c["type.name"][0])
    body = c["type.body"][0]
    start, end, exported = node.start_point[0] + 1, node.end_point[0] + 1, _exported(name)
    generic = node.child_by_field_name("type_parameters") is not None
    doc = read_doc(node) or read_doc(node.parent)
    if body.type == "struct_type":
        decl = Decl(DeclKind.STRUCT, name, start, end, exported, doc, type_params=generic,
                    fields=read_struct_fields(body))
    elif body.type == "interface_type":
        methods, embeds = read_interface_elems(body)
        decl = Decl(DeclKind.INTERFACE, name, start, end, exported, doc, type_params=generic,
                    methods=methods, embeds=embeds)
    else:
        decl = Decl(DeclKind.TYPE, name, start, end, exported, doc, type_params=generic,
                    type_expr=flat(body))
    acc.decls.append(decl)


def _on_alias(acc: _Accumulator, c: Captures) -> None:
    node = c["alias"][0]
    if not _top_level(node):
        return
    name = text(c["alias.name"][0])
    acc.decls.append(Decl(
        DeclKind.ALIAS, name, node.start_point[0] + 1, node.end_point[0] + 1, _exported(name),
        read_doc(node) or read_doc(node.parent), type_expr=flat(c["alias.body"][0]),
    ))


def _on_call(acc: _Accumulator, c: Captures) -> None:  # the hot one: ~60 calls per file
    fn = c["call.fn"][0]
    if fn.type in NOT_CALLEES:
        return
    callee = flat(fn)
    if len(callee) <= MAX_CALLEE:
        acc.calls.append(CallRef(acc.scope if fn.start_byte < acc.scope_end else "", callee,
                                 fn.start_point[0] + 1, False, "", "", "", -1,
                                 listed_resource(callee, fn.parent)))
        acc.callee_at[fn.end_byte] = callee  # where its argument list starts


def _on_ref(acc: _Accumulator, c: Captures) -> None:
    node = c["ref"][0]
    if node.start_byte < acc.scope_end:  # values at package level have no function to start from
        expr = flat(node)
        if node.type == "identifier" and acc.is_variable(expr):
            if expr not in acc.func_params:
                if expr in acc.handed:  # perhaps a channel handed on: `syncLoop(ctx, updates)`
                    call, arg = argument_of(acc.callee_at, node)
                    if call:
                        pass_variable(acc, acc.scope, expr, node.start_point[0] + 1, call, arg)
                return
            call, arg = argument_of(acc.callee_at, node)  # a func parameter handed on: `construct(…, fn)`
            if not call:
                return
        elif len(expr) <= MAX_CALLEE:
            call, arg = argument_of(acc.callee_at, node)
        else:
            return
        acc.calls.append(CallRef(acc.scope, expr, node.start_point[0] + 1, True, "", "", call, arg))


def _on_keyed(acc: _Accumulator, c: Captures) -> None:
    """`T{Field: f}`: the value f stored into T's field (the type of an elided `{...}` literal
    is not known here: then only the value is kept)."""
    node = c["keyed.value"][0]
    if node.start_byte >= acc.scope_end:
        return
    expr = flat(node)
    if len(expr) > MAX_CALLEE:
        return
    literal = node.parent.parent.parent  # literal_element < keyed_element < literal_value
    owner = literal.parent if literal is not None else None
    type_node = (owner.child_by_field_name("type")
                 if owner is not None and owner.type == "composite_literal" else None)
    holder = flat(type_node) + "{}" if type_node is not None else ""
    key = c["keyed.key"][0]  # a field name in a struct literal; any key in a map literal
    field = text(key) if holder and key.type == "identifier" else ""
    acc.calls.append(CallRef(acc.scope, expr, node.start_point[0] + 1, True, field,
                             holder if field else ""))


def _on_local(acc: _Accumulator, c: Captures) -> None:
    """`x := …`: the locals' types; and `plegCh := kl.pleg.Watch()`, a local that may hold the
    channel a getter returns."""
    on_local(acc, c)
    names, values = c["local.names"][0], c["local.values"][0]
    if names.named_child_count == 1 == values.named_child_count:
        value = values.named_children[0]
        if value.type == "call_expression" and value.start_byte < acc.scope_end:
            note_alias(acc, acc.scope, names.named_children[0], value)


def _on_assign(acc: _Accumulator, c: Captures) -> None:
    """`a, x.f = g, h`: values on the right; one assigned to `x.f` is stored into field f."""
    right = c["assign.right"][0]
    if right.start_byte >= acc.scope_end:
        return
    left = c["assign.left"][0].named_children
    values = right.named_children
    for position, value in enumerate(values):
        if value.type not in ("identifier", "selector_expression"):
            continue
        expr = flat(value)
        if len(expr) > MAX_CALLEE:
            continue
        field = holder = ""
        target = left[position] if len(left) == len(values) else None
        if target is not None and target.type == "selector_expression":
            operand = target.child_by_field_name("operand")
            name = target.child_by_field_name("field")
            if operand is not None and name is not None:
                field, holder = text(name), flat(operand)
        elif target is not None:
            note_alias(acc, acc.scope, target, value)
        acc.calls.append(CallRef(acc.scope, expr, value.start_point[0] + 1, True, field, holder))


def _on_var(acc: _Accumulator, c: Captures) -> None:
    node = c["var"][0]
    name = text(c["var.name"][0])
    type_node = c.get("var.type")
    type_expr = flat(type_node[0]) if type_node else ""
    found = (type_expr, LocalSource.TYPE) if type_expr else None
    if not type_expr:  # `var x = &T{}`, `var SchemeGroupVersion = schema.GroupVersion{...}`
        value = node.child_by_field_name("value")
        if value is not None and value.named_child_count:
            found = local_of_value(value.named_children[0])
    scope = acc.scope_of(node)
    if scope:
        if found:
            acc.locals.append(LocalVar(scope, name, node.start_point[0] + 1, *found,
                                       until=block_end(node)))
        return
    value_from = None  # `var x T`, `= &T{}`, `= NewT()`, `= &SchemeBuilder`; others untyped
    if found and found[1] in (LocalSource.TYPE, LocalSource.CALL, LocalSource.ADDRESS):
        type_expr, value_from = found
    acc.decls.append(Decl(DeclKind.VAR, name, node.start_point[0] + 1, node.end_point[0] + 1,
                          _exported(name), read_doc(node), type_expr=type_expr,
                          value_from=value_from))


def _on_const(acc: _Accumulator, c: Captures) -> None:
    node = c["const"][0]
    if acc.scope_of(node):
        return
    type_expr, doc = _const_type(node), read_doc(node)
    for name_node in node.children_by_field_name("name"):  # `const a, b T = 1, 2`: a and b
        if name_node.type != "identifier":
            continue  # the comma between them
        name = text(name_node)
        acc.decls.append(Decl(DeclKind.CONST, name, node.start_point[0] + 1,
                              node.end_point[0] + 1, _exported(name), doc, type_expr=type_expr))


def _const_type(spec: Node) -> str:
    """The constant's type as written; a spec with neither type nor value repeats the last
    valued spec of its block (`Success Code = iota` then `Error`: both are Codes)."""
    while spec is not None and spec.type in ("const_spec", "comment"):
        if spec.type == "const_spec":
            type_node = spec.child_by_field_name("type")
            if type_node is not None:
                return flat(type_node)
            if spec.child_by_field_name("value") is not None:
                return ""
        spec = spec.prev_named_sibling
    return ""


_HANDLERS = {
    "package": _on_package, "import": _on_import, "func": _on_func, "method": _on_method,
    "type": _on_type, "alias": _on_alias, "call": _on_call, "local": _on_local, "var": _on_var,
    "const": _on_const, "range": on_range, "closure": on_closure,
    "ref": _on_ref, "keyed": _on_keyed, "assign": _on_assign, "tswitch": on_type_switch,
    "send": on_send, "receive": on_receive, "ranged": on_ranged, "handed": on_handed,
}
_HANDLER_BY_PATTERN = tuple(_HANDLERS[name] for name in PATTERN_NAMES)


# --- small readers of syntax nodes ------------------------------------------------------------

def _exported(name: str) -> bool:
    return name[:1].isupper()


def _top_level(spec: Node) -> bool:
    decl = spec.parent
    return decl is not None and decl.parent is not None and decl.parent.type == "source_file"


def _signature(node: Node) -> tuple[tuple[Param, ...], tuple[str, ...]]:
    params_node = node.child_by_field_name("parameters")
    params = read_params(params_node) if params_node else ()
    return params, read_results(node.child_by_field_name("result"))


