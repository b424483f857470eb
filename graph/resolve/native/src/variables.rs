//! graph/resolve/variables.py: which declaration a name means at a line in one file's
//! functions (a local in scope, else a parameter or receiver).

use crate::fxhash::Map as HashMap;
use std::cell::RefCell;

use crate::callexpr::head_name;
use crate::calls::caller_id;
use crate::facts::{LocalVar, Source};
use crate::symbols::Symbols;
use crate::typeref::FileScope;

pub enum Declared<'a> {
    Local(&'a LocalVar),
    Param(&'a str),
}

pub struct FunctionVariables<'f, 't, 'a> {
    symbols: &'f Symbols<'t, 'a>,
    scope: &'a FileScope,
    locals: HashMap<(&'a str, &'a str), Vec<&'a LocalVar>>,
    params: RefCell<HashMap<String, std::rc::Rc<HashMap<&'a str, &'a str>>>>,
}

impl<'f, 't, 'a> FunctionVariables<'f, 't, 'a> {
    pub fn new(symbols: &'f Symbols<'t, 'a>, scope: &'a FileScope, locals: &'a [LocalVar]) -> Self {
        let mut sorted: Vec<&'a LocalVar> = locals.iter().collect();
        sorted.sort_by_key(|v| v.line); // stable, as Python's sorted
        let mut by_name: HashMap<(&'a str, &'a str), Vec<&'a LocalVar>> = HashMap::default();
        for v in sorted {
            by_name.entry((v.scope, v.name)).or_default().push(v);
        }
        FunctionVariables { symbols, scope, locals: by_name, params: RefCell::new(HashMap::default()) }
    }

    pub fn declared(&self, caller: &str, name: &str, line: i64) -> Option<Declared<'a>> {
        let mut found: Option<&'a LocalVar> = None;
        if let Some(vars) = self.locals.get(&(caller, name)) {
            for &v in vars {
                if v.line > line {
                    break;
                }
                if v.line == line && v.how != Source::Type && (v.expr == name || starts_with_name(v.expr, name)) {
                    continue;
                }
                if v.until == 0 || line <= v.until {
                    found = Some(v);
                }
            }
        }
        if let Some(v) = found {
            return Some(Declared::Local(v));
        }
        self.parameter(caller, name).map(Declared::Param)
    }

    pub fn parameter(&self, caller: &str, name: &str) -> Option<&'a str> {
        self.parameters(caller).get(name).copied()
    }

    fn parameters(&self, caller: &str) -> std::rc::Rc<HashMap<&'a str, &'a str>> {
        if let Some(found) = self.params.borrow().get(caller) {
            return found.clone();
        }
        let mut params = HashMap::default();
        if let Some(info) = self.symbols.func_info(&caller_id(&self.scope.package, caller, "")) {
            let list: &'a [(&'static str, &'static str)] = info.params;
            for (p, t) in list {
                if !p.is_empty() {
                    params.insert(*p, *t);
                }
            }
        }
        let params = std::rc::Rc::new(params);
        self.params.borrow_mut().insert(caller.to_string(), params.clone());
        params
    }

    /// See variables.py: the memo key of an expression whose meaning does not depend on the line.
    pub fn line_free_key(&self, caller: &str, expr: &str) -> Option<String> {
        let name = head_name(expr)?;
        if self.locals.contains_key(&(caller, name)) {
            return None;
        }
        Some(match self.parameter(caller, name) {
            None => expr.to_string(),
            Some(param) => format!("{param}\0{expr}"),
        })
    }
}

fn starts_with_name(expr: &str, name: &str) -> bool {
    expr.strip_prefix(name).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}
