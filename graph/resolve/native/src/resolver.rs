//! graph/resolve/resolver.py's CallResolver: one file's call expressions and function values
//! resolved to the functions they name, from the types the source makes visible.

use crate::fxhash::Map as HashMap;
use std::cell::{Cell, RefCell};

use crate::call_outcome::{embeds_external, head_outcome, member_outcome, Outcome};
use crate::callexpr::{anchored_type, base_name, split_segments, suffixes};
use crate::facts::{LocalVar, Source};
use crate::ids::{field_key, function_id, type_id};
use crate::symbols::Symbols;
use crate::typeref::{FileScope, Scope};
use crate::variables::{Declared, FunctionVariables};

#[rustfmt::skip]
const BUILTINS: [&str; 29] = [
    "append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max",
    "min", "new", "panic", "print", "println", "real", "recover", "bool", "byte", "complex64",
    "complex128", "error", "float32", "float64", "int", "int8", "int16", "int32",
];
const BUILTINS_MORE: [&str; 8] = ["int64", "rune", "string", "uint", "uint8", "uint16", "uint32", "uint64"];
const BUILTINS_LAST: [&str; 2] = ["uintptr", "any"];
pub(crate) const MAX_DEPTH: usize = 6;

fn is_builtin(name: &str) -> bool {
    BUILTINS.contains(&name) || BUILTINS_MORE.contains(&name) || BUILTINS_LAST.contains(&name)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Via {
    Direct,
    Method,
    Field,
    Interface,
    Value,
    Stored,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Direct => "direct",
            Via::Method => "method",
            Via::Field => "field",
            Via::Interface => "interface",
            Via::Value => "value",
            Via::Stored => "stored",
        }
    }
}

pub type Typed<'a> = (String, Scope<'a>);
pub type Resolution = (Outcome, String, Option<Via>);

fn unresolved() -> Resolution {
    (Outcome::Unresolved, String::new(), None)
}

fn bare(outcome: Outcome) -> Resolution {
    (outcome, String::new(), None)
}

pub struct CallResolver<'f, 't, 'a> {
    pub symbols: &'f Symbols<'t, 'a>,
    pub scope: &'a FileScope,
    pub variables: FunctionVariables<'f, 't, 'a>,
    pub(crate) depth: Cell<usize>,
    calls: RefCell<HashMap<String, Resolution>>,
    values: RefCell<HashMap<String, (String, Option<Via>)>>,
}

impl<'f, 't, 'a> CallResolver<'f, 't, 'a> {
    pub fn new(symbols: &'f Symbols<'t, 'a>, scope: &'a FileScope, locals: &'a [LocalVar]) -> Self {
        CallResolver {
            symbols,
            scope,
            variables: FunctionVariables::new(symbols, scope, locals),
            depth: Cell::new(0),
            calls: RefCell::new(HashMap::default()),
            values: RefCell::new(HashMap::default()),
        }
    }

