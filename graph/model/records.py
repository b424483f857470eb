"""The one pair of node and edge records every layer passes around: string ids, a kind and plain
attributes — what the KubeGraph facade hands out and what every store's reader answers with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class NodeRecord:
    """A node: its id, its kind (a NodeKind value), its display name and its attributes."""

    id: str
    kind: str
    name: str = ""
    attrs: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": str(self.kind), "name": self.name, **dict(self.attrs)}


@dataclass(frozen=True, slots=True)
class EdgeRecord:
    """An edge: its two ends (node ids), its kind (an EdgeKind value) and its attributes."""

    source: str
    target: str
    kind: str
    attrs: Mapping[str, Any] = field(default_factory=dict)
