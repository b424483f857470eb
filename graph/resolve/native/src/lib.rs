//! kubeatlas.graph.resolve._native: graph/resolve/calls.py's call resolution in Rust, giving
//! for every file the very CallEdge list `resolve_file_calls(f, SymbolTable.of(facts), tally)`
//! gives, and the tally.

mod call_outcome;
mod callexpr;
mod calls;
mod facts;
mod fxhash;
mod fields;
mod ids;
mod implements;
mod ordered;
mod resolver;
mod symbols;
mod typeref;
mod typetext;
mod value_types;
mod variables;

use std::sync::mpsc::{channel, Receiver};
use std::sync::Mutex;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::calls::{resolve_file_calls, CallEdge, Tally};
use crate::facts::FileFacts;
use crate::fxhash::{Map, Set};
use crate::implements::{find_implements, Relation};
use crate::symbols::{Symbols, Table};
use crate::typeref::FileScope;

fn resolve_range(facts: &[FileFacts], table: &Table, range: std::ops::Range<usize>) -> (Vec<Vec<CallEdge>>, Tally) {
    let symbols = Symbols::new(table);
    let mut tally = Tally::default();
    let edges = facts[range].iter().map(|f| resolve_file_calls(f, &symbols, &mut tally)).collect();
    (edges, tally)
}

/// Bounds of `parts` contiguous shares of the files, balanced by call sites.
fn shares(facts: &[FileFacts], parts: usize) -> Vec<usize> {
    let total: usize = facts.iter().map(|f| f.calls.len() + f.channels.len()).sum();
    let mut bounds = vec![0];
    let (mut done, mut index) = (0usize, 0usize);
    for part in 1..parts {
        let target = total * part / parts;
        while index < facts.len() && done < target {
            done += facts[index].calls.len() + facts[index].channels.len();
            index += 1;
        }
        bounds.push(index);
    }
    bounds.push(facts.len());
    bounds
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

/// One file's CallEdges as Python tuples, the file's path one str for all of them.
fn file_edges_to_python<'py>(py: Python<'py>, file_edges: Vec<CallEdge>) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    let mut path: Option<(String, Bound<'py, PyAny>)> = None;
    for (c, t, via, n, line, file, variant) in file_edges {
        let file = match &path {
            Some((text, object)) if *text == file => object.clone(),
            _ => {
                let object = file.as_str().into_pyobject(py)?.into_any();
                path = Some((file, object.clone()));
                object
            }
        };
        list.append(PyTuple::new(py, [
            c.into_pyobject(py)?.into_any(),
            t.into_pyobject(py)?.into_any(),
            via.into_pyobject(py)?.into_any(),
            n.into_pyobject(py)?.into_any(),
            line.into_pyobject(py)?.into_any(),
            file,
            pyo3::types::PyBool::new(py, variant).to_owned().into_any(),
        ])?)?;
    }
    Ok(list)
}

fn tally_to_python<'py>(py: Python<'py>, tally: Tally) -> PyResult<Bound<'py, PyDict>> {
    let counts = PyDict::new(py);
    for (k, v) in tally {
        counts.set_item(k, v)?;
    }
    Ok(counts)
}

fn edges_to_python<'py>(py: Python<'py>, edges: Vec<Vec<CallEdge>>, tally: Tally) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyDict>)> {
    let out = PyList::empty(py);
    for file_edges in edges {
        out.append(file_edges_to_python(py, file_edges)?)?;
    }
    Ok((out, tally_to_python(py, tally)?))
}

/// Every file's CallEdges, handed to Python one file's list at a time (the edges of a whole
/// tree as Python tuples would add some 200 MB to the index's peak memory).
#[pyclass]
struct FileEdges {
    files: Mutex<std::collections::VecDeque<Vec<CallEdge>>>,
}

#[pymethods]
impl FileEdges {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyList>>> {
        let next = self.files.lock().expect("an unpoisoned lock").pop_front();
        match next {
            Some(file_edges) => Ok(Some(file_edges_to_python(py, file_edges)?)),
            None => {
                give_back_memory();
                Ok(None)
            }
        }
    }
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

#[cfg(all(target_os = "linux", target_env = "gnu"))]
extern "C" {
    fn malloc_trim(pad: usize) -> i32;
}

/// Return the freed facts, table and edges to the system: they were malloc'd (by this thread,
/// its workers and the converting one), and Python's own allocator would not reuse them, so
/// they would stay in the index's peak RSS.
fn give_back_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        malloc_trim(0);
    }
}

