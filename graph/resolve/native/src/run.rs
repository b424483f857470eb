//! The resolve stage under way on threads without the GIL: the symbol table, then IMPLEMENTS
//! and DISPATCHES on one thread while the others start on the calls, in chunks of files that
//! every thread takes in file order once free; Python takes each chunk's edges, in order, as
//! soon as it is resolved.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::calls::{resolve_file_calls, CallEdge, Tally};
use crate::facts::FileFacts;
use crate::fxhash::{Map, Set};
use crate::implements::{find_implements, Relation};
use crate::rows::{self, split_file, without_repeats, FileRows, Ids};
use crate::symbols::{Symbols, Table};
use crate::typeref::FileScope;

/// Chunks of files per thread: small enough that the thread that found IMPLEMENTS first
/// catches up, and that Python starts on the edges early; large enough to cost nothing.
const CHUNKS_PER_THREAD: usize = 24;

type Implements = (Vec<Relation>, Vec<(&'static str, i64)>);

/// Bounds of `parts` contiguous shares of the files, balanced by call sites.
pub fn shares(facts: &[FileFacts], parts: usize) -> Vec<usize> {
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

/// The chunks' results as they come, and the tally once all of them are in.
struct Chunks {
    state: Mutex<ChunkState>,
    changed: Condvar,
}

struct ChunkState {
    results: Vec<Option<Vec<FileRows>>>,
    tally: Tally,
    field_values: Vec<Vec<CallEdge>>, // per chunk (see FileRows)
    stored_in: Set<String>,
    left: usize, // chunks not resolved yet
    over: bool,  // the resolving thread has ended (a chunk still None then never comes)
}

impl Chunks {
    fn put(&self, chunk: usize, mut files: Vec<FileRows>, tally: Tally) {
        let (mut values, mut stored_in) = (Vec::new(), Vec::new());
        for file in &mut files {
            values.append(&mut file.field_values);
            stored_in.append(&mut file.stored_in);
        }
        let mut state = self.state.lock().expect("an unpoisoned lock");
        state.results[chunk] = Some(files);
        state.field_values[chunk] = values;
        state.stored_in.extend(stored_in);
        for (k, v) in tally {
            *state.tally.entry(k).or_insert(0) += v;
        }
        state.left -= 1;
        self.changed.notify_all();
    }

    /// Chunk `chunk`'s files, waiting for them; None if the resolving thread failed first.
    fn take(&self, chunk: usize) -> Option<Vec<FileRows>> {
        let mut state = self.state.lock().expect("an unpoisoned lock");
        loop {
            if let Some(files) = state.results[chunk].take() {
                return Some(files);
            }
            if state.over {
                return None;
            }
            state = self.changed.wait(state).expect("an unpoisoned lock");
        }
    }

    /// The tally once every chunk is in and the resolving thread has let go of the facts
    /// (see start); None if it failed first.
    fn tally(&self) -> Option<Tally> {
        self.when_over(|state| std::mem::take(&mut state.tally))
    }

    /// The "field-value" edges of every file, in order, whose field something is stored in.
    fn field_values(&self) -> Option<Vec<CallEdge>> {
        self.when_over(|state| {
            let stored_in = std::mem::take(&mut state.stored_in);
            let values = std::mem::take(&mut state.field_values);
            values.into_iter().flatten().filter(|edge| stored_in.contains(&edge.1)).collect()
        })
    }

    fn when_over<T>(&self, read: impl FnOnce(&mut ChunkState) -> T) -> Option<T> {
        let mut state = self.state.lock().expect("an unpoisoned lock");
        while !state.over {
            state = self.changed.wait(state).expect("an unpoisoned lock");
        }
        if state.left == 0 {
            Some(read(&mut state))
        } else {
            None
        }
    }
}

/// Marks the resolving thread's end, however it ends (a panic included), for those waiting.
struct Over(Arc<Chunks>);

impl Drop for Over {
    fn drop(&mut self) {
        if let Ok(mut state) = self.0.state.lock() {
            state.over = true;
        }
        self.0.changed.notify_all();
    }
}

/// Chunks resolved by one thread, taking the next one once free, until none is left.
fn work<'t, 'a>(
    files: &'a [FileFacts],
    symbols: &Symbols<'t, 'a>,
    in_graph: &Ids,
    bounds: &[usize],
    chunks: &Chunks,
    next: &AtomicUsize,
) {
    loop {
        let chunk = next.fetch_add(1, Ordering::Relaxed);
        if chunk + 1 >= bounds.len() {
            return;
        }
        let mut tally = Tally::default();
        let resolved = files[bounds[chunk]..bounds[chunk + 1]]
            .iter()
            .map(|f| split_file(resolve_file_calls(f, symbols, &mut tally), in_graph))
            .collect();
        chunks.put(chunk, resolved, tally);
    }
}

/// Every chunk's calls resolved by `threads` threads; the first finds IMPLEMENTS before it
/// starts on chunks.
fn resolve_chunks<'a>(
    files: &'a [FileFacts],
    table: &Table<'a>,
    in_graph: &Ids,
    bounds: &[usize],
    chunks: &Chunks,
    threads: usize,
    implements: Sender<Implements>,
) {
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 1..threads.max(1) {
            s.spawn(|| work(files, &Symbols::new(table), in_graph, bounds, chunks, &next));
        }
        let symbols = Symbols::new(table);
        let (relations, figures) = find_implements(&symbols, in_graph);
        let _ = implements.send((without_repeats(relations), figures));
        work(files, &symbols, in_graph, bounds, chunks, &next);
    });
}

