//! Go syntax tree -> FileFacts (analyzer/extract.py): the extraction's state, the dispatch of query
//! matches to their handlers, and the handlers of calls, values and assignments in bodies
//! (declarations.rs has those of declarations).

use tree_sitter::Node;

use crate::body_locals::{on_closure, on_local, on_range, on_type_switch};
use crate::buildtags::{read_build_expr, with_cgo};
use crate::channels::{note_alias, on_handed, on_ranged, on_receive, on_send, pass_variable, through_fields};
use crate::declarations::{on_alias, on_const, on_func, on_import, on_method, on_package, on_type, on_var};
use crate::fasthash::{FastMap, FastSet};
use crate::gokinds::kinds;
use crate::goparse::{first_missing_line, Captures, PARSER};
use crate::model::{is_channel_type, CallRef, ChannelOp, Decl, FileFacts, ImportRef, LocalVar, Param, Problem};
use crate::values::{
    argument_of, flat, is_not_callee, line_of, listed_resource, named_children, py_len, text, MAX_CALLEE,
};
use crate::walk::{walk, PATTERNS};

pub struct Source<'a> {
    pub rel_path: &'a str,
    pub import_path: &'a str,
    pub module: &'a str,
    pub is_test: bool,
}

/// Mutable state of one file's extraction.
#[derive(Default)]
pub struct Acc {
    pub package: String,
    pub package_offset: usize,
    pub imports: Vec<ImportRef>,
    pub decls: Vec<Decl>,
    pub calls: Vec<CallRef>,
    pub locals: Vec<LocalVar>,
    pub channels: Vec<ChannelOp>,
    pub channel_aliases: Vec<(String, String, String)>,
    pub scope: String,
    pub scope_end: i64,
    pub ordinal: usize,
    pub known: FastSet<String>,
    pub known_upto: usize,
    pub func_params: FastSet<String>,
    pub handed: FastSet<String>,
    pub chan_params: FastMap<String, FastSet<String>>,
    pub callee_at: FastMap<usize, String>,
}

impl Acc {
    pub fn enter(&mut self, node: Node, qualified: String) {
        self.scope_end = node.end_byte() as i64;
        let params: &[Param] = self.decls.last().map(|d| &d.params[..]).unwrap_or(&[]);
        self.known = params.iter().map(|p| p.name.clone()).collect();
        self.known_upto = self.locals.len();
        self.func_params = params.iter().filter(|p| p.type_expr.starts_with("func")).map(|p| p.name.clone()).collect();
        self.handed = params.iter().filter(|p| is_channel_type(&p.type_expr)).map(|p| p.name.clone()).collect();
        if !self.handed.is_empty() {
            self.chan_params.insert(qualified.clone(), self.handed.clone());
        }
        self.scope = qualified;
    }

    /// Is name a parameter or a local declared so far in the current function?
    fn is_variable(&mut self, name: &str) -> bool {
        if self.known_upto < self.locals.len() {
            for v in &self.locals[self.known_upto..] {
                self.known.insert(v.name.clone());
                if v.assigned_from_field() || v.makes_channel() {
                    self.handed.insert(v.name.clone());
                }
            }
            self.known_upto = self.locals.len();
        }
        self.known.contains(name)
    }

    pub fn scope_of(&self, node: Node) -> String {
        if (node.start_byte() as i64) < self.scope_end {
            self.scope.clone()
        } else {
            String::new()
        }
    }

    pub fn inside(&self, node: Node) -> bool {
        (node.start_byte() as i64) < self.scope_end
    }
}

type Handler = fn(&mut Acc, &Captures, &[u8]);

