"""Go syntax tree -> FileFacts: one small function per kind of query match."""

from __future__ import annotations

import hashlib
import re

from kubeatlas.analyzer.buildtags import read_build_expr, with_cgo
from kubeatlas.analyzer.goparse import PATTERN_NAMES, Captures, GoParser, Node
from kubeatlas.analyzer.model import (
    CallRef,
    Decl,
    DeclKind,
    Field,
    FileFacts,
    ImportRef,
    LocalVar,
    MethodSpec,
    Param,
    Problem,
    SourceFile,
)

GENERATED = re.compile(rb"^// Code generated .* DO NOT EDIT\.$", re.MULTILINE)
_SPACE = re.compile(r"\s+")
MAX_CALLEE = 200
_NOT_CALLEES = frozenset({"func_literal", "parenthesized_expression"})


def text(node: Node) -> str:
    return node.text.decode("utf-8", "replace")


def flat(node: Node) -> str:
    """Node text on one line with runs of whitespace collapsed (type and callee texts)."""
    raw = text(node)
    if " " in raw or "\n" in raw or "\t" in raw:
        return _SPACE.sub(" ", raw).strip()
    return raw


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
    header = content[: acc.package_offset] if acc.package_offset else content[:4096]
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
    )


class _Accumulator:
    """Mutable state of one file's extraction, turned into tuples at the end."""

    __slots__ = ("calls", "decls", "imports", "locals", "package", "package_offset", "rel_path",
                 "scope", "scope_end")

    def __init__(self, rel_path: str) -> None:
        self.rel_path = rel_path
        self.package = ""
        self.package_offset = 0
        self.imports: list[ImportRef] = []
        self.decls: list[Decl] = []
        self.calls: list[CallRef] = []
        self.locals: list[LocalVar] = []
        self.scope = ""  # qualified name of the function being walked
        self.scope_end = -1

    def enter(self, node: Node, qualified: str) -> None:
        self.scope, self.scope_end = qualified, node.end_byte

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
        doc=_doc(node), type_params=node.child_by_field_name("type_parameters") is not None,
        params=params, results=results,
    ))
    acc.enter(node, name)


def _on_method(acc: _Accumulator, c: Captures) -> None:
    node = c["method"][0]
    name = text(c["method.name"][0])
    recv_name, recv_type, pointer = _receiver(c["method.receiver"][0])
    params, results = _signature(node)
    params = (Param(recv_name, ("*" if pointer else "") + recv_type), *params)  # receiver first
    decl = Decl(
        DeclKind.METHOD, name, node.start_point[0] + 1, node.end_point[0] + 1, _exported(name),
        doc=_doc(node), receiver=recv_type, pointer_receiver=pointer, params=params,
        results=results,
    )
    acc.decls.append(decl)
    acc.enter(node, decl.qualified_name)


def _on_type(acc: _Accumulator, c: Captures) -> None:
    node = c["type"][0]
    if not _top_level(node):
        return
    name = text(c["type.name"][0])
    body = c["type.body"][0]
    start, end, exported = node.start_point[0] + 1, node.end_point[0] + 1, _exported(name)
    generic = node.child_by_field_name("type_parameters") is not None
    doc = _doc(node) or _doc(node.parent)
    if body.type == "struct_type":
        decl = Decl(DeclKind.STRUCT, name, start, end, exported, doc, type_params=generic,
                    fields=_struct_fields(body))
    elif body.type == "interface_type":
        methods, embeds = _interface_elems(body)
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
        _doc(node) or _doc(node.parent), type_expr=flat(c["alias.body"][0]),
    ))


def _on_call(acc: _Accumulator, c: Captures) -> None:  # the hot one: ~60 calls per file
    fn = c["call.fn"][0]
    if fn.type in _NOT_CALLEES:
        return
    callee = flat(fn)
    if len(callee) <= MAX_CALLEE:
        start = fn.start_byte
        acc.calls.append(CallRef(acc.scope if start < acc.scope_end else "", callee,
                                 fn.start_point[0] + 1))


def _on_local(acc: _Accumulator, c: Captures) -> None:
    name = c["local.name"][0]
    scope = acc.scope_of(name)
    if not scope:
        return
    type_expr = _type_of_value(c["local.value"][0])
    if type_expr:
        acc.locals.append(LocalVar(scope, text(name), type_expr))


def _on_var(acc: _Accumulator, c: Captures) -> None:
    node = c["var"][0]
    name = text(c["var.name"][0])
    type_node = c.get("var.type")
    type_expr = flat(type_node[0]) if type_node else ""
    if not type_expr:  # `var x = &T{}`, `var SchemeGroupVersion = schema.GroupVersion{...}`
        value = node.child_by_field_name("value")
        if value is not None and value.named_child_count:
            type_expr = _type_of_value(value.named_children[0])
    scope = acc.scope_of(node)
    if scope:
        if type_expr:
            acc.locals.append(LocalVar(scope, name, type_expr))
        return
    acc.decls.append(Decl(DeclKind.VAR, name, node.start_point[0] + 1, node.end_point[0] + 1,
                          _exported(name), _doc(node), type_expr=type_expr))


def _on_const(acc: _Accumulator, c: Captures) -> None:
    node = c["const"][0]
    if acc.scope_of(node):
        return
    name = text(c["const.name"][0])
    type_node = node.child_by_field_name("type")
    acc.decls.append(Decl(DeclKind.CONST, name, node.start_point[0] + 1, node.end_point[0] + 1,
                          _exported(name), _doc(node),
                          type_expr=flat(type_node) if type_node else ""))


def _on_error(acc: _Accumulator, c: Captures) -> None:
    """Syntax errors are reported once per file from root.has_error; nothing to do per node."""


