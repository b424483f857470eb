//! kubeatlas.analyzer._native: analyzer/extract.py's extraction in Rust, giving the very Row
//! that `facts_to_row(extract_facts(parser, source, content))` gives.

mod body_locals;
mod buildtags;
mod channels;
mod extract;
mod goparse;
mod model;
mod rows;
mod typesyntax;
mod values;

use pyo3::prelude::*;

/// The Row of one whole Go file: its bytes and its SourceFile's fields.
#[pyfunction]
fn extract_row<'py>(
    py: Python<'py>,
    content: &[u8],
    rel_path: &str,
    import_path: &str,
    module: &str,
    is_test: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let source = extract::Source { rel_path, import_path, module, is_test };
    let facts = extract::extract_facts(&source, content);
    rows::facts_to_row(py, &facts)
}

/// The GO_QUERY text compiled into this extension (read from analyzer/goparse.py at build time).
#[pyfunction]
fn go_query() -> &'static str {
    goparse::go_query_text()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(extract_row, m)?)?;
    m.add_function(wrap_pyfunction!(go_query, m)?)?;
    Ok(())
}
