//! FileFacts -> the nested tuples of analyzer/rows.py's facts_to_row, field for field, or (for
//! the threaded scan) the records of analyzer/model.py that rows.facts_from_row would rebuild
//! from them: the NamedTuples made as `tuple.__new__(cls, values)` makes them (the class's
//! allocator, then the items).
//!
//! Equal strings of a row become one Python object, as the Python extractor's mostly are (a
//! function's name is the caller of all its calls): pickle and marshal then send and keep each
//! once, and the main process holds no more than it does with the Python extractor.

use std::collections::HashMap;

use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple, PyType};
use pyo3::{ffi, IntoPyObjectExt};

use crate::fasthash::FastMap;
use crate::model::{Decl, FileFacts, LocalSource};

type Obj<'py> = Bound<'py, PyAny>;

/// The classes and enum members of analyzer/model.py that the records are made of.
pub struct Records<'py> {
    pub file_facts: Bound<'py, PyType>,
    pub import_ref: Bound<'py, PyType>,
    pub decl: Bound<'py, PyType>,
    pub call_ref: Bound<'py, PyType>,
    pub local_var: Bound<'py, PyType>,
    pub problem: Bound<'py, PyType>,
    pub channel_op: Bound<'py, PyType>,
    pub field: Bound<'py, PyType>,
    pub method_spec: Bound<'py, PyType>,
    pub param: Bound<'py, PyType>,
    pub kinds: HashMap<String, Obj<'py>>,   // DeclKind by value
    pub sources: HashMap<String, Obj<'py>>, // LocalSource by value
}

impl<'py> Records<'py> {
    /// The records of `classes` (FileFacts, ImportRef, Decl, CallRef, LocalVar, Problem,
    /// ChannelOp, Field, MethodSpec, Param: each a tuple subclass) and of the enums' members.
    pub fn new(
        classes: Vec<Bound<'py, PyType>>,
        kinds: HashMap<String, Obj<'py>>,
        sources: HashMap<String, Obj<'py>>,
    ) -> PyResult<Records<'py>> {
        let [file_facts, import_ref, decl, call_ref, local_var, problem, channel_op, field, method_spec, param] =
            <[Bound<'py, PyType>; 10]>::try_from(classes)
                .map_err(|_| pyo3::exceptions::PyValueError::new_err("ten record classes expected"))?;
        for cls in [&file_facts, &import_ref, &decl, &call_ref, &local_var, &problem, &channel_op] {
            check_tuple_subclass(cls)?;
        }
        for cls in [&field, &method_spec, &param] {
            check_tuple_subclass(cls)?;
        }
        Ok(Records {
            file_facts,
            import_ref,
            decl,
            call_ref,
            local_var,
            problem,
            channel_op,
            field,
            method_spec,
            param,
            kinds,
            sources,
        })
    }

    /// `tuple.__new__(cls, values)`: the record of class cls holding `values`, made as tuple's
    /// constructor makes it (cls's tp_alloc, then the items), without the two tuples that
    /// calling the constructor goes through (a million records a tree).
    fn make(&self, cls: &Bound<'py, PyType>, values: Vec<Obj<'py>>) -> PyResult<Obj<'py>> {
        let py = cls.py();
        let count = values.len() as ffi::Py_ssize_t;
        // SAFETY: cls is a tuple subclass (checked in new), whose tp_alloc makes an instance of
        // `count` items, all NULL, tracked by the collector (untracked before any is set: the
        // record can hold no cycle, see untracked); PyTuple_SetItem takes each item's reference
        // (it accepts a subclass's instance while nothing else refers to it)
        unsafe {
            let alloc = ffi::PyType_GetSlot(cls.as_type_ptr(), ffi::Py_tp_alloc);
            let alloc = std::mem::transmute::<*mut std::ffi::c_void, ffi::allocfunc>(alloc);
            let record = Bound::from_owned_ptr_or_err(py, alloc(cls.as_type_ptr(), count))?;
            ffi::PyObject_GC_UnTrack(record.as_ptr().cast());
            for (index, value) in values.into_iter().enumerate() {
                if ffi::PyTuple_SetItem(record.as_ptr(), index as ffi::Py_ssize_t, value.into_ptr()) != 0 {
                    return Err(PyErr::fetch(py));
                }
            }
            Ok(record)
        }
    }

    fn member(map: &HashMap<String, Obj<'py>>, value: &str) -> PyResult<Obj<'py>> {
        map.get(value).cloned().ok_or_else(|| pyo3::exceptions::PyKeyError::new_err(value.to_string()))
    }
}