_HANDLERS = {
    "package": _on_package, "import": _on_import, "func": _on_func, "method": _on_method,
    "type": _on_type, "alias": _on_alias, "call": _on_call, "local": _on_local, "var": _on_var,
    "const": _on_const, "error": _on_error,
}
_HANDLER_BY_PATTERN = tuple(_HANDLERS[name] for name in PATTERN_NAMES)


# --- small readers of syntax nodes ------------------------------------------------------------

def _exported(name: str) -> bool:
    return name[:1].isupper()


def _top_level(spec: Node) -> bool:
    decl = spec.parent
    return decl is not None and decl.parent is not None and decl.parent.type == "source_file"


def _doc(node: Node | None) -> str:
    """First sentence of the // comment block directly above node."""
    if node is None:
        return ""
    lines: list[str] = []
    row = node.start_point[0]
    prev = node.prev_sibling
    while prev is not None and prev.type == "comment" and prev.end_point[0] == row - 1:
        lines.append(text(prev))
        row = prev.start_point[0]
        prev = prev.prev_sibling
    if not lines:
        return ""
    body = " ".join(line.lstrip("/").strip() for line in reversed(lines) if line.startswith("//"))
    if body.startswith("+") or body.startswith("go:"):
        return ""
    end = body.find(". ")
    return (body if end < 0 else body[: end + 1]).strip()[:300]


def _receiver(params: Node) -> tuple[str, str, bool]:
    """(receiver variable, receiver type name without type args, pointer?)."""
    for child in params.named_children:
        if child.type != "parameter_declaration":
            continue
        name_node = child.child_by_field_name("name")
        type_node = child.child_by_field_name("type")
        pointer = False
        while type_node is not None and type_node.type in ("pointer_type", "parenthesized_type"):
            pointer = pointer or type_node.type == "pointer_type"
            type_node = type_node.named_children[0] if type_node.named_children else None
        if type_node is not None and type_node.type == "generic_type":
            type_node = type_node.child_by_field_name("type")
        return (text(name_node) if name_node else "", text(type_node) if type_node else "?",
                pointer)
    return "", "?", False


def _signature(node: Node) -> tuple[tuple[Param, ...], tuple[str, ...]]:
    params_node = node.child_by_field_name("parameters")
    params = _params(params_node) if params_node else ()
    return params, _results(node.child_by_field_name("result"))


def _params(plist: Node) -> tuple[Param, ...]:
    out: list[Param] = []
    for child in plist.named_children:
        if child.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        type_node = child.child_by_field_name("type")
        type_expr = flat(type_node) if type_node else "?"
        if child.type == "variadic_parameter_declaration":
            type_expr = "..." + type_expr
        names = [text(n) for n in child.children_by_field_name("name")]
        out.extend(Param(n, type_expr) for n in names) if names else out.append(Param("", type_expr))
    return tuple(out)


def _results(result: Node | None) -> tuple[str, ...]:
    if result is None:
        return ()
    if result.type == "parameter_list":
        return tuple(p.type_expr for p in _params(result))
    return (flat(result),)


def _struct_fields(body: Node) -> tuple[Field, ...]:
    fields: list[Field] = []
    for flist in body.named_children:
        if flist.type != "field_declaration_list":
            continue
        for decl in flist.named_children:
            if decl.type != "field_declaration":
                continue
            type_node = decl.child_by_field_name("type")
            type_expr = flat(type_node) if type_node else "?"
            names = [text(n) for n in decl.children_by_field_name("name")]
            if names:
                fields.extend(Field(n, type_expr) for n in names)
            else:
                if any(child.type == "*" for child in decl.children):
                    type_expr = "*" + type_expr  # the grammar keeps an embedded pointer's star apart
                embedded = type_expr.lstrip("*")
                short = embedded.split("[")[0].rsplit(".", 1)[-1]
                fields.append(Field(short, type_expr, embedded=True))
    return tuple(fields)


def _interface_elems(body: Node) -> tuple[tuple[MethodSpec, ...], tuple[str, ...]]:
    methods: list[MethodSpec] = []
    embeds: list[str] = []
    for elem in body.named_children:
        if elem.type == "method_elem":
            name = text(elem.child_by_field_name("name"))
            params_node = elem.child_by_field_name("parameters")
            params = tuple(p.type_expr for p in _params(params_node)) if params_node else ()
            results = _results(elem.child_by_field_name("result"))
            methods.append(MethodSpec(name, params, results, elem.start_point[0] + 1))
        elif elem.type == "type_elem":
            embeds.append(flat(elem))
    return tuple(methods), tuple(embeds)


def _type_of_value(value: Node) -> str:
    """The type a right-hand side makes visible: &T{} -> *T, T{} -> T, NewT() -> call:NewT."""
    if value.type == "unary_expression" and text(value)[:1] == "&":
        operand = value.child_by_field_name("operand")
        if operand is not None and operand.type == "composite_literal":
            type_node = operand.child_by_field_name("type")
            return "*" + flat(type_node) if type_node else ""
        return ""
    if value.type == "composite_literal":
        type_node = value.child_by_field_name("type")
        return flat(type_node) if type_node else ""
    if value.type == "call_expression":
        fn = value.child_by_field_name("function")
        if fn is not None and fn.type in ("identifier", "selector_expression"):
            callee = flat(fn)
            return "call:" + callee if len(callee) <= MAX_CALLEE else ""
    if value.type == "func_literal":
        return "func"  # a closure: calls through it are dynamic
    if value.type == "type_assertion_expression":
        type_node = value.child_by_field_name("type")
        return flat(type_node) if type_node else ""
    return ""
