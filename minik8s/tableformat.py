"""Table responses: the `Accept: application/json;as=Table;g=meta.k8s.io;v=v1` negotiation and conversion.

Mirrors k8s.io/apiserver/pkg/endpoints/handlers (`negotiation.NegotiateOutputMediaType`
choosing the Table target, `transformResponseObject` / `asTable` turning a list or an
object into a `metav1.Table`, rows carrying a PartialObjectMetadata, the full object or
nothing as `includeObject=Metadata|Object|None` asks) and the registry's `TableConvertor`
(k8s.io/apiserver/pkg/registry/rest `TableConvertor`, pkg/printers/storage
`(TableConvertor).ConvertToTable`) over the column definitions in tables.py. Watch events
are converted one by one (`kubectl get -w`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubeatlas.minik8s import status
from kubeatlas.minik8s.routing import RequestInfo
from kubeatlas.minik8s.tables import columns_for

TABLE_VERSIONS = ("v1", "v1beta1")
INCLUDE = ("Metadata", "Object", "None")


def table_version(accept: str) -> str | None:
    """The meta.k8s.io version of the first acceptable Table media type in Accept, or None for plain JSON."""
    for media in accept.split(","):
        kind, *params = [part.strip() for part in media.split(";")]
        args = dict(p.split("=", 1) for p in params if "=" in p)
        if kind not in ("application/json", "*/*", "application/*"):
            continue
        if args.get("as") == "Table":
            if args.get("g") == "meta.k8s.io" and args.get("v") in TABLE_VERSIONS:
                return args["v"]
            continue
        if "as" not in args:
            return None
    return None


def _include(query: dict) -> str:
    include = query.get("includeObject") or "Metadata"
    if include not in INCLUDE:
        raise status.bad_request(f"includeObject: Unsupported value: {include!r}: supported values: "
                                 f'"{INCLUDE[0]}", "{INCLUDE[1]}", "{INCLUDE[2]}"')
    return include


def _row(obj: dict, version: str, include: str) -> dict:
    kind = obj.get("kind", "")
    row: dict[str, Any] = {"cells": [column.cell(obj) for column in columns_for(kind)]}
    if include == "Object":
        row["object"] = obj
    elif include == "Metadata":
        row["object"] = {"kind": "PartialObjectMetadata", "apiVersion": f"meta.k8s.io/{version}",
                         "metadata": obj.get("metadata") or {}}
    return row


def to_table(kind: str, items: list[dict], version: str, include: str, list_meta: dict | None = None,
             *, headers: bool = True) -> dict:
    """A metav1.Table of `items` (objects of `kind`)."""
    table: dict[str, Any] = {"kind": "Table", "apiVersion": f"meta.k8s.io/{version}",
                             "metadata": dict(list_meta or {}), "columnDefinitions": [], "rows": []}
    if headers:
        table["columnDefinitions"] = [{"name": c.name, "type": c.type, "format": c.format,
                                       "description": c.description, "priority": c.priority}
                                      for c in columns_for(kind)]
    table["rows"] = [_row(item, version, include) for item in items]
    return table


def as_table(info: RequestInfo, query: dict, accept: str, body: dict) -> dict:
    """The answer to a get or list, as a Table when the client asked for one (body unchanged otherwise)."""
    version = table_version(accept)
    if version is None or info.subresource or info.verb not in ("get", "list"):
        return body
    include = _include(query)
    if info.verb == "get":
        return to_table(body.get("kind", ""), [body], version, include,
                        {"resourceVersion": (body.get("metadata") or {}).get("resourceVersion", "")})
    kind = body.get("kind", "").removesuffix("List")
    items = [{"kind": kind, "apiVersion": body.get("apiVersion", ""), **item} for item in body.get("items") or ()]
    return to_table(kind, items, version, include, body.get("metadata"))


def watch_converter(query: dict, accept: str) -> Callable[[str, dict], dict]:
    """What a watch applies to each event's object: identity, or one-row Tables (headers on the first)."""
    version = table_version(accept)
    if version is None:
        return lambda kind, obj: obj
    include = _include(query)
    sent_headers = [False]

    def convert(kind: str, obj: dict) -> dict:
        if kind not in ("ADDED", "MODIFIED", "DELETED") or obj.get("kind") == "Status":
            return obj
        table = to_table(obj.get("kind", ""), [obj], version, include,
                         {"resourceVersion": (obj.get("metadata") or {}).get("resourceVersion", "")},
                         headers=not sent_headers[0])
        sent_headers[0] = True
        return table

    return convert
