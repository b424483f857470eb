"""Parameter lists, results, receivers, struct fields, interface elements and doc comments read
from syntax nodes."""

from __future__ import annotations

from kubeatlas.analyzer.goparse import Node
from kubeatlas.analyzer.model import Field, MethodSpec, Param
from kubeatlas.analyzer.values import flat, text


def read_params(plist: Node) -> tuple[Param, ...]:
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


def read_results(result: Node | None) -> tuple[str, ...]:
    if result is None:
        return ()
    if result.type == "parameter_list":
        return tuple(p.type_expr for p in read_params(result))
    return (flat(result),)


def read_struct_fields(body: Node) -> tuple[Field, ...]:
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


def read_interface_elems(body: Node) -> tuple[tuple[MethodSpec, ...], tuple[str, ...]]:
    methods: list[MethodSpec] = []
    embeds: list[str] = []
    for elem in body.named_children:
        if elem.type == "method_elem":
            name = text(elem.child_by_field_name("name"))
            params_node = elem.child_by_field_name("parameters")
            params = tuple(p.type_expr for p in read_params(params_node)) if params_node else ()
            results = read_results(elem.child_by_field_name("result"))
            methods.append(MethodSpec(name, params, results, elem.start_point[0] + 1))
        elif elem.type == "type_elem":
            embeds.append(flat(elem))
    return tuple(methods), tuple(embeds)


def read_doc(node: Node | None) -> str:
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


def read_receiver(params: Node) -> tuple[str, str, bool]:
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