/// A tuple (or record) of strings, numbers, enum members and tuples made here, left out of the
/// cyclic garbage collector: it can hold no cycle, and the collector would otherwise traverse
/// each of the million or so a tree makes, over and over (more than a third of the time it
/// takes to make them; CPython itself untracks a tuple of untracked items when it first sees
/// one, but never a NamedTuple).
fn untracked(tuple: Obj<'_>) -> Obj<'_> {
    // SAFETY: a live object of a GC type (a tuple or a tuple subclass)
    unsafe { ffi::PyObject_GC_UnTrack(tuple.as_ptr().cast()) };
    tuple
}

fn check_tuple_subclass(cls: &Bound<'_, PyType>) -> PyResult<()> {
    if cls.is_subclass_of::<PyTuple>()? {
        Ok(())
    } else {
        Err(pyo3::exceptions::PyTypeError::new_err(format!("{cls} is not a tuple subclass")))
    }
}

/// A part of a file's facts as a row and as a record: the same object (the row when the builder
/// makes rows, the record when it makes records), but where a record's row holds other values
/// (enums as their values, parts as rows), which build the record's values.
struct Both<'py> {
    row: Obj<'py>,
    rec: Obj<'py>,
}

struct RowBuilder<'a, 'r, 'py> {
    py: Python<'py>,
    strings: FastMap<&'a str, Obj<'py>>,
    empty: Obj<'py>,                   // kept out of the map: most of a row's strings are empty
    records: Option<&'r Records<'py>>, // None: rows (facts_to_row), else records (facts_to_record)
}

impl<'a, 'r, 'py> RowBuilder<'a, 'r, 'py> {
    fn new(py: Python<'py>, records: Option<&'r Records<'py>>) -> Self {
        let empty = PyString::new(py, "").into_any();
        RowBuilder { py, strings: FastMap::default(), empty, records }
    }

    fn s(&mut self, text: &'a str) -> Obj<'py> {
        if text.is_empty() {
            return self.empty.clone();
        }
        let py = self.py;
        self.strings.entry(text).or_insert_with(|| PyString::new(py, text).into_any()).clone()
    }

    fn opt(&mut self, text: Option<&'a str>) -> Obj<'py> {
        match text {
            Some(t) => self.s(t),
            None => self.py.None().into_bound(self.py),
        }
    }

    fn int(&self, value: i64) -> PyResult<Obj<'py>> {
        value.into_bound_py_any(self.py)
    }

    fn flag(&self, value: bool) -> PyResult<Obj<'py>> {
        value.into_bound_py_any(self.py)
    }

    fn tuple(&self, items: Vec<Obj<'py>>) -> PyResult<Obj<'py>> {
        Ok(untracked(PyTuple::new(self.py, items)?.into_any()))
    }

    fn texts(&mut self, items: &'a [String]) -> PyResult<Obj<'py>> {
        let items: Vec<Obj<'py>> = items.iter().map(|t| self.s(t)).collect();
        self.tuple(items)
    }

    /// A record whose row holds its very values: the row, and the record of class `cls`.
    fn record(
        &self,
        cls: for<'x> fn(&'x Records<'py>) -> &'x Bound<'py, PyType>,
        items: Vec<Obj<'py>>,
    ) -> PyResult<Both<'py>> {
        let made = match self.records {
            Some(r) => r.make(cls(r), items)?,
            None => self.tuple(items)?,
        };
        Ok(Both { row: made.clone(), rec: made })
    }

    /// A record whose row differs from its values (enums as their values, parts as rows);
    /// `values` is None when only the row is built.
    fn record_of(
        &self,
        cls: for<'x> fn(&'x Records<'py>) -> &'x Bound<'py, PyType>,
        row: Vec<Obj<'py>>,
        values: Option<Vec<Obj<'py>>>,
    ) -> PyResult<Both<'py>> {
        let rec = match (self.records, values) {
            (Some(r), Some(values)) => r.make(cls(r), values)?,
            _ => return self.record(cls, row),
        };
        Ok(Both { row: rec.clone(), rec })
    }

