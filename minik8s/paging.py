"""Chunked lists: `limit` and `continue`, each page read at the revision of the first.

Mirrors etcd3's `(*store).GetList` in k8s.io/apiserver/pkg/storage/etcd3: a page of at most
`limit` items in key order, a continue token (k8s.io/apiserver/pkg/storage
`EncodeContinue` / `DecodeContinue`: base64 of {"v": "meta.k8s.io/v1", "rv": R, "start":
key}) that reads the next page at the same revision R, `remainingItemCount` when no
selector filters, and 410 Expired once R has been compacted, with the message of
`interpretListError`.
"""

from __future__ import annotations

import base64
import binascii
import json

from kubeatlas.minik8s import meta, status
from kubeatlas.minik8s.registry import decode
from kubeatlas.minik8s.resources import Resource
from kubeatlas.minik8s.selector import fields_match, parse_fields, parse_labels
from kubeatlas.minik8s.store import Compacted, Store

EXPIRED = ("The provided continue parameter is too old to display a consistent list result. You can "
           "start a new list without the continue parameter.")


def encode_continue(key: str, prefix: str, revision: int) -> str:
    """The token for the page after `key` (kube's EncodeContinue: the start key relative to prefix)."""
    start = key[len(prefix):] + "\x00"
    doc = {"v": "meta.k8s.io/v1", "rv": revision, "start": start}
    return base64.urlsafe_b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode()


def decode_continue(token: str, prefix: str) -> tuple[str, int]:
    """(absolute start key, revision); 400 for a token that is not one of ours."""
    try:
        doc = json.loads(base64.urlsafe_b64decode(token.encode()))
        start, revision = doc["start"], int(doc["rv"])
        if doc.get("v") != "meta.k8s.io/v1" or not isinstance(start, str) or revision <= 0:
            raise ValueError("unknown token version")
        if start.startswith("/") or ".." in start.split("/"):
            raise ValueError("start key escapes the prefix")
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError) as exc:
        raise status.bad_request(f"invalid continue token: {exc}") from None
    return prefix + start, revision


def _limit(query: dict) -> int:
    value = query.get("limit") or "0"
    if not (value.isascii() and value.lstrip("-").isdigit()):
        raise status.bad_request(f"invalid limit {value!r}: a whole number is expected")
    return max(int(value), 0)  # a negative limit means none, as in kube-apiserver


def list_page(store: Store, resource: Resource, namespace: str, query: dict) -> dict:
    """One page of the list the query asks for, as a List object with metadata.continue."""
    labels, fields = parse_labels(query.get("labelSelector")), parse_fields(query.get("fieldSelector"), resource.kind)
    prefix, limit = resource.prefix(namespace), _limit(query)
    if query.get("continue"):
        start, revision = decode_continue(query["continue"], prefix)
    else:
        start, revision = prefix, store.settled_revision()
    try:
        kvs = store.range_at(prefix, revision)
    except Compacted:
        raise status.gone(EXPIRED) from None
    kvs = [kv for kv in kvs if kv.key >= start]
    items: list[dict] = []
    last_key, taken = "", 0
    for kv in kvs:
        if limit and len(items) == limit:
            break
        taken += 1
        obj = decode(kv, api_version=resource.api_version)
        last_key = kv.key
        if labels.matches(meta.labels_of(obj)) and fields_match(obj, fields):
            items.append(obj)
    metadata: dict = {"resourceVersion": str(revision)}
    if taken < len(kvs):
        metadata["continue"] = encode_continue(last_key, prefix, revision)
        if labels.empty and not fields:
            metadata["remainingItemCount"] = len(kvs) - taken
    return {"kind": resource.list_kind, "apiVersion": resource.api_version, "metadata": metadata,
            "items": items}
