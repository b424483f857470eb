//! The matches of analyzer/goparse.py's GO_QUERY found by one walk of the syntax tree, without
//! running the query: each pattern's match is reported at the node where tree-sitter's query
//! cursor finishes it, in the order the cursor reports them, so the handlers see exactly what
//! the Python extractor's handlers see (query_oracle.rs compares the two in tests).
//!
//! A match finishes when the cursor enters the node of the pattern's last step; matches
//! finishing at one node come out by the depth of their root (outermost first), then by pattern.

use std::num::NonZeroU16;

use tree_sitter::{Node, TreeCursor};

use crate::gokinds::{kinds, Kinds, Parent};
use crate::goparse::{Captures, Frame};

/// GO_QUERY's pattern names, a pattern a line (goparse.PATTERN_NAMES).
pub const PATTERNS: [&str; 26] = [
    "package", "import", "func", "method", "type", "alias", "call", "call", "local", "range", "closure", "ref",
    "keyed", "ref", "assign", "ref", "ref", "ref", "ref", "var", "tswitch", "const", "send", "receive", "ranged",
    "handed",
];

/// Calls visit(pattern index, captures) for every GO_QUERY match under root, in the query's order.
pub fn walk<'t>(root: Node<'t>, visit: &mut impl FnMut(usize, &Captures<'_, 't>)) {
    let k = kinds();
    let mut cursor: TreeCursor<'t> = root.walk();
    let mut stack: Vec<Frame<'t>> = Vec::with_capacity(64);
    'down: loop {
        let node = cursor.node();
        let kind = node.kind_id();
        let role = stack.last().and_then(|p| k.parent.get(p.kind as usize)).copied().unwrap_or(Parent::Other);
        let (mut field, mut position) = (0, -1);
        if role == Parent::Arguments {
            let arguments = stack.last_mut().expect("a parent");
            position = arguments.arguments;
            if kind != k.comment && node.is_named() {
                arguments.arguments += 1;
            }
        }
        if role != Parent::Other {
            field = cursor.field_id().map_or(0, |f| f.get());
        }
        stack.push(Frame { node, kind, field, position, arguments: 0 });
        if !matches!(role, Parent::Other | Parent::FieldsOnly | Parent::Opaque) {
            enter(k, role, &stack, node, kind, field, visit);
        }
        if k.parent.get(kind as usize) != Some(&Parent::Opaque) && cursor.goto_first_child() {
            continue;
        }
        loop {
            stack.pop();
            if cursor.goto_next_sibling() {
                continue 'down;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// A query's wildcard `(_)`: a named node that is not an ERROR.
fn wild(node: Node) -> bool {
    node.is_named() && !node.is_error()
}

fn named_of_kind<'t>(node: Node<'t>, kind: u16) -> impl Iterator<Item = Node<'t>> {
    let mut cursor = node.walk();
    let children: Vec<Node<'t>> = node.named_children(&mut cursor).filter(|c| c.kind_id() == kind).collect();
    children.into_iter()
}

fn field_of_kind<'t>(node: Node<'t>, field: u16, kind: u16) -> Option<Node<'t>> {
    node.child_by_field_id(field).filter(|c| c.kind_id() == kind)
}

