//! graph/build/typeref.py's FileScope: what a name in one file refers to (its package's import
//! path and its import aliases), and the named type a type expression denotes.

use crate::fxhash::Map as HashMap;

use crate::facts::FileFacts;

#[rustfmt::skip]
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
    pub dot_imports: Vec<String>,
}

/// The name an unaliased import binds: the package clause if known, else Go's convention.
pub fn default_import_name(path: &str, known: &HashMap<String, String>) -> String {
    if let Some(name) = known.get(path) {
        return name.clone();
    }
    let parts: Vec<&str> = path.split('/').collect();
    let mut last = parts[parts.len() - 1];
    let is_major = last.len() > 1 && last.starts_with('v') && last[1..].chars().all(|c| c.is_ascii_digit());
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
        let mut dot_imports = Vec::new();
        for (path, alias) in &facts.imports {
            match *alias {
                Some(".") => dot_imports.push(path.to_string()),
                Some("_") => continue,
                Some(a) if !a.is_empty() => {
                    imports.insert(a.to_string(), path.to_string());
                }
                _ => {
                    imports.insert(default_import_name(path, known), path.to_string());
                }
            }
        }
        FileScope { package: facts.import_path.to_string(), imports, dot_imports }
    }
}

const KEYWORDS: [&str; 5] = ["func", "chan", "map", "struct", "interface"];

fn is_word(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

fn ascii_ident(chars: &[char], from: usize) -> usize {
    if from >= chars.len() || !(chars[from] == '_' || chars[from].is_ascii_alphabetic()) {
        return from;
    }
    let mut end = from + 1;
    while end < chars.len() && (chars[end] == '_' || chars[end].is_ascii_alphanumeric()) {
        end += 1;
    }
    end
}

impl FileScope {
    /// Type text with every `alias.Name` replaced by `import/path.Name`, local names by
    /// `own/pkg.Name`, spaces around punctuation dropped: comparable across files.
    pub fn qualify(&self, type_expr: &str) -> String {
        if let Some(rest) = type_expr.strip_prefix("...") {
            return format!("...{}", self.qualify(rest));
        }
        let chars: Vec<char> = type_expr.chars().collect();
        let mut named = String::with_capacity(type_expr.len() + 32);
        let mut at = 0;
        while at < chars.len() {
            let free = at == 0 || !(is_word(chars[at - 1]) || chars[at - 1] == '.');
            let end = if free { ascii_ident(&chars, at) } else { at };
            if end == at {
                named.push(chars[at]);
                at += 1;
                continue;
            }
            let head: String = chars[at..end].iter().collect();
            let mut stop = end;
            let mut tail = None;
            if end < chars.len() && chars[end] == '.' {
                let tail_end = ascii_ident(&chars, end + 1);
                if tail_end > end + 1 {
                    tail = Some(chars[end + 1..tail_end].iter().collect::<String>());
                    stop = tail_end;
                }
            }
            match tail {
                Some(tail) => match self.imports.get(&head) {
                    Some(path) => {
                        named.push_str(path);
                        named.push('.');
                        named.push_str(&tail);
                    }
                    None => named.extend(chars[at..stop].iter()),
                },
                None if is_builtin_type(&head) || KEYWORDS.contains(&head.as_str()) => named.push_str(&head),
                None => {
                    named.push_str(&self.package);
                    named.push('.');
                    named.push_str(&head);
                }
            }
            at = stop;
        }
        drop_punctuation_space(&named)
    }
}

/// `\s*([,()\[\]*{}])\s*` -> the punctuation alone.
fn drop_punctuation_space(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut skipping = false;
    for c in text.chars() {
        if ",()[]*{}".contains(c) {
            while out.ends_with(|w: char| w.is_whitespace()) {
                out.pop();
            }
            out.push(c);
            skipping = true;
        } else if skipping && c.is_whitespace() {
        } else {
            out.push(c);
            skipping = false;
        }
    }
    out
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
