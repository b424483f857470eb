//! Go syntax tree -> FileFacts (analyzer/extract.py): one small function per kind of query match.

use std::collections::{HashMap, HashSet};

use streaming_iterator::StreamingIterator;
use tree_sitter::Node;

use crate::body_locals::{named_results, on_closure, on_local, on_range, on_type_switch};
use crate::buildtags::{read_build_expr, with_cgo};
use crate::channels::{
    note_alias, on_channel_return, on_handed, on_ranged, on_receive, on_send, on_yield, pass_variable, through_fields,
};
use crate::goparse::{first_missing_line, go_query, Captures, PARSER};
use crate::model::{is_channel_type, CallRef, ChannelOp, Decl, FileFacts, ImportRef, LocalSource, LocalVar, Param, Problem};
use crate::typesyntax::{read_doc, read_interface_elems, read_params, read_receiver, read_results, read_struct_fields};
use crate::values::{
    argument_of, block_end, children_by_field_name, flat, is_not_callee, line_of, listed_resource, local_of_value,
    named_children, py_len, text, MAX_CALLEE,
};

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
    pub known: HashSet<String>,
    pub known_upto: usize,
    pub func_params: HashSet<String>,
    pub handed: HashSet<String>,
    pub chan_params: HashMap<String, HashSet<String>>,
    pub callee_at: HashMap<usize, String>,
}

impl Acc {
    fn enter(&mut self, node: Node, qualified: String) {
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
                if v.from_field() || v.makes_channel() {
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

    fn inside(&self, node: Node) -> bool {
        (node.start_byte() as i64) < self.scope_end
    }
}

type Handler = fn(&mut Acc, &Captures, &[u8]);

fn handler(name: &str) -> Handler {
    match name {
        "package" => on_package,
        "import" => on_import,
        "func" => on_func,
        "method" => on_method,
        "type" => on_type,
        "alias" => on_alias,
        "call" => on_call,
        "local" => on_local_match,
        "var" => on_var,
        "const" => on_const,
        "range" => on_range,
        "closure" => on_closure,
        "ref" => on_ref,
        "keyed" => on_keyed,
        "assign" => on_assign,
        "tswitch" => on_type_switch,
        "send" => on_send,
        "receive" => on_receive,
        "ranged" => on_ranged,
        "handed" => on_handed,
        other => panic!("no handler for GO_QUERY pattern {other}"),
    }
}

fn is_generated(header: &[u8]) -> bool {
    const START: &[u8] = b"// Code generated ";
    const END: &[u8] = b" DO NOT EDIT.";
    header.split(|c| *c == b'\n').any(|line| {
        line.len() >= START.len() + END.len() && line.starts_with(START) && line.ends_with(END)
    })
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
    let go = go_query();
    let handlers: Vec<Handler> = go.patterns.iter().map(|p| handler(p)).collect();
    let mut acc = Acc { scope_end: -1, ..Acc::default() };
    let (has_error, missing_line) = PARSER.with(|cell| {
        let mut state = cell.borrow_mut();
        let (parser, cursor) = &mut *state;
        let tree = parser.parse(content, None).expect("a tree for every file");
        let root = tree.root_node();
        let mut matches = cursor.matches(&go.query, root, content);
        while let Some(m) = matches.next() {
            let captures = Captures { caps: m.captures, query: &go.query };
            handlers[m.pattern_index](&mut acc, &captures, content);
        }
        (root.has_error(), first_missing_line(root))
    });
    if has_error {
        problems.push(Problem { kind: "syntax", message: "syntax error".to_string(), line: missing_line });
    }
    if acc.package.is_empty() && !blank {
        problems.push(Problem { kind: "no-package", message: "no package clause".to_string(), line: 0 });
    }
    let header = if acc.package_offset != 0 {
        &content[..acc.package_offset]
    } else {
        &content[..content.len().min(4096)]
    };
    let imports_c = acc.imports.iter().any(|i| i.path == "C");
    let newlines = content.iter().filter(|c| **c == b'\n').count() as i64;
    let channels = through_fields(std::mem::take(&mut acc.channels), &acc.channel_aliases, &acc.locals, &acc.chan_params);
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
        sha: sha1_smol::Sha1::from(content).digest().to_string(),
        problems,
        channels,
    }
}

fn on_package(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let node = c.node("package.name");
    if acc.package.is_empty() {
        acc.package = text(node, src);
        acc.package_offset = node.parent().map(|p| p.start_byte()).unwrap_or(0);
    }
}

fn on_import(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let path = text(c.node("import.path"), src).trim_matches(['"', '`']).to_string();
    let alias = c.get("import.alias").map(|a| text(a, src));
    acc.imports.push(ImportRef { path, alias, line: line_of(c.node("import")) });
}

fn exported(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_uppercase())
}

