"""What changed between two indexed releases, as the compare page shows it: counts by kind,
packages and API kinds added and removed, roles that grew or shrank — read through two
GraphReaders (either store). A small stand-in for `kubeatlas diff`'s library (graph/diff/),
which the page uses instead once it exists."""

from __future__ import annotations

from dataclasses import dataclass

from kubeatlas.graph.model.schema import EdgeKind, NodeKind
from kubeatlas.graph.query.atlas import Atlas


@dataclass(frozen=True, slots=True)
class Comparison:
    old: str  # release names (k8s_version or ref)
    new: str
    counts: tuple[tuple[str, int, int], ...]  # kind, old count, new count
    added: dict[str, tuple[str, ...]]  # node kind -> ids only in new
    removed: dict[str, tuple[str, ...]]  # node kind -> ids only in old
    roles: tuple[tuple[str, int, int], ...]  # role id, packages in old, packages in new


COMPARED_KINDS = (NodeKind.PACKAGE, NodeKind.API_KIND, NodeKind.ROLE, NodeKind.EXTERNAL_PACKAGE)


def compare_trees(old: Atlas, new: Atlas) -> Comparison:
    a, b = old.reader.count_by_kind(), new.reader.count_by_kind()
    counts = tuple((k, int(a.get(k, 0)), int(b.get(k, 0))) for k in sorted(set(a) | set(b)))
    added: dict[str, tuple[str, ...]] = {}
    removed: dict[str, tuple[str, ...]] = {}
    for kind in COMPARED_KINDS:
        before = set(old.reader.ids_with_kind(str(kind)))
        after = set(new.reader.ids_with_kind(str(kind)))
        added[str(kind)] = tuple(sorted(after - before))
        removed[str(kind)] = tuple(sorted(before - after))
    roles = []
    role_ids = sorted(set(old.reader.ids_with_kind(str(NodeKind.ROLE)))
                      | set(new.reader.ids_with_kind(str(NodeKind.ROLE))))
    for role in role_ids:
        roles.append((role, _packages(old, role), _packages(new, role)))
    return Comparison(_release(old), _release(new), counts, added, removed, tuple(roles))


def _packages(atlas: Atlas, role: str) -> int:
    return len(atlas.reader.edges_to([role], [str(EdgeKind.IN_ROLE)]))


def _release(atlas: Atlas) -> str:
    info = atlas.reader.tree_info()
    return str(info.get("k8s_version") or info.get("ref") or info.get("tree") or "?")
