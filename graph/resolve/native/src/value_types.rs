//! resolver.py's types of values: what type a name, a field, a call's result, a package
//! variable or an element has (the CallResolver's half that walks types, not calls).

use crate::call_outcome::Outcome;
use crate::callexpr::{anchored_type, base_name, split_segments, suffixes};
use crate::facts::{LocalVar, Source};
use crate::ids::{function_id, key_of, type_id};
use crate::resolver::{CallResolver, Typed, MAX_DEPTH};
use crate::symbols::PackageVar;
use crate::typeref::{FileScope, Scope};
use crate::typetext::{element_text, func_results};
use crate::variables::Declared;

impl<'f, 't, 'a> CallResolver<'f, 't, 'a> {
    pub(crate) fn head_type(&self, caller: &str, head: &str, line: i64) -> Option<Typed<'a>> {
        let name = base_name(head);
        let mut steps = suffixes(head);
        if name.starts_with('(') {
            let text = if name.len() >= 2 { name[1..name.len() - 1].to_string() } else { String::new() };
            let rest = if steps.is_empty() { &steps[..] } else { &steps[1..] };
            return self.apply(Some((text, self.own())), rest);
        }
        let current;
        if steps.first() == Some(&"()") && self.undeclared(caller, name, line) {
            steps.remove(0);
            let mut found = self.result_type(&function_id(&self.scope.package, name), 0);
            if found.is_none() && self.symbols.has_type(&type_id(&self.scope.package, name)) {
                found = Some((name.to_string(), self.own()));
            }
            current = found;
        } else {
            current = self.name_type(caller, name, line);
        }
        self.apply(current, &steps)
    }

    pub(crate) fn name_type(&self, caller: &str, name: &str, line: i64) -> Option<Typed<'a>> {
        match self.variables.declared(caller, name, line) {
            None => self.symbols.package_var(&self.scope.package, name).and_then(|v| self.package_var_type(v)),
            Some(Declared::Param(text)) => Some((text.to_string(), self.own())),
            Some(Declared::Local(v)) => self.local_type(caller, v),
        }
    }

    pub(crate) fn package_var_type(&self, found: &PackageVar<'a>) -> Option<Typed<'a>> {
        let (text, scope) = (found.expr, found.scope);
        if found.how == Source::Address {
            if self.depth.get() >= MAX_DEPTH {
                return None;
            }
            let (alias, name, dot) = match text.split_once('.') {
                Some((a, n)) => (a, n, true),
                None => (text, "", false),
            };
            let package =
                if dot { scope.imports.get(alias).map(|s| s.as_str()).unwrap_or("") } else { scope.package.as_str() };
            self.depth.set(self.depth.get() + 1);
            let target = if package.is_empty() {
                None
            } else {
                self.symbols.package_var(package, if dot { name } else { alias })
            };
            let inner = target.and_then(|t| self.package_var_type(t));
            self.depth.set(self.depth.get() - 1);
            return inner.map(|(t, s)| (format!("*{}", t.trim_start_matches('*')), s));
        }
        if found.how != Source::Call {
            return if text != "func" { Some((text.to_string(), Scope::File(scope))) } else { None };
        }
        let (tid, _) = self.symbols.call_result(&Scope::File(scope), text)?;
        let key = key_of(&tid);
        let (package, name) = key.rsplit_once('.').unwrap_or(("", key));
        Some((name.to_string(), Scope::Package(package.to_string())))
    }

    pub(crate) fn local_type(&self, caller: &str, v: &'a LocalVar) -> Option<Typed<'a>> {
        if v.how == Source::Type {
            return if v.expr != "func" { Some((v.expr.to_string(), self.own())) } else { None };
        }
        if self.depth.get() >= MAX_DEPTH {
            return None;
        }
        self.depth.set(self.depth.get() + 1);
        let found = self.local_type_inner(caller, v);
        self.depth.set(self.depth.get() - 1);
        found
    }

    pub(crate) fn local_type_inner(&self, caller: &str, v: &'a LocalVar) -> Option<Typed<'a>> {
        if v.how == Source::Call {
            return self.call_result(caller, v.expr, v.result, v.line);
        }
        let ranged = self.expr_type(caller, v.expr, v.line)?;
        if v.how == Source::Address {
            return Some((format!("*{}", ranged.0.trim_start_matches('*')), ranged.1));
        }
        self.element(ranged, v.how == Source::RangeKey, v.how == Source::Variable)
    }

    pub fn expr_type(&self, caller: &str, expr: &str, line: i64) -> Option<Typed<'a>> {
        let segments = split_segments(expr, true)?;
        let head = &segments[0];
        let mut current: Option<Typed<'a>>;
        let rest: &[String];
        if let Some((at, anchor)) = anchored_type(&segments) {
            current = Some((anchor, self.own()));
            rest = &segments[at + 1..];
        } else if segments.len() > 1
            && head == base_name(head)
            && self.undeclared(caller, head, line)
            && self.scope.imports.contains_key(head.as_str())
        {
            let path = &self.scope.imports[head.as_str()];
            current = if self.symbols.has_package(path) { self.package_value(path, &segments[1]) } else { None };
            rest = &segments[2..];
        } else {
            current = self.head_type(caller, head, line);
            rest = &segments[1..];
        }
        for segment in rest {
            let typed = current?;
            current = self.member(&typed, segment);
        }
        current
    }

    pub(crate) fn call_result(&self, caller: &str, callee: &str, index: i64, line: i64) -> Option<Typed<'a>> {
        let (outcome, target, _) = self.resolve(caller, callee, line);
        match outcome {
            Outcome::Resolved => self.result_type(&target, index),
            Outcome::Dynamic => {
                let value = self.expr_type(caller, callee, line)?;
                self.underlying(value, &|text: &str| nth(func_results(text), index))
            }
            Outcome::Conversion if index == 0 => match callee.split_once('.') {
                None => Some((callee.to_string(), self.own())),
                Some((alias, name)) => {
                    self.scope.imports.get(alias).map(|path| (name.to_string(), Scope::Package(path.clone())))
                }
            },
            _ => None,
        }
    }

    pub(crate) fn result_type(&self, fid: &str, index: i64) -> Option<Typed<'a>> {
        let (results, scope): (&'a [&'static str], &'a FileScope) = match self.symbols.func_info(fid) {
            Some(info) => (info.results, info.scope),
            None => {
                let key = key_of(fid);
                let (owner, name) = key.rsplit_once(").").unwrap_or(("", key));
                let (package, iface) = owner.split_once(".(").unwrap_or((owner, ""));
                if iface.is_empty() {
                    return None;
                }
                let declared = self.symbols.type_info(&type_id(package, iface))?;
                let method = declared.methods.get(name)?;
                (method.results, method.scope)
            }
        };
        let index = usize::try_from(index).ok()?;
        results.get(index).map(|r| (r.to_string(), Scope::File(scope)))
    }

    pub(crate) fn member(&self, current: &Typed<'a>, segment: &str) -> Option<Typed<'a>> {
        let tid = self.symbols.named(&current.1, &current.0)?;
        let name = base_name(segment);
        let mut steps = suffixes(segment);
        let step = if steps.first() == Some(&"()") {
            steps.remove(0);
            let set = self.symbols.method_set(&tid);
            set.get(name).and_then(|(m, _)| m.results.first().map(|r| (r.to_string(), Scope::File(m.scope))))
        } else {
            self.symbols.field_type(&tid, name).map(|(t, s)| (t.to_string(), Scope::File(s)))
        };
        self.apply(step, &steps)
    }

    pub(crate) fn apply(&self, mut current: Option<Typed<'a>>, steps: &[&str]) -> Option<Typed<'a>> {
        for &step in steps {
            let typed = current?;
            if step != "[]" {
                return None;
            }
            current = self.element(typed, false, false);
        }
        current
    }

    pub(crate) fn element(&self, typed: Typed<'a>, key: bool, same: bool) -> Option<Typed<'a>> {
        if same {
            return Some(typed);
        }
        self.underlying(typed, &|text: &str| element_text(text, key))
    }

    pub(crate) fn underlying(&self, typed: Typed<'a>, read: &dyn Fn(&str) -> Option<String>) -> Option<Typed<'a>> {
        let (mut text, mut scope) = typed;
        for _ in 0..4 {
            if let Some(found) = read(&text) {
                return Some((found, scope));
            }
            let tid = self.symbols.named(&scope, &text)?;
            let info = self.symbols.type_info(&tid)?;
            if info.decl.type_expr.is_empty() {
                return None;
            }
            text = info.decl.type_expr.to_string();
            scope = Scope::File(info.scope);
        }
        None
    }
}

fn nth(items: Option<Vec<String>>, index: i64) -> Option<String> {
    let items = items?;
    let index = usize::try_from(index).ok()?;
    items.into_iter().nth(index)
}
