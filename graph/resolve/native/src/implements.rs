//! graph/resolve/implements.py: IMPLEMENTS by Go's structural typing and DISPATCHES from
//! interface methods to the methods that implement them, as the edges to add in order.

use std::rc::Rc;

use crate::facts::Kind;
use crate::fxhash::{Map, Set};
use crate::symbols::{MethodSet, Symbols};
use crate::typeref::Scope;

/// (IMPLEMENTS or DISPATCHES, source, target, via_pointer, confidence ("" for DISPATCHES))
pub type Relation = (&'static str, String, String, bool, &'static str);

/// tid if it is an interface; the interface a type is defined from; else None.
fn interface_of(symbols: &Symbols, tid: &str) -> Option<String> {
    let info = symbols.type_info(tid)?;
    if info.decl.kind == Kind::Interface {
        return Some(tid.to_string());
    }
    if info.decl.kind != Kind::Type || info.decl.type_expr.is_empty() {
        return None;
    }
    let target = symbols.named(&Scope::File(info.scope), info.decl.type_expr)?;
    if symbols.is_interface(&target) {
        Some(target)
    } else {
        None
    }
}

/// embedded type id -> the structs and interfaces that embed it.
fn embedders(symbols: &Symbols) -> Map<String, Set<String>> {
    let mut index: Map<String, Set<String>> = Map::default();
    for (tid, info) in &symbols.table.types {
        let scope = Scope::File(info.scope);
        let embedded =
            info.decl.fields.iter().filter(|f| f.embedded).map(|f| &f.type_expr).chain(info.decl.embeds.iter());
        for text in embedded {
            if let Some(inner) = symbols.named(&scope, text) {
                index.entry(inner).or_default().insert(tid.clone());
            }
        }
    }
    index
}

/// Types declaring `name`, plus the structs that embed them, transitively.
fn types_with_method(symbols: &Symbols, embedders: &Map<String, Set<String>>, name: &str) -> Set<String> {
    let mut found: Set<String> = symbols.table.by_method_name.get(name).cloned().unwrap_or_default();
    let mut frontier: Vec<String> = found.iter().cloned().collect();
    while !frontier.is_empty() {
        let mut next = Vec::new();
        for tid in &frontier {
            for outer in embedders.get(tid).into_iter().flatten() {
                if found.insert(outer.clone()) {
                    next.push(outer.clone());
                }
            }
        }
        frontier = next;
    }
    found
}

fn confidence(symbols: &Symbols, tid: &str, iface: &str) -> &'static str {
    let dots = |t: &str| symbols.type_info(t).is_some_and(|i| !i.scope.dot_imports.is_empty());
    if dots(tid) || dots(iface) {
        "approximate"
    } else {
        "exact"
    }
}

/// The IMPLEMENTS and DISPATCHES edges add_implements adds, in its order, and its tally.
pub fn find_implements<V>(symbols: &Symbols, in_graph: &Map<String, V>) -> (Vec<Relation>, Vec<(&'static str, i64)>) {
    let mut interfaces: Map<String, String> = Map::default();
    let mut concrete: Set<String> = Set::default();
    for tid in symbols.table.types.keys().filter(|t| in_graph.contains_key(*t)) {
        match interface_of(symbols, tid) {
            Some(source) => {
                interfaces.insert(tid.clone(), source);
            }
            None => {
                concrete.insert(tid.clone());
            }
        }
    }
    let embedders = embedders(symbols);
    let (mut implements, mut dispatches) = (0i64, 0i64);
    let mut out = Vec::new();
    let mut holders: Map<String, Rc<Vec<String>>> = Map::default();
    let mut names: Vec<&String> = interfaces.keys().collect();
    names.sort();
    for iface in names {
        let wanted = symbols.method_set(&interfaces[iface]);
        let rarity = |name: &str| symbols.table.by_method_name.get(name).map_or(0, |s| s.len());
        let mut rarest: Option<(&String, usize)> = None;
        for (name, _) in wanted.iter() {
            let n = rarity(name);
            if rarest.is_none_or(|(_, best)| n < best) {
                rarest = Some((name, n));
            }
        }
        let Some((rarest, _)) = rarest else { continue };
        // interfaces often share their rarest method: its holders are found once
        let candidates = holders
            .entry(rarest.clone())
            .or_insert_with(|| {
                let mut found: Vec<String> = types_with_method(symbols, &embedders, rarest)
                    .into_iter()
                    .filter(|t| concrete.contains(t))
                    .collect();
                found.sort();
                Rc::new(found)
            })
            .clone();
        for tid in candidates.iter() {
            let have: Rc<MethodSet> = symbols.method_set(tid);
            let mut via_pointer = false;
            let mut covers = true;
            for (name, (spec, _)) in wanted.iter() {
                match have.get(name) {
                    Some((method, pointer)) if method.signature == spec.signature => via_pointer |= *pointer,
                    _ => {
                        covers = false;
                        break;
                    }
                }
            }
            if !covers {
                continue;
            }
            out.push(("IMPLEMENTS", tid.clone(), iface.clone(), via_pointer, confidence(symbols, tid, iface)));
            implements += 1;
            if interfaces[iface] != *iface {
                continue;
            }
            for (name, (spec, _)) in wanted.iter() {
                let (method, pointer) = have.get(name).expect("checked above");
                if in_graph.contains_key(&method.id) && in_graph.contains_key(&spec.id) {
                    out.push(("DISPATCHES", spec.id.clone(), method.id.clone(), *pointer, ""));
                    dispatches += 1;
                }
            }
        }
    }
    let mut tally = Vec::new();
    if implements > 0 {
        tally.push(("implements", implements));
    }
    if dispatches > 0 {
        tally.push(("dispatches", dispatches));
    }
    tally.push(("interfaces", interfaces.len() as i64));
    (out, tally)
}
