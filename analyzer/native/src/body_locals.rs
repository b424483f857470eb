//! Variables declared inside function bodies, read from query matches (analyzer/body_locals.py).

use tree_sitter::Node;

use crate::extract::Acc;
use crate::gokinds::kinds;
use crate::goparse::Captures;
use crate::model::{LocalSource, LocalVar};
use crate::typesyntax::read_params;
use crate::values::{
    block_end, callee_text, children, flat, line_of, local_of_value, named_children, py_len, text, MAX_CALLEE,
};

fn local(scope: &str, name: String, line: i64, found: (String, LocalSource), result: i64, until: i64) -> LocalVar {
    LocalVar { scope: scope.to_string(), name, line, expr: found.0, how: found.1, result, until }
}

/// `func f() (pod *v1.Pod, err error)`: pod and err are variables of the body.
pub fn named_results(acc: &mut Acc, node: Node, src: &[u8]) {
    if let Some(result) = node.child_by_field_id(kinds().f_result) {
        if result.kind() == "parameter_list" {
            let line = line_of(node);
            let scope = acc.scope_of(node);
            for p in read_params(result, src) {
                if !p.name.is_empty() && p.name != "_" {
                    acc.locals.push(local(&scope, p.name, line, (p.type_expr, LocalSource::Type), 0, 0));
                }
            }
        }
    }
}

pub fn on_local(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let names = c.node("local.names");
    let scope = acc.scope_of(names);
    if scope.is_empty() {
        return;
    }
    let line = line_of(names);
    let until = block_end(c, c.node("local.values")); // names' parent, on the walk's way
    let left: Vec<String> = named_children(names).into_iter().map(|n| text(n, src)).collect();
    let right = named_children(c.node("local.values"));
    if left.len() == right.len() {
        for (name, value) in left.into_iter().zip(right) {
            if name == "_" {
                continue;
            }
            if let Some(found) = local_of_value(value, src) {
                acc.locals.push(local(&scope, name, line, found, 0, until));
            }
        }
    } else if right.len() == 1 {
        let value = right[0];
        for (position, name) in left.into_iter().enumerate() {
            if name == "_" {
                continue;
            }
            if value.kind() == "call_expression" {
                let callee = callee_text(value, src);
                if !callee.is_empty() {
                    acc.locals.push(local(&scope, name, line, (callee, LocalSource::Call), position as i64, until));
                }
            } else if position == 0 {
                if let Some(found) = local_of_value(value, src) {
                    acc.locals.push(local(&scope, name, line, found, 0, until));
                }
            }
        }
    }
}

pub fn on_range(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let node = c.node("range");
    let scope = acc.scope_of(node);
    if scope.is_empty() || !children(node).iter().any(|child| child.kind() == ":=") {
        return;
    }
    let ranged = flat(c.node("range.value"), src);
    if py_len(&ranged) > MAX_CALLEE {
        return;
    }
    let line = line_of(node);
    let hows = [LocalSource::RangeKey, LocalSource::RangeValue];
    for (name, how) in named_children(c.node("range.names")).into_iter().take(2).zip(hows) {
        let name = text(name, src);
        if name != "_" {
            acc.locals.push(local(&scope, name, line, (ranged.clone(), how), 0, block_end(c, node)));
        }
    }
}

pub fn on_closure(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let plist = c.node("closure.params");
    let scope = acc.scope_of(plist);
    if !scope.is_empty() {
        let line = line_of(plist);
        let until = c.parent(plist).map(|p| p.end_position().row as i64 + 1).unwrap_or(0);
        for p in read_params(plist, src) {
            if !p.name.is_empty() && p.name != "_" {
                acc.locals.push(local(&scope, p.name, line, (p.type_expr, LocalSource::Type), 0, until));
            }
        }
    }
}

/// `switch v := x.(type) { case *T: … }`: v per clause.
pub fn on_type_switch(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let node = c.node("tswitch");
    let scope = acc.scope_of(node);
    if scope.is_empty() {
        return;
    }
    let name = text(c.node("tswitch.name"), src);
    let value = flat(c.node("tswitch.value"), src);
    if name == "_" || py_len(&value) > MAX_CALLEE {
        return;
    }
    for clause in named_children(node) {
        let kind = clause.kind();
        if kind != "type_case" && kind != "default_case" {
            continue;
        }
        let types =
            if kind == "type_case" { crate::values::children_by_field(clause, kinds().f_type) } else { Vec::new() };
        let line = line_of(clause);
        let until = clause.end_position().row as i64 + 1;
        if types.len() == 1 && text(types[0], src) != "nil" {
            acc.locals.push(local(&scope, name.clone(), line, (flat(types[0], src), LocalSource::Type), 0, until));
        } else {
            acc.locals.push(local(&scope, name.clone(), line, (value.clone(), LocalSource::Variable), 0, until));
        }
    }
}
