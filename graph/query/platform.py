"""Platform views of the calls: a function written once per OS is read, by default, from the
body linux/amd64 builds (graph/build/platform.py); a PlatformView reads it from the body
another GOOS/GOARCH builds — that variant's file, line, calls and function values (its
VARIANT_CALLS records) — and answers everything else from the store unchanged."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubeatlas.analyzer.buildtags import matches, platforms_of
from kubeatlas.graph.build.platform import PRIMARY_GOARCH, PRIMARY_GOOS
from kubeatlas.graph.model.records import EdgeRecord, NodeRecord
from kubeatlas.graph.model.schema import EdgeKind
from kubeatlas.graph.query.atlas import GraphReader

_BODY_EDGES = frozenset({str(EdgeKind.CALLS), str(EdgeKind.REFERENCES)})  # what a body holds
_CODE_IDS = ("func:", "method:")  # the ids of functions and methods, the nodes with bodies


@dataclass(frozen=True, slots=True)
class Platform:
    """A GOOS/GOARCH pair; the default is the one the index's own view is read for."""

    goos: str = PRIMARY_GOOS
    goarch: str = PRIMARY_GOARCH

    @property
    def name(self) -> str:
        return f"{self.goos}/{self.goarch}"

    @property
    def is_default(self) -> bool:
        return (self.goos, self.goarch) == (PRIMARY_GOOS, PRIMARY_GOARCH)

    def builds(self, rel_path: str, build_expr: str | None) -> bool:
        return matches(rel_path, build_expr, self.goos, self.goarch)


DEFAULT_PLATFORM = Platform()


