"""Client-side apply: create the object, or patch it with a three-way merge against what was last applied.

Mirrors k8s.io/kubectl/pkg/cmd/apply (`(*ApplyOptions).applyOneObject`: create when absent,
otherwise patch) and k8s.io/kubectl/pkg/util (`GetOriginalConfiguration` from the
`kubectl.kubernetes.io/last-applied-configuration` annotation), with the patch computed like
k8s.io/apimachinery/pkg/util/jsonmergepatch `CreateThreeWayJSONMergePatch`: fields the
manifest sets are written, fields it dropped since the last apply are deleted, and fields
others own (status, annotations a controller added) are left alone.
"""

from __future__ import annotations

import json

from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.resources import Resource
from kubeatlas.minik8s.status import ApiError

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def deletions(original, modified) -> dict:
    """null for every key in original that modified no longer has (recursively for maps)."""
    patch: dict = {}
    if not isinstance(original, dict) or not isinstance(modified, dict):
        return patch
    for key, value in original.items():
        if key not in modified:
            patch[key] = None
        elif isinstance(value, dict) and isinstance(modified[key], dict):
            nested = deletions(value, modified[key])
            if nested:
                patch[key] = nested
    return patch


def _merge(base: dict, overlay: dict) -> dict:
    merged = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def apply_object(client: Client, resource: Resource, namespace: str, doc: dict) -> str:
    """'created', 'configured' or 'unchanged'."""
    desired = json.loads(json.dumps(doc))
    md = desired.setdefault("metadata", {})
    if resource.namespaced:
        md["namespace"] = namespace
    md.setdefault("annotations", {})[LAST_APPLIED] = json.dumps(doc, sort_keys=True, separators=(",", ":"))
    try:
        client.create(resource, namespace, desired)
        return "created"
    except ApiError as err:
        if err.reason != "AlreadyExists":
            raise
    current = client.get(resource, namespace, md["name"])
    previous = json.loads(((current["metadata"].get("annotations") or {}).get(LAST_APPLIED)) or "{}")
    patch = _merge(deletions(previous, doc), desired)
    updated = client.patch(resource, namespace, md["name"], patch)
    return "unchanged" if _owned(updated) == _owned(current) else "configured"


def _owned(obj: dict) -> tuple:
    """What an apply can change (controllers may touch status and their own annotations meanwhile)."""
    md = obj.get("metadata") or {}
    body = {k: v for k, v in obj.items() if k not in ("metadata", "status")}
    return (json.dumps(body, sort_keys=True), md.get("labels"),
            (md.get("annotations") or {}).get(LAST_APPLIED))
