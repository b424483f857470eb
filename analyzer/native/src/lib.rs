//! kubeatlas.analyzer._native: analyzer/extract.py's extraction in Rust, giving the very Row
//! that `facts_to_row(extract_facts(parser, source, content))` gives.

mod body_locals;
mod buildtags;
mod channels;
mod declarations;
mod extract;
mod fasthash;
mod gokinds;
mod goparse;
mod marshal;
mod model;
#[cfg(test)]
mod query_oracle;
mod rows;
mod scan;
mod typesyntax;
mod values;
mod walk;

use pyo3::prelude::*;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `allow_thp` option (its place in mimalloc.h's mi_option_e, v3), set off at import:
/// its arenas then are not madvised for transparent huge pages, whose faults (compacting
/// memory where the kernel defragments on madvise) cost the resolver 0.35 s of system time
/// for some 120 pages. 43 is its place in the mimalloc Cargo.lock pins (libmimalloc-sys
/// 0.1.49: mi_option_get(43) reads MIMALLOC_ALLOW_THP); an upgrade must check it again.
pub const MI_OPTION_ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// mimalloc's allow_thp as set (0 once this extension is imported).
#[pyfunction]
fn allocator_thp() -> i64 {
    // SAFETY: reads an option (a C long: i64 here, i32 on Windows)
    #[allow(clippy::useless_conversion)]
    i64::from(unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_ALLOW_THP) })
}

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

/// The Python modules this extension was ported from and built against, in SPEC_MODULES' order
/// (analyzer/native_extract.py): when the installed ones differ, the extension is stale.
const SPEC: [&[u8]; 9] = [
    include_bytes!("../../goparse.py"),
    include_bytes!("../../extract.py"),
    include_bytes!("../../values.py"),
    include_bytes!("../../typesyntax.py"),
    include_bytes!("../../body_locals.py"),
    include_bytes!("../../channels.py"),
    include_bytes!("../../buildtags.py"),
    include_bytes!("../../model.py"),
    include_bytes!("../../rows.py"),
];

/// sha1 of the Python extractor's sources this extension was built from.
#[pyfunction]
fn spec_digest() -> String {
    use sha1::Digest;
    let mut digest = sha1::Sha1::new();
    for module in SPEC {
        digest.update(module);
    }
    extract::hex(&digest.finalize())
}

/// Whether this build is optimised: an unoptimised one (a debug build) scans or resolves
/// several times slower than the Python code it replaces.
#[pyfunction]
fn optimized() -> bool {
    !cfg!(debug_assertions)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // Before any parser or tree exists: tree-sitter allocates through mimalloc too (this
    // extension's own copy of tree-sitter: its symbols are not visible outside it).
    // SAFETY: no tree-sitter allocation has been made yet, so none is freed by another free.
    unsafe {
        use libmimalloc_sys::{mi_calloc, mi_free, mi_malloc, mi_realloc};
        tree_sitter::set_allocator(Some(mi_malloc), Some(mi_calloc), Some(mi_realloc), Some(mi_free));
        libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_THP, 0);
    }
    m.add_function(wrap_pyfunction!(extract_row, m)?)?;
    m.add_function(wrap_pyfunction!(scan::scan_files, m)?)?;
    m.add_function(wrap_pyfunction!(spec_digest, m)?)?;
    m.add_function(wrap_pyfunction!(optimized, m)?)?;
    m.add_function(wrap_pyfunction!(allocator_thp, m)?)?;
    Ok(())
}