/// The resolve stage under way (see start).
#[pyclass]
pub struct Resolution {
    implements: Mutex<Option<Receiver<Implements>>>,
    in_graph: Arc<Ids>,
    chunks: Arc<Chunks>,
    taken: Mutex<bool>,
}

/// Start the whole resolve stage on a thread of its own (see the module).
pub fn start(
    files: Vec<FileFacts>,
    keep: Py<PyAny>,
    names: Map<String, String>,
    in_graph: Ids,
    threads: usize,
) -> PyResult<Resolution> {
    let bounds = shares(&files, threads.max(1) * CHUNKS_PER_THREAD);
    let chunks = Arc::new(Chunks {
        state: Mutex::new(ChunkState {
            results: (1..bounds.len()).map(|_| None).collect(),
            tally: Tally::default(),
            field_values: (1..bounds.len()).map(|_| Vec::new()).collect(),
            stored_in: Set::default(),
            left: bounds.len() - 1,
            over: false,
        }),
        changed: Condvar::new(),
    });
    let (implements_tx, implements_rx) = channel();
    let over = Over(chunks.clone());
    let in_graph = Arc::new(in_graph);
    let ids = in_graph.clone();
    std::thread::Builder::new()
        .name("kubeatlas-resolve".into())
        .spawn(move || {
            {
                let scopes: Vec<FileScope> = files.iter().map(|f| FileScope::of(f, &names)).collect();
                let table = Table::of(&files, &scopes);
                resolve_chunks(&files, &table, &ids, &bounds, &over.0, threads, implements_tx);
            }
            drop(ids); // Python's objects: the last reference goes with the GIL, in Resolution
                       // the facts (their strings are read in place: see facts::Text) and the table go
                       // while Python takes the last edges; Python waits for them in tally(), before it
                       // can end (a thread cannot take the GIL from an interpreter that has ended)
            drop(files);
            let mut keep = Some(keep);
            if Python::try_attach(|_| drop(keep.take())).is_none() {
                std::mem::forget(keep); // the interpreter has ended: nothing is left to free
            }
            drop(over);
            crate::give_back_memory();
        })
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start the resolving thread: {e}")))?;
    Ok(Resolution { implements: Mutex::new(Some(implements_rx)), in_graph, chunks, taken: Mutex::new(false) })
}

#[pymethods]
impl Resolution {
    /// add_implements' edges in its order as rows for KubeGraph.add_edges (each DISPATCHES
    /// edge once), and its figures; waits for them without the GIL.
    fn implements<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyDict>)> {
        let receiver = self
            .implements
            .lock()
            .expect("an unpoisoned lock")
            .take()
            .ok_or_else(|| PyRuntimeError::new_err("the implements were taken already"))?;
        let (relations, tally) = py
            .detach(move || receiver.recv())
            .map_err(|_| PyRuntimeError::new_err("the native resolver failed before the implements"))?;
        let counts = PyDict::new(py);
        for (k, v) in tally {
            counts.set_item(k, v)?;
        }
        Ok((rows::relations(py, relations, &self.in_graph)?, counts))
    }

    /// Every file's edges in file order, each file's as it is read: (rows for
    /// KubeGraph.add_edges, CallEdges for add_call_edges); see rows::FileRows.
    fn calls(&self) -> PyResult<FileEdges> {
        let mut taken = self.taken.lock().expect("an unpoisoned lock");
        if *taken {
            return Err(PyRuntimeError::new_err("the calls were taken already"));
        }
        *taken = true;
        Ok(FileEdges {
            chunks: self.chunks.clone(),
            in_graph: self.in_graph.clone(),
            next: Mutex::new((0, VecDeque::new())),
        })
    }

    /// After the last file: the "field-value" CallEdges that add_call_edges would find a
    /// stored value for (the others it passes over), in order (waits without the GIL).
    fn field_values<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let chunks = self.chunks.clone();
        let values = py
            .detach(move || chunks.field_values())
            .ok_or_else(|| PyRuntimeError::new_err("the native resolver failed before the calls"))?;
        rows::call_edges(py, values)
    }

    /// The resolution tally, once every file is resolved (waits without the GIL).
    fn tally<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let chunks = self.chunks.clone();
        let tally = py
            .detach(move || chunks.tally())
            .ok_or_else(|| PyRuntimeError::new_err("the native resolver failed before the calls"))?;
        rows::tally(py, tally)
    }
}

/// Every file's edges, in file order, made Python objects one file at a time (the edges of a
/// whole tree as Python objects would add some 200 MB to the index's peak memory).
#[pyclass]
pub struct FileEdges {
    chunks: Arc<Chunks>,
    in_graph: Arc<Ids>,
    next: Mutex<(usize, VecDeque<FileRows>)>, // the next chunk, the files left of the last
}

#[pymethods]
impl FileEdges {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyTuple>>> {
        let mut next = self.next.lock().expect("an unpoisoned lock");
        while next.1.is_empty() {
            let chunk = next.0;
            if chunk >= self.chunks.state.lock().expect("an unpoisoned lock").results.len() {
                crate::give_back_memory();
                return Ok(None);
            }
            let chunks = self.chunks.clone();
            let files = py
                .detach(move || chunks.take(chunk))
                .ok_or_else(|| PyRuntimeError::new_err("the native resolver failed before the calls"))?;
            *next = (chunk + 1, files.into());
        }
        let file = next.1.pop_front().expect("a file");
        Ok(Some(rows::file_rows(py, file, &self.in_graph)?))
    }
}
