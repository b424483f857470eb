//! The parts of analyzer/model.py's FileFacts that resolution reads, taken from the Python
//! NamedTuples (read as tuples) into owned Rust records.

use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// A str of the facts, read in place: the UTF-8 text of a Python str object that the facts
/// (kept alive by the caller for as long as resolution runs: see lib.rs) hold. Strings are
/// immutable, so the text never changes under the reader, and copying every one of them
/// would cost some 300 MB.
pub type Text = &'static str;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Func,
    Method,
    Struct,
    Interface,
    Alias,
    Type,
    Const,
    Var,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Source {
    Type,
    Call,
    RangeKey,
    RangeValue,
    Index,
    Receive,
    Variable,
    Address,
}

pub struct Field {
    pub name: Text,
    pub type_expr: Text,
    pub embedded: bool,
}

pub struct MethodSpec {
    pub name: Text,
    pub params: Vec<Text>,
    pub results: Vec<Text>,
}

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
        self.how == Source::Type && is_channel_type(self.expr)
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

/// A tuple the facts hold (a NamedTuple, or the same fields as a plain tuple), read in place:
/// every item borrowed, no reference count touched (the facts outlive the reading, which
/// holds the GIL), a str's UTF-8 text taken as CPython keeps it. Some ten million items are
/// read; pyo3's owned, type-checked accessors took three times as long.
#[derive(Clone, Copy)]
struct Tuple<'py> {
    object: *mut ffi::PyObject,
    py: Python<'py>,
}

impl<'py> Tuple<'py> {
    fn of(object: &Bound<'py, PyAny>) -> PyResult<Self> {
        let tuple = object.cast::<PyTuple>()?;
        Ok(Tuple { object: tuple.as_ptr(), py: object.py() })
    }

    fn len(self) -> usize {
        // SAFETY: `object` is a tuple (checked when made) that the caller keeps alive
        unsafe { ffi::PyTuple_Size(self.object) as usize }
    }

    fn item(self, i: usize) -> PyResult<*mut ffi::PyObject> {
        // SAFETY: as in len(); PyTuple_GetItem checks the index and returns a borrowed
        // reference, or NULL with an exception set
        let found = unsafe { ffi::PyTuple_GetItem(self.object, i as ffi::Py_ssize_t) };
        if found.is_null() {
            Err(PyErr::fetch(self.py))
        } else {
            Ok(found)
        }
    }

    fn tuple(self, i: usize) -> PyResult<Tuple<'py>> {
        let object = self.item(i)?;
        // SAFETY: `object` is a live item of this tuple
        if unsafe { ffi::PyTuple_Check(object) } == 0 {
            return Err(PyTypeError::new_err(format!("item {i} of a fact is not a tuple")));
        }
        Ok(Tuple { object, py: self.py })
    }

    fn text(self, i: usize) -> PyResult<Text> {
        text_of(self.py, self.item(i)?)
    }

    fn optional(self, i: usize) -> PyResult<Option<Text>> {
        let object = self.item(i)?;
        // SAFETY: Py_None is the None singleton
        if object == unsafe { ffi::Py_None() } {
            Ok(None)
        } else {
            Ok(Some(text_of(self.py, object)?))
        }
    }

    fn int(self, i: usize) -> PyResult<i64> {
        let object = self.item(i)?;
        // SAFETY: a live object; PyLong_AsLongLong sets an exception for anything but an int
        let value = unsafe { ffi::PyLong_AsLongLong(object) };
        if value == -1 {
            if let Some(error) = PyErr::take(self.py) {
                return Err(error);
            }
        }
        Ok(value)
    }

    fn flag(self, i: usize) -> PyResult<bool> {
        let object = self.item(i)?;
        // SAFETY: the two bool singletons
        let (yes, no) = unsafe { (ffi::Py_True(), ffi::Py_False()) };
        if object == yes {
            Ok(true)
        } else if object == no {
            Ok(false)
        } else {
            Err(PyTypeError::new_err(format!("item {i} of a fact is not a bool")))
        }
    }

    fn tuples(self, i: usize) -> PyResult<impl Iterator<Item = PyResult<Tuple<'py>>>> {
        let inner = self.tuple(i)?;
        Ok((0..inner.len()).map(move |j| inner.tuple(j)))
    }

    fn strings(self, i: usize) -> PyResult<Vec<Text>> {
        let inner = self.tuple(i)?;
        (0..inner.len()).map(|j| inner.text(j)).collect()
    }
}

