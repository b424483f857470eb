//! One scan of many files (analyzer/scan.py's native path): `jobs` threads read and extract
//! them and marshal their rows (marshal.rs) without the GIL, while the calling thread turns each
//! finished file, in the order given, into its record (rows.rs) and hands both to a Python
//! callback. Ctrl-C (or an error the callback raises) stops the threads after the file each is
//! on.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, TryRecvError};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyType};

use crate::extract::{extract_facts, Source};
use crate::marshal::marshal_row;
use crate::model::FileFacts;
use crate::rows::{facts_to_record, Records};

/// What the callback is told of a file: parsed (with its record and marshalled row), byte for
/// byte the cached one (its sha is the one given), or left to the Python code (not a regular
/// file, not readable, larger than the limit: analyzer/scan.py reads it again and says why).
pub const PARSED: u8 = 0;
pub const SAME: u8 = 1;
pub const OTHER: u8 = 2;

enum Outcome {
    Parsed(Box<FileFacts>, Vec<u8>, Vec<u8>), // the facts, their row's marshalled shell and body
    Same,
    Other,
}

/// (rel_path, import_path, module, is_test, cached sha or "")
type Wanted = (String, String, String, bool, String);

/// Scan `files` under `root` with `jobs` threads, calling `on_file(index, status, record, row)`
/// for each in order (record and row None unless PARSED; row is the (shell, body) bytes of
/// marshal.rs).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub fn scan_files(
    py: Python<'_>,
    root: &str,
    files: Vec<Wanted>,
    max_file_bytes: u64,
    jobs: usize,
    classes: Vec<Bound<'_, PyType>>,
    kinds: HashMap<String, Bound<'_, PyAny>>,
    sources: HashMap<String, Bound<'_, PyAny>>,
    on_file: Bound<'_, PyAny>,
) -> PyResult<()> {
    let records = Records::new(classes, kinds, sources)?;
    let (next, stop) = (AtomicUsize::new(0), AtomicBool::new(false));
    let threads = jobs.clamp(1, files.len().max(1));
    std::thread::scope(|scope| {
        let (sender, receiver) = sync_channel::<(usize, Outcome)>(threads * 8);
        let mut workers = Vec::with_capacity(threads);
        for _ in 0..threads {
            let sender = sender.clone();
            let (files, next, stop) = (&files, &next, &stop);
            workers.push(scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(file) = files.get(index) else { break };
                    if sender.send((index, scan_one(root, file, max_file_bytes))).is_err() {
                        break;
                    }
                }
            }));
        }
        drop(sender);
        let delivered = deliver(py, receiver, files.len(), &records, &on_file);
        stop.store(true, Ordering::Relaxed); // the threads end after the file they are on
        for worker in workers {
            // joined, not just finished: gone from the process when the call returns
            if worker.join().is_err() {
                return Err(lost());
            }
        }
        delivered
    })
}

/// Hand the outcomes to `on_file` in index order as they arrive; waits without the GIL.
/// Dropping the receiver at the end tells the threads blocked on it to end.
fn deliver<'py>(
    py: Python<'py>,
    mut receiver: Receiver<(usize, Outcome)>,
    count: usize,
    records: &Records<'py>,
    on_file: &Bound<'py, PyAny>,
) -> PyResult<()> {
    let mut early: HashMap<usize, Outcome> = HashMap::new();
    let mut index = 0;
    while index < count {
        let outcome = match early.remove(&index) {
            Some(outcome) => outcome,
            None => {
                let (at, outcome) = match receiver.try_recv() {
                    Ok(got) => got,
                    Err(TryRecvError::Disconnected) => return Err(lost()),
                    Err(TryRecvError::Empty) => {
                        let waited = py.detach(move || (receiver.recv_timeout(Duration::from_millis(50)), receiver));
                        receiver = waited.1;
                        match waited.0 {
                            Ok(got) => got,
                            Err(RecvTimeoutError::Timeout) => {
                                py.check_signals()?;
                                continue;
                            }
                            Err(RecvTimeoutError::Disconnected) => return Err(lost()),
                        }
                    }
                };
                if at != index {
                    early.insert(at, outcome);
                    continue;
                }
                outcome
            }
        };
        py.check_signals()?;
        match outcome {
            Outcome::Parsed(facts, shell, body) => {
                let record = facts_to_record(py, &facts, records)?;
                drop(facts);
                let row = (PyBytes::new(py, &shell), PyBytes::new(py, &body));
                on_file.call1((index, PARSED, record, row))?;
            }
            Outcome::Same => {
                on_file.call1((index, SAME, py.None(), py.None()))?;
            }
            Outcome::Other => {
                on_file.call1((index, OTHER, py.None(), py.None()))?;
            }
        }
        index += 1;
    }
    Ok(())
}

fn lost() -> PyErr {
    PyRuntimeError::new_err("a scan thread ended before its files were scanned")
}

/// One file as analyzer/scan.py's _scan_one_row scans it, or Other for what it leaves to Python.
fn scan_one(root: &str, file: &Wanted, max_file_bytes: u64) -> Outcome {
    let (rel_path, import_path, module, is_test, cached_sha) = file;
    let Some((data, size)) = read_head(&Path::new(root).join(rel_path), max_file_bytes.saturating_add(1)) else {
        return Outcome::Other;
    };
    if !cached_sha.is_empty() && crate::extract::hex_sha1(&data) == *cached_sha {
        return Outcome::Same;
    }
    if size > max_file_bytes || data.len() as u64 != size {
        return Outcome::Other; // too large: the header only, parsed by the Python code
    }
    let source = Source { rel_path, import_path, module, is_test: *is_test };
    let facts = extract_facts(&source, &data);
    let (shell, body) = marshal_row(&facts);
    Outcome::Parsed(Box::new(facts), shell, body)
}

/// analyzer/reading.py's read_head: the first `limit` bytes of a regular file and its size
/// (never blocking on a FIFO, never reading a device); None when it is not one or not readable.
fn read_head(path: &Path, limit: u64) -> Option<(Vec<u8>, u64)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file: File = options.open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.file_type().is_file() {
        return None;
    }
    let want = limit.min(meta.len().saturating_add(1)); // +1: notice a file that grew since
    let mut data = Vec::with_capacity(want as usize);
    file.take(want).read_to_end(&mut data).ok()?;
    let size = meta.len().max(data.len() as u64);
    Some((data, size))
}
