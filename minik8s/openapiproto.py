"""The protobuf encoding of the OpenAPI v2 document, as kubectl asks for it, written without a protobuf library.

Mirrors what k8s.io/kube-openapi/pkg/handler serves for
`Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf` (a
github.com/google/gnostic-models/openapiv2 `Document` in protobuf), which k8s.io/client-go's
`(*DiscoveryClient).OpenAPISchema` decodes for kubectl (`NewOpenAPIData`). Only the messages a
Kubernetes document uses are written: Document, Info, Paths, PathItem, Operation, Definitions,
Schema and vendor extensions (NamedAny whose Any holds the YAML, here JSON, text of the value).
"""

from __future__ import annotations

import json

MEDIA_TYPE = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _bytes(field: int, payload: bytes) -> bytes:
    return _varint(field << 3 | 2) + _varint(len(payload)) + payload


def _string(field: int, text: str) -> bytes:
    return _bytes(field, text.encode()) if text else b""


def _bool(field: int, value: bool) -> bytes:
    return _varint(field << 3) + b"\x01" if value else b""


def _strings(field: int, values: list) -> bytes:
    return b"".join(_bytes(field, str(v).encode()) for v in values)


def _extensions(field: int, node: dict) -> bytes:
    """Every x-* key as a NamedAny{name, Any{yaml}}."""
    out = b""
    for key, value in node.items():
        if key.startswith("x-"):
            any_msg = _string(2, json.dumps(value, sort_keys=True))
            out += _bytes(field, _string(1, key) + _bytes(2, any_msg))
    return out


def _schema(node: dict) -> bytes:
    """gnostic openapi_v2.Schema (field numbers of OpenAPIv2.proto)."""
    out = _string(1, node.get("$ref", "")) + _string(2, node.get("format", ""))
    out += _string(4, node.get("description", ""))
    out += _strings(19, node.get("required", []))
    for value in node.get("enum", []):
        out += _bytes(20, _string(2, json.dumps(value)))
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        out += _bytes(21, _bytes(1, _schema(extra)))
    if "type" in node:
        out += _bytes(22, _strings(1, [node["type"]]))
    if "items" in node:
        out += _bytes(23, _bytes(1, _schema(node["items"])))
    if "properties" in node:
        named = b"".join(_bytes(1, _string(1, name) + _bytes(2, _schema(value)))
                         for name, value in node["properties"].items())
        out += _bytes(25, named)
    return out + _extensions(31, node)


def _operation(op: dict) -> bytes:
    out = _string(3, op.get("description", "")) + _string(5, op.get("operationId", ""))
    out += _strings(6, op.get("produces", [])) + _strings(7, op.get("consumes", []))
    for param in op.get("parameters", []):
        # ParametersItem{parameter: Parameter{non_body_parameter: NonBodyParameter{query_parameter_sub_schema}}}
        query = _bool(1, False) + _string(2, "query") + _string(3, param.get("description", ""))
        query += _string(4, param["name"]) + _string(6, param.get("type", "string"))
        out += _bytes(8, _bytes(1, _bytes(2, _bytes(3, query))))
    responses = b"".join(_bytes(1, _string(1, code) + _bytes(2, _bytes(1, _string(1, r.get("description", "")))))
                         for code, r in op.get("responses", {}).items())
    out += _bytes(9, responses)
    return out + _extensions(13, op)


_VERBS = {"get": 2, "put": 3, "post": 4, "delete": 5, "options": 6, "head": 7, "patch": 8}


def encode_document(doc: dict) -> bytes:
    """gnostic openapi_v2.Document in protobuf wire format."""
    info = doc.get("info", {})
    out = _string(1, doc.get("swagger", "2.0"))
    out += _bytes(2, _string(1, info.get("title", "")) + _string(2, info.get("version", "")))
    paths = b""
    for path, item in doc.get("paths", {}).items():
        body = b"".join(_bytes(_VERBS[verb], _operation(op)) for verb, op in item.items() if verb in _VERBS)
        paths += _bytes(2, _string(1, path) + _bytes(2, body))
    out += _bytes(8, paths)
    definitions = b"".join(_bytes(1, _string(1, name) + _bytes(2, _schema(node)))
                           for name, node in doc.get("definitions", {}).items())
    out += _bytes(9, definitions)
    return out
