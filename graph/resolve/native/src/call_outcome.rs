//! graph/resolve/call_outcome.py: what became of a call site, and why a receiver stays unknown.

use crate::facts::Source;
use crate::symbols::Symbols;
use crate::typeref::Scope;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Outcome {
    Resolved,
    Builtin,
    Conversion,
    External,
    Dynamic,
    Unresolved,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Resolved => "resolved",
            Outcome::Builtin => "builtin",
            Outcome::Conversion => "conversion",
            Outcome::External => "external",
            Outcome::Dynamic => "dynamic",
            Outcome::Unresolved => "unresolved",
        }
    }
}

pub fn is_external(symbols: &Symbols, scope: &Scope, type_expr: &str) -> bool {
    scope.named_type(type_expr).is_some_and(|(path, _)| !symbols.has_package(&path))
}

/// Outcome for `head.M()` when head's type is unknown (see call_outcome.py).
pub fn head_outcome<'a>(
    symbols: &Symbols<'_, 'a>,
    scope: &Scope<'a>,
    head: &str,
    declared: Option<&str>,
    callee: Option<&str>,
) -> Outcome {
    if let Some(callee) = callee {
        let path = callee.split_once('.').and_then(|(alias, _)| scope.import(alias));
        return match path {
            Some(p) if !p.is_empty() && !symbols.has_package(p) => Outcome::External,
            _ => Outcome::Unresolved,
        };
    }
    let (text, scope) = match declared {
        Some(text) => (text, scope.clone()),
        None => {
            let Some(found) = symbols.package_var(scope.package(), head) else {
                return Outcome::Unresolved;
            };
            if found.how == Source::Address {
                return Outcome::Unresolved;
            }
            let found_scope = Scope::File(found.scope);
            if found.how == Source::Call {
                return head_outcome(symbols, &found_scope, head, None, Some(found.expr));
            }
            (found.expr, found_scope)
        }
    };
    if text.trim_start_matches('*') == "error" {
        return Outcome::Builtin;
    }
    if is_external(symbols, &scope, text) {
        Outcome::External
    } else {
        Outcome::Unresolved
    }
}

/// Outcome when a chain step `.segment` of a known type leads nowhere in the tree.
pub fn member_outcome(symbols: &Symbols, tid: &str, segment: &str) -> Outcome {
    if let Some(name) = segment.strip_suffix("()") {
        let set = symbols.method_set(tid);
        if let Some((method, _)) = set.get(name) {
            let external = method.results.first().is_some_and(|r| is_external(symbols, &Scope::File(method.scope), r));
            return if external { Outcome::External } else { Outcome::Unresolved };
        }
        return embeds_external(symbols, tid);
    }
    if let Some((text, scope)) = symbols.field_type(tid, segment) {
        return if is_external(symbols, &Scope::File(scope), text) { Outcome::External } else { Outcome::Unresolved };
    }
    embeds_external(symbols, tid)
}

/// A member missing from a type that embeds an out-of-tree type is most likely promoted from it.
pub fn embeds_external(symbols: &Symbols, tid: &str) -> Outcome {
    let Some(info) = symbols.type_info(tid) else { return Outcome::Unresolved };
    let scope = Scope::File(info.scope);
    let embedded =
        info.decl.fields.iter().filter(|f| f.embedded).map(|f| f.type_expr).chain(info.decl.embeds.iter().copied());
    for e in embedded {
        if is_external(symbols, &scope, e) {
            return Outcome::External;
        }
    }
    Outcome::Unresolved
}
