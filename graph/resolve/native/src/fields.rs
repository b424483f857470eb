//! graph/resolve/fields.py (and handoff.py's end rules): the struct field a store, a call
//! through a func field, a channel operation, a work queue's or a sync.Cond's call names.

use crate::callexpr::{base_name, split_segments};
use crate::facts::{is_channel_type, CallRef};
use crate::ids::{field_key, key_of};
use crate::resolver::CallResolver;
use crate::symbols::Symbols;
use crate::typeref::Scope;

const WORKQUEUE: &str = "method:k8s.io/client-go/util/workqueue.(";

/// QUEUE_ADD or QUEUE_GET when a resolved call's target is a work queue's, else "".
fn queue_end(target: &str) -> &'static str {
    if !target.starts_with(WORKQUEUE) {
        return "";
    }
    let name = target.rsplit_once(").").map(|(_, n)| n).unwrap_or(target);
    match name {
        "Add" | "AddRateLimited" | "AddAfter" => "queue-add",
        "Get" => "queue-get",
        _ => "",
    }
}

/// COND_SIGNAL or COND_WAIT when a call's text ends in a sync.Cond method's name.
fn cond_end(callee_expr: &str) -> &'static str {
    match callee_expr.rsplit_once('.') {
        Some((head, name)) if !head.is_empty() => match name {
            "Broadcast" | "Signal" => "cond-signal",
            "Wait" => "cond-wait",
            _ => "",
        },
        _ => "",
    }
}

pub fn stored_field(resolver: &CallResolver, caller: &str, holder: &str, field: &str, line: i64) -> String {
    match resolver.holder_type(caller, holder, line) {
        Some(tid) if resolver.symbols.field_type(&tid, field).is_some() => field_key(&tid, field),
        _ => String::new(),
    }
}

pub fn channel_field(resolver: &CallResolver, caller: &str, expr: &str, line: i64) -> String {
    field_holding(resolver, caller, expr, line, &|text, _| is_channel_type(text))
}

pub fn holds_channel(symbols: &Symbols, key: &str) -> bool {
    let inner = key_of(key);
    let (owner, name) = inner.rsplit_once('.').unwrap_or(("", inner));
    symbols.field_type(&format!("type:{owner}"), name).is_some_and(|(t, _)| is_channel_type(t))
}

fn receiver_of(callee_expr: &str) -> &str {
    callee_expr.rsplit_once('.').map(|(h, _)| h).unwrap_or("")
}

pub fn call_end(resolver: &CallResolver, call: &CallRef, target: &str) -> (&'static str, String) {
    let end = if !target.is_empty() { queue_end(target) } else { cond_end(call.callee_expr) };
    if end.is_empty() {
        return ("", String::new());
    }
    let receiver = receiver_of(call.callee_expr);
    let key = if !target.is_empty() {
        field_holding(resolver, call.caller, receiver, call.line, &|_, _| true)
    } else {
        field_holding(resolver, call.caller, receiver, call.line, &|text, scope| {
            scope.named_type(text).is_some_and(|(p, n)| p == "sync" && n == "Cond")
        })
    };
    if key.is_empty() {
        ("", String::new())
    } else {
        (end, key)
    }
}

fn field_holding(
    resolver: &CallResolver,
    caller: &str,
    expr: &str,
    line: i64,
    holds: &dyn Fn(&str, &Scope) -> bool,
) -> String {
    let Some((holder, field)) = split_field(expr) else { return String::new() };
    let Some(tid) = resolver.holder_type(caller, &holder, line) else { return String::new() };
    match resolver.symbols.field_type(&tid, &field) {
        Some((text, scope)) if holds(text, &Scope::File(scope)) => field_key(&tid, &field),
        _ => String::new(),
    }
}

/// `c.config.queue` -> ("c.config", "queue").
fn split_field(expr: &str) -> Option<(String, String)> {
    let segments = split_segments(expr, true)?;
    if segments.len() < 2 {
        return None;
    }
    let last = &segments[segments.len() - 1];
    if last != base_name(last) {
        return None;
    }
    let n = expr.chars().count() as i64 - last.chars().count() as i64 - 1;
    let holder: String = if n > 0 { expr.chars().take(n as usize).collect() } else { String::new() };
    Some((holder, last.clone()))
}
