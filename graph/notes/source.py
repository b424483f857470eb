"""What notes and pages read about code: a package's files and declarations, a node's citation
and short display name — all from graph node attributes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kubeatlas.graph.model.schema import EdgeKind, NodeKind, key_of, kind_of
from kubeatlas.graph.notes.citation import Citation
from kubeatlas.graph.query.atlas import Atlas, NodeRecord


@dataclass(frozen=True, slots=True)
class PackageContents:
    package: NodeRecord
    files: tuple[NodeRecord, ...]
    decls: tuple[NodeRecord, ...]  # types, functions, methods; sorted by file then line
    method_counts: dict[str, int]  # type id -> methods declared on it

    def types(self) -> tuple[NodeRecord, ...]:
        return tuple(d for d in self.decls if d.kind == NodeKind.TYPE)

    def funcs(self) -> tuple[NodeRecord, ...]:
        return tuple(d for d in self.decls if d.kind != NodeKind.TYPE)


def read_package(atlas: Atlas, package: str) -> PackageContents:
    node = atlas.node(package)
    file_ids = [e.target for e in atlas.neighbours(package, (EdgeKind.CONTAINS,))]
    files = sorted(atlas.reader.get_nodes(file_ids).values(), key=lambda n: n.id)
    decl_ids = [e.target for e in atlas.reader.edges_from(file_ids, [str(EdgeKind.DECLARES)])]
    decls = sorted(atlas.reader.get_nodes(decl_ids).values(),
                   key=lambda n: (n.attrs.get("file", ""), n.attrs.get("line", 0), n.id))
    counts: dict[str, int] = {}
    type_ids = [d.id for d in decls if d.kind == NodeKind.TYPE]
    for e in atlas.reader.edges_from(type_ids, [str(EdgeKind.HAS_METHOD)]):
        counts[e.source] = counts.get(e.source, 0) + 1
    return PackageContents(node, tuple(files), tuple(decls), counts)


def key_declarations(contents: PackageContents, limit: int = 3) -> list[NodeRecord]:
    """The exported, hand-written types with the most methods, then exported functions."""
    generated = {f.attrs.get("path") for f in contents.files if f.attrs.get("is_generated")}
    usable = [d for d in contents.decls if d.attrs.get("exported") and d.attrs.get("file")
              and not d.attrs.get("is_test") and d.attrs["file"] not in generated
              and not is_test_double(d)]
    types = sorted((d for d in usable if d.kind == NodeKind.TYPE),
                   key=lambda d: (_other_os(d), -contents.method_counts.get(d.id, 0), d.id))
    funcs = sorted((d for d in usable if d.kind == NodeKind.FUNCTION), key=_other_os)
    return (types + funcs)[:limit]


def _other_os(node: NodeRecord) -> bool:
    """Declared in a file only other platforms than Linux compile (`_windows.go`, …)."""
    return re.search(r"_(windows|darwin|freebsd|solaris|unsupported|others)(_\w+)?\.go$",
                     str(node.attrs.get("file", ""))) is not None


def citation_of(node: NodeRecord) -> Citation | None:
    """Where a type, function or method is declared, from its file and line attributes."""
    path, line = node.attrs.get("file"), node.attrs.get("line")
    if not path or not line:
        return None
    return Citation(str(path), int(line), short_name(node.id))


def short_name(nid: str) -> str:
    """`method:k8s.io/kubernetes/pkg/kubelet.(*Kubelet).SyncPod` -> `kubelet.(*Kubelet).SyncPod`;
    packages and others keep their key."""
    try:
        kind = kind_of(nid)
    except ValueError:
        return nid
    key = key_of(nid)
    if kind in (NodeKind.TYPE, NodeKind.FUNCTION, NodeKind.METHOD):
        head, sep, tail = key.partition(".(") if kind == NodeKind.METHOD else ("", "", "")
        if sep:
            return head.rsplit("/", 1)[-1] + sep + tail
        path, _, name = key.rpartition(".")
        return f"{path.rsplit('/', 1)[-1]}.{name}"
    return key


def is_test_double(node: NodeRecord) -> bool:
    """Fakes, mocks and stubs, and anything in a `testing` package: listed last, never key."""
    name = node.name.lower()
    package = str(node.attrs.get("package", ""))
    return (name.startswith(("fake", "mock", "stub")) or name.endswith(("stub", "mock"))
            or package.endswith(("/testing", "/fake", "/testutil")))
