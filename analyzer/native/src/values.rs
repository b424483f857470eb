//! Syntax nodes read as text, and what a right-hand side tells of a local variable's type
//! (analyzer/values.py).

use std::num::NonZeroU16;

use tree_sitter::Node;

use crate::fasthash::FastMap;
use crate::gokinds::kinds;
use crate::goparse::Captures;
use crate::model::LocalSource;

pub const MAX_CALLEE: usize = 200;

/// Python's str.isspace(): Unicode White_Space plus the four ASCII separators U+001C..U+001F.
pub fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's str.strip() with no arguments.
pub fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// Python's len() of a str: code points, not bytes.
pub fn py_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// Python's s[:n] on a str.
pub fn py_prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

pub fn text(node: Node, src: &[u8]) -> String {
    String::from_utf8_lossy(&src[node.start_byte()..node.end_byte()]).into_owned()
}

/// Node text on one line with runs of whitespace collapsed (type and callee texts).
pub fn flat(node: Node, src: &[u8]) -> String {
    let raw = text(node, src);
    if raw.contains(' ') || raw.contains('\n') || raw.contains('\t') {
        let mut out = String::with_capacity(raw.len());
        let mut in_space = false;
        for c in raw.chars() {
            if is_py_space(c) {
                if !in_space {
                    out.push(' ');
                    in_space = true;
                }
            } else {
                out.push(c);
                in_space = false;
            }
        }
        return py_strip(&out).to_string();
    }
    raw
}

pub fn is_not_callee(kind: &str) -> bool {
    kind == "func_literal" || kind == "parenthesized_expression"
}

const LIST_WATCH: &str = "ListWatchFromClient";

/// The resource a list-watch call names with a string literal (`"pods"`), else "" (`function`: the
/// call's function; its parent, the call, is looked up only for a list-watch: parent() is costly).
pub fn listed_resource(callee: &str, function: Node, src: &[u8]) -> String {
    if !callee.ends_with(LIST_WATCH) {
        return String::new();
    }
    let arguments = function.parent().and_then(|c| c.child_by_field_id(kinds().f_arguments));
    let named: Vec<Node> = match arguments {
        Some(a) => named_children(a).into_iter().filter(|n| n.kind() != "comment").collect(),
        None => Vec::new(),
    };
    if named.len() < 2 || named[1].kind() != "interpreted_string_literal" {
        return String::new();
    }
    let literal = text(named[1], src);
    let count = literal.chars().count();
    literal.chars().skip(1).take(count.saturating_sub(2)).collect()
}

/// (the called expression, position) when node is an argument of a call, else ("", -1).
pub fn argument_of<'t>(
    callee_at: &FastMap<usize, String>,
    c: &Captures<'_, 't>,
    node: Node<'t>,
    src: &[u8],
) -> (String, i64) {
    let arguments = match c.parent(node) {
        Some(a) if a.kind() == "argument_list" => a,
        _ => return (String::new(), -1),
    };
    let callee = match callee_at.get(&arguments.start_byte()) {
        Some(c) => c.clone(),
        None => {
            let function = arguments.parent().and_then(|p| p.child_by_field_id(kinds().f_function));
            let callee = match function {
                Some(f) if !is_not_callee(f.kind()) => flat(f, src),
                _ => String::new(),
            };
            if callee.is_empty() || py_len(&callee) > MAX_CALLEE {
                return (String::new(), -1);
            }
            callee
        }
    };
    (callee, c.position(node).unwrap_or_else(|| position_among_arguments(node)))
}

pub fn position_among_arguments(node: Node) -> i64 {
    let mut position = 0;
    let mut sibling = node.prev_named_sibling();
    while let Some(s) = sibling {
        if s.kind() != "comment" {
            position += 1;
        }
        sibling = s.prev_named_sibling();
    }
    position
}

