//! graph/resolve/calls.py's resolve_file_calls: one file's call sites, function values and
//! channel operations resolved and aggregated per (source, target, via), in first-seen order.

use std::hash::Hasher;

use crate::fxhash::{Map as HashMap, Set as HashSet};

use crate::call_outcome::Outcome;
use crate::facts::{is_channel_type, CallRef, ChannelOp, FileFacts};
use crate::fields::{call_end, channel_field, holds_channel, stored_field};
use crate::ids::{function_id, method_id};
use crate::resolver::{CallResolver, Via};
use crate::symbols::Symbols;
use crate::typetext::is_identifier;
use crate::variables::Declared;

const STORED: &str = "store";
const FIELD_CALL: &str = "field-call";
const FIELD_VALUE: &str = "field-value";
const PARAM_STORE: &str = "param-store";
const ARG_VALUE: &str = "arg-value";
const FORWARD: &str = "forward";
const CHANNEL_SEND: &str = "channel-send";
const CHANNEL_RECEIVE: &str = "channel-receive";
const CHANNEL_YIELD: &str = "channel-yield";
const CHANNEL_PASS: &str = "channel-pass";
const CHANNEL_STORE: &str = "channel-store";
const RETURNS: &str = "returns:";

/// (caller, callee, via, count, first line, file, variant)
pub type CallEdge = (String, String, String, i64, i64, String, bool);

/// A Counter: counts by key (the order of keys does not matter to a dict's equality).
pub type Tally = HashMap<String, i64>;

fn bump(tally: &mut Tally, key: &str) {
    *tally.entry(key.to_string()).or_insert(0) += 1;
}

/// Edges counted per (source, target, via) in the order first seen; found by the triple's
/// hash, so that counting allocates only for an edge not seen before.
#[derive(Default)]
struct Edges {
    index: HashMap<u64, usize>, // hash -> the last row with it
    earlier: Vec<usize>,        // row -> the row before it with the same hash (usize::MAX: none)
    rows: Vec<((String, String, String), i64, i64)>,
}

impl Edges {
    fn count(&mut self, source: &str, target: &str, via: &str, line: i64) {
        let mut hasher = crate::fxhash::FxHasher::default();
        for part in [source, target, via] {
            hasher.write(part.as_bytes());
            hasher.write_u8(0xff); // not in UTF-8: ("ab", "c") and ("a", "bc") differ
        }
        let hash = hasher.finish();
        let mut at = self.index.get(&hash).copied().unwrap_or(usize::MAX);
        while at != usize::MAX {
            let (key, count, _) = &mut self.rows[at];
            if key.0 == source && key.1 == target && key.2 == via {
                *count += 1;
                return;
            }
            at = self.earlier[at];
        }
        self.earlier.push(self.index.insert(hash, self.rows.len()).unwrap_or(usize::MAX));
        self.rows.push(((source.to_string(), target.to_string(), via.to_string()), 1, line));
    }
}

fn via_text(via: Option<Via>) -> &'static str {
    via.map(|v| v.as_str()).unwrap_or("None")
}

