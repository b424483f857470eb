//! The analyzer's records (analyzer/model.py), owned by the extraction and turned into rows.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LocalSource {
    Type,
    Call,
    RangeKey,
    RangeValue,
    Index,
    Receive,
    Variable,
    Address,
}

impl LocalSource {
    pub fn value(self) -> &'static str {
        match self {
            LocalSource::Type => "type",
            LocalSource::Call => "call",
            LocalSource::RangeKey => "range-key",
            LocalSource::RangeValue => "range-value",
            LocalSource::Index => "index",
            LocalSource::Receive => "receive",
            LocalSource::Variable => "variable",
            LocalSource::Address => "address",
        }
    }
}

pub struct ImportRef {
    pub path: String,
    pub alias: Option<String>,
    pub line: i64,
}

pub struct Field {
    pub name: String,
    pub type_expr: String,
    pub embedded: bool,
}

#[derive(Clone)]
pub struct Param {
    pub name: String,
    pub type_expr: String,
}

pub struct MethodSpec {
    pub name: String,
    pub params: Vec<String>,
    pub results: Vec<String>,
    pub line: i64,
}

pub struct Decl {
    pub kind: &'static str,
    pub name: String,
    pub line: i64,
    pub end_line: i64,
    pub exported: bool,
    pub doc: String,
    pub receiver: Option<String>,
    pub pointer_receiver: bool,
    pub type_params: bool,
    pub fields: Vec<Field>,
    pub methods: Vec<MethodSpec>,
    pub embeds: Vec<String>,
    pub type_expr: String,
    pub params: Vec<Param>,
    pub results: Vec<String>,
    pub value_from: Option<LocalSource>,
}

impl Decl {
    /// A declaration with Decl's defaults for everything after `doc`.
    pub fn new(kind: &'static str, name: String, line: i64, end_line: i64, exported: bool, doc: String) -> Decl {
        Decl {
            kind,
            name,
            line,
            end_line,
            exported,
            doc,
            receiver: None,
            pointer_receiver: false,
            type_params: false,
            fields: Vec::new(),
            methods: Vec::new(),
            embeds: Vec::new(),
            type_expr: String::new(),
            params: Vec::new(),
            results: Vec::new(),
            value_from: None,
        }
    }

    /// `NewKubelet`, `Kubelet`, or `(*Kubelet).SyncPod` as in Go's own notation.
    pub fn qualified_name(&self) -> String {
        if self.kind == "method" {
            let star = if self.pointer_receiver { "*" } else { "" };
            format!("({}{}).{}", star, self.receiver.as_deref().unwrap_or(""), self.name)
        } else {
            self.name.clone()
        }
    }
}

pub struct CallRef {
    pub caller: String,
    pub callee_expr: String,
    pub line: i64,
    pub value: bool,
    pub field: String,
    pub holder: String,
    pub call: String,
    pub arg: i64,
    pub resource: String,
}

impl CallRef {
    /// A value named (not called): `wait.Until(c.worker)`'s `c.worker`.
    pub fn value(
        caller: String,
        expr: String,
        line: i64,
        field: String,
        holder: String,
        call: String,
        arg: i64,
    ) -> CallRef {
        CallRef { caller, callee_expr: expr, line, value: true, field, holder, call, arg, resource: String::new() }
    }
}

pub struct LocalVar {
    pub scope: String,
    pub name: String,
    pub line: i64,
    pub expr: String,
    pub how: LocalSource,
    pub result: i64,
    pub until: i64,
}

impl LocalVar {
    pub fn makes_channel(&self) -> bool {
        self.how == LocalSource::Type && is_channel_type(&self.expr)
    }

    pub fn assigned_from_field(&self) -> bool {
        self.how == LocalSource::Variable && self.expr.contains('.')
    }
}

pub const SEND: &str = "send";
pub const RECEIVE: &str = "receive";
pub const YIELD: &str = "yield";
pub const PASS: &str = "pass";

pub fn is_channel_type(type_expr: &str) -> bool {
    type_expr.starts_with("chan") || type_expr.starts_with("<-chan")
}

#[derive(Clone)]
pub struct ChannelOp {
    pub caller: String,
    pub channel: String,
    pub line: i64,
    pub op: &'static str,
    pub call: String,
    pub arg: i64,
}

pub struct Problem {
    pub kind: &'static str,
    pub message: String,
    pub line: i64,
}

pub struct FileFacts {
    pub rel_path: String,
    pub import_path: String,
    pub module: String,
    pub package: String,
    pub is_test: bool,
    pub is_generated: bool,
    pub build_expr: Option<String>,
    pub imports: Vec<ImportRef>,
    pub decls: Vec<Decl>,
    pub calls: Vec<CallRef>,
    pub locals: Vec<LocalVar>,
    pub lines: i64,
    pub size: i64,
    pub sha: String,
    pub problems: Vec<Problem>,
    pub channels: Vec<ChannelOp>,
}
