//! The parts of analyzer/model.py's FileFacts that resolution reads, taken from the Python
//! NamedTuples (read as tuples) into owned Rust records.

use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};

/// A str of the facts, read in place: the UTF-8 text of a Python str object that the facts
/// (kept alive by the caller for as long as resolution runs: see lib.rs) hold. Strings are
/// immutable, so the text never changes under the reader, and copying every one of them
/// would cost some 300 MB.
pub type Text = &'static str;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind { Func, Method, Struct, Interface, Alias, Type, Const, Var }

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Source { Type, Call, RangeKey, RangeValue, Index, Receive, Variable, Address }

pub struct Field { pub name: Text, pub type_expr: Text, pub embedded: bool }

pub struct MethodSpec { pub name: Text, pub params: Vec<Text>, pub results: Vec<Text> }

pub struct Decl {
    pub kind: Kind,
    pub name: Text,
    pub receiver: Option<Text>,
    pub pointer_receiver: bool,
    pub fields: Vec<Field>,
    pub methods: Vec<MethodSpec>,
    pub embeds: Vec<Text>,
    pub type_expr: Text,
    pub params: Vec<(Text, Text)>,
    pub results: Vec<Text>,
    pub value_from: Option<Source>,
}

pub struct CallRef {
    pub caller: Text,
    pub callee_expr: Text,
    pub line: i64,
    pub value: bool,
    pub field: Text,
    pub holder: Text,
    pub call: Text,
    pub arg: i64,
}

pub struct LocalVar {
    pub scope: Text,
    pub name: Text,
    pub line: i64,
    pub expr: Text,
    pub how: Source,
    pub result: i64,
    pub until: i64,
}

impl LocalVar {
    /// `ch := make(chan T)`: a channel its function makes.
    pub fn makes_channel(&self) -> bool {
        self.how == Source::Type && is_channel_type(&self.expr)
    }
}

pub struct ChannelOp {
    pub caller: Text,
    pub channel: Text,
    pub line: i64,
    pub op: Text,
    pub call: Text,
    pub arg: i64,
}

pub struct FileFacts {
    pub rel_path: Text,
    pub import_path: Text,
    pub imports: Vec<(Text, Option<Text>)>,
    pub decls: Vec<Decl>,
    pub calls: Vec<CallRef>,
    pub locals: Vec<LocalVar>,
    pub channels: Vec<ChannelOp>,
    pub rank: i64, // variant_rank's first part, computed by the caller
}

pub fn is_channel_type(type_expr: &str) -> bool {
    type_expr.starts_with("chan") || type_expr.starts_with("<-chan")
}

fn kind_of(text: &str) -> PyResult<Kind> {
    Ok(match text {
        "func" => Kind::Func,
        "method" => Kind::Method,
        "struct" => Kind::Struct,
        "interface" => Kind::Interface,
        "alias" => Kind::Alias,
        "type" => Kind::Type,
        "const" => Kind::Const,
        "var" => Kind::Var,
        _ => return Err(pyo3::exceptions::PyValueError::new_err(format!("decl kind {text}"))),
    })
}

pub fn source_of(text: &str) -> PyResult<Source> {
    Ok(match text {
        "type" => Source::Type,
        "call" => Source::Call,
        "range-key" => Source::RangeKey,
        "range-value" => Source::RangeValue,
        "index" => Source::Index,
        "receive" => Source::Receive,
        "variable" => Source::Variable,
        "address" => Source::Address,
        _ => return Err(pyo3::exceptions::PyValueError::new_err(format!("local source {text}"))),
    })
}

fn item<'py>(t: &Bound<'py, PyTuple>, i: usize) -> PyResult<Bound<'py, PyAny>> {
    t.get_item(i)
}