    /// A tuple of parts: the tuple of their rows and the tuple of their records.
    fn seq(&self, items: Vec<Both<'py>>) -> PyResult<Both<'py>> {
        let parts = self.tuple(items.into_iter().map(|b| b.rec).collect())?; // rec is row for rows
        Ok(Both { row: parts.clone(), rec: parts })
    }

    fn how(&self, r: &Records<'py>, how: Option<LocalSource>) -> PyResult<Obj<'py>> {
        match how {
            Some(h) => Records::member(&r.sources, h.value()),
            None => Ok(self.py.None().into_bound(self.py)),
        }
    }

    fn decl(&mut self, d: &'a Decl) -> PyResult<Both<'py>> {
        let mut fields = Vec::with_capacity(d.fields.len());
        for f in &d.fields {
            let row = vec![self.s(&f.name), self.s(&f.type_expr), self.flag(f.embedded)?];
            fields.push(self.record(|r| &r.field, row)?);
        }
        let mut methods = Vec::with_capacity(d.methods.len());
        for m in &d.methods {
            let row = vec![self.s(&m.name), self.texts(&m.params)?, self.texts(&m.results)?, self.int(m.line)?];
            methods.push(self.record(|r| &r.method_spec, row)?);
        }
        let mut params = Vec::with_capacity(d.params.len());
        for p in &d.params {
            let row = vec![self.s(&p.name), self.s(&p.type_expr)];
            params.push(self.record(|r| &r.param, row)?);
        }
        let (fields, methods, params) = (self.seq(fields)?, self.seq(methods)?, self.seq(params)?);
        let row = vec![
            self.s(d.kind),
            self.s(&d.name),
            self.int(d.line)?,
            self.int(d.end_line)?,
            self.flag(d.exported)?,
            self.s(&d.doc),
            self.opt(d.receiver.as_deref()),
            self.flag(d.pointer_receiver)?,
            self.flag(d.type_params)?,
            fields.row,
            methods.row,
            self.texts(&d.embeds)?,
            self.s(&d.type_expr),
            params.row,
            self.texts(&d.results)?,
            self.opt(d.value_from.map(|v| v.value())),
        ];
        let values = match self.records {
            Some(r) => {
                let mut values = row.clone();
                values[0] = Records::member(&r.kinds, d.kind)?;
                (values[9], values[10], values[13]) = (fields.rec, methods.rec, params.rec);
                values[15] = self.how(r, d.value_from)?;
                Some(values)
            }
            None => None,
        };
        self.record_of(|r| &r.decl, row, values)
    }

    fn facts(&mut self, f: &'a FileFacts) -> PyResult<Both<'py>> {
        let mut imports = Vec::with_capacity(f.imports.len());
        for i in &f.imports {
            let row = vec![self.s(&i.path), self.opt(i.alias.as_deref()), self.int(i.line)?];
            imports.push(self.record(|r| &r.import_ref, row)?);
        }
        let mut decls = Vec::with_capacity(f.decls.len());
        for d in &f.decls {
            decls.push(self.decl(d)?);
        }
        let mut calls = Vec::with_capacity(f.calls.len());
        for c in &f.calls {
            let row = vec![
                self.s(&c.caller),
                self.s(&c.callee_expr),
                self.int(c.line)?,
                self.flag(c.value)?,
                self.s(&c.field),
                self.s(&c.holder),
                self.s(&c.call),
                self.int(c.arg)?,
                self.s(&c.resource),
            ];
            calls.push(self.record(|r| &r.call_ref, row)?);
        }
        let mut locals = Vec::with_capacity(f.locals.len());
        for v in &f.locals {
            let row = vec![
                self.s(&v.scope),
                self.s(&v.name),
                self.int(v.line)?,
                self.s(&v.expr),
                self.s(v.how.value()),
                self.int(v.result)?,
                self.int(v.until)?,
            ];
            let values = match self.records {
                Some(r) => {
                    let mut values = row.clone();
                    values[4] = self.how(r, Some(v.how))?;
                    Some(values)
                }
                None => None,
            };
            locals.push(self.record_of(|r| &r.local_var, row, values)?);
        }
        let mut problems = Vec::with_capacity(f.problems.len());
        for p in &f.problems {
            let row = vec![self.s(p.kind), self.s(&p.message), self.int(p.line)?];
            problems.push(self.record(|r| &r.problem, row)?);
        }
        let mut channels = Vec::with_capacity(f.channels.len());
        for c in &f.channels {
            let row = vec![
                self.s(&c.caller),
                self.s(&c.channel),
                self.int(c.line)?,
                self.s(c.op),
                self.s(&c.call),
                self.int(c.arg)?,
            ];
            channels.push(self.record(|r| &r.channel_op, row)?);
        }
        let parts = [imports, decls, calls, locals, problems, channels].map(|p| self.seq(p));
        let [imports, decls, calls, locals, problems, channels] = parts;
        let (imports, decls, calls, locals, problems, channels) =
            (imports?, decls?, calls?, locals?, problems?, channels?);
        let row = vec![
            self.s(&f.rel_path),
            self.s(&f.import_path),
            self.s(&f.module),
            self.s(&f.package),
            self.flag(f.is_test)?,
            self.flag(f.is_generated)?,
            self.opt(f.build_expr.as_deref()),
            imports.row,
            decls.row,
            calls.row,
            locals.row,
            self.int(f.lines)?,
            self.int(f.size)?,
            self.s(&f.sha),
            problems.row,
            channels.row,
        ];
        let values = self.records.map(|_| {
            let mut values = row.clone();
            (values[7], values[8], values[9], values[10], values[14], values[15]) =
                (imports.rec, decls.rec, calls.rec, locals.rec, problems.rec, channels.rec);
            values
        });
        self.record_of(|r| &r.file_facts, row, values)
    }
}

/// A file's row (rows.facts_to_row).
pub fn facts_to_row<'py>(py: Python<'py>, f: &FileFacts) -> PyResult<Obj<'py>> {
    Ok(RowBuilder::new(py, None).facts(f)?.row)
}

/// A file's record: a model.FileFacts, as rows.facts_from_row rebuilds it from the row (the
/// cache gets the row marshalled: marshal.rs).
pub fn facts_to_record<'py>(py: Python<'py>, f: &FileFacts, records: &Records<'py>) -> PyResult<Obj<'py>> {
    let mut builder = RowBuilder::new(py, Some(records));
    Ok(builder.facts(f)?.rec)
}
