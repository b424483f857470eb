"""What a learner should see first: production code (no tests, fakes, mocks, generated code),
Linux files before other platforms, package sizes without tests, implementers that mean to
implement an interface, and library imports told apart from component wires."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kubeatlas.graph.build.codeflags import is_test_package
from kubeatlas.graph.model.schema import EdgeKind, key_of
from kubeatlas.graph.notes.source import PackageContents, is_test_double
from kubeatlas.graph.query.atlas import Atlas, NodeRecord

_OTHER_OS = re.compile(r"_(windows|darwin|freebsd|openbsd|netbsd|solaris|plan9|js|wasip1|aix|"
                       r"dragonfly|illumos|unsupported|others|nonlinux|unix_other)(_\w+)?\.go$")
_GENERATED_FILE = re.compile(r"(^|/)(zz_generated[^/]*|[^/]*\.pb\.go|generated\.pb\.go|"
                             r"[^/]*_generated\.go|openapi_generated\.go)$")
LIBRARY_MODULES = ("k8s.io/client-go", "k8s.io/apimachinery", "k8s.io/apiserver",
                   "k8s.io/component-base", "k8s.io/component-helpers", "k8s.io/api",
                   "k8s.io/controller-manager", "k8s.io/cloud-provider", "k8s.io/kubelet",
                   "k8s.io/cri-api", "k8s.io/utils", "k8s.io/klog")


def platform_rank(path: str) -> int:
    """0 for files every build or Linux compiles, 1 for files of other platforms."""
    return 1 if _OTHER_OS.search(path) else 0


def is_generated(node: NodeRecord, generated_files: Iterable[str] = ()) -> bool:
    path = str(node.attrs.get("file") or node.attrs.get("path") or "")
    return bool(node.attrs.get("generated", False) or node.attrs.get("is_generated", False)
                or path in set(generated_files) or _GENERATED_FILE.search(path))


def is_test_code(node: NodeRecord) -> bool:
    """Tests, test helpers (attribute from the resolver, or by name and package) and fakes."""
    path = str(node.attrs.get("file") or "")
    return bool(node.attrs.get("is_test", False) or node.attrs.get("test_helper", False)
                or path.endswith("_test.go") or is_test_double(node)
                or is_test_package(str(node.attrs.get("package", ""))))


def is_production(node: NodeRecord) -> bool:
    return not is_test_code(node) and not is_generated(node)


def production_lines(contents: PackageContents) -> tuple[int, int]:
    """(lines in non-test files, lines in test files) of a package."""
    prod = tests = 0
    for f in contents.files:
        lines = int(f.attrs.get("lines", 0))
        if f.attrs.get("is_test") or str(f.attrs.get("path", "")).endswith("_test.go"):
            tests += lines
        else:
            prod += lines
    return prod, tests


def intended_implementers(atlas: Atlas, interface: NodeRecord, implementers: list[NodeRecord]
                          ) -> list[NodeRecord]:
    """Production implementers declared in the interface's package or in a package that imports
    it (outside tests): a type that merely happens to have the method set is left out. An
    interface in generated code keeps its generated implementers (client-gen's `Clientset` is
    `kubernetes.Interface`'s one real implementation), gRPC's `Unimplemented…` stubs aside.
    Ordered: types that write the methods before those that embed the interface or one it embeds
    (decorators: kubectl's describers hold a clientset, admission's auditHandler an
    admission.Interface), Linux files first, then by id."""
    home = str(interface.attrs.get("package", ""))
    packages = sorted({str(n.attrs.get("package", "")) for n in implementers})
    importing = {key_of(e.source) for e in atlas.reader.edges_from(
        [f"pkg:{p}" for p in packages if p != home], [str(EdgeKind.IMPORTS)])
        if key_of(e.target) == home and not e.attrs.get("test_only")}
    generated = is_generated(interface)
    family = _embedded_interfaces(atlas, interface.id)
    keep = [n for n in implementers if (is_production(n) or (generated and not is_test_code(n)
                                                             and not _is_grpc_stub(n)))
            and (n.attrs.get("package") == home or n.attrs.get("package") in importing)]
    by_tests = _implemented_in_tests(atlas, family, [n.id for n in keep])
    keep = [n for n in keep if n.id not in by_tests]
    embedders = {e.source for e in atlas.reader.edges_from([n.id for n in keep], [str(EdgeKind.EMBEDS)])
                 if e.target in family}
    return sorted(keep, key=lambda n: (n.id in embedders, platform_rank(str(n.attrs.get("file", ""))),
                                       n.id))


def _implemented_in_tests(atlas: Atlas, family: set[str], types: list[str]) -> set[str]:
    """The types among `types` that write one of the interface's methods in test code: a
    production type whose methods a _test.go file adds (the apiserver's mutateObjectUpdateFunc
    gets Handles and Admit in rest_test.go) implements it in tests only."""
    wanted = {key_of(e.target).rsplit(".", 1)[-1]
              for e in atlas.reader.edges_from(sorted(family), [str(EdgeKind.HAS_METHOD)])}
    edges = atlas.reader.edges_from(types, [str(EdgeKind.HAS_METHOD)]) if types and wanted else []
    methods = atlas.reader.get_nodes([e.target for e in edges])
    return {e.source for e in edges if e.target in methods and is_test_code(methods[e.target])
            and key_of(e.target).rsplit(".", 1)[-1] in wanted}


def _embedded_interfaces(atlas: Atlas, interface: str) -> set[str]:
    """The interface and those it embeds, at any depth (MutationInterface embeds Interface)."""
    family, frontier = {interface}, [interface]
    while frontier:
        frontier = [e.target for e in atlas.reader.edges_from(frontier, [str(EdgeKind.EMBEDS)])
                    if e.target not in family]
        family.update(frontier)
    return family


def _is_grpc_stub(node: NodeRecord) -> bool:
    """protoc-gen-go-grpc's `UnimplementedXServer`: it answers every call "unimplemented"."""
    return str(node.attrs.get("name") or node.id.rsplit(".", 1)[-1]).startswith("Unimplemented")


def is_library_import(evidence: list[str], target_plane: str) -> bool:
    """An import between roles is library use when the target role is a library or the sample
    imports land in a published staging library module, not in k8s.io/kubernetes."""
    if target_plane == "library":
        return True
    targets = [pair.partition(" -> ")[2] for pair in evidence if " -> " in pair]
    return bool(targets) and all(t.startswith(LIBRARY_MODULES) for t in targets)