fn text(object: &Bound<'_, PyAny>) -> PyResult<Text> {
    let borrowed: &str = object.cast::<PyString>()?.to_str()?;
    // SAFETY: see Text: the str object outlives every reader of this slice
    Ok(unsafe { std::mem::transmute::<&str, &'static str>(borrowed) })
}

fn s(t: &Bound<'_, PyTuple>, i: usize) -> PyResult<Text> {
    text(&item(t, i)?)
}

fn optional(t: &Bound<'_, PyTuple>, i: usize) -> PyResult<Option<Text>> {
    let object = item(t, i)?;
    if object.is_none() { Ok(None) } else { Ok(Some(text(&object)?)) }
}

fn tuples<'py>(t: &Bound<'py, PyTuple>, i: usize) -> PyResult<Vec<Bound<'py, PyTuple>>> {
    let inner = item(t, i)?;
    let inner = inner.cast_into::<PyTuple>()?;
    inner.iter().map(|x| Ok(x.cast_into::<PyTuple>()?)).collect()
}

fn strings(t: &Bound<'_, PyTuple>, i: usize) -> PyResult<Vec<Text>> {
    let inner = item(t, i)?;
    inner.cast_into::<PyTuple>()?.iter().map(|x| text(&x)).collect()
}

fn decl(d: &Bound<'_, PyTuple>) -> PyResult<Decl> {
    let fields = tuples(d, 9)?
        .iter()
        .map(|f| Ok(Field { name: s(f, 0)?, type_expr: s(f, 1)?, embedded: item(f, 2)?.extract()? }))
        .collect::<PyResult<Vec<_>>>()?;
    let methods = tuples(d, 10)?
        .iter()
        .map(|m| Ok(MethodSpec { name: s(m, 0)?, params: strings(m, 1)?, results: strings(m, 2)? }))
        .collect::<PyResult<Vec<_>>>()?;
    let params = tuples(d, 13)?
        .iter()
        .map(|p| Ok((s(p, 0)?, s(p, 1)?)))
        .collect::<PyResult<Vec<_>>>()?;
    let value_from = optional(d, 15)?;
    Ok(Decl {
        kind: kind_of(s(d, 0)?)?,
        name: s(d, 1)?,
        receiver: optional(d, 6)?,
        pointer_receiver: item(d, 7)?.extract()?,
        fields,
        methods,
        embeds: strings(d, 11)?,
        type_expr: s(d, 12)?,
        params,
        results: strings(d, 14)?,
        value_from: match value_from { Some(v) if !v.is_empty() => Some(source_of(v)?), _ => None },
    })
}

/// One FileFacts (a NamedTuple, or the same fields as a plain tuple) with its variant rank.
pub fn file_facts(f: &Bound<'_, PyAny>, rank: i64) -> PyResult<FileFacts> {
    let f = f.cast::<PyTuple>()?;
    let imports = tuples(f, 7)?
        .iter()
        .map(|i| Ok((s(i, 0)?, optional(i, 1)?)))
        .collect::<PyResult<Vec<_>>>()?;
    let decls = tuples(f, 8)?.iter().map(decl).collect::<PyResult<Vec<_>>>()?;
    let calls = tuples(f, 9)?
        .iter()
        .map(|c| {
            Ok(CallRef {
                caller: s(c, 0)?,
                callee_expr: s(c, 1)?,
                line: item(c, 2)?.extract()?,
                value: item(c, 3)?.extract()?,
                field: s(c, 4)?,
                holder: s(c, 5)?,
                call: s(c, 6)?,
                arg: item(c, 7)?.extract()?,
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let locals = tuples(f, 10)?
        .iter()
        .map(|v| {
            Ok(LocalVar {
                scope: s(v, 0)?,
                name: s(v, 1)?,
                line: item(v, 2)?.extract()?,
                expr: s(v, 3)?,
                how: source_of(s(v, 4)?)?,
                result: item(v, 5)?.extract()?,
                until: item(v, 6)?.extract()?,
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let channels = tuples(f, 15)?
        .iter()
        .map(|c| {
            Ok(ChannelOp {
                caller: s(c, 0)?,
                channel: s(c, 1)?,
                line: item(c, 2)?.extract()?,
                op: s(c, 3)?,
                call: s(c, 4)?,
                arg: item(c, 5)?.extract()?,
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    Ok(FileFacts {
        rel_path: s(f, 0)?,
        import_path: s(f, 1)?,
        imports,
        decls,
        calls,
        locals,
        channels,
        rank,
    })
}
