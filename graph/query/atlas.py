"""The questions users ask (deps, dependents, paths, implementers, roles, search), once for
every store: a store only answers the small GraphReader protocol (graph/query/reader.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from kubeatlas.analyzer.buildtags import matches
from kubeatlas.errors import AmbiguousName, DirectoryOnly, NodeNotFound
from kubeatlas.graph.knowledge.apikinds import version_rank
from kubeatlas.graph.model.records import EdgeRecord, NodeRecord
from kubeatlas.graph.model.schema import FLOW_KINDS, EdgeKind, NodeKind, key_of, kind_of, prefix_of
from kubeatlas.graph.query.bridge import bridge_between
from kubeatlas.graph.query.cards import kind_card, role_card
from kubeatlas.graph.query.chain import Hop, bridged_chain, chain_kinds, find_chain
from kubeatlas.graph.query.directory import list_directory
from kubeatlas.graph.query.dispatch import reaching_calls
from kubeatlas.graph.query.names import Pick, method_through_embedding, production_order, rank_ids
from kubeatlas.graph.query.reader import Dependency, GraphReader, QueryResult
from kubeatlas.graph.query.search import find_names

__all__ = ["MAX_DEPTH", "Atlas", "Dependency", "EdgeRecord", "GraphReader", "NodeRecord", "QueryResult"]

MAX_DEPTH = 50
NAMED_MAX = 2000  # nodes of one name fetched to resolve it (1,524 are named String on v1.28.7)
_LISTED = 40  # entries of a directory a one-line message names (v1.28.7's pkg/ has 30)
TRIVIAL_METHODS = frozenset({"Name", "String"})
_NAMED_KINDS = (NodeKind.TYPE, NodeKind.FUNCTION, NodeKind.METHOD, NodeKind.API_KIND)


class Atlas:
    """The query API over one store (SQLite file or Neo4j server): same answers from both."""

    def __init__(self, reader: GraphReader) -> None:
        self.reader = reader

    # --- names -> ids ---------------------------------------------------------------
    def resolve(self, text: str, kinds: Iterable[NodeKind] = ()) -> str:
        """Turn what a user typed (an id, an import path, a dir, a name) into one node id."""
        wanted = tuple(str(k) for k in kinds)
        text = text.strip().rstrip("/")
        candidates: list[str] = []
        if ":" in text.split("/", 1)[0] and self.reader.get_nodes([text]):
            return text
        if "/" in text and "." in text.rsplit("/", 1)[-1]:  # import/path.Name, path.(*T).M
            prefixes = [prefix_of(k) for k in _NAMED_KINDS if not wanted or k in wanted]
            found = self.reader.get_nodes([f"{p}:{text}" for p in prefixes])
            if len(found) == 1:
                return next(iter(found))
        if not wanted or str(NodeKind.PACKAGE) in wanted:
            for key in ("import_path", "dir"):
                candidates = self.reader.ids_with_key(str(NodeKind.PACKAGE), key, text)
                if candidates:
                    return candidates[0]
            ext = self.reader.get_nodes([f"ext:{text}"])
            if ext:
                return f"ext:{text}"
            self._directory_only(text)
        if (not wanted or str(NodeKind.ROLE) in wanted) and self.reader.get_nodes([f"role:{text}"]):
            return f"role:{text}"
        name = text.rsplit(".", 1)[-1]
        if name != text:  # `kuberuntime.(*kubeGenericRuntimeManager).SyncPod`, `v1.Pod`
            hits = [n for n in self.reader.search(name, wanted, NAMED_MAX)
                    if n.name == name and _ends_with_qualified(n.id, text)]
        else:
            hits = [n for n in self.reader.search(text, wanted, NAMED_MAX) if n.name == text
                    or n.id.endswith(text)]
        exact = [n for n in hits if n.id.endswith("." + text) or n.id.endswith(":" + text)
                 or n.id.endswith("/" + text) or n.name == text]
        pick = _prefer_stable_api_version(exact or hits)
        if len(pick) == 1:
            return pick[0].id
        if not pick and ".(" in text and ")." in text:
            through = self._embedded_method(text)
            if through is not None:
                return through
        if not pick:
            raise NodeNotFound(f"nothing named {text!r} in the index (try `kubeatlas find`)",
                               name=text)
        listing = ", ".join(n.id for n in pick[:8])
        raise AmbiguousName(f"{text!r} matches {len(pick)} nodes: {listing}"
                            + (" …" if len(pick) > 8 else "") + " — give the full id",
                            name=text, candidates=[n.id for n in pick])

    def _directory_only(self, text: str) -> None:
        """Raise DirectoryOnly when `text` is a directory of the tree with packages under it
        but none of its own (`pkg/apis`, `cmd`, `staging/src/k8s.io`): a name that ends like
        it elsewhere (`k8s.io/kube-openapi/pkg/util` for `pkg/util`, kubectl's `pkg/cmd` for
        `cmd`) is not what was meant. `entries` is its listing (graph/query/directory.py)."""
        listing = list_directory(self.reader, text)
        if listing is None or listing.package:
            return
        under = self.reader.ids_under(str(NodeKind.PACKAGE), "dir", listing.dir + "/")
        under.sort(key=lambda p: (p.count("/"), p))
        shown = [e.dir if e.package and e.packages == 1 else f"{e.dir}/ ({e.packages})"
                 for e in listing.entries[:_LISTED]]
        raise DirectoryOnly(
            f"{text!r} is a directory with no Go files of its own; packages under it "
            f"({len(under)}): {', '.join(shown)}{' …' if len(listing.entries) > _LISTED else ''}"
            " — name one of them", name=text, packages=under, entries=[e.dir for e in listing.entries])

    def pick(self, text: str, kinds: Iterable[NodeKind] = (), choice: int = 1,
             role: str | None = None) -> Pick:
        """Like resolve, but a name matching several nodes is no dead end: the candidates are
        ranked (production before test helpers and generated code, then — given a role id —
        code of that role's packages before the rest, then the one called from the most places:
        graph/query/names.py rank_ids) and the `choice`-th (1-based) is taken."""
        try:
            only = self.resolve(text, kinds)
        except AmbiguousName as exc:
            listed = exc.fields.get("candidates") or ()
            candidates = rank_ids(self.reader, [str(c) for c in listed]
                                  if isinstance(listed, (list, tuple)) else [], role)
        else:
            if choice != 1:
                raise NodeNotFound(f"--pick {choice}: {text!r} names one node only ({only})",
                                   name=text)
            return Pick(only, ())
        if not 1 <= choice <= len(candidates):
            raise NodeNotFound(f"--pick {choice}: {text!r} has {len(candidates)} candidates",
                               name=text)
        return Pick(candidates[choice - 1], tuple(candidates), choice)

    def _embedded_method(self, text: str) -> str | None:
        """`apis.(RuntimeService).RunPodSandbox`: a method an interface gets by embedding."""
        owner, _, method = text.rpartition(").")
        package, _, interface = owner.partition(".(")
        package = package.removeprefix("method:")
        try:
            tid = self.resolve(f"{package}.{interface.lstrip('*')}", (NodeKind.TYPE,))
        except (NodeNotFound, AmbiguousName):
            return None
        return method_through_embedding(self.reader, tid, method)

    def node(self, nid: str) -> NodeRecord:
        found = self.reader.get_nodes([nid])
        if nid not in found:
            raise NodeNotFound(f"no node {nid!r} in the index", node=nid)
        return found[nid]

    # --- package dependencies -------------------------------------------------------
    def deps(self, package: str, *, reverse: bool = False, depth: int = 1,
             goos: str | None = None, goarch: str | None = None, tests: bool = False,
             external: bool = True) -> list[Dependency]:
        """Packages `package` imports (or, reverse, that import it), breadth-first to depth."""
        depth = max(1, min(depth, MAX_DEPTH))
        self.node(package)
        seen: dict[str, Dependency] = {}
        frontier = [package]
        for level in range(1, depth + 1):
            if not frontier:
                break
            fetch = self.reader.edges_to if reverse else self.reader.edges_from
            edges = fetch(frontier, [str(EdgeKind.IMPORTS)])
            exprs = (self._build_exprs(sorted({p for e in edges
                                               for p in e.attrs.get("file_paths") or ()}))
                     if goos and goarch else {})  # one lookup per level, not per edge
            nxt: list[str] = []
            for e in sorted(edges, key=lambda e: (e.source, e.target)):
                other = e.source if reverse else e.target
                if other == package or other in seen:
                    continue
                if not self._keeps_import(e, exprs, goos, goarch, tests):
                    continue
                if not external and kind_of(other) is not NodeKind.PACKAGE:
                    continue
                seen[other] = Dependency(other, level, int(e.attrs.get("files", 0)),
                                         bool(e.attrs.get("test_only")),
                                         tuple(e.attrs.get("platforms") or ()))
                if kind_of(other) is NodeKind.PACKAGE:
                    nxt.append(other)
            frontier = nxt
        return sorted(seen.values(), key=lambda d: (d.depth, d.id))

    @staticmethod
    def _keeps_import(e: EdgeRecord, exprs: dict[str, str | None], goos: str | None, goarch: str | None,
                      tests: bool) -> bool:
        paths = list(e.attrs.get("file_paths") or ())
        if not tests:
            if e.attrs.get("test_only"):
                return False
            paths = [p for p in paths if not p.endswith("_test.go")]
        if goos and goarch:
            return any(matches(p, exprs.get(p), goos, goarch) for p in paths)
        return True

    def _build_exprs(self, paths: Sequence[str]) -> dict[str, str | None]:
        files = self.reader.get_nodes([f"file:{p}" for p in paths])
        return {n.attrs.get("path", key_of(n.id)): (n.attrs.get("build_expr") or None)
                for n in files.values()}

    # --- chains ---------------------------------------------------------------------
    def shortest_path(self, source: str, target: str,
                      kinds: Sequence[EdgeKind] | None = None,
                      max_hops: int | None = None) -> list[str] | None:
        """Shortest chain source -> target along import edges (packages), call edges
        (functions; an interface method DISPATCHES to its implementations, a function value
        is followed as REFERENCES) or role edges; None when there is none (of at most
        max_hops hops, if given)."""
        hops = self.shortest_chain(source, target, kinds, max_hops)
        return None if hops is None else [h.id for h in hops]

    def shortest_chain(self, source: str, target: str,
                       kinds: Sequence[EdgeKind] | None = None,
                       max_hops: int | None = None) -> list[Hop] | None:
        """shortest_path with each step's kind: the first Hop is the source (kind "start").
        Between a role, a package and code of different kinds (and no `kinds` given) the
        chain runs between their members: see graph/query/bridge.py."""
        self.node(source)
        self.node(target)
        bridge = bridge_between(self.reader, source, target) if kinds is None else None
        if bridge is not None:
            return bridged_chain(self.reader, bridge, max_hops)
        names = [str(k) for k in kinds] if kinds is not None else list(chain_kinds(source))
        return find_chain(self.reader, source, target, names, max_hops)

    # --- types, interfaces and calls -------------------------------------------------
    def implementers(self, interface: str, production_only: bool = False) -> list[EdgeRecord]:
        """Types implementing `interface` (IMPLEMENTS edges into it): production code first
        (test helpers and generated code after, or left out with production_only), each
        group by type id."""
        edges = self.neighbours(interface, (EdgeKind.IMPLEMENTS,), reverse=True)
        return self.production_first(edges, "source", production_only)

    def production_first(self, edges: list[EdgeRecord], end: str,
                         production_only: bool) -> list[EdgeRecord]:
        """edges with production code at `end` first (in their order), then examples, then
        test helpers and generated code, which production_only leaves out."""
        nodes = self.reader.get_nodes(sorted({getattr(e, end) for e in edges}))
        order = {nid: production_order(n.attrs) for nid, n in nodes.items()}
        if production_only:
            edges = [e for e in edges if not order.get(getattr(e, end), (False,))[0]]
        return sorted(edges, key=lambda e: order.get(getattr(e, end), (False, False)))  # stable

    def is_trivial_interface(self, interface: str) -> bool:
        """An interface whose one method is `Name()` or `String()`: everything implements it,
        so its implementers say nothing about a role."""
        methods = self.neighbours(interface, (EdgeKind.HAS_METHOD,))
        return len(methods) == 1 and methods[0].target.rsplit(".", 1)[-1] in TRIVIAL_METHODS

    def interfaces_of(self, type_: str) -> list[EdgeRecord]:
        """Interfaces `type_` implements."""
        return self.neighbours(type_, (EdgeKind.IMPLEMENTS,))

    def callers(self, function: str, production_only: bool = False) -> list[EdgeRecord]:
        """Who calls `function` — directly, or through an interface method it implements —
        takes it as a value (REFERENCES edges, kind "REFERENCES", via "value"), or hands off
        to it (HANDS_OFF: a send on a channel field it receives from, an add to a work queue
        it takes from, a signal of a condition variable it waits on); production callers
        first, tests and generated code after (or left out with production_only)."""
        direct = self.neighbours(function, (EdgeKind.CALLS, EdgeKind.REFERENCES,
                                            EdgeKind.HANDS_OFF), reverse=True)
        abstract = [e.source for e in self.neighbours(function, (EdgeKind.DISPATCHES,),
                                                       reverse=True)]
        via = reaching_calls(self.reader, function, abstract)  # not every structural match
        return self.production_first(direct + via, "source", production_only)

    def callees(self, function: str, production_only: bool = False) -> list[EdgeRecord]:
        """What `function` calls, dispatches to (an interface method), takes as a value or
        hands off to (FLOW_KINDS); production code first (test helpers and generated code
        after, or left out)."""
        return self.production_first(self.neighbours(function, FLOW_KINDS), "target",
                                     production_only)

    def roles(self) -> list[NodeRecord]:
        ids = self.reader.ids_with_kind(str(NodeKind.ROLE))
        return sorted(self.reader.get_nodes(ids).values(), key=lambda n: n.id)

    def kind_summary(self, api_kind: str) -> dict[str, Any]:
        """An API kind's card (see graph/query/cards.py)."""
        return kind_card(self, api_kind)

    def role_summary(self, role: str) -> dict[str, Any]:
        """A role's card (see graph/query/cards.py)."""
        return role_card(self, role)

    # --- search & summary -----------------------------------------------------------
    def find(self, text: str, kinds: Iterable[NodeKind] = (), limit: int = 50,
             production_only: bool = False) -> list[NodeRecord]:
        """Nodes whose name matches, production code first (the store's order within each
        group); test helpers and generated code left out, before the limit, with
        production_only (see graph/query/search.py)."""
        return find_names(self.reader, text, (str(k) for k in kinds), limit, production_only)

    def stats(self) -> dict[str, Any]:
        return {"tree": self.reader.tree_info(), "counts": self.reader.count_by_kind(),
                "problems": len(self.reader.problems())}

    def problems(self) -> list[dict[str, Any]]:
        return self.reader.problems()

    def neighbours(self, nid: str, kinds: Sequence[EdgeKind], reverse: bool = False
                   ) -> list[EdgeRecord]:
        names = [str(k) for k in kinds]
        edges = (self.reader.edges_to if reverse else self.reader.edges_from)([nid], names)
        return sorted(edges, key=lambda e: (e.kind, e.source, e.target))


def _ends_with_qualified(nid: str, text: str) -> bool:
    """`method:k8s.io/x/kuberuntime.(*M).SyncPod` ends with `kuberuntime.(*M).SyncPod` at a
    path or prefix boundary."""
    return nid.endswith(text) and nid[-len(text) - 1] in "/:."


def _prefer_stable_api_version(hits: list[NodeRecord]) -> list[NodeRecord]:
    """`Deployment` means apps/v1.Deployment: among API kinds of one name, the most stable
    version wins (a tie across groups stays ambiguous)."""
    if len(hits) < 2 or any(n.kind != NodeKind.API_KIND for n in hits):
        return hits
    best = max(version_rank(n.attrs.get("version", "")) for n in hits)
    return [n for n in hits if version_rank(n.attrs.get("version", "")) == best]
