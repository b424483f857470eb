//! The handlers of declarations (analyzer/extract.py's _on_package … _on_const): package clause,
//! imports, functions, methods, types, aliases, variables and constants.

use tree_sitter::Node;

use crate::body_locals::named_results;
use crate::channels::{on_channel_return, on_yield};
use crate::extract::Acc;
use crate::gokinds::kinds;
use crate::goparse::Captures;
use crate::model::{is_channel_type, Decl, ImportRef, LocalSource, LocalVar, Param};
use crate::typesyntax::{read_doc, read_interface_elems, read_params, read_receiver, read_results, read_struct_fields};
use crate::values::{block_end, children_by_field, flat, line_of, local_of_value, named_children, text};

pub fn on_package(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let node = c.node("package.name");
    if acc.package.is_empty() {
        acc.package = text(node, src);
        acc.package_offset = c.parent(node).map(|p| p.start_byte()).unwrap_or(0);
    }
}

pub fn on_import(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let path = text(c.node("import.path"), src).trim_matches(['"', '`']).to_string();
    let alias = c.get("import.alias").map(|a| text(a, src));
    acc.imports.push(ImportRef { path, alias, line: line_of(c.node("import")) });
}

fn exported(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_uppercase())
}

fn end_line(node: Node) -> i64 {
    node.end_position().row as i64 + 1
}

fn signature(node: Node, src: &[u8]) -> (Vec<Param>, Vec<String>) {
    let params = node.child_by_field_id(kinds().f_parameters).map(|p| read_params(p, src)).unwrap_or_default();
    (params, read_results(node.child_by_field_id(kinds().f_result), src))
}

pub fn on_func(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let node = c.node("func");
    let mut name = text(c.node("func.name"), src);
    let (params, results) = signature(node, src);
    let mut decl =
        Decl::new("func", name.clone(), line_of(node), end_line(node), exported(&name), read_doc(Some(node), src));
    decl.type_params = node.child_by_field_id(kinds().f_type_parameters).is_some();
    decl.params = params;
    decl.results = results;
    acc.decls.push(decl);
    if name == "init" || name == "_" {
        acc.ordinal += 1;
        name = format!("{name}#{}", acc.ordinal);
    }
    acc.enter(node, name);
    named_results(acc, node, src);
}

pub fn on_method(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let node = c.node("method");
    let name = text(c.node("method.name"), src);
    let (recv_name, recv_type, pointer) = read_receiver(c.node("method.receiver"), src);
    let (rest, results) = signature(node, src);
    let mut params =
        vec![Param { name: recv_name.clone(), type_expr: format!("{}{}", if pointer { "*" } else { "" }, recv_type) }];
    params.extend(rest);
    let mut decl =
        Decl::new("method", name.clone(), line_of(node), end_line(node), exported(&name), read_doc(Some(node), src));
    decl.receiver = Some(recv_type);
    decl.pointer_receiver = pointer;
    decl.params = params;
    decl.results = results;
    let qualified = decl.qualified_name();
    let (n_params, returns_channel, one_result) =
        (decl.params.len(), decl.results.len() == 1 && is_channel_type(&decl.results[0]), decl.results.len() == 1);
    acc.decls.push(decl);
    acc.enter(node, qualified.clone());
    named_results(acc, node, src);
    if returns_channel {
        on_channel_return(acc, &qualified, node, src);
    } else if n_params == 1 && one_result && !recv_name.is_empty() {
        on_yield(acc, &qualified, &recv_name, node, src);
    }
}

fn top_level<'t>(c: &Captures<'_, 't>, spec: Node<'t>) -> bool {
    c.ancestors(spec).nth(1).is_some_and(|p| p.kind() == "source_file")
}

fn doc_of_spec<'t>(c: &Captures<'_, 't>, node: Node<'t>, src: &[u8]) -> String {
    let doc = read_doc(Some(node), src);
    if doc.is_empty() {
        read_doc(c.parent(node), src)
    } else {
        doc
    }
}

pub fn on_type(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let node = c.node("type");
    if !top_level(c, node) {
        return;
    }
    let name = text(c.node("type.name"), src);
    let body = c.node("type.body");
    let generic = node.child_by_field_id(kinds().f_type_parameters).is_some();
    let doc = doc_of_spec(c, node, src);
    let is_exported = exported(&name);
    let mut decl = Decl::new("type", name, line_of(node), end_line(node), is_exported, doc);
    decl.type_params = generic;
    match body.kind() {
        "struct_type" => {
            decl.kind = "struct";
            decl.fields = read_struct_fields(body, src);
        }
        "interface_type" => {
            decl.kind = "interface";
            (decl.methods, decl.embeds) = read_interface_elems(body, src);
        }
        _ => decl.type_expr = flat(body, src),
    }
    acc.decls.push(decl);
}

pub fn on_alias(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let node = c.node("alias");
    if !top_level(c, node) {
        return;
    }
    let name = text(c.node("alias.name"), src);
    let is_exported = exported(&name);
    let mut decl = Decl::new("alias", name, line_of(node), end_line(node), is_exported, doc_of_spec(c, node, src));
    decl.type_expr = flat(c.node("alias.body"), src);
    acc.decls.push(decl);
}

pub fn on_var(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let node = c.node("var");
    let name = text(c.node("var.name"), src);
    let mut type_expr = c.get("var.type").map(|t| flat(t, src)).unwrap_or_default();
    let mut found = if type_expr.is_empty() { None } else { Some((type_expr.clone(), LocalSource::Type)) };
    if type_expr.is_empty() {
        if let Some(value) = node.child_by_field_id(kinds().f_value) {
            if value.named_child_count() > 0 {
                found = local_of_value(named_children(value)[0], src);
            }
        }
    }
    let scope = acc.scope_of(node);
    if !scope.is_empty() {
        if let Some((expr, how)) = found {
            let until = block_end(c, node);
            acc.locals.push(LocalVar { scope, name, line: line_of(node), expr, how, result: 0, until });
        }
        return;
    }
    let mut value_from = None;
    if let Some((expr, how)) = found {
        if matches!(how, LocalSource::Type | LocalSource::Call | LocalSource::Address) {
            type_expr = expr;
            value_from = Some(how);
        }
    }
    let is_exported = exported(&name);
    let mut decl = Decl::new("var", name, line_of(node), end_line(node), is_exported, read_doc(Some(node), src));
    decl.type_expr = type_expr;
    decl.value_from = value_from;
    acc.decls.push(decl);
}

pub fn on_const(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let node = c.node("const");
    if acc.inside(node) && !acc.scope.is_empty() {
        return;
    }
    let type_expr = const_type(node, src);
    let doc = read_doc(Some(node), src);
    for name_node in children_by_field(node, kinds().f_name) {
        if name_node.kind() != "identifier" {
            continue;
        }
        let name = text(name_node, src);
        let is_exported = exported(&name);
        let mut decl = Decl::new("const", name, line_of(node), end_line(node), is_exported, doc.clone());
        decl.type_expr = type_expr.clone();
        acc.decls.push(decl);
    }
}

/// The constant's type as written; a spec with neither type nor value repeats the last valued spec.
fn const_type(spec: Node, src: &[u8]) -> String {
    let mut spec = Some(spec);
    while let Some(s) = spec {
        if s.kind() != "const_spec" && s.kind() != "comment" {
            break;
        }
        if s.kind() == "const_spec" {
            if let Some(t) = s.child_by_field_id(kinds().f_type) {
                return flat(t, src);
            }
            if s.child_by_field_id(kinds().f_value).is_some() {
                return String::new();
            }
        }
        spec = s.prev_named_sibling();
    }
    String::new()
}