fn end_line(node: Node) -> i64 {
    node.end_position().row as i64 + 1
}

fn signature(node: Node, src: &[u8]) -> (Vec<Param>, Vec<String>) {
    let params = node.child_by_field_name("parameters").map(|p| read_params(p, src)).unwrap_or_default();
    (params, read_results(node.child_by_field_name("result"), src))
}

fn on_func(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let node = c.node("func");
    let mut name = text(c.node("func.name"), src);
    let (params, results) = signature(node, src);
    let mut decl = Decl::new("func", name.clone(), line_of(node), end_line(node), exported(&name), read_doc(Some(node), src));
    decl.type_params = node.child_by_field_name("type_parameters").is_some();
    decl.params = params;
    decl.results = results;
    acc.decls.push(decl);
    if name == "init" || name == "_" {
        acc.ordinal += 1;
        name = format!("{name}#{}", acc.ordinal);
    }
    acc.enter(node, name);
    named_results(acc, node, src);
}

fn on_method(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let node = c.node("method");
    let name = text(c.node("method.name"), src);
    let (recv_name, recv_type, pointer) = read_receiver(c.node("method.receiver"), src);
    let (rest, results) = signature(node, src);
    let mut params = vec![Param { name: recv_name.clone(), type_expr: format!("{}{}", if pointer { "*" } else { "" }, recv_type) }];
    params.extend(rest);
    let mut decl = Decl::new("method", name.clone(), line_of(node), end_line(node), exported(&name), read_doc(Some(node), src));
    decl.receiver = Some(recv_type);
    decl.pointer_receiver = pointer;
    decl.params = params;
    decl.results = results;
    let qualified = decl.qualified_name();
    let (n_params, returns_channel, one_result) =
        (decl.params.len(), decl.results.len() == 1 && is_channel_type(&decl.results[0]), decl.results.len() == 1);
    acc.decls.push(decl);
    acc.enter(node, qualified.clone());
    named_results(acc, node, src);
    if returns_channel {
        on_channel_return(acc, &qualified, node, src);
    } else if n_params == 1 && one_result && !recv_name.is_empty() {
        on_yield(acc, &qualified, &recv_name, node, src);
    }
}

fn top_level(spec: Node) -> bool {
    spec.parent().and_then(|d| d.parent()).is_some_and(|p| p.kind() == "source_file")
}

fn doc_of_spec(node: Node, src: &[u8]) -> String {
    let doc = read_doc(Some(node), src);
    if doc.is_empty() {
        read_doc(node.parent(), src)
    } else {
        doc
    }
}

fn on_type(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let node = c.node("type");
    if !top_level(node) {
        return;
    }
    let name = text(c.node("type.name"), src);
    let body = c.node("type.body");
    let generic = node.child_by_field_name("type_parameters").is_some();
    let doc = doc_of_spec(node, src);
    let is_exported = exported(&name);
    let mut decl = Decl::new("type", name, line_of(node), end_line(node), is_exported, doc);
    decl.type_params = generic;
    match body.kind() {
        "struct_type" => {
            decl.kind = "struct";
            decl.fields = read_struct_fields(body, src);
        }
        "interface_type" => {
            decl.kind = "interface";
            (decl.methods, decl.embeds) = read_interface_elems(body, src);
        }
        _ => decl.type_expr = flat(body, src),
    }
    acc.decls.push(decl);
}

