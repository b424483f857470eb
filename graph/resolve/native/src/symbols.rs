//! graph/resolve/symbols.py's SymbolTable as call resolution reads it: named types, their
//! fields, declared and promoted methods, functions' parameters and results, package variables.
//! Built eagerly over every file (SymbolTable.of); method sets are computed per thread
//! (Symbols), as the Python computes and caches them.

use crate::fxhash::{Map as HashMap, Set as HashSet};
use std::cell::RefCell;
use std::rc::Rc;

use crate::facts::{Decl, FileFacts, Kind, Source, Text};
use crate::ids::{function_id, method_id, type_id};
use crate::ordered::Ordered;
use crate::typeref::{FileScope, Scope};

pub const MAX_EMBED_DEPTH: usize = 6;

pub struct MethodInfo<'a> {
    pub id: String,
    pub signature: String, // "(p1,p2)(r1,r2)" with every type qualified by import path
    pub pointer: bool,
    pub results: &'a [Text],
    pub scope: &'a FileScope,
}

pub struct TypeInfo<'a> {
    pub decl: &'a Decl,
    pub scope: &'a FileScope,
    pub methods: Ordered<MethodInfo<'a>>,
}

pub struct FuncInfo<'a> {
    pub results: &'a [Text],
    pub scope: &'a FileScope,
    pub params: &'a [(Text, Text)],
    pub file: &'a str,
}

pub struct PackageVar<'a> {
    pub expr: &'a str,
    pub how: Source,
    pub scope: &'a FileScope,
}

pub struct Table<'a> {
    pub packages: HashSet<String>,
    pub scopes: HashMap<String, &'a FileScope>,
    pub types: HashMap<String, TypeInfo<'a>>,
    pub funcs: HashMap<String, FuncInfo<'a>>,
    pub package_vars: HashMap<String, PackageVar<'a>>,
    pub by_method_name: HashMap<String, HashSet<String>>, // name -> type ids
}

/// The qualified signature of a method: `(params)(results)`, golang.org/x/net/context's
/// Context read as context.Context.
fn signature<'x>(scope: &FileScope, params: impl Iterator<Item = &'x Text>, results: &[Text]) -> String {
    let params: Vec<String> = params.map(|p| scope.qualify(p)).collect();
    let results: Vec<String> = results.iter().map(|r| scope.qualify(r)).collect();
    let text = format!("({})({})", params.join(","), results.join(","));
    if text.contains("golang.org/x/net/context.") {
        return text.replace("golang.org/x/net/context.Context", "context.Context");
    }
    text
}