    pub(crate) fn own(&self) -> Scope<'a> {
        Scope::File(self.scope)
    }

    pub fn resolve(&self, caller: &str, expr: &str, line: i64) -> Resolution {
        let Some(key) = self.memo_key(caller, expr) else { return self.resolve_now(caller, expr, line) };
        if let Some(found) = self.calls.borrow().get(&key) {
            return found.clone();
        }
        let found = self.resolve_now(caller, expr, line);
        self.calls.borrow_mut().insert(key, found.clone());
        found
    }

    pub fn reference(&self, caller: &str, expr: &str, line: i64) -> (String, Option<Via>) {
        let Some(key) = self.memo_key(caller, expr) else { return self.reference_now(caller, expr, line) };
        if let Some(found) = self.values.borrow().get(&key) {
            return found.clone();
        }
        let found = self.reference_now(caller, expr, line);
        self.values.borrow_mut().insert(key, found.clone());
        found
    }

    pub(crate) fn memo_key(&self, caller: &str, expr: &str) -> Option<String> {
        if self.depth.get() > 0 {
            return None;
        }
        self.variables.line_free_key(caller, expr)
    }

    pub(crate) fn undeclared(&self, caller: &str, name: &str, line: i64) -> bool {
        self.variables.declared(caller, name, line).is_none()
    }

    pub(crate) fn resolve_now(&self, caller: &str, expr: &str, line: i64) -> Resolution {
        let Some(segments) = split_segments(expr, false) else { return unresolved() };
        if let Some((at, anchor)) = anchored_type(&segments) {
            let rest = &segments[at + 1..];
            return if rest.is_empty() {
                unresolved()
            } else {
                self.chain_to_method((anchor, self.own()), rest, rest.len() > 1)
            };
        }
        let head = &segments[0];
        if segments.len() == 1 {
            return self.plain_call(caller, head, line);
        }
        let rest = &segments[1..];
        if head == base_name(head) && self.undeclared(caller, head, line) {
            if let Some(path) = self.scope.imports.get(head.as_str()) {
                return self.package_member(path, rest);
            }
        }
        match self.head_type(caller, head, line) {
            None => bare(self.unknown_head(caller, head, line)),
            Some(current) => self.chain_to_method(current, rest, segments.len() > 2),
        }
    }

    pub(crate) fn reference_now(&self, caller: &str, expr: &str, line: i64) -> (String, Option<Via>) {
        let Some(segments) = split_segments(expr, false) else { return (String::new(), None) };
        let last = &segments[segments.len() - 1];
        if last != base_name(last) {
            return (String::new(), None);
        }
        if segments.len() == 1 {
            let name = &segments[0];
            if !self.undeclared(caller, name, line) {
                return (String::new(), None);
            }
            let fid = function_id(&self.scope.package, name);
            return if self.symbols.has_func(&fid) { (fid, Some(Via::Value)) } else { (String::new(), None) };
        }
        let (outcome, target, _) = self.resolve(caller, expr, line);
        if outcome == Outcome::Dynamic && !target.is_empty() {
            return (target, Some(Via::Stored));
        }
        if outcome == Outcome::Resolved {
            (target, Some(Via::Value))
        } else {
            (String::new(), None)
        }
    }

    /// The id of the named type whose field `holder.f` is (or a literal's type `Holder{}`).
    pub fn holder_type(&self, caller: &str, holder: &str, line: i64) -> Option<String> {
        if let Some(literal) = holder.strip_suffix("{}") {
            return self.symbols.named(&self.own(), literal);
        }
        let (text, scope) = self.expr_type(caller, holder, line)?;
        self.symbols.named(&scope, &text)
    }

    pub(crate) fn plain_call(&self, caller: &str, head: &str, line: i64) -> Resolution {
        if head.starts_with('(') {
            return bare(Outcome::Conversion);
        }
        if head != base_name(head) {
            return unresolved();
        }
        if !self.undeclared(caller, head, line) {
            return bare(Outcome::Dynamic);
        }
        let fid = function_id(&self.scope.package, head);
        if self.symbols.has_func(&fid) {
            return (Outcome::Resolved, fid, Some(Via::Direct));
        }
        if is_builtin(head) {
            return bare(Outcome::Builtin);
        }
        if self.symbols.has_type(&type_id(&self.scope.package, head)) {
            return bare(Outcome::Conversion);
        }
        unresolved()
    }

    pub(crate) fn package_member(&self, path: &str, rest: &[String]) -> Resolution {
        if !self.symbols.has_package(path) {
            return bare(Outcome::External);
        }
        let first = &rest[0];
        let name = base_name(first);
        if rest.len() == 1 {
            if first != name {
                return unresolved();
            }
            let fid = function_id(path, name);
            if self.symbols.has_func(&fid) {
                return (Outcome::Resolved, fid, Some(Via::Direct));
            }
            if self.symbols.has_type(&type_id(path, name)) {
                return bare(Outcome::Conversion);
            }
            return unresolved();
        }
        match self.package_value(path, first) {
            None => unresolved(),
            Some(current) => self.chain_to_method(current, &rest[1..], rest.len() > 2),
        }
    }

    pub(crate) fn package_value(&self, path: &str, segment: &str) -> Option<Typed<'a>> {
        let name = base_name(segment);
        let mut steps = suffixes(segment);
        let current;
        if steps.first() == Some(&"()") {
            steps.remove(0);
            let mut found = self.result_type(&function_id(path, name), 0);
            if found.is_none() && self.symbols.has_type(&type_id(path, name)) {
                found = Some((name.to_string(), Scope::Package(path.to_string())));
            }
            current = found;
        } else {
            current = self.symbols.package_var(path, name).and_then(|v| self.package_var_type(v));
        }
        self.apply(current, &steps)
    }

    pub(crate) fn chain_to_method(&self, start: Typed<'a>, rest: &[String], through_field: bool) -> Resolution {
        let mut current = start;
        for segment in &rest[..rest.len() - 1] {
            match self.member(&current, segment) {
                Some(step) => current = step,
                None => {
                    let outcome = match self.symbols.named(&current.1, &current.0) {
                        Some(tid) => {
                            let call = if segment.ends_with("()") { "()" } else { "" };
                            member_outcome(self.symbols, &tid, &format!("{}{}", base_name(segment), call))
                        }
                        None => Outcome::Unresolved,
                    };
                    return bare(outcome);
                }
            }
        }
        let name = &rest[rest.len() - 1];
        if name != base_name(name) {
            return unresolved();
        }
        let Some(tid) = self.symbols.named(&current.1, &current.0) else {
            if current.0.trim_start_matches('*') == "error" && name == "Error" {
                return bare(Outcome::Builtin);
            }
            return bare(head_outcome(self.symbols, &current.1, "", Some(&current.0), None));
        };
        let set = self.symbols.method_set(&tid);
        let Some((method, _)) = set.get(name.as_str()) else {
            if self.symbols.field_type(&tid, name).is_some() {
                return (Outcome::Dynamic, field_key(&tid, name), None);
            }
            return bare(embeds_external(self.symbols, &tid));
        };
        let via = if self.symbols.is_interface(&tid) {
            Via::Interface
        } else if through_field {
            Via::Field
        } else {
            Via::Method
        };
        (Outcome::Resolved, method.id.clone(), Some(via))
    }

    pub(crate) fn unknown_head(&self, caller: &str, head: &str, line: i64) -> Outcome {
        let own = self.own();
        match self.variables.declared(caller, head, line) {
            Some(Declared::Local(v)) => match v.how {
                Source::Call => head_outcome(self.symbols, &own, head, None, Some(v.expr)),
                Source::Type => head_outcome(self.symbols, &own, head, Some(v.expr), None),
                _ => Outcome::Unresolved,
            },
            Some(Declared::Param(text)) => head_outcome(self.symbols, &own, head, Some(text), None),
            None => head_outcome(self.symbols, &own, head, None, None),
        }
    }
}
