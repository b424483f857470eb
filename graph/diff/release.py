"""Two indexed trees side by side: roles that appear or leave, interface generations (CRI
v1alpha2 → v1), packages added / removed / moved, key interfaces' method sets, API kinds added,
graduated or removed, and the catalog's main-loop anchors renamed or gone."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from kubeatlas.graph.knowledge.walkthrough import load_walkthroughs
from kubeatlas.graph.model.schema import EdgeKind, NodeKind, key_of
from kubeatlas.graph.query.atlas import Atlas

_STABILITY = {"alpha": 1, "beta": 2}


@dataclass(slots=True)
class ReleaseDiff:
    old: str
    new: str
    roles_added: list[str] = field(default_factory=list)
    roles_removed: list[str] = field(default_factory=list)
    variants: list[dict[str, Any]] = field(default_factory=list)  # role, old, new
    packages_added: list[str] = field(default_factory=list)
    packages_removed: list[str] = field(default_factory=list)
    packages_moved: list[dict[str, str]] = field(default_factory=list)  # old, new
    interfaces: list[dict[str, Any]] = field(default_factory=list)  # id, added, removed methods
    kinds_added: list[str] = field(default_factory=list)
    kinds_removed: list[str] = field(default_factory=list)
    kinds_graduated: list[dict[str, str]] = field(default_factory=list)  # kind, old, new
    anchors: list[dict[str, str]] = field(default_factory=list)  # role, old, new ('' = gone)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def diff_releases(old: Atlas, new: Atlas) -> ReleaseDiff:
    d = ReleaseDiff(_version(old), _version(new))
    _roles(old, new, d)
    _packages(old, new, d)
    _interfaces(old, new, d)
    _kinds(old, new, d)
    _anchors(old, new, d)
    return d


def _version(atlas: Atlas) -> str:
    tree = atlas.reader.tree_info()
    return str(tree.get("k8s_version") or tree.get("ref") or tree.get("root") or "?")


def _role_attrs(atlas: Atlas) -> dict[str, dict[str, Any]]:
    return {key_of(r.id): dict(r.attrs) for r in atlas.roles()}


def _roles(old: Atlas, new: Atlas, d: ReleaseDiff) -> None:
    a, b = _role_attrs(old), _role_attrs(new)
    present_a = {r for r, v in a.items() if v.get("present", True)}
    present_b = {r for r, v in b.items() if v.get("present", True)}
    d.roles_added = sorted(present_b - present_a)
    d.roles_removed = sorted(present_a - present_b)
    for role in sorted(set(a) | set(b)):
        va, vb = list(a.get(role, {}).get("variants") or []), list(b.get(role, {}).get("variants") or [])
        if va != vb:
            d.variants.append({"role": role, "old": va, "new": vb})


def _package_types(atlas: Atlas) -> dict[str, set[str]]:
    """Package import path -> its type names, case-folded (from type ids)."""
    out: dict[str, set[str]] = {key_of(p): set() for p in atlas.reader.ids_with_kind(str(NodeKind.PACKAGE))}
    for tid in atlas.reader.ids_with_kind(str(NodeKind.TYPE)):
        package, _, name = key_of(tid).rpartition(".")
        if package in out:
            out[package].add(name.lower())
    return out


def _packages(old: Atlas, new: Atlas, d: ReleaseDiff) -> None:
    a, b = _package_types(old), _package_types(new)
    removed, added = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    by_name: dict[str, list[str]] = defaultdict(list)
    for p in added:
        by_name[p.rsplit("/", 1)[-1]].append(p)
    moved_to: set[str] = set()
    for p in removed:
        for q in by_name.get(p.rsplit("/", 1)[-1], []):
            if q in moved_to or not a[p]:
                continue
            if len(a[p] & b[q]) * 2 >= len(a[p]):  # at least half of its exported types came along
                d.packages_moved.append({"old": p, "new": q})
                moved_to.add(q)
                break
    gone = {m["old"] for m in d.packages_moved}
    d.packages_removed = [p for p in removed if p not in gone]
    d.packages_added = [p for p in added if p not in moved_to]


def _methods(atlas: Atlas, ids: list[str]) -> dict[str, set[str]]:
    """Interface id -> its method names, embedded interfaces' methods included."""
    out: dict[str, set[str]] = {}
    for i in ids:
        if not atlas.reader.get_nodes([i]):
            continue
        seen, frontier, names = {i}, [i], set[str]()
        while frontier:
            for e in atlas.reader.edges_from(frontier, [str(EdgeKind.HAS_METHOD)]):
                names.add(key_of(e.target).rpartition(").")[2])
            embedded = {e.target for e in atlas.reader.edges_from(frontier, [str(EdgeKind.EMBEDS)])}
            frontier = sorted(embedded - seen)
            seen |= embedded
        out[i] = names
    return out


