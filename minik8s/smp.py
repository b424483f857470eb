"""Strategic merge patch: merge a patch into an object by the schema's patch strategies and merge keys.

Mirrors k8s.io/apimachinery/pkg/util/strategicpatch (`StrategicMergePatch`,
`StrategicMergeMapPatchUsingLookupPatchMeta`, `mergeMap`, `mergeSlice`, `mergeSliceHandler`,
`normalizeElementOrder`) with the patch meta read from the schema as `PatchMetaFromOpenAPI` does:
lists with `patchStrategy: merge` merge element by element on their `patchMergeKey`, other
lists are replaced whole. Directives: `$patch: replace|delete|merge` (on maps and list
elements), `$retainKeys`, `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`.
Directive keys are consumed here and never reach a stored object.
"""

from __future__ import annotations

import copy
from typing import Any

from kubeatlas.minik8s import status
from kubeatlas.minik8s.schema import Schema, resolve

PATCH = "$patch"
RETAIN_KEYS = "$retainKeys"
SET_ORDER = "$setElementOrder/"
DELETE_FROM_PRIMITIVE = "$deleteFromPrimitiveList/"
_DELETE = object()  # a `$patch: delete` map: the caller drops it


def is_directive(key: str) -> bool:
    return key.startswith("$")


def strategic_merge(original: dict, patch: dict, node: Schema | None) -> dict:
    """The object `original` with `patch` merged in (neither argument is modified)."""
    if not isinstance(patch, dict):
        raise status.bad_request("strategic merge patch body must be a JSON object")
    merged = _merge_map(copy.deepcopy(original), patch, resolve(node))
    if merged is _DELETE:
        raise status.bad_request("a strategic merge patch cannot delete the whole object")
    return merged  # type: ignore[return-value]


def _child(node: Schema | None, key: str) -> Schema | None:
    if node is None:
        return None
    if node.type == "object":
        return resolve(node.field(key))
    if node.type == "map":
        return resolve(node.items)
    return None


def _merge_map(original: Any, patch: dict, node: Schema | None) -> Any:
    directive = patch.get(PATCH)
    if directive not in (None, "merge", "replace", "delete"):
        raise status.bad_request(f"Unknown patch type: {directive}")
    if directive == "delete":
        return _DELETE
    result = dict(original) if isinstance(original, dict) and directive != "replace" else {}
    retain = patch.get(RETAIN_KEYS)
    if retain is not None:
        if not isinstance(retain, list):
            raise status.bad_request(f"{RETAIN_KEYS} must be a list")
        result = {k: v for k, v in result.items() if k in retain}
    for key, values in patch.items():  # deletions from primitive lists come before the merges
        if key.startswith(DELETE_FROM_PRIMITIVE):
            field = key[len(DELETE_FROM_PRIMITIVE):]
            if not isinstance(values, list):
                raise status.bad_request(f"{key} must be a list")
            if isinstance(result.get(field), list):
                result[field] = [item for item in result[field] if item not in values]
    orders: dict[str, list] = {}
    for key, value in patch.items():
        if key.startswith(SET_ORDER):
            if not isinstance(value, list):
                raise status.bad_request(f"{key} must be a list")
            orders[key[len(SET_ORDER):]] = value
            continue
        if key in (PATCH, RETAIN_KEYS) or key.startswith(DELETE_FROM_PRIMITIVE):
            continue
        if is_directive(key):
            raise status.bad_request(f"unknown strategic merge patch directive {key!r}")
        if value is None:
            result.pop(key, None)
            continue
        merged = _merge_value(result.get(key), value, _child(node, key))
        if merged is _DELETE:
            result.pop(key, None)
        else:
            result[key] = merged
    for field, order in orders.items():
        child = _child(node, field)
        if isinstance(result.get(field), list):
            result[field] = _reorder(result[field], order, child.merge_key if child else "")
    return result


def _merge_value(original: Any, patch: Any, node: Schema | None) -> Any:
    if isinstance(patch, dict):
        return _merge_map(original, patch, node)
    if isinstance(patch, list):
        if node is not None and node.type == "array" and "merge" in node.patch_strategy.split(","):
            return _merge_list(original if isinstance(original, list) else [], patch, node)
        items = resolve(node.items) if node is not None and node.type == "array" else None
        return _strip_list(patch, items)
    return copy.deepcopy(patch)


def _strip_list(patch: list, items: Schema | None) -> list:
    """A list taken whole from the patch, with any directives removed from its elements."""
    out = []
    for element in patch:
        value = _merge_value(None, element, items)
        if value is not _DELETE:
            out.append(value)
    return out


def _merge_list(original: list, patch: list, node: Schema) -> list:
    items = resolve(node.items)
    key = node.merge_key
    replace = [e for e in patch if isinstance(e, dict) and e.get(PATCH) == "replace" and len(e) == 1]
    if replace:
        return _strip_list([e for e in patch if e not in replace], items)
    if not key:  # a set of primitives: union, original order first
        result = list(original)
        for element in patch:
            if element not in result:
                result.append(copy.deepcopy(element))
        return result
    result = list(original)
    for element in patch:
        if not isinstance(element, dict):
            raise status.bad_request(f"list element {element!r} is not an object (merge key {key!r})")
        wanted = element.get(key)
        if element.get(PATCH) == "delete":
            result = [e for e in result if not (isinstance(e, dict) and e.get(key) == wanted)]
            continue
        if wanted is None:
            raise status.bad_request(f"map: {element} does not contain declared merge key: {key}")
        index = next((i for i, e in enumerate(result) if isinstance(e, dict) and e.get(key) == wanted), None)
        if index is None:
            merged = _merge_map({}, element, items)
            if merged is not _DELETE:
                result.append(merged)
        else:
            merged = _merge_map(result[index], element, items)
            if merged is _DELETE:
                result.pop(index)
            else:
                result[index] = merged
    return result


def _reorder(values: list, order: list, key: str) -> list:
    """$setElementOrder: the elements it names take its order; the others keep their places."""
    def ident(element: Any) -> Any:
        return element.get(key) if key and isinstance(element, dict) else element

    wanted = [ident(o) for o in order]
    rank = {repr(v): i for i, v in enumerate(wanted)}
    slots = [i for i, v in enumerate(values) if repr(ident(v)) in rank]
    ordered = sorted((values[i] for i in slots), key=lambda v: rank[repr(ident(v))])
    result = list(values)
    for slot, value in zip(slots, ordered, strict=True):
        result[slot] = value
    return result


def find_directives(obj: Any, path: str = "") -> list[str]:
    """Paths of any directive keys left in obj (an invariant check: a stored object has none)."""
    found: list[str] = []
    if isinstance(obj, dict):
        for key, value in obj.items():
            if is_directive(str(key)):
                found.append(f"{path}.{key}")
            found.extend(find_directives(value, f"{path}.{key}"))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            found.extend(find_directives(value, f"{path}[{i}]"))
    return found