class PlatformView:
    """A GraphReader over another, for one platform: a function or method whose default body
    this platform does not build, but one of its variants, reads as that variant — its file
    and line, and its calls and values instead of the default body's. A declaration the
    platform builds in no variant keeps the default body (the view swaps bodies, it does not
    hide code: `deps --goos` filters files)."""

    def __init__(self, reader: GraphReader, platform: Platform) -> None:
        self.reader = reader
        self.platform = platform
        self._bodies: dict[str, str] = {}  # node id -> the variant file read instead ("": own)
        self._exprs: dict[str, str | None] = {}  # file path -> build expression

    # --- the calls ------------------------------------------------------------------
    def edges_from(self, ids: Sequence[str], kinds: Sequence[str]) -> list[EdgeRecord]:
        edges = self.reader.edges_from(ids, kinds)
        wanted = _BODY_EDGES.intersection(kinds)
        bodies = self.variant_bodies(ids) if wanted else {}
        if not bodies:
            return edges
        kept = [e for e in edges if not (e.kind in _BODY_EDGES and e.source in bodies)]
        for e in self.reader.edges_from(sorted(bodies), [str(EdgeKind.VARIANT_CALLS)]):
            kept += _records(e, bodies[e.source], wanted)
        return kept

    def edges_to(self, ids: Sequence[str], kinds: Sequence[str]) -> list[EdgeRecord]:
        edges = self.reader.edges_to(ids, kinds)
        wanted = _BODY_EDGES.intersection(kinds)
        if not wanted or self.platform.is_default:
            return edges
        variant = self.reader.edges_to(ids, [str(EdgeKind.VARIANT_CALLS)])
        bodies = self.variant_bodies({e.source for e in edges if e.kind in _BODY_EDGES}
                                     | {e.source for e in variant})
        kept = [e for e in edges if not (e.kind in _BODY_EDGES and e.source in bodies)]
        for e in variant:
            if e.source in bodies:
                kept += _records(e, bodies[e.source], wanted)
        return kept

    def variant_bodies(self, ids: Iterable[str]) -> dict[str, str]:
        """{id: variant file} for the functions and methods among `ids` that this platform
        builds from another file than the default view's."""
        if self.platform.is_default:
            return {}
        ids = list(dict.fromkeys(ids))
        fresh = self._fresh(ids)
        if fresh:
            self._learn(fresh, self.reader.get_nodes(fresh))
        return {i: self._bodies[i] for i in ids if self._bodies.get(i)}

    def _fresh(self, ids: Iterable[str]) -> list[str]:
        return [i for i in dict.fromkeys(ids) if i not in self._bodies and i.startswith(_CODE_IDS)]

    def _learn(self, fresh: Sequence[str], nodes: Mapping[str, NodeRecord]) -> None:
        with_variants = [nodes[i] for i in fresh if i in nodes and nodes[i].attrs.get("variants")]
        self._load_exprs({f for n in with_variants for f in _files(n.attrs)})
        self._bodies.update(dict.fromkeys(fresh, ""))
        self._bodies.update((n.id, self._body(n.attrs)) for n in with_variants)

    def _body(self, attrs: Mapping[str, Any]) -> str:
        own = str(attrs.get("file") or "")
        if self.platform.builds(own, self._exprs.get(own)):
            return ""
        test = own.endswith("_test.go")
        for variant in attrs.get("variants") or ():
            path = str(variant.get("file") or "")
            if path.endswith("_test.go") == test and self.platform.builds(path, self._exprs.get(path)):
                return path
        return ""

    def _load_exprs(self, paths: Iterable[str]) -> None:
        missing = sorted(set(paths) - self._exprs.keys())
        if missing:
            files = self.reader.get_nodes([f"file:{p}" for p in missing])
            for path in missing:
                node = files.get(f"file:{path}")
                self._exprs[path] = (node.attrs.get("build_expr") or None) if node else None

    # --- the nodes: a swapped function reads as its variant -------------------------
    def get_nodes(self, ids: Sequence[str]) -> dict[str, NodeRecord]:
        found = self.reader.get_nodes(ids)
        if self.platform.is_default:
            return found
        fresh = self._fresh(ids)
        if fresh:
            self._learn(fresh, found)
        for nid in found:
            path = self._bodies.get(nid)
            if path:
                found[nid] = self._as_variant(found[nid], path)
        return found

    def _as_variant(self, node: NodeRecord, path: str) -> NodeRecord:
        attrs = dict(node.attrs)
        own = {"file": attrs["file"], "line": attrs.get("line"),
               "platforms": list(platforms_of(attrs["file"], self._exprs.get(attrs["file"])))}
        chosen = next(v for v in attrs["variants"] if v.get("file") == path)
        attrs.pop("end_line", None)  # a variant keeps its first line only
        attrs.update(file=path, line=chosen.get("line"), platform=self.platform.name,
                     variants=[own] + [v for v in attrs["variants"] if v is not chosen])
        return NodeRecord(node.id, node.kind, node.name, attrs)

    # --- the rest of GraphReader, unchanged -----------------------------------------
    def search(self, text: str, kinds: Sequence[str], limit: int) -> list[NodeRecord]:
        return self.reader.search(text, kinds, limit)

    def ids_with_key(self, kind: str, key: str, value: str) -> list[str]:
        return self.reader.ids_with_key(kind, key, value)

    def ids_under(self, kind: str, key: str, prefix: str) -> list[str]:
        return self.reader.ids_under(kind, key, prefix)

    def ids_with_kind(self, kind: str) -> list[str]:
        return self.reader.ids_with_kind(kind)

    def count_by_kind(self) -> dict[str, int]:
        return self.reader.count_by_kind()

    def tree_info(self) -> dict[str, Any]:
        return self.reader.tree_info()

    def problems(self) -> list[dict[str, Any]]:
        return self.reader.problems()


def _files(attrs: Mapping[str, Any]) -> list[str]:
    return [str(attrs.get("file") or "")] + [str(v.get("file") or "")
                                            for v in attrs.get("variants") or ()]


def _records(edge: EdgeRecord, path: str, kinds: frozenset[str]) -> list[EdgeRecord]:
    """The calls or values a VARIANT_CALLS edge lists for the variant in `path`, as the
    CALLS and REFERENCES edges the default view has (one per kind), with the variant's file."""
    out: dict[str, EdgeRecord] = {}
    for r in edge.attrs.get("variants") or ():
        if r.get("file") == path and r.get("kind") in kinds and r["kind"] not in out:
            out[r["kind"]] = EdgeRecord(edge.source, edge.target, r["kind"], {
                "via": r.get("via"), "count": r.get("count"), "line": r.get("line"), "file": path})
    return list(out.values())
