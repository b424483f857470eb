"""PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic merge patch.

Mirrors the patchers of k8s.io/apiserver/pkg/endpoints/handlers/patch.go
(`jsonPatcher.applyPatchToCurrentObject` for json-patch and merge-patch,
`smpPatcher.applyPatchToCurrentObject` for strategic merge patch, done by smp.py with the
kind's schema from schema.py). Server-side apply (`applyPatcher`) is handled by fieldmanager.py.
"""

from __future__ import annotations

import copy
import json

from kubeatlas.minik8s import schema, smp, status

MERGE = "application/merge-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"
JSON_PATCH = "application/json-patch+json"
APPLY = "application/apply-patch+yaml"


def merge_patch(target, patch):
    """RFC 7386: objects merge recursively, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise status.bad_request(f"json patch path {path!r} must start with '/'")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _walk(doc, parts: list[str]):
    for part in parts:
        if isinstance(doc, list):
            doc = doc[_index(doc, part, existing=True)]
        elif isinstance(doc, dict) and part in doc:
            doc = doc[part]
        else:
            raise status.ApiError(422, "Invalid", f"json patch: path segment {part!r} not found")
    return doc


def _index(container: list, part: str, *, existing: bool) -> int:
    if part == "-" and not existing:
        return len(container)
    try:
        index = int(part)
    except ValueError:
        raise status.ApiError(422, "Invalid", f"json patch: {part!r} is not a list index") from None
    if not 0 <= index < len(container) + (0 if existing else 1):
        raise status.ApiError(422, "Invalid", f"json patch: index {index} out of range")
    return index


def _add(doc, parts: list[str], value):
    if not parts:
        return value
    parent = _walk(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, list):
        parent.insert(_index(parent, last, existing=False), value)
    elif isinstance(parent, dict):
        parent[last] = value
    else:
        raise status.ApiError(422, "Invalid", "json patch: parent is not a container")
    return doc


def _remove(doc, parts: list[str]):
    parent = _walk(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, list):
        return parent.pop(_index(parent, last, existing=True))
    if isinstance(parent, dict) and last in parent:
        return parent.pop(last)
    raise status.ApiError(422, "Invalid", f"json patch: cannot remove missing {last!r}")


def json_patch(target, operations):
    """RFC 6902: add, remove, replace, move, copy, test."""
    if not isinstance(operations, list):
        raise status.bad_request("json patch body must be a list of operations")
    doc = copy.deepcopy(target)
    for op in operations:
        if not isinstance(op, dict) or "op" not in op or "path" not in op:
            raise status.bad_request(f"json patch operation {op!r} needs 'op' and 'path'")
        kind, parts = op["op"], _pointer(op["path"])
        if kind == "add":
            doc = _add(doc, parts, copy.deepcopy(op.get("value")))
        elif kind == "remove":
            _remove(doc, parts)
        elif kind == "replace":
            _walk(doc, parts)
            if parts:
                _remove(doc, parts)
            doc = _add(doc, parts, copy.deepcopy(op.get("value")))
        elif kind in ("move", "copy"):
            source = _pointer(op.get("from", ""))
            value = _remove(doc, source) if kind == "move" else copy.deepcopy(_walk(doc, source))
            doc = _add(doc, parts, value)
        elif kind == "test":
            if _walk(doc, parts) != op.get("value"):
                raise status.ApiError(422, "Invalid", f"json patch test failed at {op['path']}")
        else:
            raise status.bad_request(f"json patch: unknown op {kind!r}")
    return doc


def apply_patch(current: dict, body: bytes, content_type: str) -> dict:
    """The patched object, or an ApiError (415 for unsupported types, 400 for bad bodies)."""
    media = content_type.split(";")[0].strip()
    if media not in (MERGE, STRATEGIC, JSON_PATCH):
        raise status.unsupported_media_type(media)
    try:
        document = json.loads(body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise status.bad_request(f"invalid patch body: {exc}") from None
    if media == JSON_PATCH:
        result = json_patch(current, document)
    elif media == STRATEGIC:
        group, _, version = str(current.get("apiVersion", "")).rpartition("/")
        result = smp.strategic_merge(current, document, schema.for_kind(group, version, current.get("kind", "")))
    else:
        if not isinstance(document, dict):
            raise status.bad_request("merge patch body must be a JSON object")
        result = merge_patch(current, document)
    if not isinstance(result, dict):
        raise status.bad_request("patch did not produce an object")
    return result
