"""What a store must answer (the GraphReader protocol) and the small records the query API
returns besides nodes and edges: a console query's rows, a package dependency."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kubeatlas.graph.model.records import EdgeRecord, NodeRecord


@dataclass(frozen=True, slots=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    truncated: bool

    def as_json(self) -> dict[str, Any]:
        return {"columns": list(self.columns), "rows": [list(r) for r in self.rows],
                "truncated": self.truncated}


@dataclass(frozen=True, slots=True)
class Dependency:
    id: str
    depth: int
    files: int
    test_only: bool
    platforms: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "depth": self.depth, "files": self.files,
                "test_only": self.test_only, "platforms": list(self.platforms)}


class GraphReader(Protocol):
    """What a store must answer; every question in Atlas is built from these."""

    def get_nodes(self, ids: Sequence[str]) -> dict[str, NodeRecord]: ...

    def edges_from(self, ids: Sequence[str], kinds: Sequence[str]) -> list[EdgeRecord]: ...

    def edges_to(self, ids: Sequence[str], kinds: Sequence[str]) -> list[EdgeRecord]: ...

    def search(self, text: str, kinds: Sequence[str], limit: int) -> list[NodeRecord]: ...

    def ids_with_key(self, kind: str, key: str, value: str) -> list[str]: ...

    def ids_under(self, kind: str, key: str, prefix: str) -> list[str]: ...

    def ids_with_kind(self, kind: str) -> list[str]: ...

    def count_by_kind(self) -> dict[str, int]: ...

    def tree_info(self) -> dict[str, Any]: ...

    def problems(self) -> list[dict[str, Any]]: ...
