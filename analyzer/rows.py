"""FileFacts <-> plain nested tuples: the compact form that crosses process pipes and the cache.

A NamedTuple pickles with a reference to its class and unpickles through a Python-level
constructor, several times the cost of a plain tuple, and a Kubernetes tree has about a million
of these records: so they travel (and sit in the marshal cache) as plain tuples and are rebuilt
on arrival.
"""

from __future__ import annotations

from typing import Any

from kubeatlas.analyzer.model import (
    CallRef,
    ChannelOp,
    Decl,
    DeclKind,
    Field,
    FileFacts,
    ImportRef,
    LocalSource,
    LocalVar,
    MethodSpec,
    Param,
    Problem,
)

Row = tuple[Any, ...]  # a FileFacts as nested tuples of str/int/bool/None

_KINDS = {k.value: k for k in DeclKind}
_SOURCES = {s.value: s for s in LocalSource}


def facts_to_row(f: FileFacts) -> Row:
    return (
        f.rel_path, f.import_path, f.module, f.package, f.is_test, f.is_generated, f.build_expr,
        tuple(map(tuple, f.imports)),
        tuple(_decl_row(d) for d in f.decls),
        tuple(map(tuple, f.calls)),
        tuple((v.scope, v.name, v.line, v.expr, v.how.value, v.result, v.until) for v in f.locals),
        f.lines, f.size, f.sha,
        tuple(map(tuple, f.problems)),
        tuple(map(tuple, f.channels)),
    )


def _decl_row(d: Decl) -> Row:
    return (
        d.kind.value, d.name, d.line, d.end_line, d.exported, d.doc, d.receiver,
        d.pointer_receiver, d.type_params, tuple(map(tuple, d.fields)),
        tuple(map(tuple, d.methods)), d.embeds, d.type_expr, tuple(map(tuple, d.params)),
        d.results, d.value_from.value if d.value_from else None,
    )


# tuple.__new__ makes a NamedTuple from a row at C speed (what NamedTuple._make does, without
# the argument check): rows come only from facts_to_row, in the worker or the cache.
_new = tuple.__new__


def facts_from_row(r: Row) -> FileFacts:
    return _new(FileFacts, (
        r[0], r[1], r[2], r[3], r[4], r[5], r[6],
        tuple([_new(ImportRef, i) for i in r[7]]),
        tuple([_decl_from_row(d) for d in r[8]]),
        tuple([_new(CallRef, c) for c in r[9]]),
        tuple([_new(LocalVar, (v[0], v[1], v[2], v[3], _SOURCES[v[4]], v[5], v[6])) for v in r[10]]),
        r[11], r[12], r[13],
        tuple([_new(Problem, p) for p in r[14]]),
        tuple([_new(ChannelOp, c) for c in r[15]]),
    ))


def _decl_from_row(d: Row) -> Decl:
    return _new(Decl, (
        _KINDS[d[0]], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8],
        tuple([_new(Field, x) for x in d[9]]),
        tuple([_new(MethodSpec, m) for m in d[10]]),
        d[11], d[12], tuple([_new(Param, p) for p in d[13]]), d[14],
        _SOURCES[d[15]] if d[15] else None,
    ))
