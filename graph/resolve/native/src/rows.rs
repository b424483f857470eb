//! The resolve stage's results as Python objects: CallEdge tuples, and the rows
//! KubeGraph.add_edges takes ((source, target, kind, attrs)), made here so that the main
//! thread adds hundreds of thousands of edges without a Python call per edge.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString, PyTuple};

use crate::calls::{CallEdge, Tally};
use crate::fxhash::Map;
use crate::implements::Relation;

/// The ids of the graph's nodes that resolution links (types, functions, methods), each with
/// the graph's own str object for it: an edge's ends are those objects, not copies (some
/// 40 MB less for the edges of a whole tree, and str hashes Python has computed already).
pub type Ids = Map<String, Py<PyString>>;

/// The ids (a Python iterable of str) with their objects.
pub fn ids(in_graph: &Bound<'_, PyAny>) -> PyResult<Ids> {
    let mut found = Ids::default();
    for id in in_graph.try_iter()? {
        let id = id?.cast_into::<PyString>()?;
        found.insert(id.to_str()?.to_string(), id.unbind());
    }
    Ok(found)
}

fn end<'py>(py: Python<'py>, in_graph: &Ids, id: &str) -> Bound<'py, PyString> {
    match in_graph.get(id) {
        Some(object) => object.bind(py).clone(),
        None => PyString::new(py, id),
    }
}

/// The vias of the CallEdges add_call_edges (graph/resolve/calls.py) collects, to add their
/// edges after the last file: the hand-offs' ends and routes, the stores into func-typed
/// fields and parameters, the calls and values through them. Any other via is an edge it
/// adds as it reads it, a CALLS edge or ("value") a REFERENCES one.
const COLLECTED: [&str; 15] = [
    "channel-send",
    "channel-receive",
    "queue-add",
    "queue-get",
    "cond-signal",
    "cond-wait",
    "channel-yield",
    "channel-pass",
    "channel-store",
    "store",
    "param-store",
    "arg-value",
    "forward",
    "field-call",
    "field-value",
];

fn collected(via: &str) -> bool {
    COLLECTED.contains(&via)
}

/// An id whose node the graph has exactly when the `in_graph` ids hold it.
fn settled_kind(id: &str) -> bool {
    id.starts_with("func:") || id.starts_with("method:") || id.starts_with("type:")
}

/// One file's CallEdges split for the graph: `added`, the CALLS and REFERENCES edges
/// add_call_edges would add between two nodes of the graph, in order; `rest`, the edges for
/// add_call_edges itself, in order: the collected ones, or all of a file's edges when one of
/// them is another platform's variant or names an id the `in_graph` ids do not settle;
/// `field_values`, the "field-value" edges, which add_call_edges reads only after the last
/// file, and only for a field something is stored in: `stored_in`, the field keys of the
/// file's "store" edges (their sources) and "param-store" edges (their targets).
#[derive(Default)]
pub struct FileRows {
    pub added: Vec<CallEdge>,
    pub rest: Vec<CallEdge>,
    pub field_values: Vec<CallEdge>,
    pub stored_in: Vec<String>,
}

pub fn split_file(edges: Vec<CallEdge>, in_graph: &Ids) -> FileRows {
    let settled = edges
        .iter()
        .all(|(c, t, via, _, _, _, variant)| collected(via) || (!variant && settled_kind(c) && settled_kind(t)));
    let mut rows = FileRows::default();
    for edge in edges {
        match edge.2.as_str() {
            "field-value" => {
                rows.field_values.push(edge);
                continue;
            }
            "store" => rows.stored_in.push(edge.0.clone()),
            "param-store" => rows.stored_in.push(edge.1.clone()),
            _ => {}
        }
        if !settled || collected(&edge.2) {
            rows.rest.push(edge);
        } else if in_graph.contains_key(&edge.0) && in_graph.contains_key(&edge.1) {
            rows.added.push(edge);
        }
    }
    rows
}