pub fn callee_text(call: Node, src: &[u8]) -> String {
    if let Some(function) = call.child_by_field_id(kinds().f_function) {
        if matches!(function.kind(), "identifier" | "selector_expression" | "index_expression") {
            let callee = flat(function, src);
            return if py_len(&callee) <= MAX_CALLEE { callee } else { String::new() };
        }
    }
    String::new()
}

/// What a right-hand side tells of its type (values.local_of_value).
pub fn local_of_value(value: Node, src: &[u8]) -> Option<(String, LocalSource)> {
    let kind = value.kind();
    match kind {
        "unary_expression" => {
            let operand = value.child_by_field_id(kinds().f_operand)?;
            let whole = text(value, src);
            let operator = py_prefix(&whole, 2);
            if operator.starts_with('&') && operand.kind() == "composite_literal" {
                let type_node = operand.child_by_field_id(kinds().f_type)?;
                return Some((format!("*{}", flat(type_node, src)), LocalSource::Type));
            }
            if operator == "<-" {
                return bounded(flat(operand, src), LocalSource::Receive);
            }
            if operator.starts_with('&') && matches!(operand.kind(), "identifier" | "selector_expression") {
                return bounded(flat(operand, src), LocalSource::Address);
            }
            None
        }
        "composite_literal" => {
            let type_node = value.child_by_field_id(kinds().f_type)?;
            Some((flat(type_node, src), LocalSource::Type))
        }
        "call_expression" => {
            let callee = callee_text(value, src);
            if callee == "make" || callee == "new" {
                return made(value, &callee, src);
            }
            if callee.is_empty() {
                None
            } else {
                Some((callee, LocalSource::Call))
            }
        }
        "type_conversion_expression" => {
            let named = value.child_by_field_id(kinds().f_type)?.child_by_field_id(kinds().f_type)?;
            bounded(flat(named, src), LocalSource::Call)
        }
        "func_literal" => Some(("func".to_string(), LocalSource::Type)),
        "type_assertion_expression" => {
            let type_node = value.child_by_field_id(kinds().f_type)?;
            Some((flat(type_node, src), LocalSource::Type))
        }
        "index_expression" => {
            let operand = value.child_by_field_id(kinds().f_operand)?;
            bounded(flat(operand, src), LocalSource::Index)
        }
        "identifier" | "selector_expression" => bounded(flat(value, src), LocalSource::Variable),
        _ => None,
    }
}

fn made(call: Node, builtin: &str, src: &[u8]) -> Option<(String, LocalSource)> {
    let arguments = call.child_by_field_id(kinds().f_arguments)?;
    let first = named_children(arguments).into_iter().next()?;
    let made = flat(first, src);
    bounded(if builtin == "make" { made } else { format!("*{made}") }, LocalSource::Type)
}

fn bounded(expr: String, how: LocalSource) -> Option<(String, LocalSource)> {
    if py_len(&expr) <= MAX_CALLEE {
        Some((expr, how))
    } else {
        None
    }
}

/// Last line of the innermost block around node: where a variable declared there goes out of scope.
pub fn block_end<'t>(c: &Captures<'_, 't>, node: Node<'t>) -> i64 {
    for p in c.ancestors(node) {
        if matches!(
            p.kind(),
            "block"
                | "if_statement"
                | "for_statement"
                | "expression_switch_statement"
                | "type_switch_statement"
                | "select_statement"
                | "func_literal"
                | "communication_case"
                | "expression_case"
                | "type_case"
                | "default_case"
        ) {
            return p.end_position().row as i64 + 1;
        }
    }
    0
}

pub fn named_children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

pub fn children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.children(&mut cursor).collect()
}

/// The children in field `field` (an id of gokinds::Kinds).
pub fn children_by_field<'t>(node: Node<'t>, field: u16) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children_by_field_id(NonZeroU16::new(field).expect("a field id"), &mut cursor).collect()
}

pub fn line_of(node: Node) -> i64 {
    node.start_position().row as i64 + 1
}