def _interfaces(old: Atlas, new: Atlas, d: ReleaseDiff) -> None:
    names: set[str] = set()
    for attrs in (*_role_attrs(old).values(), *_role_attrs(new).values()):
        names.update(attrs.get("key_interfaces") or ())
    ids = sorted(f"type:{n}" for n in names)
    a, b = _methods(old, ids), _methods(new, ids)
    for i in ids:
        if i in a and i in b and a[i] != b[i]:
            d.interfaces.append({"id": i, "added": sorted(b[i] - a[i]), "removed": sorted(a[i] - b[i])})
        elif (i in a) != (i in b):
            d.interfaces.append({"id": i, "added": sorted(b.get(i, ())), "removed": sorted(a.get(i, ())),
                                 "interface": "added" if i in b else "removed"})


def _split_kind(kid: str) -> tuple[str, str, str]:
    gv, _, kind = key_of(kid).rpartition(".")
    group, _, version = gv.rpartition("/")
    return group, version, kind


def _rank(version: str) -> tuple[int, str]:
    for word, rank in _STABILITY.items():
        if word in version:
            return rank, version
    return 3, version


def _kinds(old: Atlas, new: Atlas, d: ReleaseDiff) -> None:
    a = set(old.reader.ids_with_kind(str(NodeKind.API_KIND)))
    b = set(new.reader.ids_with_kind(str(NodeKind.API_KIND)))
    best_a: dict[tuple[str, str], str] = {}
    for k in a:
        g, v, n = _split_kind(k)
        if (g, n) not in best_a or _rank(v) > _rank(best_a[(g, n)]):
            best_a[(g, n)] = v
    best_b: dict[tuple[str, str], str] = {}
    for k in b:
        g, v, n = _split_kind(k)
        if (g, n) not in best_b or _rank(v) > _rank(best_b[(g, n)]):
            best_b[(g, n)] = v
    d.kinds_added = sorted(key_of(k) for k in b - a)
    d.kinds_removed = sorted(key_of(k) for k in a - b)
    for (g, n), v in sorted(best_b.items()):
        if (g, n) in best_a and _rank(v)[0] > _rank(best_a[(g, n)])[0]:
            d.kinds_graduated.append({"kind": f"{g}/{n}" if g else n, "old": best_a[(g, n)], "new": v})


def _anchors(old: Atlas, new: Atlas, d: ReleaseDiff) -> None:
    """Walkthrough anchors of the start and loop parts: which spelling each tree holds."""
    for role, walk in sorted(load_walkthroughs().items()):
        for part, steps in walk.parts:
            if part not in ("start", "loop"):
                continue
            for step in steps:
                ids = [a if ":" in a.split("/", 1)[0] else f"type:{a}" for a in step.at]
                ha, hb = old.reader.get_nodes(ids), new.reader.get_nodes(ids)
                fa = next((i for i in ids if i in ha), "")
                fb = next((i for i in ids if i in hb), "")
                if fa != fb and (fa or fb):
                    entry = {"role": role, "old": fa, "new": fb}
                    if entry not in d.anchors:
                        d.anchors.append(entry)
