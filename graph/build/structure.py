"""FileFacts -> KubeGraph: tree, modules, packages, files, declarations, imports, embeddings."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kubeatlas.analyzer.buildtags import buildable_somewhere
from kubeatlas.analyzer.discover import ModuleInfo
from kubeatlas.analyzer.model import TYPE_KINDS, DeclKind, FileFacts
from kubeatlas.graph.build.codeflags import is_test_helper
from kubeatlas.graph.build.imports import add_imports, import_rows
from kubeatlas.graph.build.platform import variant_rank, variant_record
from kubeatlas.graph.build.typeref import FileScope
from kubeatlas.graph.model.kubegraph import KubeGraph
from kubeatlas.graph.model.schema import (
    EdgeKind,
    NodeKind,
    file_id,
    function_id,
    method_id,
    module_id,
    node_id,
    package_id,
    type_id,
)

_TYPE_KIND_NAME = {
    DeclKind.STRUCT: "struct", DeclKind.INTERFACE: "interface", DeclKind.ALIAS: "alias",
    DeclKind.TYPE: "other",
}
_FILE, _TYPE, _FUNCTION, _METHOD = map(str, (NodeKind.FILE, NodeKind.TYPE, NodeKind.FUNCTION,
                                           NodeKind.METHOD))
_CONTAINS, _DECLARES, _HAS_METHOD = map(str, (EdgeKind.CONTAINS, EdgeKind.DECLARES,
                                              EdgeKind.HAS_METHOD))


@dataclass(frozen=True, slots=True)
class TreeInfo:
    name: str  # the tree's label: "v1.28.7", or the directory name
    root: str
    ref: str
    commit: str
    k8s_version: str
    indexed_at: str


def build_graph(facts: Sequence[FileFacts], modules: Sequence[ModuleInfo], tree: TreeInfo,
                on_declarations: Callable[[KubeGraph], None] = lambda graph: None) -> KubeGraph:
    """The structural graph of a scanned tree (no cross-package resolution yet).
    `on_declarations` sees the graph once every package, file and declaration is in, before
    the edges between packages (the bulk of the nodes, for a writer to start on)."""
    graph = KubeGraph()
    tree_node = node_id(NodeKind.TREE, tree.name)
    graph.add_node(tree_node, NodeKind.TREE, name=tree.name, root=tree.root, ref=tree.ref,
                   commit=tree.commit, k8s_version=tree.k8s_version, indexed_at=tree.indexed_at)
    for module in modules:
        mid = module_id(module.path)
        graph.add_node(mid, NodeKind.MODULE, name=module.path, path=module.path,
                       dir=module.dir, staging=module.staging)
        graph.add_edge(tree_node, mid, EdgeKind.CONTAINS)
    by_package: dict[str, list[FileFacts]] = defaultdict(list)
    for f in facts:
        by_package[f.import_path].append(f)
    names = package_names(by_package)
    later = _Later()
    for import_path, files in sorted(by_package.items()):
        _add_package(graph, import_path, files, names, later)
    # what the passes below add is found now, before the snapshot's fork: after it, every
    # record read again costs a page copy
    owners = [row for f in facts for row in later.owned.get(f.rel_path, ())]
    embeds = _embed_rows(facts, names, later.embedded)
    imports = import_rows(by_package)
    on_declarations(graph)
    graph.add_edges((owner, mid, _HAS_METHOD, None) for owner, mid in owners if owner in graph)
    add_imports(graph, imports)
    for owner, target, pointer in embeds:
        if target in graph:
            graph.add_edge(owner, target, EdgeKind.EMBEDS, pointer=pointer)
    return graph


@dataclass(frozen=True, slots=True)
class _Later:
    """What the declarations pass notes by file for the edges added after on_declarations:
    HAS_METHOD (receiver type id, method id) and EMBEDS (type id, embedded type, pointer)."""

    owned: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    embedded: dict[str, list[tuple[str, str, bool]]] = field(default_factory=dict)


def package_names(by_package: Mapping[str, Sequence[FileFacts]]) -> dict[str, str]:
    """import path -> package clause name of its buildable non-test files (the most common)."""
    names: dict[str, str] = {}
    for import_path, files in by_package.items():
        clauses = Counter(f.package for f in files if f.package and not f.is_test
                          and buildable_somewhere(f.build_expr))
        if clauses:
            names[import_path] = clauses.most_common(1)[0][0]
    return names


def _add_package(graph: KubeGraph, import_path: str, files: list[FileFacts],
                 names: Mapping[str, str], later: _Later) -> None:
    pid = package_id(import_path)
    first = files[0]
    directory = first.rel_path.rsplit("/", 1)[0]
    lines = sum(f.lines for f in files)
    generated = sum(f.lines for f in files if f.is_generated)
    graph.add_node(
        pid, NodeKind.PACKAGE, name=names.get(import_path, directory.rsplit("/", 1)[-1]),
        import_path=import_path, dir=directory, module=first.module,
        files=len(files), test_files=sum(f.is_test for f in files), lines=lines,
        generated_share=round(generated / lines, 3) if lines else 0.0,
    )
    if module_id(first.module) in graph:
        graph.add_edge(module_id(first.module), pid, EdgeKind.CONTAINS)
    fids = {f.rel_path: file_id(f.rel_path) for f in files}
    graph.add_node_rows((fids[f.rel_path], _FILE, {
        "name": f.rel_path.rsplit("/", 1)[-1], "path": f.rel_path, "package": import_path,
        "is_test": f.is_test, "is_generated": f.is_generated, "build_expr": f.build_expr or "",
        "lines": f.lines, "problems": len(f.problems)}) for f in files)
    graph.add_edges((pid, fid, _CONTAINS, None) for fid in fids.values())
    # the linux/amd64 variant of a declaration is added last, so its file and line stay
    ranked = sorted(files, key=lambda f: variant_rank(f.rel_path, f.build_expr, f.is_test),
                    reverse=True) if len(files) > 1 else files
    declared: dict[str, tuple[FileFacts, int]] = {}  # id -> where it was declared first
    repeated: dict[str, list[tuple[FileFacts, int]]] = {}  # id -> everywhere, if more than once
    for f in ranked:
        for nid, line in _add_decls(graph, f, fids[f.rel_path], later):
            if nid not in declared:
                declared[nid] = (f, line)
            elif nid in repeated:
                repeated[nid].append((f, line))
            else:
                repeated[nid] = [declared[nid], (f, line)]
    for nid, where in repeated.items():  # the last is the node's own; the others are variants
        graph.add_node(nid, NodeKind(graph.attrs(nid)["kind"]), variants=[
            variant_record(f.rel_path, f.build_expr, line) for f, line in where[-2::-1]])


def _add_decls(graph: KubeGraph, f: FileFacts, fid: str, later: _Later) -> list[tuple[str, int]]:
    """Add one file's declarations (noting its methods' receivers and its embeddings in
    `later`); returns (node id, line) of each."""
    added: list[tuple[str, int]] = []
    nodes: list[tuple[str, str, dict[str, Any]]] = []
    edges: list[tuple[str, str, str, None]] = []
    owned: list[tuple[str, str]] = []
    embedded: list[tuple[str, str, bool]] = []
    package, is_test = f.import_path, f.is_test
    common = {"package": package, "file": f.rel_path,
              "test_helper": is_test_helper(f.rel_path, is_test), "generated": f.is_generated}
    ordinal = 0
    for d in f.decls:
        kind = d.kind
        if kind in TYPE_KINDS:
            nid = type_id(package, d.name)
            nodes.append((nid, _TYPE, {
                "name": d.name, "type_kind": _TYPE_KIND_NAME[kind], "line": d.line,
                "end_line": d.end_line, "exported": d.exported, "doc": d.doc,
                "is_test": is_test, **common}))
            for spec in d.methods:  # an interface's own methods are Method nodes too (abstract)
                mid = method_id(package, d.name, spec.name, False)
                nodes.append((mid, _METHOD, {
                    "name": spec.name, "receiver": d.name, "pointer_receiver": False,
                    "abstract": True, "line": spec.line, "end_line": spec.line,
                    "exported": _is_exported(spec.name), "doc": "", "is_test": is_test,
                    **common}))
                edges.append((fid, mid, _DECLARES, None))
                edges.append((nid, mid, _HAS_METHOD, None))
            if kind is DeclKind.STRUCT:
                embedded.extend((nid, fld.type_expr, fld.type_expr.startswith("*"))
                                for fld in d.fields if fld.embedded)
            elif kind is DeclKind.INTERFACE:
                embedded.extend((nid, e, False) for e in d.embeds)
        elif kind is DeclKind.FUNC:
            nid = function_id(package, d.name)
            if d.name in ("init", "_"):  # may repeat: the file and its ordinal make it unique
                ordinal += 1
                nid = f"{nid}#{f.rel_path.rsplit('/', 1)[-1]}#{ordinal}"
            nodes.append((nid, _FUNCTION, {
                "name": d.name, "line": d.line, "end_line": d.end_line, "exported": d.exported,
                "doc": d.doc, "is_test": is_test, **common}))
        elif kind is DeclKind.METHOD:
            receiver = d.receiver or "?"
            nid = method_id(package, receiver, d.name, d.pointer_receiver)
            nodes.append((nid, _METHOD, {
                "name": d.name, "receiver": d.receiver, "pointer_receiver": d.pointer_receiver,
                "line": d.line, "end_line": d.end_line, "exported": d.exported, "doc": d.doc,
                "is_test": is_test, **common}))
            owned.append((type_id(package, receiver), nid))  # HAS_METHOD, if T is declared
        else:
            continue
        edges.append((fid, nid, _DECLARES, None))
        added.append((nid, d.line))
    graph.add_node_rows(nodes)
    graph.add_edges(edges)
    if owned:
        later.owned[f.rel_path] = owned
    if embedded:
        later.embedded[f.rel_path] = embedded
    return added


def _is_exported(name: str) -> bool:
    return name[:1].isupper()


def _embed_rows(facts: Sequence[FileFacts], names: Mapping[str, str],
                embedded: Mapping[str, list[tuple[str, str, bool]]]) -> list[tuple[str, str, bool]]:
    """(type id, embedded type id, pointer) in the order of the files and their declarations;
    a file's imports are read only when it embeds something."""
    rows: list[tuple[str, str, bool]] = []
    for f in facts:
        found = embedded.get(f.rel_path)
        if not found:
            continue
        scope = FileScope.of(f, names)
        for owner, expr, pointer in found:
            named = scope.named_type(expr)
            if named is not None:
                rows.append((owner, type_id(*named), pointer))
    return rows
