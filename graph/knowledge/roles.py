"""The roles stage: Role nodes from the catalog, IN_ROLE by path rule, external import or
entry-point reachability, DEPENDS_ON aggregated from imports, TALKS_TO from the catalog."""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Sequence
from typing import Any

from kubeatlas.analyzer.model import FileFacts
from kubeatlas.graph.knowledge.catalog import Catalog, Role, load_catalog
from kubeatlas.graph.model.kubegraph import KubeGraph
from kubeatlas.graph.model.schema import EdgeKind, NodeKind, key_of, kind_of, role_id

_EVIDENCE_SAMPLES = 3


class RoleMapping:
    """A pipeline stage; the catalog's fingerprint makes a changed catalog rebuild the index."""

    def __init__(self, catalog: Catalog | None = None) -> None:
        self.catalog = catalog or load_catalog()
        self.fingerprint = self.catalog.fingerprint

    def __call__(self, graph: KubeGraph, facts: Sequence[FileFacts]) -> dict[str, Any]:
        return map_roles(graph, self.catalog)


def map_roles(graph: KubeGraph, catalog: Catalog) -> dict[str, Any]:
    ids = graph.ids_of_kinds(NodeKind.PACKAGE, NodeKind.EXTERNAL_PACKAGE)
    dirs = {graph.attrs(pid)["dir"]: pid for pid in ids[NodeKind.PACKAGE]}
    externals = [(eid, graph.attrs(eid).get("import_path", ""))
                 for eid in ids[NodeKind.EXTERNAL_PACKAGE]]
    within = _Within(dirs)
    imports = _package_imports(graph)
    members: dict[str, set[str]] = {}  # role -> packages claimed by a path rule
    figures: dict[str, Any] = {"roles": len(catalog.roles), "absent": []}
    by_path = within.path_members(catalog.roles)
    for role in catalog.roles:
        _add_role_node(graph, role, dirs, within)
        members[role.id] = _add_path_members(graph, role, by_path[role.id])
        present = bool(members[role.id] | _add_external_members(graph, role, externals))
        graph.add_node(role_id(role.id), NodeKind.ROLE, present=present,
                       note="" if present else role.absent_note,
                       note_zh="" if present else role.absent_note_zh)
        if not present:
            figures["absent"].append(role.id)
    claimed = set().union(*members.values())
    reached = _add_reachable_members(graph, catalog.roles, dirs, imports, claimed)
    figures["depends_on"] = _add_depends_on(graph, members, imports)
    for role in catalog.roles:
        for link in role.talks_to:
            graph.add_edge(role_id(role.id), role_id(link.role), EdgeKind.TALKS_TO,
                           protocol=link.protocol)
    figures["packages_by_path"] = len(claimed)
    figures["packages_reachable_only"] = len(reached - claimed)
    figures["packages_unmapped"] = len(set(dirs.values()) - claimed - reached)
    return figures


