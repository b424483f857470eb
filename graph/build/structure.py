"""FileFacts -> KubeGraph: tree, modules, packages, files, declarations, imports, embeddings."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from kubeatlas.analyzer.buildtags import PLATFORMS, buildable_somewhere, platforms_of
from kubeatlas.analyzer.discover import ModuleInfo
from kubeatlas.analyzer.model import TYPE_KINDS, DeclKind, FileFacts
from kubeatlas.graph.build.codeflags import is_test_helper
from kubeatlas.graph.build.platform import variant_rank, variant_record
from kubeatlas.graph.build.typeref import FileScope
from kubeatlas.graph.model.kubegraph import KubeGraph
from kubeatlas.graph.model.schema import (
    EdgeKind,
    NodeKind,
    external_id,
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
    for import_path, files in sorted(by_package.items()):
        _add_package(graph, import_path, files, names)
    on_declarations(graph)
    _add_method_owners(graph, facts)
    scopes = {f.rel_path: FileScope.of(f, names) for f in facts}
    _add_imports(graph, by_package)
    _add_embeds(graph, facts, scopes)
    return graph


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
                 names: Mapping[str, str]) -> None:
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
    for f in files:
        fid = file_id(f.rel_path)
        graph.add_node(
            fid, NodeKind.FILE, name=f.rel_path.rsplit("/", 1)[-1], path=f.rel_path,
            package=import_path, is_test=f.is_test, is_generated=f.is_generated,
            build_expr=f.build_expr or "", lines=f.lines, problems=len(f.problems),
        )
        graph.add_edge(pid, fid, EdgeKind.CONTAINS)
    # the linux/amd64 variant of a declaration is added last, so its file and line stay
    ranked = sorted(files, key=lambda f: variant_rank(f.rel_path, f.build_expr, f.is_test),
                    reverse=True)
    declared: dict[str, list[tuple[FileFacts, int]]] = defaultdict(list)
    for f in ranked:
        for nid, line in _add_decls(graph, f, file_id(f.rel_path)):
            declared[nid].append((f, line))
    for nid, where in declared.items():
        if len(where) > 1:  # the last is the node's own; keep the others as variants
            graph.add_node(nid, NodeKind(graph.attrs(nid)["kind"]), variants=[
                variant_record(f.rel_path, f.build_expr, line) for f, line in where[-2::-1]])


def _add_decls(graph: KubeGraph, f: FileFacts, fid: str) -> list[tuple[str, int]]:
    """Add one file's declarations; returns (node id, line) of each."""
    added: list[tuple[str, int]] = []
    package = f.import_path
    common = {"package": package, "file": f.rel_path,
              "test_helper": is_test_helper(f.rel_path, f.is_test), "generated": f.is_generated}
    ordinal = 0
    for d in f.decls:
        if d.kind in TYPE_KINDS:
            nid = type_id(package, d.name)
            graph.add_node(nid, NodeKind.TYPE, name=d.name, type_kind=_TYPE_KIND_NAME[d.kind],
                           line=d.line, end_line=d.end_line, exported=d.exported, doc=d.doc,
                           is_test=f.is_test, **common)
            for spec in d.methods:  # an interface's own methods are Method nodes too (abstract)
                mid = method_id(package, d.name, spec.name, False)
                graph.add_node(mid, NodeKind.METHOD, name=spec.name, receiver=d.name,
                               pointer_receiver=False, abstract=True, line=spec.line,
                               end_line=spec.line, exported=_is_exported(spec.name), doc="",
                               is_test=f.is_test, **common)
                graph.add_edge(fid, mid, EdgeKind.DECLARES)
                graph.add_edge(nid, mid, EdgeKind.HAS_METHOD)
        elif d.kind is DeclKind.FUNC:
            nid = function_id(package, d.name)
            if d.name in ("init", "_"):  # may repeat: the file and its ordinal make it unique
                ordinal += 1
                nid = f"{nid}#{f.rel_path.rsplit('/', 1)[-1]}#{ordinal}"
            graph.add_node(nid, NodeKind.FUNCTION, name=d.name, line=d.line, end_line=d.end_line,
                           exported=d.exported, doc=d.doc, is_test=f.is_test, **common)
        elif d.kind is DeclKind.METHOD:
            nid = method_id(package, d.receiver or "?", d.name, d.pointer_receiver)
            graph.add_node(nid, NodeKind.METHOD, name=d.name, receiver=d.receiver,
                           pointer_receiver=d.pointer_receiver, line=d.line, end_line=d.end_line,
                           exported=d.exported, doc=d.doc, is_test=f.is_test, **common)
        else:
            continue
        graph.add_edge(fid, nid, EdgeKind.DECLARES)
        added.append((nid, d.line))
    return added


def _is_exported(name: str) -> bool:
    return name[:1].isupper()


def _add_method_owners(graph: KubeGraph, facts: Sequence[FileFacts]) -> None:
    """HAS_METHOD from each receiver type (when its declaration was seen) to its methods."""
    for f in facts:
        for d in f.decls:
            if d.kind is DeclKind.METHOD:
                owner = type_id(f.import_path, d.receiver or "?")
                if owner in graph:
                    graph.add_edge(owner, method_id(f.import_path, d.receiver or "?", d.name,
                                                    d.pointer_receiver), EdgeKind.HAS_METHOD)


def _add_imports(graph: KubeGraph, by_package: Mapping[str, Sequence[FileFacts]]) -> None:
    every_platform = set(PLATFORMS)
    for import_path, files in by_package.items():
        importers: dict[str, list[FileFacts]] = defaultdict(list)
        for f in files:
            for path in {ref.path for ref in f.imports}:
                importers[path].append(f)
        source = package_id(import_path)
        for target_path, via in sorted(importers.items()):
            if target_path == import_path:  # an external test package (foo_test) importing
                continue  # foo: folded into foo, it would read as foo importing itself
            if target_path in by_package:
                target = package_id(target_path)
            else:
                target = external_id(target_path)
                if target not in graph:
                    graph.add_node(target, NodeKind.EXTERNAL_PACKAGE, name=target_path,
                                   import_path=target_path, std=_is_std(target_path))
            platforms: set[str] = set()
            for f in via:
                if not f.is_test:
                    platforms.update(platforms_of(f.rel_path, f.build_expr))
            graph.add_edge(
                source, target, EdgeKind.IMPORTS, files=len(via),
                file_paths=sorted(f.rel_path for f in via),
                test_only=all(f.is_test for f in via),
                platforms=["all"] if platforms == every_platform else sorted(platforms),
            )


def _is_std(path: str) -> bool:
    return "." not in path.split("/", 1)[0]


def _add_embeds(graph: KubeGraph, facts: Sequence[FileFacts],
                scopes: Mapping[str, FileScope]) -> None:
    for f in facts:
        scope = scopes[f.rel_path]
        for d in f.decls:
            if d.kind is DeclKind.STRUCT:
                embedded = [(fld.type_expr, fld.type_expr.startswith("*"))
                            for fld in d.fields if fld.embedded]
            elif d.kind is DeclKind.INTERFACE:
                embedded = [(e, False) for e in d.embeds]
            else:
                continue
            owner = type_id(f.import_path, d.name)
            for expr, pointer in embedded:
                named = scope.named_type(expr)
                if named is None:
                    continue
                target = type_id(*named)
                if target in graph:
                    graph.add_edge(owner, target, EdgeKind.EMBEDS, pointer=pointer)
