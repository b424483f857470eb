//! Parameter lists, results, receivers, struct fields, interface elements and doc comments read
//! from syntax nodes (analyzer/typesyntax.py).

use tree_sitter::Node;

use crate::gokinds::kinds;
use crate::model::{Field, MethodSpec, Param};
use crate::values::{children, children_by_field, flat, line_of, named_children, py_prefix, py_strip, text};

pub fn read_params(plist: Node, src: &[u8]) -> Vec<Param> {
    let mut out = Vec::new();
    for child in named_children(plist) {
        let kind = child.kind();
        if kind != "parameter_declaration" && kind != "variadic_parameter_declaration" {
            continue;
        }
        let mut type_expr = match child.child_by_field_id(kinds().f_type) {
            Some(t) => flat(t, src),
            None => "?".to_string(),
        };
        if kind == "variadic_parameter_declaration" {
            type_expr = format!("...{type_expr}");
        }
        let names = children_by_field(child, kinds().f_name);
        if names.is_empty() {
            out.push(Param { name: String::new(), type_expr });
        } else {
            for n in names {
                out.push(Param { name: text(n, src), type_expr: type_expr.clone() });
            }
        }
    }
    out
}

pub fn read_results(result: Option<Node>, src: &[u8]) -> Vec<String> {
    match result {
        None => Vec::new(),
        Some(r) if r.kind() == "parameter_list" => read_params(r, src).into_iter().map(|p| p.type_expr).collect(),
        Some(r) => vec![flat(r, src)],
    }
}

pub fn read_struct_fields(body: Node, src: &[u8]) -> Vec<Field> {
    let mut fields = Vec::new();
    for flist in named_children(body) {
        if flist.kind() != "field_declaration_list" {
            continue;
        }
        for decl in named_children(flist) {
            if decl.kind() != "field_declaration" {
                continue;
            }
            let mut type_expr = match decl.child_by_field_id(kinds().f_type) {
                Some(t) => flat(t, src),
                None => "?".to_string(),
            };
            let names = children_by_field(decl, kinds().f_name);
            if !names.is_empty() {
                for n in names {
                    fields.push(Field { name: text(n, src), type_expr: type_expr.clone(), embedded: false });
                }
            } else {
                if children(decl).iter().any(|c| c.kind() == "*") {
                    type_expr = format!("*{type_expr}");
                }
                let embedded = type_expr.trim_start_matches('*');
                let before = embedded.split('[').next().unwrap_or("");
                let short = before.rsplit('.').next().unwrap_or("").to_string();
                fields.push(Field { name: short, type_expr, embedded: true });
            }
        }
    }
    fields
}

pub fn read_interface_elems(body: Node, src: &[u8]) -> (Vec<MethodSpec>, Vec<String>) {
    let mut methods = Vec::new();
    let mut embeds = Vec::new();
    for elem in named_children(body) {
        if elem.kind() == "method_elem" {
            let name = elem.child_by_field_id(kinds().f_name).map(|n| text(n, src)).unwrap_or_default();
            let params = match elem.child_by_field_id(kinds().f_parameters) {
                Some(p) => read_params(p, src).into_iter().map(|p| p.type_expr).collect(),
                None => Vec::new(),
            };
            let results = read_results(elem.child_by_field_id(kinds().f_result), src);
            methods.push(MethodSpec { name, params, results, line: line_of(elem) });
        } else if elem.kind() == "type_elem" {
            embeds.push(flat(elem, src));
        }
    }
    (methods, embeds)
}

/// First sentence of the // comment block directly above node.
pub fn read_doc(node: Option<Node>, src: &[u8]) -> String {
    let node = match node {
        Some(n) => n,
        None => return String::new(),
    };
    let mut lines: Vec<String> = Vec::new();
    let mut row = node.start_position().row as i64;
    let mut prev = node.prev_sibling();
    while let Some(p) = prev {
        if p.kind() != "comment" || p.end_position().row as i64 != row - 1 {
            break;
        }
        lines.push(text(p, src));
        row = p.start_position().row as i64;
        prev = p.prev_sibling();
    }
    if lines.is_empty() {
        return String::new();
    }
    let parts: Vec<&str> = lines
        .iter()
        .rev()
        .filter(|line| line.starts_with("//"))
        .map(|line| py_strip(line.trim_start_matches('/')))
        .collect();
    let body = parts.join(" ");
    if body.starts_with('+') || body.starts_with("go:") {
        return String::new();
    }
    let sentence = match body.find(". ") {
        Some(end) => &body[..end + 1],
        None => &body[..],
    };
    py_prefix(py_strip(sentence), 300).to_string()
}

/// (receiver variable, receiver type name without type args, pointer?).
pub fn read_receiver(params: Node, src: &[u8]) -> (String, String, bool) {
    for child in named_children(params) {
        if child.kind() != "parameter_declaration" {
            continue;
        }
        let name_node = child.child_by_field_id(kinds().f_name);
        let mut type_node = child.child_by_field_id(kinds().f_type);
        let mut pointer = false;
        while let Some(t) = type_node {
            if t.kind() != "pointer_type" && t.kind() != "parenthesized_type" {
                break;
            }
            pointer = pointer || t.kind() == "pointer_type";
            type_node = named_children(t).into_iter().next();
        }
        if let Some(t) = type_node {
            if t.kind() == "generic_type" {
                type_node = t.child_by_field_id(kinds().f_type);
            }
        }
        return (
            name_node.map(|n| text(n, src)).unwrap_or_default(),
            type_node.map(|t| text(t, src)).unwrap_or_else(|| "?".to_string()),
            pointer,
        );
    }
    (String::new(), "?".to_string(), false)
}