/// Each GO_QUERY pattern's name and handler, in the query's order (walk::PATTERNS).
pub const HANDLERS: [(&str, Handler); PATTERNS.len()] = [
    ("package", on_package),
    ("import", on_import),
    ("func", on_func),
    ("method", on_method),
    ("type", on_type),
    ("alias", on_alias),
    ("call", on_call),
    ("call", on_call),
    ("local", on_local_match),
    ("range", on_range),
    ("closure", on_closure),
    ("ref", on_ref),
    ("keyed", on_keyed),
    ("ref", on_ref),
    ("assign", on_assign),
    ("ref", on_ref),
    ("ref", on_ref),
    ("ref", on_ref),
    ("ref", on_ref),
    ("var", on_var),
    ("tswitch", on_type_switch),
    ("const", on_const),
    ("send", on_send),
    ("receive", on_receive),
    ("ranged", on_ranged),
    ("handed", on_handed),
];

fn is_generated(header: &[u8]) -> bool {
    const START: &[u8] = b"// Code generated ";
    const END: &[u8] = b" DO NOT EDIT.";
    header
        .split(|c| *c == b'\n')
        .any(|line| line.len() >= START.len() + END.len() && line.starts_with(START) && line.ends_with(END))
}

/// Parse one file's bytes into its FileFacts; problems are recorded, never raised.
pub fn extract_facts(source: &Source, content: &[u8]) -> FileFacts {
    let mut problems = Vec::new();
    if let Err(err) = std::str::from_utf8(content) {
        let start = err.valid_up_to();
        let line = content[..start].iter().filter(|c| **c == b'\n').count() as i64 + 1;
        problems.push(Problem { kind: "encoding", message: format!("invalid UTF-8 at byte {start}"), line });
    }
    let blank = content.iter().all(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c));
    if blank {
        problems.push(Problem { kind: "empty", message: "file is empty".to_string(), line: 0 });
    }
    let mut acc = Acc { scope_end: -1, ..Acc::default() };
    let (has_error, missing_line) = PARSER.with(|cell| {
        let tree = cell.borrow_mut().parse(content, None).expect("a tree for every file");
        let root = tree.root_node();
        walk(root, &mut |pattern, captures| (HANDLERS[pattern].1)(&mut acc, captures, content));
        (root.has_error(), first_missing_line(root))
    });
    if has_error {
        problems.push(Problem { kind: "syntax", message: "syntax error".to_string(), line: missing_line });
    }
    if acc.package.is_empty() && !blank {
        problems.push(Problem { kind: "no-package", message: "no package clause".to_string(), line: 0 });
    }
    let header =
        if !acc.package.is_empty() { &content[..acc.package_offset] } else { &content[..content.len().min(4096)] };
    let imports_c = acc.imports.iter().any(|i| i.path == "C");
    let newlines = content.iter().filter(|c| **c == b'\n').count() as i64;
    let channels =
        through_fields(std::mem::take(&mut acc.channels), &acc.channel_aliases, &acc.locals, &acc.chan_params);
    FileFacts {
        rel_path: source.rel_path.to_string(),
        import_path: source.import_path.to_string(),
        module: source.module.to_string(),
        package: acc.package,
        is_test: source.is_test,
        is_generated: is_generated(header),
        build_expr: with_cgo(read_build_expr(header), imports_c),
        imports: acc.imports,
        decls: acc.decls,
        calls: acc.calls,
        locals: acc.locals,
        lines: newlines + if content.is_empty() || content.ends_with(b"\n") { 0 } else { 1 },
        size: content.len() as i64,
        sha: hex_sha1(content),
        problems,
        channels,
    }
}

fn on_call(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let function = c.node("call.fn");
    if is_not_callee(function.kind()) {
        return;
    }
    let callee = flat(function, src);
    if py_len(&callee) <= MAX_CALLEE {
        let caller = acc.scope_of(function);
        let resource = listed_resource(&callee, function, src); // reads the call only for a list-watch
        acc.callee_at.insert(function.end_byte(), callee.clone());
        acc.calls.push(CallRef {
            caller,
            callee_expr: callee,
            line: line_of(function),
            value: false,
            field: String::new(),
            holder: String::new(),
            call: String::new(),
            arg: -1,
            resource,
        });
    }
}

