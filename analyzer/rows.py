"""FileFacts <-> plain nested tuples: the compact form that crosses process pipes and the cache.

Pickling frozen dataclasses costs ten times more than pickling tuples, and a Kubernetes tree
has about 1.3 million of these records, so they travel as tuples and are rebuilt on arrival.
"""

from __future__ import annotations

from analyzer.model import (
    CallRef,
    Decl,
    DeclKind,
    Field,
    FileFacts,
    ImportRef,
    LocalVar,
    MethodSpec,
    Param,
    Problem,
)

Row = tuple

_KINDS = {k.value: k for k in DeclKind}


def facts_to_row(f: FileFacts) -> Row:
    return (
        f.rel_path, f.import_path, f.module, f.package, f.is_test, f.is_generated, f.build_expr,
        tuple((i.path, i.alias, i.line) for i in f.imports),
        tuple(_decl_row(d) for d in f.decls),
        tuple((c.caller, c.callee_expr, c.line) for c in f.calls),
        tuple((v.scope, v.name, v.type_expr) for v in f.locals),
        f.lines, f.size, f.sha,
        tuple((p.kind, p.message, p.line) for p in f.problems),
    )


def _decl_row(d: Decl) -> Row:
    return (
        d.kind.value, d.name, d.line, d.end_line, d.exported, d.doc, d.receiver,
        d.pointer_receiver, d.type_params,
        tuple((x.name, x.type_expr, x.embedded) for x in d.fields),
        tuple((m.name, m.params, m.results, m.line) for m in d.methods),
        d.embeds, d.type_expr, tuple((p.name, p.type_expr) for p in d.params), d.results,
    )


def facts_from_row(r: Row) -> FileFacts:
    return FileFacts(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6],
        tuple([ImportRef(*i) for i in r[7]]),
        tuple([_decl_from_row(d) for d in r[8]]),
        tuple([CallRef(*c) for c in r[9]]),
        tuple([LocalVar(*v) for v in r[10]]),
        r[11], r[12], r[13],
        tuple([Problem(*p) for p in r[14]]),
    )


def _decl_from_row(d: Row) -> Decl:
    return Decl(
        _KINDS[d[0]], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8],
        tuple([Field(*x) for x in d[9]]),
        tuple([MethodSpec(*m) for m in d[10]]),
        d[11], d[12], tuple([Param(*p) for p in d[13]]), d[14],
    )
