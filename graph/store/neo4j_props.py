"""Node and edge attributes <-> Neo4j properties, losslessly: what Neo4j can hold natively
(strings, numbers, booleans, homogeneous lists of them) becomes a property; anything else
(None, maps, mixed or nested lists) goes, JSON-encoded, into the one property `_json`.
Bookkeeping properties (tree, id, kind, name_lc) are never returned as attributes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

NODE_RESERVED = frozenset({"tree", "id", "kind", "name_lc", "_json"})
EDGE_RESERVED = frozenset({"tree", "_json"})
_SCALARS = (str, bool, int, float)
_INT64 = (-(1 << 63), (1 << 63) - 1)
_dumps = json.JSONEncoder(separators=(",", ":"), sort_keys=True, default=list).encode


def node_properties(tree: str, nid: str, kind: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    props = _split(attrs, NODE_RESERVED)
    props.update(tree=tree, id=nid, kind=kind)
    name = attrs.get("name")
    if isinstance(name, str) and name:
        props["name_lc"] = name.lower()
    return props


def edge_properties(tree: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    props = _split(attrs, EDGE_RESERVED)
    props["tree"] = tree
    return props


def node_attrs(props: Mapping[str, Any]) -> dict[str, Any]:
    return _join(props, NODE_RESERVED)


def edge_attrs(props: Mapping[str, Any]) -> dict[str, Any]:
    return _join(props, EDGE_RESERVED)


def _split(attrs: Mapping[str, Any], reserved: frozenset[str]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    rest: dict[str, Any] = {}
    for key, value in attrs.items():
        if key not in reserved and _native(value):
            props[key] = list(value) if isinstance(value, tuple) else value
        else:
            rest[key] = value
    if rest:
        props["_json"] = _dumps(rest)
    return props


def _join(props: Mapping[str, Any], reserved: frozenset[str]) -> dict[str, Any]:
    attrs = {k: v for k, v in props.items() if k not in reserved}
    if props.get("_json"):
        attrs.update(json.loads(props["_json"]))
    return attrs


def _native(value: Any) -> bool:
    if isinstance(value, bool) or isinstance(value, (str, float)):
        return True
    if isinstance(value, int):
        return _INT64[0] <= value <= _INT64[1]
    if isinstance(value, (list, tuple)):
        kinds = {type(v) for v in value}
        return len(kinds) <= 1 and all(k in _SCALARS for k in kinds) and all(map(_native, value))
    return False