type Implements = (Vec<Relation>, Vec<(&'static str, i64)>);
type Calls = (Vec<Vec<CallEdge>>, Tally);

/// The resolve stage under way on a thread of its own: IMPLEMENTS first, then the calls.
#[pyclass]
struct Resolution {
    implements: Mutex<Option<Receiver<Implements>>>,
    calls: Mutex<Option<Receiver<Calls>>>,
}

fn received<T: Send>(py: Python<'_>, slot: &Mutex<Option<Receiver<T>>>, what: &str) -> PyResult<T> {
    let receiver = slot.lock().expect("an unpoisoned lock").take()
        .ok_or_else(|| PyRuntimeError::new_err(format!("the {what} were taken already")))?;
    py.detach(move || receiver.recv())
        .map_err(|_| PyRuntimeError::new_err(format!("the native resolver failed before the {what}")))
}

#[pymethods]
impl Resolution {
    /// add_implements' edges in its order ((kind, source, target, via_pointer, confidence)) and
    /// its figures; waits for them without the GIL.
    fn implements<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyDict>)> {
        let (relations, tally) = received(py, &self.implements, "implements")?;
        let out = PyList::empty(py);
        for relation in relations {
            out.append(relation)?;
        }
        let counts = PyDict::new(py);
        for (k, v) in tally {
            counts.set_item(k, v)?;
        }
        Ok((out, counts))
    }

    /// What resolve_calls gives, each file's list made as it is read; waits for it
    /// without the GIL.
    fn calls<'py>(&self, py: Python<'py>) -> PyResult<(FileEdges, Bound<'py, PyDict>)> {
        let (edges, tally) = received(py, &self.calls, "calls")?;
        Ok((FileEdges { files: Mutex::new(edges.into()) }, tally_to_python(py, tally)?))
    }
}

/// Start the whole resolve stage: the symbol table, IMPLEMENTS and DISPATCHES among the type
/// and method ids `in_graph`, then every file's calls, on a thread that holds no GIL.
#[pyfunction]
#[pyo3(signature = (facts, ranks, names, in_graph, threads=2))]
fn start_resolution(
    facts: &Bound<'_, PyAny>,
    ranks: Vec<i64>,
    names: Map<String, String>,
    in_graph: Set<String>,
    threads: usize,
) -> PyResult<Resolution> {
    let files = convert(facts, &ranks)?;
    // the facts' strings are read in place (facts::Text): the thread keeps them alive
    let keep = facts.clone().unbind();
    let (implements_tx, implements_rx) = channel();
    let (calls_tx, calls_rx) = channel();
    std::thread::Builder::new()
        .name("kubeatlas-resolve".into())
        .spawn(move || {
            let calls = {
                let scopes: Vec<FileScope> = files.iter().map(|f| FileScope::of(f, &names)).collect();
                let table = Table::of(&files, &scopes);
                let _ = implements_tx.send(find_implements(&Symbols::new(&table), &in_graph));
                resolve_files(&files, &table, threads)
            };
            // the facts and the table go before the edges do: the index's peak memory is
            // while Python takes the edges into its graph
            drop(files);
            Python::attach(|_| drop(keep));
            give_back_memory();
            let _ = calls_tx.send(calls);
        })
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start the resolving thread: {e}")))?;
    Ok(Resolution { implements: Mutex::new(Some(implements_rx)), calls: Mutex::new(Some(calls_rx)) })
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
    m.add_function(wrap_pyfunction!(resolve_calls, m)?)?;
    m.add_function(wrap_pyfunction!(start_resolution, m)?)?;
    m.add_class::<Resolution>()?;
    m.add_class::<FileEdges>()?;
    m.add_function(wrap_pyfunction!(spec_digest, m)?)?;
    m.add_function(wrap_pyfunction!(optimized, m)?)?;
    Ok(())
}
