"""A directory of the tree as a learner lists it (`cmd`, `staging/src/k8s.io`, `pkg/kubelet`):
its package, if it has Go files, and its entries — each sub-directory holding Go packages,
with a chain of directories that only lead on to one other (`staging` → `src` → `k8s.io`)
shown as the one path GitHub shows."""

from __future__ import annotations

from dataclasses import dataclass

from kubeatlas.graph.model.schema import NodeKind
from kubeatlas.graph.query.reader import GraphReader


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a directory: `dir` (tree-relative), the package there (its id; "" for a
    directory with no Go files of its own) and how many packages lie at or under it."""

    dir: str
    package: str
    packages: int


@dataclass(frozen=True, slots=True)
class Directory:
    dir: str
    package: str  # "" when the directory has no Go files of its own
    entries: tuple[Entry, ...]
    packages: int  # packages under it (its own not counted)


def list_directory(reader: GraphReader, path: str) -> Directory | None:
    """`path`'s listing, None when no package of the tree lies at or under it."""
    path = path.strip().strip("/")
    if not path:
        return None
    own = reader.ids_with_key(str(NodeKind.PACKAGE), "dir", path)
    under = reader.ids_under(str(NodeKind.PACKAGE), "dir", path + "/")
    if not own and not under:
        return None
    found = reader.get_nodes(under)
    dirs = {str(n.attrs.get("dir") or ""): pid for pid, n in found.items()}
    return Directory(path, own[0] if own else "", _entries(path, dirs), len(under))


def _entries(path: str, dirs: dict[str, str]) -> tuple[Entry, ...]:
    children: dict[str, list[str]] = {}
    for d in dirs:
        rest = d[len(path) + 1:]
        children.setdefault(rest.split("/", 1)[0], []).append(d)
    entries = []
    for name, inside in sorted(children.items()):
        child = f"{path}/{name}"
        while child not in dirs:  # no Go files here: through to the one directory it leads on to
            nexts = {d[len(child) + 1:].split("/", 1)[0] for d in inside}
            if len(nexts) != 1:
                break
            child = f"{child}/{nexts.pop()}"
        entries.append(Entry(child, dirs.get(child, ""), len(inside)))
    return tuple(entries)
