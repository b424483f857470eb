"""The API-kinds stage: ApiKind nodes from the types that embed TypeMeta, and the code around
each kind - defining types (versioned and internal), registry storage, and the packages that
watch it through client-go informers or listers and reconcile it."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from kubeatlas.analyzer.model import DeclKind, FileFacts
from kubeatlas.graph.build.codeflags import is_test_helper
from kubeatlas.graph.build.typeref import FileScope
from kubeatlas.graph.model.kubegraph import KubeGraph
from kubeatlas.graph.model.schema import EdgeKind, NodeKind, api_kind_id

TYPE_META = "type:k8s.io/apimachinery/pkg/apis/meta/v1.TypeMeta"
_VERSIONED = re.compile(r"^staging/src/k8s\.io/api/([a-z0-9]+)/(v\d+(?:(?:alpha|beta)\d+)?)$")
_INTERNAL = re.compile(r"^pkg/apis/([a-z0-9]+)$")
_REGISTRY = re.compile(r"^pkg/registry/([a-z0-9]+)/([a-z0-9]+)(?:/storage)?$")
_WATCHED = re.compile(r"k8s\.io/client-go/(informers|listers)/([a-z0-9]+)/(v\d+(?:(?:alpha|beta)\d+)?)"
                      r"\.([A-Z]\w*?)(?:Informer|NamespaceLister|Lister)\b")
_STABILITY = {"": 3, "beta": 2, "alpha": 1}
# the calls that watch a kind: its shared informer's Informer or Lister, the typed client's Watch
_WATCHING_CALL = re.compile(
    r"^method:k8s\.io/client-go/(?:informers/([a-z0-9]+)/(v\d+(?:(?:alpha|beta)\d+)?)\.\((\w+)"
    r"Informer\)\.(?:Informer|Lister)|kubernetes/typed/([a-z0-9]+)/(v\d+(?:(?:alpha|beta)\d+)?)"
    r"\.\((\w+)Interface\)\.Watch)$")
_CLIENT_GO = "method:k8s.io/client-go/"
_CACHE = "k8s.io/client-go/tools/cache."
_INFORMERS, _LISTERS = "k8s.io/client-go/informers/", "k8s.io/client-go/listers/"  # as _WATCHED


class ApiKinds:
    """A pipeline stage. It reads declarations, the calls that watch a kind and the list-watches
    a call names: a patch of body edits keeps those (graph/index/watch_patch.py)."""

    fingerprint = "apikinds-2"

    def __call__(self, graph: KubeGraph, facts: Sequence[FileFacts]) -> dict[str, Any]:
        return add_api_kinds(graph, facts)


def version_rank(version: str) -> tuple[int, int, int]:
    """Sort key of API versions as Kubernetes prefers them: v1 > v1beta2 > v1beta1 > v1alpha1."""
    m = re.fullmatch(r"v(\d+)(alpha|beta)?(\d+)?", version)
    if not m:
        return (0, 0, 0)
    return (_STABILITY[m.group(2) or ""], int(m.group(1)), int(m.group(3) or 0))


def add_api_kinds(graph: KubeGraph, facts: Sequence[FileFacts]) -> dict[str, Any]:
    packages = graph.ids_of_kinds(NodeKind.PACKAGE)[NodeKind.PACKAGE]  # this stage adds none
    kinds = _add_kind_nodes(graph)
    figures = {"kinds": len(kinds), "resources": sum(1 for k in kinds.values() if k["list"])}
    figures["internal"] = _add_internal_types(graph, packages, kinds)
    figures["stores"] = _add_registry(graph, packages, kinds)
    names = {a["import_path"]: a["name"] for a in map(graph.attrs, packages)}
    typed, listing = _watch_sources(facts)
    watches = _find_watches(graph, typed, names)
    for key, evidence in {**_called_watches(graph), **_list_watches(listing, kinds, names)}.items():
        watches.setdefault(key, evidence)  # a typed field or parameter says it best
    figures["watches"], figures["reconciles"] = _add_watchers(graph, watches)
    return figures


def _add_kind_nodes(graph: KubeGraph) -> dict[str, dict[str, Any]]:
    """kind id -> {group, version, kind, list}, one per versioned type embedding TypeMeta."""
    found: dict[str, dict[str, Any]] = {}
    if TYPE_META not in graph:
        return found
    for tid in graph.predecessors(TYPE_META, EdgeKind.EMBEDS):
        attrs = graph.attrs(tid)
        m = _VERSIONED.match(_package_dir(graph, attrs["package"]))
        if m:
            found[api_kind_id(m.group(1), m.group(2), attrs["name"])] = {
                "group": m.group(1), "version": m.group(2), "kind": attrs["name"], "type": tid}
    by_group_kind: dict[tuple[str, str], list[str]] = defaultdict(list)
    for _kid, k in sorted(found.items()):
        k["list"] = api_kind_id(k["group"], k["version"], k["kind"] + "List") in found
        by_group_kind[k["group"], k["kind"]].append(k["version"])
    for kid, k in sorted(found.items()):
        versions = sorted(by_group_kind[k["group"], k["kind"]], key=version_rank, reverse=True)
        graph.add_node(kid, NodeKind.API_KIND, name=k["kind"], group=k["group"],
                       version=k["version"], kind_name=k["kind"], resource=k["list"],
                       versions=versions, preferred=versions[0] == k["version"])
        graph.add_edge(k["type"], kid, EdgeKind.DEFINES_KIND, internal=False)
    return found


def _package_dir(graph: KubeGraph, import_path: str) -> str:
    pid = f"pkg:{import_path}"
    return graph.attrs(pid).get("dir", "") if pid in graph else ""


def _preferred(kinds: dict[str, dict[str, Any]], group: str, kind: str) -> str | None:
    ids = [kid for kid, k in kinds.items() if k["group"] == group and k["kind"] == kind]
    return max(ids, key=lambda kid: version_rank(kinds[kid]["version"]), default=None)


def _add_internal_types(graph: KubeGraph, packages: list[str],
                        kinds: dict[str, dict[str, Any]]) -> int:
    """pkg/apis/<group>.<Kind> is the internal form every version converts through."""
    count = 0
    for pid in packages:
        attrs = graph.attrs(pid)
        m = _INTERNAL.match(attrs.get("dir", ""))
        if not m:
            continue
        for kid in sorted(kid for kid, k in kinds.items() if k["group"] == m.group(1)):
            tid = f"type:{attrs['import_path']}.{kinds[kid]['kind']}"
            if tid in graph and graph.attrs(tid).get("type_kind") == "struct":
                graph.add_edge(tid, kid, EdgeKind.DEFINES_KIND, internal=True)
                count += 1
    return count


def _add_registry(graph: KubeGraph, packages: list[str], kinds: dict[str, dict[str, Any]]) -> int:
    """pkg/registry/<group>/<resource>/... stores the kind whose name the resource dir spells."""
    count = 0
    names: defaultdict[str, dict[str, str]] = defaultdict(dict)  # group -> lower-case spelling -> kind
    for k in kinds.values():
        if k["list"]:
            names[k["group"]][k["kind"].lower()] = k["kind"]
    for pid in packages:
        directory = graph.attrs(pid).get("dir", "")
        m = _REGISTRY.match(directory)
        if not m:
            continue
        group, resource = m.groups()
        kind = names[group].get(resource) or names[group].get(resource + "s")
        target = _preferred(kinds, group, kind) if kind else None
        if target:
            graph.add_edge(pid, target, EdgeKind.STORES,
                           evidence=f"registry dir pkg/registry/{group}/{resource}")
            count += 1
    return count


def _find_watches(graph: KubeGraph, facts: Sequence[FileFacts], names: Mapping[str, str]
                  ) -> dict[tuple[str, str], str]:
    """(package id, kind id) -> evidence: a field or parameter typed with a client-go
    informer or lister of that kind, in `facts` (see _watch_sources; `names`: each package's
    name by import path)."""
    found: dict[tuple[str, str], str] = {}
    for f in facts:
        scope = None
        for d in f.decls:
            if d.kind is DeclKind.STRUCT:
                typed = [(fld.name, fld.type_expr) for fld in d.fields]
            elif d.kind in (DeclKind.FUNC, DeclKind.METHOD):
                typed = [(p.name, p.type_expr) for p in d.params]
            else:
                continue
            for name, expr in typed:
                if not may_watch(expr):
                    continue
                scope = scope or FileScope.of(f, names)
                for m in _WATCHED.finditer(scope.qualify(expr)):
                    kid = api_kind_id(m.group(2), m.group(3), m.group(4))
                    key = (f"pkg:{f.import_path}", kid)
                    evidence = f"{f.rel_path}:{d.line} {d.qualified_name} {name} {expr}"
                    if kid in graph and (key not in found or evidence < found[key]):
                        found[key] = evidence
    return found


def _may_say_a_watch(f: FileFacts) -> bool:
    """Production code outside client-go: client-go's informers watch for everyone, and a
    test or a test helper watches for no component."""
    return not is_test_helper(f.rel_path, f.is_test) and not f.import_path.startswith(
        "k8s.io/client-go/")


def _watch_sources(facts: Sequence[FileFacts]) -> tuple[list[FileFacts], list[FileFacts]]:
    """The files that may say a watch (_may_say_a_watch), in one pass: those where a type,
    qualified, may read as a client-go informer or lister (they import, or their package path
    is within, client-go's informers or listers), and those that import client-go's cache."""
    typed: list[FileFacts] = []
    listing: list[FileFacts] = []
    for f in facts:
        if not _may_say_a_watch(f):
            continue
        paths = [ref.path for ref in f.imports]
        if any(_INFORMERS in path or _LISTERS in path for path in (f.import_path, *paths)):
            typed.append(f)
        if _CACHE[:-1] in paths:
            listing.append(f)
    return typed, listing


def may_watch(type_expr: str) -> bool:
    """Can a field or parameter of this type tell that its package watches a kind? Only an
    informer's or a lister's can."""
    return "Informer" in type_expr or "Lister" in type_expr


def _called_watches(graph: KubeGraph) -> dict[tuple[str, str], str]:
    """(package id, kind id) -> evidence: a function outside tests and client-go that calls a
    kind's shared informer (`informerFactory.Core().V1().Pods().Informer()`), its lister, or
    the typed client's Watch. The evidence names the method called, at the call's line."""
    found: dict[tuple[str, str], str] = {}
    for method in graph.ids(_CLIENT_GO):
        kid = watched_kind(method)
        if not kid or kid not in graph:
            continue
        for edge in graph.in_edges(method, EdgeKind.CALLS):
            caller = graph.attrs(edge.source)
            package = caller.get("package", "")
            if caller.get("test_helper") or package.startswith("k8s.io/client-go/"):
                continue
            key = (f"pkg:{package}", kid)
            name = edge.source.partition(":")[2][len(package) + 1:]  # `(*Scheduler).Run`
            evidence = (f"{caller.get('file')}:{edge.attrs.get('line')} "
                        f"{method.rpartition('.')[2]} called in {name}")
            if key not in found or evidence < found[key]:
                found[key] = evidence
    return found


def watched_kind(method: str) -> str:
    """The API kind a call of `method` watches (`kind:core/v1.Pod` for
    `(PodInformer).Informer`), or ""."""
    if not method.startswith(_CLIENT_GO):
        return ""
    m = _WATCHING_CALL.match(method)
    if m is None:
        return ""
    group, version, kind = m.group(1, 2, 3) if m.group(1) else m.group(4, 5, 6)
    return api_kind_id(group, version, kind)


def _list_watches(facts: Sequence[FileFacts], kinds: dict[str, dict[str, Any]],
                  names: Mapping[str, str]) -> dict[tuple[str, str], str]:
    """(package id, kind id) -> evidence: a list-watch that client-go's cache builds for a
    resource the call names (the kubelet's `cache.NewListWatchFromClient(…, "pods", …)`); the
    resource is the kind's plural, the core group's first. `facts`: see _watch_sources."""
    by_resource: dict[str, str] = {}
    for kid, k in sorted(kinds.items(), key=lambda kv: (
            kv[1]["group"] != "core", [-x for x in version_rank(kv[1]["version"])], kv[0])):
        for plural in _plurals(k["kind"]):
            by_resource.setdefault(plural, kid)
    found: dict[tuple[str, str], str] = {}
    for f in facts:
        scope = None
        for c in f.calls:
            if not c.resource or c.resource not in by_resource:
                continue
            scope = scope or FileScope.of(f, names)
            function = scope.qualify(c.callee_expr)
            if not function.startswith(_CACHE):
                continue
            key = (f"pkg:{f.import_path}", by_resource[c.resource])
            evidence = (f"{f.rel_path}:{c.line} {function[len(_CACHE):]} "
                        f'lists and watches "{c.resource}" in {c.caller}')
            if key not in found or evidence < found[key]:
                found[key] = evidence
    return found


def _plurals(kind: str) -> set[str]:
    """The resource names a kind may go by: `pods`, `endpoints`, `ingresses`, `networkpolicies`."""
    name = kind.lower()
    return {name, name + "s", name + "es", name[:-1] + "ies" if name.endswith("y") else name}


def _add_watchers(graph: KubeGraph, watches: dict[tuple[str, str], str]) -> tuple[int, int]:
    by_package: dict[str, list[str]] = defaultdict(list)
    for (pid, kid), evidence in sorted(watches.items()):
        graph.add_edge(pid, kid, EdgeKind.WATCHES, evidence=evidence)
        by_package[pid].append(kid)
    reconciles = 0
    for pid, kids in by_package.items():
        if not _declares_controller(graph, pid):
            continue
        for kid, how in _reconciled(graph, pid, kids):
            graph.add_edge(pid, kid, EdgeKind.RECONCILES, evidence=how)
            reconciles += 1
    return len(watches), reconciles


def _declares_controller(graph: KubeGraph, pid: str) -> bool:
    """A control loop names itself: some type or function of the package says Controller."""
    for fid in graph.successors(pid, EdgeKind.CONTAINS):
        for nid in graph.successors(fid, EdgeKind.DECLARES):
            if "Controller" in graph.attrs(nid).get("name", ""):
                return True
    return False


def _reconciled(graph: KubeGraph, pid: str, kids: list[str]) -> list[tuple[str, str]]:
    """Of the kinds a package watches, the ones it owns: the package dir names the kind
    (`deployment`, `endpoint` for Endpoints), else it declares `<Kind>Controller`, else one
    name starts or ends the other (`podautoscaler` for HorizontalPodAutoscaler,
    `nodelifecycle` for Node), the longest such name winning."""
    directory = graph.attrs(pid).get("dir", "")
    base = directory.rsplit("/", 1)[-1].lower()
    import_path = graph.attrs(pid)["import_path"]
    kinds = {kid: graph.attrs(kid)["kind_name"] for kid in kids}
    exact = [(kid, f"dir {directory} names {k}") for kid, k in kinds.items()
             if k.lower() in (base, base + "s")]
    if exact:
        return exact
    declared = [(kid, f"declares {k}Controller") for kid, k in kinds.items()
                if f"type:{import_path}.{k}Controller" in graph
                or f"type:{import_path}.{k}sController" in graph]
    if declared:
        return declared
    shared = [(len(k), kid, f"dir {directory} shares its name with {k}")
              for kid, k in kinds.items()
              if (len(base) >= 5 and (k.lower().endswith(base) or k.lower().startswith(base)))
              or (len(k) >= 3 and base.startswith(k.lower()))]
    return [(kid, how) for _, kid, how in sorted(shared)[-1:]]  # the longest name only
