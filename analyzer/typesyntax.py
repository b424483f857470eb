"""Parameter lists, results, struct fields and interface elements read from syntax nodes."""

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