pub fn resolve_file_calls<'t, 'a>(f: &'a FileFacts, symbols: &Symbols<'t, 'a>, tally: &mut Tally) -> Vec<CallEdge> {
    if f.calls.is_empty() && f.channels.is_empty() {
        return Vec::new();
    }
    let scope = symbols.table.scopes[f.rel_path];
    let resolver = CallResolver::new(symbols, scope, &f.locals);
    let mut edges = Edges::default();
    let mut caller_ids: HashMap<String, String> = HashMap::default();
    let mut variants: HashSet<String> = HashSet::default();
    let mut aside: Tally = HashMap::default();
    let file_name = f.rel_path.rsplit('/').next().unwrap_or("");
    for call in &f.calls {
        if call.caller.is_empty() {
            bump(tally, "package_level");
            continue;
        }
        let caller = enclosing(f, call.caller, symbols, &mut caller_ids, &mut variants, file_name);
        let variant = variants.contains(&caller);
        if variant {
            bump(tally, "other_platform");
        }
        let counts = if variant { &mut aside } else { &mut *tally };
        let (target, via): (String, Option<Via>);
        if call.value {
            let slot = if variant { String::new() } else { parameter_slot(symbols, &resolver, call, &caller) };
            if !slot.is_empty() && !call.field.is_empty() {
                let key = stored_field(&resolver, call.caller, call.holder, call.field, call.line);
                if !key.is_empty() {
                    edges.count(&slot, &key, PARAM_STORE, call.line);
                    store_channel(&mut edges, &resolver, call, &caller, &key);
                }
                continue;
            }
            if !call.field.is_empty() && !variant && store_channel(&mut edges, &resolver, call, &caller, "") {
                continue;
            }
            if !slot.is_empty() && !call.call.is_empty() {
                let onward = argument_slot(symbols, &resolver, call.caller, call.call, call.arg, call.line, &|_| true);
                if !onward.is_empty() {
                    edges.count(&slot, &onward, FORWARD, call.line);
                }
                continue;
            }
            (target, via) = resolver.reference(call.caller, call.callee_expr, call.line);
            if target.is_empty() {
                continue;
            }
            if via == Some(Via::Stored) {
                if !variant {
                    edges.count(&caller, &target, FIELD_VALUE, call.line);
                    if !call.call.is_empty() && holds_channel(symbols, &target) {
                        let slot = channel_slot(symbols, &resolver, call.caller, call.call, call.arg, call.line);
                        if !slot.is_empty() {
                            edges.count(&slot, &target, CHANNEL_PASS, call.line);
                        }
                    }
                }
                continue;
            }
            bump(counts, "references");
            if !call.call.is_empty() && !variant {
                let slot = argument_slot(symbols, &resolver, call.caller, call.call, call.arg, call.line, &|_| true);
                if !slot.is_empty() {
                    edges.count(&slot, &target, ARG_VALUE, call.line);
                }
            }
            if !call.field.is_empty() && !variant {
                let key = stored_field(&resolver, call.caller, call.holder, call.field, call.line);
                if !key.is_empty() {
                    edges.count(&key, &target, STORED, call.line);
                }
            }
        } else {
            let (outcome, found, found_via) = resolver.resolve(call.caller, call.callee_expr, call.line);
            bump(counts, outcome.as_str());
            if outcome == Outcome::Dynamic && !found.is_empty() && !variant {
                edges.count(&caller, &found, FIELD_CALL, call.line);
                continue;
            }
            let resolved = outcome == Outcome::Resolved;
            let (end, key) = if variant {
                ("", String::new())
            } else {
                call_end(&resolver, call, if resolved { &found } else { "" })
            };
            if !key.is_empty() {
                edges.count(&caller, &key, end, call.line);
            }
            if !resolved {
                continue;
            }
            bump(counts, &format!("via_{}", via_text(found_via)));
            (target, via) = (found, found_via);
        }
        edges.count(&caller, &target, via_text(via), call.line);
    }
    for op in &f.channels {
        let caller = enclosing(f, op.caller, symbols, &mut caller_ids, &mut variants, file_name);
        if variants.contains(&caller) {
            continue;
        }
        let key = channel_route(symbols, &resolver, op, &caller);
        if op.op == "yield" {
            if !key.is_empty() {
                edges.count(&caller, &key, CHANNEL_YIELD, op.line);
            }
            continue;
        }
        if key.is_empty() {
            continue;
        }
        if op.op == "pass" {
            let slot = channel_slot(symbols, &resolver, op.caller, op.call, op.arg, op.line);
            if !slot.is_empty() {
                edges.count(&slot, &key, CHANNEL_PASS, op.line);
            }
        } else {
            let via = if op.op == "send" { CHANNEL_SEND } else { CHANNEL_RECEIVE };
            edges.count(&caller, &key, via, op.line);
        }
    }
    edges
        .rows
        .into_iter()
        .map(|((c, t, via), n, line)| {
            let variant = variants.contains(&c);
            (c, t, via, n, line, f.rel_path.to_string(), variant)
        })
        .collect()
}

fn enclosing(
    f: &FileFacts,
    name: &str,
    symbols: &Symbols,
    caller_ids: &mut HashMap<String, String>,
    variants: &mut HashSet<String>,
    file_name: &str,
) -> String {
    if let Some(found) = caller_ids.get(name) {
        if !found.is_empty() {
            return found.clone();
        }
    }
    let caller = caller_id(f.import_path, name, file_name);
    caller_ids.insert(name.to_string(), caller.clone());
    if let Some(info) = symbols.func_info(&caller) {
        if info.file != f.rel_path {
            variants.insert(caller.clone());
        }
    }
    caller
}

