//! kubeatlas.graph.resolve._native: graph/resolve/calls.py's call resolution in Rust, giving
//! for every file the very CallEdge list `resolve_file_calls(f, SymbolTable.of(facts), tally)`
//! gives, and the tally.

mod call_outcome;
mod callexpr;
mod calls;
mod facts;
mod fields;
mod fxhash;
mod ids;
mod implements;
mod ordered;
mod resolver;
mod rows;
mod run;
mod symbols;
mod typeref;
mod typetext;
mod value_types;
mod variables;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::calls::{resolve_file_calls, CallEdge, Tally};
use crate::facts::FileFacts;
use crate::fxhash::Map;
use crate::run::{shares, FileEdges, Resolution};
use crate::symbols::{Symbols, Table};
use crate::typeref::FileScope;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `allow_thp` option, set off at import: see analyzer/native/src/lib.rs.
const MI_OPTION_ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

fn resolve_range(facts: &[FileFacts], table: &Table, range: std::ops::Range<usize>) -> (Vec<Vec<CallEdge>>, Tally) {
    let symbols = Symbols::new(table);
    let mut tally = Tally::default();
    let edges = facts[range].iter().map(|f| resolve_file_calls(f, &symbols, &mut tally)).collect();
    (edges, tally)
}

/// Every file's CallEdges in file order and the tally, `threads` resolving contiguous shares.
fn resolve_files(files: &[FileFacts], table: &Table, threads: usize) -> (Vec<Vec<CallEdge>>, Tally) {
    let bounds = shares(files, threads.max(1));
    let results: Vec<(Vec<Vec<CallEdge>>, Tally)> = std::thread::scope(|s| {
        let handles: Vec<_> = bounds
            .windows(2)
            .map(|w| {
                let range = w[0]..w[1];
                s.spawn(move || resolve_range(files, table, range))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a resolving thread")).collect()
    });
    let mut edges = Vec::with_capacity(files.len());
    let mut tally = Tally::default();
    for (part, counts) in results {
        edges.extend(part);
        for (k, v) in counts {
            *tally.entry(k).or_insert(0) += v;
        }
    }
    (edges, tally)
}

/// The facts converted from Python (with the GIL), each with its variant rank.
fn convert(facts: &Bound<'_, PyAny>, ranks: &[i64]) -> PyResult<Vec<FileFacts>> {
    let mut files = Vec::with_capacity(ranks.len());
    for (i, f) in facts.try_iter()?.enumerate() {
        let rank = *ranks.get(i).ok_or_else(|| pyo3::exceptions::PyValueError::new_err("a rank per file"))?;
        files.push(facts::file_facts(&f?, rank)?);
    }
    Ok(files)
}

fn edges_to_python<'py>(
    py: Python<'py>,
    edges: Vec<Vec<CallEdge>>,
    tally: Tally,
) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyDict>)> {
    let out = PyList::empty(py);
    for file_edges in edges {
        out.append(rows::call_edges(py, file_edges)?)?;
    }
    Ok((out, rows::tally(py, tally)?))
}

/// Every file's CallEdges (a list per file, in file order) and the tally, for the FileFacts
/// sequence `facts` with each file's variant rank (platform.variant_rank's first part) and the
/// package names (structure.package_names); `threads` resolve contiguous shares.
#[pyfunction]
#[pyo3(signature = (facts, ranks, names, threads=2))]
fn resolve_calls<'py>(
    py: Python<'py>,
    facts: &Bound<'py, PyAny>,
    ranks: Vec<i64>,
    names: Map<String, String>,
    threads: usize,
) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyDict>)> {
    let files = convert(facts, &ranks)?;
    let (edges, tally) = py.detach(|| {
        let scopes: Vec<FileScope> = files.iter().map(|f| FileScope::of(f, &names)).collect();
        let table = Table::of(&files, &scopes);
        resolve_files(&files, &table, threads)
    });
    edges_to_python(py, edges, tally)
}

/// Return the freed facts, table and edges to the system now, not after mimalloc's purge
/// delay: Python's own allocator would not reuse them, so they would stay in the index's
/// peak RSS.
pub(crate) fn give_back_memory() {
    // SAFETY: collects this thread's heap and purges what is free
    unsafe { libmimalloc_sys::mi_collect(true) };
}

/// Start the whole resolve stage: the symbol table, IMPLEMENTS and DISPATCHES among the type
/// and method ids `in_graph`, then every file's calls, on threads that hold no GIL (see
/// run.rs); the CALLS and REFERENCES edges between two of the function and method ids
/// `in_graph` come as rows for KubeGraph.add_edges.
#[pyfunction]
#[pyo3(signature = (facts, ranks, names, in_graph, threads=2))]
fn start_resolution(
    facts: &Bound<'_, PyAny>,
    ranks: Vec<i64>,
    names: Map<String, String>,
    in_graph: &Bound<'_, PyAny>,
    threads: usize,
) -> PyResult<Resolution> {
    let files = convert(facts, &ranks)?;
    let in_graph = rows::ids(in_graph)?;
    // the facts' strings are read in place (facts::Text): the thread keeps them alive
    run::start(files, facts.clone().unbind(), names, in_graph, threads)
}

/// The Python modules this extension was ported from and built against, in SPEC_MODULES' order
/// (graph/resolve/native_calls.py): when the installed ones differ, the extension is stale.
const SPEC: [&[u8]; 12] = [
    include_bytes!("../../calls.py"),
    include_bytes!("../../resolver.py"),
    include_bytes!("../../callexpr.py"),
    include_bytes!("../../fields.py"),
    include_bytes!("../../variables.py"),
    include_bytes!("../../typetext.py"),
    include_bytes!("../../call_outcome.py"),
    include_bytes!("../../symbols.py"),
    include_bytes!("../../handoff.py"),
    include_bytes!("../../implements.py"),
    include_bytes!("../../../build/typeref.py"),
    include_bytes!("../../../../analyzer/model.py"),
];

/// sha1 of the Python resolver's sources this extension was built from.
#[pyfunction]
fn spec_digest() -> String {
    let mut digest = sha1_smol::Sha1::new();
    for module in SPEC {
        digest.update(module);
    }
    digest.digest().to_string()
}

/// Whether this build is optimised: an unoptimised one (a debug build) scans or resolves
/// several times slower than the Python code it replaces.
#[pyfunction]
fn optimized() -> bool {
    !cfg!(debug_assertions)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // SAFETY: sets an option
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_THP, 0) };
    m.add_function(wrap_pyfunction!(resolve_calls, m)?)?;
    m.add_function(wrap_pyfunction!(start_resolution, m)?)?;
    m.add_class::<Resolution>()?;
    m.add_class::<FileEdges>()?;
    m.add_function(wrap_pyfunction!(spec_digest, m)?)?;
    m.add_function(wrap_pyfunction!(optimized, m)?)?;
    Ok(())
}