/// The matches finishing as the walk enters node n (kind nk, field f) under the parent of role.
fn enter<'t>(
    k: &Kinds,
    role: Parent,
    walked: &[Frame<'t>],
    n: Node<'t>,
    nk: u16,
    f: u16,
    visit: &mut impl FnMut(usize, &Captures<'_, 't>),
) {
    let stack = &walked[..walked.len() - 1]; // n's ancestors
    let p = stack[stack.len() - 1];
    let ancestor = |up: usize| if stack.len() > up { Some(stack[stack.len() - 1 - up]) } else { None };
    let is_ref = nk == k.identifier || nk == k.selector;
    let is_channel = is_ref || nk == k.call;
    let mut emit = |pattern: usize, caps: &[(&'static str, Node<'t>)]| visit(pattern, &Captures::new(caps, walked));
    match role {
        Parent::Package if nk == k.package_identifier => emit(0, &[("package.name", n)]),
        Parent::Import if f == k.f_path && wild(n) => match p.node.child_by_field_id(k.f_name).filter(|a| wild(*a)) {
            Some(alias) => emit(1, &[("import", p.node), ("import.alias", alias), ("import.path", n)]),
            None => emit(1, &[("import", p.node), ("import.path", n)]),
        },
        Parent::Func if f == k.f_name && nk == k.identifier => emit(2, &[("func", p.node), ("func.name", n)]),
        Parent::Method if f == k.f_name && nk == k.field_identifier => {
            if let Some(receiver) = field_of_kind(p.node, k.f_receiver, k.parameter_list) {
                emit(3, &[("method", p.node), ("method.receiver", receiver), ("method.name", n)]);
            }
        }
        Parent::TypeSpec | Parent::TypeAlias if f == k.f_type && wild(n) => {
            if let Some(name) = field_of_kind(p.node, k.f_name, k.type_identifier) {
                if role == Parent::TypeSpec {
                    emit(4, &[("type", p.node), ("type.name", name), ("type.body", n)]);
                } else {
                    emit(5, &[("alias", p.node), ("alias.name", name), ("alias.body", n)]);
                }
            }
        }
        Parent::Call if f == k.f_function => {
            if nk == k.selector && handed(k, stack) {
                emit(25, &[("handed", p.node)]);
            }
            if wild(n) {
                emit(6, &[("call.fn", n)]);
            }
        }
        Parent::Conversion if f == k.f_type && nk == k.generic_type => emit(7, &[("call.fn", n)]),
        Parent::ShortVar if f == k.f_right && nk == k.expression_list => {
            if let Some(left) = field_of_kind(p.node, k.f_left, k.expression_list) {
                emit(8, &[("local.names", left), ("local.values", n)]);
            }
        }
        Parent::Range if f == k.f_right => {
            if wild(n) {
                if let Some(left) = field_of_kind(p.node, k.f_left, k.expression_list) {
                    emit(9, &[("range", p.node), ("range.names", left), ("range.value", n)]);
                }
            }
            if is_channel {
                emit(24, &[("ranged.channel", n)]);
            }
        }
        Parent::FuncLiteral if f == k.f_parameters && nk == k.parameter_list => emit(10, &[("closure.params", n)]),
        Parent::Arguments if is_ref => emit(11, &[("ref", n)]),
        Parent::LiteralElement if is_ref => {
            let outer = ancestor(1);
            if outer.is_some_and(|o| o.kind == k.literal_value) {
                emit(13, &[("ref", n)]);
            } else if outer.is_some_and(|o| o.kind == k.keyed_element)
                && p.field == k.f_value
                && ancestor(2).is_some_and(|l| l.kind == k.literal_value)
            {
                let keyed = outer.expect("a keyed element").node;
                if let Some(key) = field_of_kind(keyed, k.f_key, k.literal_element) {
                    let mut cursor = key.walk();
                    for part in key.named_children(&mut cursor).filter(|c| !c.is_error()) {
                        emit(12, &[("keyed.key", part), ("keyed.value", n)]);
                    }
                }
            }
        }
        Parent::Assignment if f == k.f_right && nk == k.expression_list => {
            if let Some(left) = field_of_kind(p.node, k.f_left, k.expression_list) {
                emit(14, &[("assign.left", left), ("assign.right", n)]);
            }
        }
        Parent::ExpressionList if is_ref => {
            let outer = ancestor(1).map_or(0, |o| o.kind);
            if outer == k.short_var && p.field == k.f_right {
                emit(15, &[("ref", n)]);
            } else if outer == k.return_statement {
                emit(16, &[("ref", n)]);
            } else if outer == k.var_spec && p.field == k.f_value {
                emit(18, &[("ref", n)]);
            }
        }
        Parent::Send if f == k.f_value && is_ref => emit(17, &[("ref", n)]),
        Parent::Send if f == k.f_channel && is_channel => emit(22, &[("send.channel", n)]),
        Parent::VarSpec => var_spec(k, p.node, n, f, &mut emit),
        Parent::TypeSwitch if f == k.f_value && wild(n) => {
            if let Some(alias) = field_of_kind(p.node, k.f_alias, k.expression_list) {
                for name in named_of_kind(alias, k.identifier) {
                    emit(20, &[("tswitch", p.node), ("tswitch.name", name), ("tswitch.value", n)]);
                }
            }
        }
        Parent::ConstSpec if f == k.f_name && nk == k.identifier && n.prev_sibling().is_none() => {
            emit(21, &[("const", p.node), ("const.name", n)]) // the first name only: one match a spec
        }
        Parent::Unary
            if f == k.f_operand
                && is_channel
                && p.node.child_by_field_id(k.f_operator).is_some_and(|o| o.kind_id() == k.arrow) =>
        {
            emit(23, &[("receive.channel", n)])
        }
        _ => {}
    }
}

/// `(var_spec name: (identifier) @var.name type: (_)? @var.type) @var`: one match a name, when
/// the walk enters the type, or (no type) the value.
fn var_spec<'t>(
    k: &Kinds,
    spec: Node<'t>,
    n: Node<'t>,
    f: u16,
    emit: &mut impl FnMut(usize, &[(&'static str, Node<'t>)]),
) {
    let typed = f == k.f_type && wild(n);
    let untyped = f == k.f_value && spec.child_by_field_id(k.f_type).filter(|t| wild(*t)).is_none();
    if !typed && !untyped {
        return;
    }
    let mut cursor = spec.walk();
    let names: Vec<Node<'t>> = spec
        .children_by_field_id(NonZeroU16::new(k.f_name).expect("a field id"), &mut cursor)
        .filter(|c| c.kind_id() == k.identifier)
        .collect();
    for name in names {
        if typed {
            emit(19, &[("var", spec), ("var.name", name), ("var.type", n)]);
        } else {
            emit(19, &[("var", spec), ("var.name", name)]);
        }
    }
}

/// Is the call whose function is entered an argument of a call that is a go or expression statement?
fn handed(k: &Kinds, stack: &[Frame]) -> bool {
    let at = |up: usize| if stack.len() > up { Some(stack[stack.len() - 1 - up]) } else { None };
    let (Some(arguments), Some(outer), Some(statement)) = (at(1), at(2), at(3)) else {
        return false;
    };
    arguments.kind == k.argument_list
        && arguments.field == k.f_arguments
        && outer.kind == k.call
        && (statement.kind == k.go_statement || statement.kind == k.expression_statement)
}