/// The relations with each DISPATCHES edge once, where it was first found and with the
/// via_pointer it was last found with: what add_edge leaves of the repeats (an interface
/// method dispatches to a promoted method once for each type that embeds its owner).
pub fn without_repeats(relations: Vec<Relation>) -> Vec<Relation> {
    let mut at: Map<(String, String), usize> = Map::default();
    let mut out: Vec<Relation> = Vec::with_capacity(relations.len());
    for relation in relations {
        if relation.0 == "DISPATCHES" {
            if let Some(&i) = at.get(&(relation.1.clone(), relation.2.clone())) {
                out[i].3 = relation.3;
                continue;
            }
            at.insert((relation.1.clone(), relation.2.clone()), out.len());
        }
        out.push(relation);
    }
    out
}

/// Python str objects for texts that repeat (a file's path, a via), made once each.
struct Texts<'py> {
    py: Python<'py>,
    made: Map<String, Bound<'py, PyString>>,
}

impl<'py> Texts<'py> {
    fn new(py: Python<'py>) -> Self {
        Texts { py, made: Map::default() }
    }

    fn get(&mut self, text: &str) -> Bound<'py, PyString> {
        if let Some(found) = self.made.get(text) {
            return found.clone();
        }
        let object = PyString::new(self.py, text);
        self.made.insert(text.to_string(), object.clone());
        object
    }
}

/// CallEdges as Python tuples (caller, callee, via, count, line, file, variant).
pub fn call_edges<'py>(py: Python<'py>, edges: Vec<CallEdge>) -> PyResult<Bound<'py, PyList>> {
    let mut texts = Texts::new(py);
    let list = PyList::empty(py);
    for (c, t, via, n, line, file, variant) in edges {
        list.append(PyTuple::new(
            py,
            [
                PyString::new(py, &c).into_any(),
                PyString::new(py, &t).into_any(),
                texts.get(&via).into_any(),
                n.into_pyobject(py)?.into_any(),
                line.into_pyobject(py)?.into_any(),
                texts.get(&file).into_any(),
                PyBool::new(py, variant).to_owned().into_any(),
            ],
        )?)?;
    }
    Ok(list)
}

/// One file's rows for KubeGraph.add_edges and its CallEdges for add_call_edges.
pub fn file_rows<'py>(py: Python<'py>, rows: FileRows, in_graph: &Ids) -> PyResult<Bound<'py, PyTuple>> {
    let mut texts = Texts::new(py);
    let added = PyList::empty(py);
    for (c, t, via, n, line, file, _) in rows.added {
        let attrs = PyDict::new(py);
        attrs.set_item(intern!(py, "via"), texts.get(&via))?;
        attrs.set_item(intern!(py, "count"), n)?;
        attrs.set_item(intern!(py, "line"), line)?;
        let kind = if via == "value" {
            attrs.set_item(intern!(py, "file"), texts.get(&file))?;
            intern!(py, "REFERENCES")
        } else {
            intern!(py, "CALLS")
        };
        added.append(PyTuple::new(
            py,
            [
                end(py, in_graph, &c).into_any(),
                end(py, in_graph, &t).into_any(),
                kind.clone().into_any(),
                attrs.into_any(),
            ],
        )?)?;
    }
    PyTuple::new(py, [added.into_any(), call_edges(py, rows.rest)?.into_any()])
}

/// add_implements' edges as rows for KubeGraph.add_edges.
pub fn relations<'py>(py: Python<'py>, relations: Vec<Relation>, in_graph: &Ids) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for (kind, source, target, via_pointer, confidence) in relations {
        let attrs = PyDict::new(py);
        attrs.set_item(intern!(py, "via_pointer"), via_pointer)?;
        let kind = if kind == "IMPLEMENTS" {
            attrs.set_item(intern!(py, "confidence"), confidence)?;
            intern!(py, "IMPLEMENTS")
        } else {
            intern!(py, "DISPATCHES")
        };
        out.append(PyTuple::new(
            py,
            [
                end(py, in_graph, &source).into_any(),
                end(py, in_graph, &target).into_any(),
                kind.clone().into_any(),
                attrs.into_any(),
            ],
        )?)?;
    }
    Ok(out)
}

pub fn tally<'py>(py: Python<'py>, tally: Tally) -> PyResult<Bound<'py, PyDict>> {
    let counts = PyDict::new(py);
    for (k, v) in tally {
        counts.set_item(k, v)?;
    }
    Ok(counts)
}
