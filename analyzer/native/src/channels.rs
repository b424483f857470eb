//! Channel operations in function bodies (analyzer/channels.py): sends and receives, getters,
//! methods returning a channel, channels handed to calls.

use std::collections::BTreeSet;

use tree_sitter::Node;

use crate::extract::Acc;
use crate::fasthash::{FastMap, FastSet};
use crate::gokinds::kinds;
use crate::goparse::Captures;
use crate::model::{ChannelOp, LocalVar, PASS, RECEIVE, SEND, YIELD};
use crate::values::{argument_of, flat, line_of, named_children, py_len, MAX_CALLEE};

fn op(caller: &str, channel: String, line: i64, op: &'static str, call: String, arg: i64) -> ChannelOp {
    ChannelOp { caller: caller.to_string(), channel, line, op, call, arg }
}

pub fn on_send(acc: &mut Acc, c: &Captures, src: &[u8]) {
    record(acc, c.node("send.channel"), SEND, src);
}

pub fn on_receive(acc: &mut Acc, c: &Captures, src: &[u8]) {
    record(acc, c.node("receive.channel"), RECEIVE, src);
}

pub fn on_ranged(acc: &mut Acc, c: &Captures, src: &[u8]) {
    record(acc, c.node("ranged.channel"), RECEIVE, src);
}

/// A local assigned from a field or a getter's result.
pub fn note_alias(acc: &mut Acc, scope: &str, name: Node, value: Node, src: &[u8]) {
    if name.kind() != "identifier" {
        return;
    }
    let source = match value.kind() {
        "selector_expression" => flat(value, src),
        "call_expression" => getter_call(value, src),
        _ => String::new(),
    };
    if !source.is_empty() {
        let local = flat(name, src);
        acc.channel_aliases.push((scope.to_string(), local.clone(), source));
        acc.handed.insert(local);
    }
}

fn not_comments(node: Node) -> Vec<Node> {
    named_children(node).into_iter().filter(|n| n.kind() != "comment").collect()
}

/// A getter: a method whose body is only `return g.eventChannel`, a field of its receiver.
pub fn on_yield(acc: &mut Acc, scope: &str, receiver: &str, method: Node, src: &[u8]) {
    let mut statements = method.child_by_field_id(kinds().f_body).map(not_comments).unwrap_or_default();
    if statements.len() == 1 && statements[0].kind() == "statement_list" {
        statements = not_comments(statements[0]);
    }
    if statements.len() != 1 || statements[0].kind() != "return_statement" {
        return;
    }
    let values = named_children(statements[0]);
    if values.len() != 1 || values[0].kind() != "expression_list" || values[0].named_child_count() != 1 {
        return;
    }
    let value = named_children(values[0])[0];
    let operand = if value.kind() == "selector_expression" { value.child_by_field_id(kinds().f_operand) } else { None };
    if let Some(operand) = operand {
        if operand.kind() == "identifier" && flat(operand, src) == receiver {
            acc.channels.push(op(scope, flat(value, src), line_of(value), YIELD, String::new(), -1));
        }
    }
}

/// A method declared to return a channel: what each of its returns gives back (outside closures).
pub fn on_channel_return(acc: &mut Acc, scope: &str, method: Node, src: &[u8]) {
    let mut todo = method.child_by_field_id(kinds().f_body).map(named_children).unwrap_or_default();
    while let Some(node) = todo.pop() {
        if node.kind() == "return_statement" {
            let values = named_children(node);
            if values.len() == 1 && values[0].kind() == "expression_list" && values[0].named_child_count() == 1 {
                yield_value(acc, scope, named_children(values[0])[0], src);
            }
        } else if node.kind() != "func_literal" {
            todo.extend(named_children(node));
        }
    }
}

fn yield_value(acc: &mut Acc, scope: &str, value: Node, src: &[u8]) {
    let channel = match value.kind() {
        "identifier" | "selector_expression" => flat(value, src),
        "call_expression" => returning_call(value, src),
        _ => return,
    };
    if !channel.is_empty() && py_len(&channel) <= MAX_CALLEE {
        acc.channels.push(op(scope, channel, line_of(value), YIELD, String::new(), -1));
    }
}

/// A method's result handed to a function started as a goroutine or called as a statement.
pub fn on_handed(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let node = c.node("handed");
    let scope = acc.scope_of(node);
    let channel = if scope.is_empty() { String::new() } else { returning_call(node, src) };
    let (call, arg) = if channel.is_empty() { (String::new(), -1) } else { argument_of(&acc.callee_at, c, node, src) };
    if !call.is_empty() {
        acc.channels.push(op(&scope, channel, line_of(node), PASS, call, arg));
    }
}

/// A variable handed to a call: kept if through_fields finds it worth it.
pub fn pass_variable(acc: &mut Acc, scope: &str, name: String, line: i64, call: String, arg: i64) {
    acc.channels.push(op(scope, name, line, PASS, call, arg));
}

fn record(acc: &mut Acc, node: Node, what: &'static str, src: &[u8]) {
    let scope = acc.scope_of(node);
    let channel = if node.kind() == "call_expression" { getter_call(node, src) } else { flat(node, src) };
    if !scope.is_empty() && !channel.is_empty() && py_len(&channel) <= MAX_CALLEE {
        acc.channels.push(op(&scope, channel, line_of(node), what, String::new(), -1));
    }
}

/// `kl.pleg.Watch()` for a call of a method with no arguments; "" for any other call.
fn getter_call(call: Node, src: &[u8]) -> String {
    match call.child_by_field_id(kinds().f_arguments) {
        Some(args) if args.named_child_count() == 0 => returning_call(call, src),
        _ => String::new(),
    }
}

/// `cfg.Channel()` for a call of a method (its arguments left out); "" for any other call.
fn returning_call(call: Node, src: &[u8]) -> String {
    match call.child_by_field_id(kinds().f_function) {
        Some(f) if f.kind() == "selector_expression" => {
            let text = flat(f, src) + "()";
            if py_len(&text) <= MAX_CALLEE {
                text
            } else {
                String::new()
            }
        }
        _ => String::new(),
    }
}

/// The operations worth keeping, locals replaced by the fields they were assigned from.
pub fn through_fields(
    ops: Vec<ChannelOp>,
    aliases: &[(String, String, String)],
    locals: &[LocalVar],
    chan_params: &FastMap<String, FastSet<String>>,
) -> Vec<ChannelOp> {
    if ops.iter().all(|o| o.channel.contains('.')) {
        return ops;
    }
    let mut fields: FastMap<(&str, &str), BTreeSet<&str>> = FastMap::default();
    for (scope, name, value) in aliases {
        fields.entry((scope, name)).or_default().insert(value);
    }
    let mut made: FastSet<(&str, &str)> = FastSet::default();
    for v in locals {
        if v.assigned_from_field() {
            fields.entry((&v.scope, &v.name)).or_default().insert(&v.expr);
        } else if v.makes_channel() {
            made.insert((&v.scope, &v.name));
        }
    }
    let mut kept = Vec::new();
    for o in &ops {
        let key = (o.caller.as_str(), o.channel.as_str());
        if o.channel.contains('.') || chan_params.get(&o.caller).is_some_and(|p| p.contains(&o.channel)) {
            kept.push(o.clone());
        } else if let Some(found) = fields.get(&key) {
            for field in found {
                let mut replaced = o.clone();
                replaced.channel = field.to_string();
                kept.push(replaced);
            }
        } else if made.contains(&key) {
            kept.push(o.clone());
        }
    }
    kept
}