def _within(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def _ancestors(path: str) -> list[str]:
    """Every prefix p of path with _within(path, p), the longest first."""
    parts = path.split("/")
    return ["/".join(parts[:end]) for end in range(len(parts), 0, -1)]


class _Within:
    """The package dirs by their ancestors: which dirs a path rule holds, without trying
    every rule on every dir."""

    def __init__(self, dirs: dict[str, str]) -> None:
        self.dirs = dirs
        self.ancestors = {directory: _ancestors(directory) for directory in dirs}
        self.covered = {a for chain in self.ancestors.values() for a in chain}

    def holds(self, path: str) -> bool:
        """Is some package dir at or under path?"""
        return path in self.covered

    def path_members(self, roles: Iterable[Role]) -> dict[str, list[tuple[str, str]]]:
        """role -> (package id, its most specific path rule), in the order of the dirs."""
        roles = list(roles)
        rules: dict[str, list[str]] = defaultdict(list)  # path rule -> roles that have it
        for role in roles:
            for p in dict.fromkeys(role.paths):
                rules[p].append(role.id)
        found: dict[str, list[tuple[str, str]]] = {role.id: [] for role in roles}
        for directory, pid in self.dirs.items():
            seen: set[str] = set()
            for prefix in self.ancestors[directory]:  # the longest, most specific rule first
                for rid in rules.get(prefix, ()):
                    if rid not in seen:
                        seen.add(rid)
                        found[rid].append((pid, prefix))
        return found


def _add_path_members(graph: KubeGraph, role: Role, hits: list[tuple[str, str]]) -> set[str]:
    found = set()
    for pid, rule in hits:  # the most specific rule is the evidence
        graph.add_edge(pid, role_id(role.id), EdgeKind.IN_ROLE, how="path",
                       evidence=f"path rule {rule}/")
        found.add(pid)
    return found


def _add_external_members(graph: KubeGraph, role: Role,
                          externals: list[tuple[str, str]]) -> set[str]:
    found: set[str] = set()
    if not role.external:
        return found
    for eid, path in externals:
        rules = [p for p in role.external if _within(path, p)]
        if rules:
            importers = graph.predecessors(eid, EdgeKind.IMPORTS)
            graph.add_edge(eid, role_id(role.id), EdgeKind.IN_ROLE, how="external",
                           evidence=f"import rule {rules[0]}; imported by {len(importers)} "
                                    f"package(s)")
            found.add(eid)
    return found


def _add_role_node(graph: KubeGraph, role: Role, dirs: dict[str, str], within: _Within) -> None:
    interfaces: list[str] = []
    missing: list[str] = []
    for group in role.key_interfaces:
        hit = next((n for n in group if _is_interface(graph, f"type:{n}")), None)
        (interfaces if hit else missing).append(hit or group[0])
    variants = [v.label for v in role.variants if within.holds(v.path)]
    entry = _entry_package(dirs, role.entrypoint)
    graph.add_node(
        role_id(role.id), NodeKind.ROLE, name=role.name, plane=role.plane,
        summary_en=role.summary_en, summary_zh=role.summary_zh,
        entrypoint=role.entrypoint, entry_package=entry or "",
        path_rules=list(role.paths), external_rules=list(role.external),
        key_interfaces=interfaces, missing_interfaces=missing, variants=variants,
    )


def _entry_package(dirs: dict[str, str], directory: str) -> str | None:
    return dirs.get(directory) if directory else None


def _is_interface(graph: KubeGraph, nid: str) -> bool:
    return nid in graph and graph.attrs(nid).get("type_kind") == "interface"


def _package_imports(graph: KubeGraph) -> dict[str, list[str]]:
    """In-tree package -> the in-tree packages its non-test files import."""
    out: dict[str, list[str]] = defaultdict(list)
    is_package: dict[str, bool] = {}  # by target: kind_of parses the id
    for source, target, attrs in graph.edge_ends(EdgeKind.IMPORTS):
        if attrs.get("test_only"):
            continue
        known = is_package.get(target)
        if known is None:
            known = is_package[target] = kind_of(target) is NodeKind.PACKAGE
        if known:
            out[source].append(target)
    return out


def _add_reachable_members(graph: KubeGraph, roles: Iterable[Role], dirs: dict[str, str],
                           imports: dict[str, list[str]], claimed: set[str]) -> set[str]:
    """Every package in a binary's import closure learns which binaries reach it; those no
    path rule claims join each such binary's role, by reachability."""
    reached_by: dict[str, list[str]] = defaultdict(list)
    for role in roles:
        entry = _entry_package(dirs, role.entrypoint)
        if entry is None:
            continue
        for pid in sorted(_closure(entry, imports)):
            reached_by[pid].append(role.id)
    for pid, binaries in reached_by.items():
        graph.add_node(pid, NodeKind.PACKAGE, binaries=sorted(binaries))
        if pid in claimed:
            continue
        for rid in binaries:
            entry = graph.attrs(role_id(rid))["entrypoint"]
            graph.add_edge(pid, role_id(rid), EdgeKind.IN_ROLE, how="reachable",
                           evidence=f"in the import closure of {entry}")
    return set(reached_by)


def _closure(start: str, imports: dict[str, list[str]]) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in imports.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _add_depends_on(graph: KubeGraph, members: dict[str, set[str]],
                    imports: dict[str, list[str]]) -> int:
    """Role A depends on role B once per import from a package of A (not of B) into a
    package of B (not of A); the weight is that count, with a few edges as evidence."""
    roles_of: dict[str, list[str]] = defaultdict(list)
    for rid, pids in members.items():
        for pid in pids:
            roles_of[pid].append(rid)
    weight: Counter[tuple[str, str]] = Counter()
    samples: dict[tuple[str, str], list[str]] = defaultdict(list)
    for source, targets in imports.items():
        for target in targets:
            for a in roles_of.get(source, ()):
                if target in members[a]:
                    continue
                for b in roles_of.get(target, ()):
                    if source in members[b]:
                        continue
                    weight[a, b] += 1
                    samples[a, b].append(f"{key_of(source)} -> {key_of(target)}")
    for (a, b), count in weight.items():
        graph.add_edge(role_id(a), role_id(b), EdgeKind.DEPENDS_ON, weight=count,
                       evidence=sorted(samples[a, b])[:_EVIDENCE_SAMPLES])
    return len(weight)

