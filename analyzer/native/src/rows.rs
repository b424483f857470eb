//! FileFacts -> the nested tuples of analyzer/rows.py's facts_to_row, field for field.
//!
//! Equal strings of a row become one Python object, as the Python extractor's mostly are (a
//! function's name is the caller of all its calls): pickle and marshal then send and keep each
//! once, and the main process holds no more than it does with the Python extractor.

use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use pyo3::IntoPyObjectExt;

use crate::fasthash::FastMap;
use crate::model::{Decl, FileFacts};

type Obj<'py> = Bound<'py, PyAny>;

struct RowBuilder<'a, 'py> {
    py: Python<'py>,
    strings: FastMap<&'a str, Obj<'py>>,
}

impl<'a, 'py> RowBuilder<'a, 'py> {
    fn s(&mut self, text: &'a str) -> Obj<'py> {
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

    fn tuple<I>(&self, items: I) -> PyResult<Obj<'py>>
    where
        I: IntoIterator<Item = Obj<'py>>,
        I::IntoIter: ExactSizeIterator,
    {
        Ok(PyTuple::new(self.py, items)?.into_any())
    }

    fn texts(&mut self, items: &'a [String]) -> PyResult<Obj<'py>> {
        let items: Vec<Obj<'py>> = items.iter().map(|t| self.s(t)).collect();
        self.tuple(items)
    }

    fn decl(&mut self, d: &'a Decl) -> PyResult<Obj<'py>> {
        let mut fields = Vec::with_capacity(d.fields.len());
        for f in &d.fields {
            let row = [self.s(&f.name), self.s(&f.type_expr), self.flag(f.embedded)?];
            fields.push(self.tuple(row)?);
        }
        let mut methods = Vec::with_capacity(d.methods.len());
        for m in &d.methods {
            let row = [self.s(&m.name), self.texts(&m.params)?, self.texts(&m.results)?, self.int(m.line)?];
            methods.push(self.tuple(row)?);
        }
        let mut params = Vec::with_capacity(d.params.len());
        for p in &d.params {
            let row = [self.s(&p.name), self.s(&p.type_expr)];
            params.push(self.tuple(row)?);
        }
        let row = [
            self.s(d.kind),
            self.s(&d.name),
            self.int(d.line)?,
            self.int(d.end_line)?,
            self.flag(d.exported)?,
            self.s(&d.doc),
            self.opt(d.receiver.as_deref()),
            self.flag(d.pointer_receiver)?,
            self.flag(d.type_params)?,
            self.tuple(fields)?,
            self.tuple(methods)?,
            self.texts(&d.embeds)?,
            self.s(&d.type_expr),
            self.tuple(params)?,
            self.texts(&d.results)?,
            self.opt(d.value_from.map(|v| v.value())),
        ];
        self.tuple(row)
    }

    fn facts(&mut self, f: &'a FileFacts) -> PyResult<Obj<'py>> {
        let mut imports = Vec::with_capacity(f.imports.len());
        for i in &f.imports {
            let row = [self.s(&i.path), self.opt(i.alias.as_deref()), self.int(i.line)?];
            imports.push(self.tuple(row)?);
        }
        let mut decls = Vec::with_capacity(f.decls.len());
        for d in &f.decls {
            decls.push(self.decl(d)?);
        }
        let mut calls = Vec::with_capacity(f.calls.len());
        for c in &f.calls {
            let row = [
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
            calls.push(self.tuple(row)?);
        }
        let mut locals = Vec::with_capacity(f.locals.len());
        for v in &f.locals {
            let row = [
                self.s(&v.scope),
                self.s(&v.name),
                self.int(v.line)?,
                self.s(&v.expr),
                self.s(v.how.value()),
                self.int(v.result)?,
                self.int(v.until)?,
            ];
            locals.push(self.tuple(row)?);
        }
        let mut problems = Vec::with_capacity(f.problems.len());
        for p in &f.problems {
            let row = [self.s(p.kind), self.s(&p.message), self.int(p.line)?];
            problems.push(self.tuple(row)?);
        }
        let mut channels = Vec::with_capacity(f.channels.len());
        for c in &f.channels {
            let row = [
                self.s(&c.caller),
                self.s(&c.channel),
                self.int(c.line)?,
                self.s(c.op),
                self.s(&c.call),
                self.int(c.arg)?,
            ];
            channels.push(self.tuple(row)?);
        }
        let row = [
            self.s(&f.rel_path),
            self.s(&f.import_path),
            self.s(&f.module),
            self.s(&f.package),
            self.flag(f.is_test)?,
            self.flag(f.is_generated)?,
            self.opt(f.build_expr.as_deref()),
            self.tuple(imports)?,
            self.tuple(decls)?,
            self.tuple(calls)?,
            self.tuple(locals)?,
            self.int(f.lines)?,
            self.int(f.size)?,
            self.s(&f.sha),
            self.tuple(problems)?,
            self.tuple(channels)?,
        ];
        self.tuple(row)
    }
}

pub fn facts_to_row<'py>(py: Python<'py>, f: &FileFacts) -> PyResult<Bound<'py, PyAny>> {
    RowBuilder { py, strings: FastMap::default() }.facts(f)
}
