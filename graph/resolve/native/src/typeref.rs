//! graph/build/typeref.py's FileScope: what a name in one file refers to (its package's import
//! path and its import aliases), and the named type a type expression denotes.

use crate::fxhash::Map as HashMap;

use crate::facts::FileFacts;

const BUILTIN: [&str; 22] = [
    "bool", "byte", "complex64", "complex128", "error", "float32", "float64", "int", "int8",
    "int16", "int32", "int64", "rune", "string", "uint", "uint8", "uint16", "uint32", "uint64",
    "uintptr", "any", "comparable",
];

pub fn is_builtin_type(name: &str) -> bool {
    BUILTIN.contains(&name)
}

pub struct FileScope {
    pub package: String,
    pub imports: HashMap<String, String>,
}

/// The name an unaliased import binds: the package clause if known, else Go's convention.
pub fn default_import_name(path: &str, known: &HashMap<String, String>) -> String {
    if let Some(name) = known.get(path) {
        return name.clone();
    }
    let parts: Vec<&str> = path.split('/').collect();
    let mut last = parts[parts.len() - 1];
    let is_major = last.len() > 1
        && last.starts_with('v')
        && last[1..].chars().all(|c| c.is_ascii_digit());
    if parts.len() > 2 && is_major {
        last = parts[parts.len() - 2];
    }
    let mut last = last.split('.').next().unwrap_or("");
    last = last.strip_prefix("go-").unwrap_or(last);
    last = last.strip_suffix("-go").unwrap_or(last);
    last.replace('-', "")
}

impl FileScope {
    pub fn of(facts: &FileFacts, known: &HashMap<String, String>) -> FileScope {
        let mut imports = HashMap::default();
        for (path, alias) in &facts.imports {
            match alias.as_deref() {
                Some(".") | Some("_") => continue,
                Some(a) if !a.is_empty() => {
                    imports.insert(a.to_string(), path.clone());
                }
                _ => {
                    imports.insert(default_import_name(path, known), path.clone());
                }
            }
        }
        FileScope { package: facts.import_path.clone(), imports }
    }
}

/// A scope as resolution passes it around: a file's, or one in which `Name` means
/// path.Name (resolver.py's _scope_of_package: no imports).
#[derive(Clone)]
pub enum Scope<'a> {
    File(&'a FileScope),
    Package(String),
}

impl<'a> Scope<'a> {
    pub fn package(&self) -> &str {
        match self {
            Scope::File(f) => &f.package,
            Scope::Package(p) => p,
        }
    }

    pub fn import(&self, alias: &str) -> Option<&str> {
        match self {
            Scope::File(f) => f.imports.get(alias).map(|s| s.as_str()),
            Scope::Package(_) => None,
        }
    }

    /// (import path, type name) of a named type expression such as `*v1.Pod`, `T[K]`.
    pub fn named_type(&self, type_expr: &str) -> Option<(String, String)> {
        let expr = type_expr.trim().trim_start_matches('*');
        let expr = expr.split('[').next().unwrap_or("").trim();
        if expr.is_empty() || expr.chars().any(|c| " ({}".contains(c)) {
            return None;
        }
        if let Some((alias, name)) = expr.split_once('.') {
            return self.import(alias).map(|p| (p.to_string(), name.to_string()));
        }
        if is_builtin_type(expr) {
            return None;
        }
        Some((self.package().to_string(), expr.to_string()))
    }
}