fn on_alias(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let node = c.node("alias");
    if !top_level(node) {
        return;
    }
    let name = text(c.node("alias.name"), src);
    let is_exported = exported(&name);
    let mut decl = Decl::new("alias", name, line_of(node), end_line(node), is_exported, doc_of_spec(node, src));
    decl.type_expr = flat(c.node("alias.body"), src);
    acc.decls.push(decl);
}

fn on_call(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let function = c.node("call.fn");
    if is_not_callee(function.kind()) {
        return;
    }
    let callee = flat(function, src);
    if py_len(&callee) <= MAX_CALLEE {
        let caller = acc.scope_of(function);
        let resource = listed_resource(&callee, function.parent(), src);
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
                let (call, arg) = argument_of(&acc.callee_at, node, src);
                if !call.is_empty() {
                    let scope = acc.scope.clone();
                    pass_variable(acc, &scope, expr, line_of(node), call, arg);
                }
            }
            return;
        }
        (call, arg) = argument_of(&acc.callee_at, node, src);
        if call.is_empty() {
            return;
        }
    } else if py_len(&expr) <= MAX_CALLEE {
        (call, arg) = argument_of(&acc.callee_at, node, src);
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
    let literal = node.parent().and_then(|n| n.parent()).and_then(|n| n.parent());
    let owner = literal.and_then(|l| l.parent());
    let type_node = owner.filter(|o| o.kind() == "composite_literal").and_then(|o| o.child_by_field_name("type"));
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
                if let (Some(operand), Some(name)) = (t.child_by_field_name("operand"), t.child_by_field_name("field")) {
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

fn on_var(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let node = c.node("var");
    let name = text(c.node("var.name"), src);
    let mut type_expr = c.get("var.type").map(|t| flat(t, src)).unwrap_or_default();
    let mut found = if type_expr.is_empty() { None } else { Some((type_expr.clone(), LocalSource::Type)) };
    if type_expr.is_empty() {
        if let Some(value) = node.child_by_field_name("value") {
            if value.named_child_count() > 0 {
                found = local_of_value(named_children(value)[0], src);
            }
        }
    }
    let scope = acc.scope_of(node);
    if !scope.is_empty() {
        if let Some((expr, how)) = found {
            let until = block_end(node);
            acc.locals.push(LocalVar { scope, name, line: line_of(node), expr, how, result: 0, until });
        }
        return;
    }
    let mut value_from = None;
    if let Some((expr, how)) = found {
        if matches!(how, LocalSource::Type | LocalSource::Call | LocalSource::Address) {
            type_expr = expr;
            value_from = Some(how);
        }
    }
    let is_exported = exported(&name);
    let mut decl = Decl::new("var", name, line_of(node), end_line(node), is_exported, read_doc(Some(node), src));
    decl.type_expr = type_expr;
    decl.value_from = value_from;
    acc.decls.push(decl);
}

fn on_const(acc: &mut Acc, c: &Captures, src: &[u8]) {
    let node = c.node("const");
    if acc.inside(node) && !acc.scope.is_empty() {
        return;
    }
    let type_expr = const_type(node, src);
    let doc = read_doc(Some(node), src);
    for name_node in children_by_field_name(node, "name") {
        if name_node.kind() != "identifier" {
            continue;
        }
        let name = text(name_node, src);
        let is_exported = exported(&name);
        let mut decl = Decl::new("const", name, line_of(node), end_line(node), is_exported, doc.clone());
        decl.type_expr = type_expr.clone();
        acc.decls.push(decl);
    }
}

/// The constant's type as written; a spec with neither type nor value repeats the last valued spec.
fn const_type(spec: Node, src: &[u8]) -> String {
    let mut spec = Some(spec);
    while let Some(s) = spec {
        if s.kind() != "const_spec" && s.kind() != "comment" {
            break;
        }
        if s.kind() == "const_spec" {
            if let Some(t) = s.child_by_field_name("type") {
                return flat(t, src);
            }
            if s.child_by_field_name("value").is_some() {
                return String::new();
            }
        }
        spec = s.prev_named_sibling();
    }
    String::new()
}
