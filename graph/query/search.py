"""Search by name over any GraphReader: `find` (the store's order, production code first and,
if asked, only) and the ranked type-ahead (exact names first, then production code before
tests, fakes and generated code, then the bigger item); the same answers from both stores."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kubeatlas.graph.build.codeflags import is_test_package
from kubeatlas.graph.model.records import NodeRecord
from kubeatlas.graph.model.schema import NodeKind
from kubeatlas.graph.query.names import is_production
from kubeatlas.graph.query.reader import GraphReader

# what the search box offers, in the order a tie between kinds is broken
SEARCHED_KINDS: tuple[str, ...] = tuple(str(k) for k in (
    NodeKind.ROLE, NodeKind.API_KIND, NodeKind.PACKAGE, NodeKind.TYPE, NodeKind.FUNCTION,
    NodeKind.METHOD, NodeKind.MINI_COMPONENT, NodeKind.EXTERNAL_PACKAGE))
_KIND_ORDER = {kind: i for i, kind in enumerate(SEARCHED_KINDS)}
MIN_CHARS = 2  # one character matches a third of the index: nothing useful to rank
PREFIX_CHARS = 4  # up to this length the pool starts from name prefixes (exact names included)
POOL = 200  # candidates fetched from the store before ranking
_GENERATED_FILES = ("zz_generated", ".pb.go", "generated.", "_generated.go", "openapi_generated")


def find_names(reader: GraphReader, text: str, kinds: Iterable[str] = (), limit: int = 50,
               production_only: bool = False) -> list[NodeRecord]:
    """Up to `limit` nodes whose name contains `text`: production code first, then test helpers
    and generated code (left out with production_only), each group in the store's order. The
    groups are formed before the limit, not after it: the store is asked for longer pages
    until `limit` production nodes are found or it has no more; roles lead the production group,
    as they lead the search box's ranking (`find Run --production` gave
    17 of 20 while hundreds more were there; `find ListAndWatch` listed generated gRPC stubs
    before production methods past the store's first page)."""
    wanted = tuple(kinds)
    asked = limit
    while True:
        page = reader.search(text, wanted, asked)
        production = [n for n in page if is_production(n.attrs)]
        if len(production) >= limit or len(page) < asked:
            break
        asked *= 4
    role = str(NodeKind.ROLE)
    roles = reader.search(text, (role,), limit) if not wanted or role in wanted else []
    production = roles + [n for n in production if n.kind != role]  # roles first, as the box
    if production_only:
        return production[:limit]
    return (production + [n for n in page if not is_production(n.attrs)])[:limit]


@dataclass(frozen=True, slots=True)
class Hit:
    node: NodeRecord
    match: str  # exact / exact-case / prefix / contains
    tier: str  # production / test / generated

    @property
    def id(self) -> str:
        return self.node.id


def ranked_search(reader: GraphReader, text: str, limit: int = 20,
                  kinds: Sequence[str] = SEARCHED_KINDS) -> list[Hit]:
    """Up to `limit` hits for what a user typed, best first ([] under MIN_CHARS characters)."""
    text = text.strip()
    if len(text) < MIN_CHARS:
        return []
    wanted = set(kinds)
    pool: list[NodeRecord] = []
    if len(text) <= PREFIX_CHARS:  # short text matches thousands: seek name prefixes first
        pool = reader.search_prefix(text, tuple(kinds), max(POOL, limit))  # type: ignore[attr-defined]
    if len(text) >= 3 and len(pool) < limit:  # then names containing it (trigram index)
        seen = {n.id for n in pool}
        pool += [n for n in reader.search(text, (), max(POOL, limit))
                 if n.kind in wanted and n.id not in seen]
    hits = [Hit(n, match_class(n, text), tier_of(n)) for n in pool]
    hits.sort(key=lambda h: rank_key(h, text))
    return hits[:limit]


def rank_key(hit: Hit, text: str) -> tuple:
    match = ("exact", "exact-case", "prefix", "contains").index(hit.match)
    tier = ("production", "test", "generated").index(hit.tier)
    role = hit.node.kind != NodeKind.ROLE  # a role the text names leads (etcd: etcd-storage)
    return (role, match, tier, _KIND_ORDER.get(hit.node.kind, 99), -size_of(hit.node),
            len(hit.node.id), hit.node.id)


def match_class(node: NodeRecord, text: str) -> str:
    name = node.name or node.id.rsplit(":", 1)[-1]
    if name == text or node.id.endswith(":" + text):
        return "exact"
    if name.lower() == text.lower():
        return "exact-case"
    if name.lower().startswith(text.lower()):
        return "prefix"
    return "contains"


def tier_of(node: NodeRecord) -> str:
    """production, test (tests, test helpers, fakes, mocks, testing packages) or generated."""
    a = node.attrs
    file = str(a.get("file") or a.get("path") or "")
    if a.get("generated") or a.get("is_generated") or any(g in file for g in _GENERATED_FILES):
        return "generated"
    name = node.name.lower()
    where = str(a.get("package") or a.get("import_path") or "")
    if (a.get("is_test") or a.get("test_helper") or file.endswith("_test.go")
            or name.startswith(("fake", "mock", "stub")) or name.endswith(("mock", "stub"))
            or is_test_package(where)):
        return "test"
    return "production"


def size_of(node: NodeRecord) -> int:
    """Lines of a declaration or a package; roles and API kinds count as large."""
    a = node.attrs
    if node.kind in (NodeKind.ROLE, NodeKind.API_KIND):
        return 10**6
    if a.get("lines"):
        return int(a["lines"])
    line, end = a.get("line"), a.get("end_line")
    return int(end) - int(line) + 1 if line and end else 0