fn parameter_slot(symbols: &Symbols, resolver: &CallResolver, call: &CallRef, caller: &str) -> String {
    if (call.field.is_empty() && call.call.is_empty()) || !is_identifier(call.callee_expr) {
        return String::new();
    }
    if !matches!(resolver.variables.declared(call.caller, call.callee_expr, call.line), Some(Declared::Param(_))) {
        return String::new();
    }
    let Some(info) = symbols.func_info(caller) else { return String::new() };
    match info.params.iter().position(|(n, _)| *n == call.callee_expr) {
        Some(i) => format!("{caller}@{i}"),
        None => String::new(),
    }
}

fn store_channel(edges: &mut Edges, resolver: &CallResolver, call: &CallRef, caller: &str, key: &str) -> bool {
    let name = &call.callee_expr;
    if !is_identifier(name) {
        return false;
    }
    let route = match resolver.variables.declared(call.caller, name, call.line) {
        Some(Declared::Param(text)) => {
            if is_channel_type(text) {
                parameter_route(resolver.symbols, caller, name)
            } else {
                String::new()
            }
        }
        Some(Declared::Local(v)) if v.makes_channel() => format!("{caller}#{name}"),
        _ => String::new(),
    };
    let key = if !key.is_empty() {
        key.to_string()
    } else if !route.is_empty() {
        stored_field(resolver, call.caller, call.holder, call.field, call.line)
    } else {
        String::new()
    };
    if !route.is_empty() && !key.is_empty() {
        edges.count(&route, &key, CHANNEL_STORE, call.line);
        return true;
    }
    false
}

fn channel_route(symbols: &Symbols, resolver: &CallResolver, op: &ChannelOp, caller: &str) -> String {
    if let Some(getter) = op.channel.strip_suffix("()") {
        let (outcome, target, _) = resolver.resolve(op.caller, getter, op.line);
        let resolved = outcome == Outcome::Resolved && target.starts_with("method:");
        return if resolved { format!("{RETURNS}{target}") } else { String::new() };
    }
    if op.channel.contains('.') {
        return channel_field(resolver, op.caller, op.channel, op.line);
    }
    let route = parameter_route(symbols, caller, op.channel);
    if route.is_empty() {
        format!("{caller}#{}", op.channel)
    } else {
        route
    }
}

fn parameter_route(symbols: &Symbols, function: &str, name: &str) -> String {
    let Some(info) = symbols.func_info(function) else { return String::new() };
    match info.params.iter().position(|(n, _)| *n == name) {
        Some(i) => format!("{function}@{i}:{name}"),
        None => String::new(),
    }
}

fn channel_slot(symbols: &Symbols, resolver: &CallResolver, caller: &str, call: &str, arg: i64, line: i64) -> String {
    let (outcome, callee, via) = resolver.resolve(caller, call, line);
    if outcome == Outcome::Resolved && via == Some(Via::Interface) {
        return format!("{callee}@{}", arg + 1);
    }
    let slot = argument_slot(symbols, resolver, caller, call, arg, line, &is_channel_type);
    if slot.is_empty() {
        return String::new();
    }
    let (callee, index) = slot.rsplit_once('@').unwrap_or(("", &slot));
    let Some(info) = symbols.func_info(callee) else { return String::new() };
    let index: usize = index.parse().unwrap_or(0);
    format!("{slot}:{}", info.params[index].0)
}

fn argument_slot(
    symbols: &Symbols,
    resolver: &CallResolver,
    caller: &str,
    call: &str,
    arg: i64,
    line: i64,
    takes: &dyn Fn(&str) -> bool,
) -> String {
    let (outcome, callee, via) = resolver.resolve(caller, call, line);
    if outcome != Outcome::Resolved || via == Some(Via::Interface) {
        return String::new();
    }
    let Some(info) = symbols.func_info(&callee) else { return String::new() };
    let index = arg + if callee.starts_with("method:") { 1 } else { 0 };
    if index < 0 {
        return String::new();
    }
    let Some((_, text)) = info.params.get(index as usize) else { return String::new() };
    if text.starts_with("...") || !takes(text) {
        return String::new();
    }
    format!("{callee}@{index}")
}

/// Graph id of the function a CallRef's `caller` names; `init#2` is the file's second init.
pub fn caller_id(package: &str, caller: &str, file_name: &str) -> String {
    if let Some(inner) = caller.strip_prefix('(') {
        let (receiver, name) = inner.split_once(").").unwrap_or((inner, ""));
        return method_id(package, receiver.trim_start_matches('*'), name, receiver.starts_with('*'));
    }
    match caller.split_once('#') {
        Some((name, ordinal)) => format!("{}#{file_name}#{ordinal}", function_id(package, name)),
        None => function_id(package, caller),
    }
}
