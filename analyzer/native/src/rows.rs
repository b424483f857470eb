//! FileFacts -> the nested tuples of analyzer/rows.py's facts_to_row, field for field.

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use pyo3::IntoPyObjectExt;

use crate::model::{Decl, FileFacts};

fn tuple<'py, T, I>(py: Python<'py>, items: I) -> PyResult<Bound<'py, PyAny>>
where
    T: IntoPyObject<'py>,
    I: IntoIterator<Item = T>,
    I::IntoIter: ExactSizeIterator,
{
    Ok(PyTuple::new(py, items)?.into_any())
}

fn strings<'py>(py: Python<'py>, items: &[String]) -> PyResult<Bound<'py, PyAny>> {
    tuple(py, items.iter().map(|s| s.as_str()))
}

fn decl_row<'py>(py: Python<'py>, d: &Decl) -> PyResult<Bound<'py, PyAny>> {
    let fields: Vec<_> = d.fields.iter().map(|f| (f.name.as_str(), f.type_expr.as_str(), f.embedded)).collect();
    let methods = d
        .methods
        .iter()
        .map(|m| (m.name.as_str(), strings(py, &m.params)?, strings(py, &m.results)?, m.line).into_bound_py_any(py))
        .collect::<PyResult<Vec<_>>>()?;
    let params: Vec<_> = d.params.iter().map(|p| (p.name.as_str(), p.type_expr.as_str())).collect();
    let items: Vec<Bound<'py, PyAny>> = vec![
        d.kind.into_bound_py_any(py)?,
        d.name.as_str().into_bound_py_any(py)?,
        d.line.into_bound_py_any(py)?,
        d.end_line.into_bound_py_any(py)?,
        d.exported.into_bound_py_any(py)?,
        d.doc.as_str().into_bound_py_any(py)?,
        d.receiver.as_deref().into_bound_py_any(py)?,
        d.pointer_receiver.into_bound_py_any(py)?,
        d.type_params.into_bound_py_any(py)?,
        tuple(py, fields)?,
        tuple(py, methods)?,
        strings(py, &d.embeds)?,
        d.type_expr.as_str().into_bound_py_any(py)?,
        tuple(py, params)?,
        strings(py, &d.results)?,
        d.value_from.map(|v| v.value()).into_bound_py_any(py)?,
    ];
    tuple(py, items)
}

pub fn facts_to_row<'py>(py: Python<'py>, f: &FileFacts) -> PyResult<Bound<'py, PyAny>> {
    let imports: Vec<_> = f.imports.iter().map(|i| (i.path.as_str(), i.alias.as_deref(), i.line)).collect();
    let decls = f.decls.iter().map(|d| decl_row(py, d)).collect::<PyResult<Vec<_>>>()?;
    let calls = f
        .calls
        .iter()
        .map(|c| {
            (
                c.caller.as_str(),
                c.callee_expr.as_str(),
                c.line,
                c.value,
                c.field.as_str(),
                c.holder.as_str(),
                c.call.as_str(),
                c.arg,
                c.resource.as_str(),
            )
                .into_bound_py_any(py)
        })
        .collect::<PyResult<Vec<_>>>()?;
    let locals: Vec<_> = f
        .locals
        .iter()
        .map(|v| (v.scope.as_str(), v.name.as_str(), v.line, v.expr.as_str(), v.how.value(), v.result, v.until))
        .collect();
    let problems: Vec<_> = f.problems.iter().map(|p| (p.kind, p.message.as_str(), p.line)).collect();
    let channels: Vec<_> = f
        .channels
        .iter()
        .map(|c| (c.caller.as_str(), c.channel.as_str(), c.line, c.op, c.call.as_str(), c.arg))
        .collect();
    let items: Vec<Bound<'py, PyAny>> = vec![
        f.rel_path.as_str().into_bound_py_any(py)?,
        f.import_path.as_str().into_bound_py_any(py)?,
        f.module.as_str().into_bound_py_any(py)?,
        f.package.as_str().into_bound_py_any(py)?,
        f.is_test.into_bound_py_any(py)?,
        f.is_generated.into_bound_py_any(py)?,
        f.build_expr.as_deref().into_bound_py_any(py)?,
        tuple(py, imports)?,
        tuple(py, decls)?,
        tuple(py, calls)?,
        tuple(py, locals)?,
        f.lines.into_bound_py_any(py)?,
        f.size.into_bound_py_any(py)?,
        f.sha.as_str().into_bound_py_any(py)?,
        tuple(py, problems)?,
        tuple(py, channels)?,
    ];
    tuple(py, items)
}