fn on_ref(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let node = c.node("ref");
    if !acc.inside(node) {
        return; // values at package level have no function to start from
    }
    let expr = flat(node, src);
    let (call, arg);
    if node.kind() == "identifier" && acc.is_variable(&expr) {
        if !acc.func_params.contains(&expr) {
            if acc.handed.contains(&expr) {
                let (call, arg) = argument_of(&acc.callee_at, c, node, src);
                if !call.is_empty() {
                    let scope = acc.scope.clone();
                    pass_variable(acc, &scope, expr, line_of(node), call, arg);
                }
            }
            return;
        }
        (call, arg) = argument_of(&acc.callee_at, c, node, src);
        if call.is_empty() {
            return;
        }
    } else if py_len(&expr) <= MAX_CALLEE {
        (call, arg) = argument_of(&acc.callee_at, c, node, src);
    } else {
        return;
    }
    acc.calls.push(CallRef::value(acc.scope.clone(), expr, line_of(node), String::new(), String::new(), call, arg));
}

fn on_keyed(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let node = c.node("keyed.value");
    if !acc.inside(node) {
        return;
    }
    let expr = flat(node, src);
    if py_len(&expr) > MAX_CALLEE {
        return;
    }
    let mut above = c.ancestors(node);
    let literal = above.nth(2);
    let owner = literal.and_then(|_| above.next());
    let type_node = owner.filter(|o| o.kind() == "composite_literal").and_then(|o| o.child_by_field_id(kinds().f_type));
    let holder = type_node.map(|t| flat(t, src) + "{}").unwrap_or_default();
    let key = c.node("keyed.key");
    let field = if !holder.is_empty() && key.kind() == "identifier" { text(key, src) } else { String::new() };
    let holder = if field.is_empty() { String::new() } else { holder };
    acc.calls.push(CallRef::value(acc.scope.clone(), expr, line_of(node), field, holder, String::new(), -1));
}

fn on_local_match(acc: &mut Acc, c: &Captures, src: &[u8]) {
    on_local(acc, c, src);
    let (names, values) = (c.node("local.names"), c.node("local.values"));
    if names.named_child_count() == 1 && values.named_child_count() == 1 {
        let value = named_children(values)[0];
        if value.kind() == "call_expression" && acc.inside(value) {
            let scope = acc.scope.clone();
            note_alias(acc, &scope, named_children(names)[0], value, src);
        }
    }
}

fn on_assign(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let right = c.node("assign.right");
    if !acc.inside(right) {
        return;
    }
    let left = named_children(c.node("assign.left"));
    let values = named_children(right);
    for (position, value) in values.iter().enumerate() {
        if value.kind() != "identifier" && value.kind() != "selector_expression" {
            continue;
        }
        let expr = flat(*value, src);
        if py_len(&expr) > MAX_CALLEE {
            continue;
        }
        let (mut field, mut holder) = (String::new(), String::new());
        let target = if left.len() == values.len() { Some(left[position]) } else { None };
        match target {
            Some(t) if t.kind() == "selector_expression" => {
                if let (Some(operand), Some(name)) =
                    (t.child_by_field_id(kinds().f_operand), t.child_by_field_id(kinds().f_field))
                {
                    (field, holder) = (text(name, src), flat(operand, src));
                }
            }
            Some(t) => {
                let scope = acc.scope.clone();
                note_alias(acc, &scope, t, *value, src);
            }
            None => {}
        }
        acc.calls.push(CallRef::value(acc.scope.clone(), expr, line_of(*value), field, holder, String::new(), -1));
    }
}

/// The sha1 of `content` in lowercase hex, as hashlib.sha1(content).hexdigest() gives it.
pub fn hex_sha1(content: &[u8]) -> String {
    use sha1::Digest;
    hex(&sha1::Sha1::digest(content))
}

/// Bytes in lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(2 * bytes.len());
    for byte in bytes {
        text.push(char::from_digit(u32::from(byte >> 4), 16).expect("a hex digit"));
        text.push(char::from_digit(u32::from(byte & 15), 16).expect("a hex digit"));
    }
    text
}
