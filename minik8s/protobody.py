"""Protobuf request bodies: the `k8s\\0`-prefixed runtime.Unknown kubectl sends for RBAC objects, as JSON.

kubectl's typed clients send `application/vnd.kubernetes.protobuf` for some built-in kinds
(`kubectl create rolebinding` and `create clusterrolebinding` do). kube-apiserver decodes them
with k8s.io/apimachinery/pkg/runtime/serializer/protobuf `(*Serializer).Decode` (the 4-byte
magic, then a runtime.Unknown whose typeMeta names the kind and whose raw bytes are the
object in the field numbers of its generated.proto). This module reads the protobuf wire
format without a library, for the kinds listed in MESSAGES (k8s.io/api/rbac/v1/generated.proto
and the ObjectMeta of apimachinery's meta/v1); empty strings, zero numbers and empty
timestamps, which gogo-protobuf writes out, are dropped as JSON's omitempty would.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from kubeatlas.minik8s import status

MEDIA_TYPE = "application/vnd.kubernetes.protobuf"
MAGIC = b"k8s\x00"
STRING, INT, BOOL, MAP, TIME = "string", "int", "bool", "map", "time"
# message -> field number -> (JSON name, type or message, repeated)
MESSAGES: dict[str, dict[int, tuple[str, str, bool]]] = {
    "Unknown": {1: ("typeMeta", "TypeMeta", False), 2: ("raw", "bytes", False)},
    "TypeMeta": {1: ("apiVersion", STRING, False), 2: ("kind", STRING, False)},
    "ObjectMeta": {1: ("name", STRING, False), 2: ("generateName", STRING, False), 3: ("namespace", STRING, False),
                   5: ("uid", STRING, False), 6: ("resourceVersion", STRING, False), 7: ("generation", INT, False),
                   8: ("creationTimestamp", TIME, False), 11: ("labels", MAP, False),
                   12: ("annotations", MAP, False), 13: ("ownerReferences", "OwnerReference", True),
                   14: ("finalizers", STRING, True)},
    "OwnerReference": {1: ("kind", STRING, False), 3: ("name", STRING, False), 4: ("uid", STRING, False),
                       5: ("apiVersion", STRING, False), 6: ("controller", BOOL, False),
                       7: ("blockOwnerDeletion", BOOL, False)},
    "RoleBinding": {1: ("metadata", "ObjectMeta", False), 2: ("subjects", "Subject", True),
                    3: ("roleRef", "RoleRef", False)},
    "Subject": {1: ("kind", STRING, False), 2: ("apiGroup", STRING, False), 3: ("name", STRING, False),
                4: ("namespace", STRING, False)},
    "RoleRef": {1: ("apiGroup", STRING, False), 2: ("kind", STRING, False), 3: ("name", STRING, False)},
    "Role": {1: ("metadata", "ObjectMeta", False), 2: ("rules", "PolicyRule", True)},
    "ClusterRole": {1: ("metadata", "ObjectMeta", False), 2: ("rules", "PolicyRule", True),
                    3: ("aggregationRule", "AggregationRule", False)},
    "PolicyRule": {1: ("verbs", STRING, True), 2: ("apiGroups", STRING, True), 3: ("resources", STRING, True),
                   4: ("resourceNames", STRING, True), 5: ("nonResourceURLs", STRING, True)},
    "AggregationRule": {1: ("clusterRoleSelectors", "LabelSelector", True)},
    "LabelSelector": {1: ("matchLabels", MAP, False), 2: ("matchExpressions", "LabelSelectorRequirement", True)},
    "LabelSelectorRequirement": {1: ("key", STRING, False), 2: ("operator", STRING, False),
                                 3: ("values", STRING, True)},
}
KINDS = {"RoleBinding": "RoleBinding", "ClusterRoleBinding": "RoleBinding", "Role": "Role",
         "ClusterRole": "ClusterRole"}


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(data):
            raise ValueError("truncated varint")
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at += 1
        if not byte & 0x80:
            return value, at
        shift += 7


def _fields(data: bytes):
    """(field number, wire type, value) of each field: an int for varints, bytes for the others."""
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = _varint(data, at)
            yield number, wire, value
        elif wire == 2:
            size, at = _varint(data, at)
            if at + size > len(data):
                raise ValueError("truncated field")
            yield number, wire, data[at:at + size]
            at += size
        elif wire in (1, 5):
            width = 8 if wire == 1 else 4
            yield number, wire, data[at:at + width]
            at += width
        else:
            raise ValueError(f"unsupported wire type {wire}")


def _value(kind: str, raw):
    if kind == STRING:
        return raw.decode("utf-8")
    if kind == INT:
        return raw - (1 << 64) if raw >= 1 << 63 else raw
    if kind == BOOL:
        return bool(raw)
    if kind == TIME:  # metav1.Time: seconds = 1, nanos = 2; an empty one is JSON null
        seconds = next((v for n, _w, v in _fields(raw) if n == 1), 0)
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if seconds else None
    if kind == "bytes":
        return bytes(raw)
    return decode_message(kind, raw)


def decode_message(name: str, data: bytes) -> dict:
    """One message as the dict its JSON form would be."""
    schema, out = MESSAGES[name], {}  # type: dict[int, tuple[str, str, bool]], dict
    for number, _wire, raw in _fields(data):
        if number not in schema:
            continue  # a field minik8s does not keep (managedFields, selfLink, ...)
        field, kind, repeated = schema[number]
        if kind == MAP:
            entry = {n: v.decode("utf-8") for n, _w, v in _fields(raw)}
            out.setdefault(field, {})[entry.get(1, "")] = entry.get(2, "")
            continue
        value = _value(kind, raw)
        if repeated:
            out.setdefault(field, []).append(value)
        elif value not in ("", 0, False, None, {}):
            out[field] = value
    return out


def to_json(raw: bytes) -> bytes:
    """The JSON body for a protobuf one; a 415 for one this module cannot read, a 400 for bad bytes."""
    if not raw.startswith(MAGIC):  # not a protobuf body minik8s can read: as for any kind it cannot decode
        raise status.unsupported_media_type(MEDIA_TYPE)
    try:
        unknown = decode_message("Unknown", raw[len(MAGIC):])
        type_meta = unknown.get("typeMeta") or {}
        kind = type_meta.get("kind", "")
        if kind not in KINDS:
            raise status.unsupported_media_type(MEDIA_TYPE)
        obj = {**type_meta, **decode_message(KINDS[kind], unknown.get("raw", b""))}
    except (ValueError, UnicodeDecodeError) as exc:
        raise status.bad_request(f"unable to decode protobuf body: {exc}") from None
    return json.dumps(obj).encode()
