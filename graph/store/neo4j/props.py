"""Node and edge attributes -> Neo4j properties, and back, losslessly.

Two copies, each for its reader: what Neo4j can hold natively (strings, numbers, booleans,
homogeneous lists of them) becomes a property of its own, for people writing Cypher; and all
attributes, JSON-encoded exactly as in the SQLite index, go into the one property `_attrs`,
which the query API reads back (one string decodes ~3x faster in the Python driver than a map
of lists). Bookkeeping properties (tree, id, kind, name_lc, _attrs) are never attributes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

NODE_RESERVED = frozenset({"tree", "id", "kind", "name_lc", "_attrs"})
EDGE_RESERVED = frozenset({"tree", "_attrs"})
_SCALARS = (str, bool, int, float)
_INT64 = (-(1 << 63), (1 << 63) - 1)
_dumps = json.JSONEncoder(separators=(",", ":"), default=list).encode


def node_properties(tree: str, nid: str, kind: str, attrs: Mapping[str, Any],
                    attrs_json: str | None = None) -> dict[str, Any]:
    props = _native(attrs, NODE_RESERVED)
    props.update(tree=tree, id=nid, kind=kind, _attrs=attrs_json or _dumps(dict(attrs)))
    name = attrs.get("name")
    if isinstance(name, str) and name:
        props["name_lc"] = name.lower()
    return props


def edge_properties(tree: str, attrs: Mapping[str, Any],
                    attrs_json: str | None = None) -> dict[str, Any]:
    props = _native(attrs, EDGE_RESERVED)
    props.update(tree=tree, _attrs=attrs_json or _dumps(dict(attrs)))
    return props


def attrs_of(attrs_json: str | None) -> dict[str, Any]:
    """The attributes of a node or edge, from its `_attrs` property."""
    return json.loads(attrs_json) if attrs_json else {}


def _native(attrs: Mapping[str, Any], reserved: frozenset[str]) -> dict[str, Any]:
    return {key: list(value) if isinstance(value, tuple) else value
            for key, value in attrs.items() if key not in reserved and _is_native(value)}


def _is_native(value: Any) -> bool:
    if isinstance(value, (bool, str, float)):
        return True
    if isinstance(value, int):
        return _INT64[0] <= value <= _INT64[1]
    if isinstance(value, (list, tuple)):
        kinds = {type(v) for v in value}
        return len(kinds) <= 1 and all(k in _SCALARS for k in kinds) and all(
            map(_is_native, value))
    return False