fn text_of(py: Python<'_>, object: *mut ffi::PyObject) -> PyResult<Text> {
    let mut size: ffi::Py_ssize_t = 0;
    // SAFETY: a live object; PyUnicode_AsUTF8AndSize sets an exception for anything but a str,
    // else gives the UTF-8 text the str object keeps (and frees) itself
    let data = unsafe { ffi::PyUnicode_AsUTF8AndSize(object, &mut size) };
    if data.is_null() {
        return Err(PyErr::fetch(py));
    }
    // SAFETY: `size` bytes of valid UTF-8 at `data`, as long as the str lives: see Text
    let bytes: &'static [u8] = unsafe { std::slice::from_raw_parts(data as *const u8, size as usize) };
    Ok(unsafe { std::str::from_utf8_unchecked(bytes) })
}

fn decl(d: Tuple<'_>) -> PyResult<Decl> {
    let fields = d
        .tuples(9)?
        .map(|f| {
            let f = f?;
            Ok(Field { name: f.text(0)?, type_expr: f.text(1)?, embedded: f.flag(2)? })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let methods = d
        .tuples(10)?
        .map(|m| {
            let m = m?;
            Ok(MethodSpec { name: m.text(0)?, params: m.strings(1)?, results: m.strings(2)? })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let params = d
        .tuples(13)?
        .map(|p| {
            let p = p?;
            Ok((p.text(0)?, p.text(1)?))
        })
        .collect::<PyResult<Vec<_>>>()?;
    let value_from = d.optional(15)?;
    Ok(Decl {
        kind: kind_of(d.text(0)?)?,
        name: d.text(1)?,
        receiver: d.optional(6)?,
        pointer_receiver: d.flag(7)?,
        fields,
        methods,
        embeds: d.strings(11)?,
        type_expr: d.text(12)?,
        params,
        results: d.strings(14)?,
        value_from: match value_from {
            Some(v) if !v.is_empty() => Some(source_of(v)?),
            _ => None,
        },
    })
}

/// One FileFacts (a NamedTuple, or the same fields as a plain tuple) with its variant rank.
pub fn file_facts(f: &Bound<'_, PyAny>, rank: i64) -> PyResult<FileFacts> {
    let f = Tuple::of(f)?;
    let imports = f
        .tuples(7)?
        .map(|i| {
            let i = i?;
            Ok((i.text(0)?, i.optional(1)?))
        })
        .collect::<PyResult<Vec<_>>>()?;
    let decls = f.tuples(8)?.map(|d| decl(d?)).collect::<PyResult<Vec<_>>>()?;
    let calls = f
        .tuples(9)?
        .map(|c| {
            let c = c?;
            Ok(CallRef {
                caller: c.text(0)?,
                callee_expr: c.text(1)?,
                line: c.int(2)?,
                value: c.flag(3)?,
                field: c.text(4)?,
                holder: c.text(5)?,
                call: c.text(6)?,
                arg: c.int(7)?,
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let locals = f
        .tuples(10)?
        .map(|v| {
            let v = v?;
            Ok(LocalVar {
                scope: v.text(0)?,
                name: v.text(1)?,
                line: v.int(2)?,
                expr: v.text(3)?,
                how: source_of(v.text(4)?)?,
                result: v.int(5)?,
                until: v.int(6)?,
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let channels = f
        .tuples(15)?
        .map(|c| {
            let c = c?;
            Ok(ChannelOp {
                caller: c.text(0)?,
                channel: c.text(1)?,
                line: c.int(2)?,
                op: c.text(3)?,
                call: c.text(4)?,
                arg: c.int(5)?,
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    Ok(FileFacts { rel_path: f.text(0)?, import_path: f.text(1)?, imports, decls, calls, locals, channels, rank })
}