impl<'a> Table<'a> {
    /// The table over every file; `scopes[i]` is facts[i]'s FileScope.
    pub fn of(facts: &'a [FileFacts], scopes: &'a [FileScope]) -> Table<'a> {
        let mut by_package: HashMap<&str, Vec<usize>> = HashMap::default();
        for (i, f) in facts.iter().enumerate() {
            by_package.entry(f.import_path).or_default().push(i);
        }
        let mut table = Table {
            packages: by_package.keys().map(|p| p.to_string()).collect(),
            scopes: HashMap::default(),
            types: HashMap::default(),
            funcs: HashMap::default(),
            package_vars: HashMap::default(),
            by_method_name: HashMap::default(),
        };
        let mut paths: Vec<&str> = by_package.keys().copied().collect();
        paths.sort();
        for path in paths {
            let mut files = by_package[path].clone();
            files.sort_by(|&a, &b| (facts[a].rank, &facts[a].rel_path).cmp(&(facts[b].rank, &facts[b].rel_path)));
            table.load(facts, scopes, &files);
        }
        table
    }

    fn load(&mut self, facts: &'a [FileFacts], scopes: &'a [FileScope], files: &[usize]) {
        for &i in files {
            let f = &facts[i];
            let scope = &scopes[i];
            self.scopes.insert(f.rel_path.to_string(), scope);
            for d in &f.decls {
                if matches!(d.kind, Kind::Struct | Kind::Interface | Kind::Alias | Kind::Type) {
                    let tid = type_id(f.import_path, d.name);
                    let replace = match self.types.get(&tid) {
                        None => true,
                        Some(old) => old.decl.kind == Kind::Alias,
                    };
                    if replace {
                        self.types.insert(tid, TypeInfo { decl: d, scope, methods: Ordered::default() });
                    }
                }
            }
        }
        for &i in files {
            let f = &facts[i];
            let scope = &scopes[i];
            for d in &f.decls {
                match d.kind {
                    Kind::Func => {
                        let fid = function_id(f.import_path, d.name);
                        self.funcs.entry(fid).or_insert(FuncInfo {
                            results: &d.results,
                            scope,
                            params: &d.params,
                            file: f.rel_path,
                        });
                    }
                    Kind::Method if d.receiver.is_some_and(|r| !r.is_empty()) => {
                        self.add_method(f, d, scope);
                    }
                    Kind::Var if !d.type_expr.is_empty() && d.value_from.is_some() => {
                        self.package_vars.insert(
                            format!("{}.{}", f.import_path, d.name),
                            PackageVar { expr: d.type_expr, how: d.value_from.unwrap(), scope },
                        );
                    }
                    Kind::Const if !d.type_expr.is_empty() => {
                        self.package_vars.insert(
                            format!("{}.{}", f.import_path, d.name),
                            PackageVar { expr: d.type_expr, how: Source::Type, scope },
                        );
                    }
                    Kind::Interface => {
                        let tid = type_id(f.import_path, d.name);
                        let info = self.types.get_mut(&tid).expect("an interface's type is loaded");
                        for spec in &d.methods {
                            info.methods.insert_if_absent(spec.name, || MethodInfo {
                                id: method_id(f.import_path, d.name, spec.name, false),
                                signature: signature(scope, spec.params.iter(), &spec.results),
                                pointer: false,
                                results: &spec.results,
                                scope,
                            });
                            self.by_method_name.entry(spec.name.to_string()).or_default().insert(tid.clone());
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn add_method(&mut self, f: &'a FileFacts, d: &'a Decl, scope: &'a FileScope) {
        let receiver = d.receiver.unwrap_or("");
        let mid = method_id(f.import_path, receiver, d.name, d.pointer_receiver);
        if self.funcs.contains_key(&mid) {
            return;
        }
        self.funcs.insert(mid.clone(), FuncInfo { results: &d.results, scope, params: &d.params, file: f.rel_path });
        let tid = type_id(f.import_path, receiver);
        if let Some(info) = self.types.get_mut(&tid) {
            info.methods.insert_if_absent(d.name, || MethodInfo {
                id: mid,
                signature: signature(scope, d.params.iter().skip(1).map(|(_, t)| t), &d.results),
                pointer: d.pointer_receiver,
                results: &d.results,
                scope,
            });
            self.by_method_name.entry(d.name.to_string()).or_default().insert(tid);
        }
    }
}

pub type MethodSet<'t, 'a> = Ordered<(&'t MethodInfo<'a>, bool)>;

/// The table as one thread reads it, with that thread's method-set cache.
pub struct Symbols<'t, 'a> {
    pub table: &'t Table<'a>,
    method_sets: RefCell<HashMap<String, Rc<MethodSet<'t, 'a>>>>,
}

impl<'t, 'a> Symbols<'t, 'a> {
    pub fn new(table: &'t Table<'a>) -> Self {
        Symbols { table, method_sets: RefCell::new(HashMap::default()) }
    }

    pub fn type_info(&self, tid: &str) -> Option<&'t TypeInfo<'a>> {
        self.table.types.get(tid)
    }

    pub fn func_info(&self, fid: &str) -> Option<&'t FuncInfo<'a>> {
        self.table.funcs.get(fid)
    }

    pub fn has_type(&self, tid: &str) -> bool {
        self.table.types.contains_key(tid)
    }

    pub fn has_func(&self, fid: &str) -> bool {
        self.table.funcs.contains_key(fid)
    }

    pub fn has_package(&self, path: &str) -> bool {
        self.table.packages.contains(path)
    }

    pub fn package_var(&self, path: &str, name: &str) -> Option<&'t PackageVar<'a>> {
        self.table.package_vars.get(&format!("{path}.{name}"))
    }

    /// (type id, declaring scope) of what `F(...)` or `pkg.F(...)` returns first.
    pub fn call_result(&self, scope: &Scope<'a>, callee: &str) -> Option<(String, &'a FileScope)> {
        let (alias, name, dot) = match callee.split_once('.') {
            Some((a, n)) => (a, n, true),
            None => (callee, "", false),
        };
        if dot && name.contains('.') {
            return None;
        }
        let path = if dot { scope.import(alias)?.to_string() } else { scope.package().to_string() };
        if path.is_empty() {
            return None;
        }
        let info = self.func_info(&function_id(&path, if dot { name } else { alias }))?;
        let first = info.results.first()?;
        let tid = self.named(&Scope::File(info.scope), first)?;
        Some((tid, info.scope))
    }

    /// Graph id of the named type a type expression denotes: aliases followed, a type defined
    /// from an interface read as that interface.
    pub fn named(&self, scope: &Scope<'a>, type_expr: &str) -> Option<String> {
        let (path, name) = scope.named_type(type_expr)?;
        let mut tid = type_id(&path, &name);
        for _ in 0..4 {
            let Some(info) = self.type_info(&tid) else { break };
            let kind = info.decl.kind;
            if kind != Kind::Alias && kind != Kind::Type {
                break;
            }
            let Some(target) = Scope::File(info.scope).named_type(info.decl.type_expr) else {
                return if kind == Kind::Alias { None } else { Some(tid) };
            };
            let target = type_id(&target.0, &target.1);
            if kind == Kind::Type && !self.is_interface(&target) {
                break;
            }
            tid = target;
        }
        if self.has_type(&tid) {
            Some(tid)
        } else {
            None
        }
    }

    pub fn is_interface(&self, tid: &str) -> bool {
        self.type_info(tid).is_some_and(|i| i.decl.kind == Kind::Interface)
    }

    pub fn method_set(&self, tid: &str) -> Rc<MethodSet<'t, 'a>> {
        self.method_set_cut(tid, &HashSet::default()).0
    }

    fn method_set_cut(&self, tid: &str, visiting: &HashSet<String>) -> (Rc<MethodSet<'t, 'a>>, HashSet<String>) {
        if let Some(found) = self.method_sets.borrow().get(tid) {
            return (found.clone(), HashSet::default());
        }
        if visiting.contains(tid) {
            return (Rc::new(Ordered::default()), std::iter::once(tid.to_string()).collect());
        }
        let mut inner_visiting = visiting.clone();
        inner_visiting.insert(tid.to_string());
        let (result, mut cuts) = self.compute_method_set(tid, &inner_visiting);
        cuts.remove(tid);
        let result = Rc::new(result);
        if cuts.is_empty() {
            self.method_sets.borrow_mut().insert(tid.to_string(), result.clone());
        }
        (result, cuts)
    }

    fn compute_method_set(&self, tid: &str, visiting: &HashSet<String>) -> (MethodSet<'t, 'a>, HashSet<String>) {
        let mut cuts = HashSet::default();
        let Some(info) = self.type_info(tid) else { return (Ordered::default(), cuts) };
        let mut result: MethodSet<'t, 'a> = Ordered::default();
        for (name, m) in info.methods.iter() {
            result.insert_if_absent(name, || (m, m.pointer));
        }
        let scope = Scope::File(info.scope);
        let decl = info.decl;
        if decl.kind == Kind::Interface {
            for embedded in &decl.embeds {
                if let Some(inner) = self.named(&scope, embedded) {
                    let (entries, inner_cuts) = self.method_set_cut(&inner, visiting);
                    cuts.extend(inner_cuts);
                    for (name, entry) in entries.iter() {
                        result.insert_if_absent(name, || *entry);
                    }
                }
            }
        } else if decl.kind == Kind::Struct {
            let mut promoted: MethodSet<'t, 'a> = Ordered::default();
            for fld in decl.fields.iter().filter(|f| f.embedded) {
                let Some(inner) = self.named(&scope, fld.type_expr) else { continue };
                let by_pointer = fld.type_expr.starts_with('*') || self.is_interface(&inner);
                let (entries, inner_cuts) = self.method_set_cut(&inner, visiting);
                cuts.extend(inner_cuts);
                for (name, &(method, needs_pointer)) in entries.iter() {
                    if !result.contains_key(name) {
                        promoted.insert_if_absent(name, || (method, needs_pointer && !by_pointer));
                    }
                }
            }
            for (name, entry) in promoted.iter() {
                result.insert_if_absent(name, || *entry);
            }
        }
        (result, cuts)
    }

    /// Type text (and its scope) of field `name` of struct tid, promoted fields included.
    pub fn field_type(&self, tid: &str, name: &str) -> Option<(&'a str, &'a FileScope)> {
        self.field_type_at(tid, name, 0)
    }

    fn field_type_at(&self, tid: &str, name: &str, depth: usize) -> Option<(&'a str, &'a FileScope)> {
        let info = self.type_info(tid)?;
        if info.decl.kind != Kind::Struct || depth > MAX_EMBED_DEPTH {
            return None;
        }
        let decl: &'a Decl = info.decl;
        for fld in &decl.fields {
            if fld.name == name {
                return Some((fld.type_expr, info.scope));
            }
        }
        let scope = Scope::File(info.scope);
        for fld in decl.fields.iter().filter(|f| f.embedded) {
            if let Some(inner) = self.named(&scope, fld.type_expr) {
                if let Some(found) = self.field_type_at(&inner, name, depth + 1) {
                    return Some(found);
                }
            }
        }
        None
    }
}
