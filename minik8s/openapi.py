"""OpenAPI v2 and v3 documents of the served kinds, generated from minik8s's own schemas.

Mirrors what k8s.io/apiserver/pkg/server/routes `OpenAPI.InstallV2` / `InstallV3` serve at
/openapi/v2 and /openapi/v3[/<group-version>] with k8s.io/kube-openapi's builders and handlers:
definitions named as `(*DefinitionNamer).GetDefinitionName` names them, carrying
`x-kubernetes-group-version-kind` and the patch strategy and list-type extensions that
k8s.io/kubernetes/pkg/generated/openapi `GetOpenAPIDefinitions` records; in v3 refs are wrapped in
`allOf` so fields keep their descriptions; v3 discovery lists each group-version with a hash.
Paths carry each kind's verbs, the patch media types kubectl reads (`(*document).GetConsumes` in
k8s.io/kubectl/pkg/util/openapi) and the `fieldValidation` parameter its query-param verifier
looks for.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from kubeatlas.minik8s import openapiproto, schema
from kubeatlas.minik8s.resources import RESOURCES, Resource
from kubeatlas.minik8s.schema import Schema

PATCH_TYPES = ["application/json-patch+json", "application/merge-patch+json",
               "application/strategic-merge-patch+json", "application/apply-patch+yaml"]
QUERY_PARAMS = (("dryRun", "string", "When present, modifications are not persisted (All)."),
                ("fieldManager", "string", "Name of the actor making the change, for managedFields."),
                ("fieldValidation", "string", "Ignore, Warn or Strict: what to do with unknown or "
                                              "duplicate fields."),
                ("force", "boolean", "Server-side apply: take ownership of conflicting fields."),
                ("pretty", "string", "Pretty-print the output."))


def _extensions(node: Schema) -> dict:
    out: dict = {}
    if node.patch_strategy:
        out["x-kubernetes-patch-strategy"] = node.patch_strategy
    if node.merge_key:
        out["x-kubernetes-patch-merge-key"] = node.merge_key
    if node.type == "array" and node.list_type:
        out["x-kubernetes-list-type"] = node.list_type
        if node.map_keys:
            out["x-kubernetes-list-map-keys"] = list(node.map_keys)
    if node.open and node.type in ("object", "any"):
        out["x-kubernetes-preserve-unknown-fields"] = True
    if node.gvk:
        out["x-kubernetes-group-version-kind"] = [{"group": node.gvk[0], "kind": node.gvk[2],
                                                   "version": node.gvk[1]}]
    return out


def to_json_schema(node: Schema, v3: bool) -> dict:
    """One schema in OpenAPI form; v3 refs point at components and wrap in allOf."""
    prefix = "#/components/schemas/" if v3 else "#/definitions/"
    if node.type == "ref":
        target = {"$ref": prefix + node.ref}
        out: dict = {"allOf": [target]} if v3 and node.description else dict(target)
    elif node.type == "array":
        out = {"type": "array", "items": to_json_schema(node.items or Schema("any"), v3)}
    elif node.type == "map":
        out = {"type": "object", "additionalProperties": to_json_schema(node.items or Schema("any"), v3)}
    elif node.type == "any":
        out = {"type": "object"}
    elif node.type == "object":
        out = {"type": "object"}
        if node.fields:
            out["properties"] = {name: to_json_schema(field, v3) for name, field in node.fields}
        if node.required:
            out["required"] = list(node.required)
    else:
        out = {"type": node.type}
    if node.description:
        out["description"] = node.description
    if node.format:
        out["format"] = node.format
    if node.enum:
        out["enum"] = list(node.enum)
    out.update(_extensions(node))
    return out


def _operation(resource: Resource, verb: str, action: str, v3: bool) -> dict:
    gvk = {"group": resource.group, "version": resource.version, "kind": resource.kind}
    op: dict = {"description": f"{verb} {resource.kind}",
                "operationId": f"{verb}{resource.kind}", "x-kubernetes-action": action,
                "x-kubernetes-group-version-kind": gvk,
                "responses": {"200": {"description": "OK"}}}
    if verb in ("patch", "update", "create"):
        params = [{"name": name, "in": "query", "description": text, "schema": {"type": kind}}
                  if v3 else {"name": name, "in": "query", "description": text, "type": kind}
                  for name, kind, text in QUERY_PARAMS]
        op["parameters"] = params
    if not v3:
        op["consumes"] = PATCH_TYPES if verb == "patch" else ["*/*"]
        op["produces"] = ["application/json", "application/yaml"]
    elif verb == "patch":
        ref = {"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch"}
        op["requestBody"] = {"content": {t: {"schema": ref} for t in PATCH_TYPES}, "required": True}
    return op


def _paths(resources: tuple[Resource, ...], v3: bool) -> dict:
    paths: dict = {}
    for resource in resources:
        ns = "/namespaces/{namespace}" if resource.namespaced else ""
        prefix = resource.base_path + ns + "/" + resource.plural
        collection = {"get": ("list", "list", "list"), "post": ("create", "create", "post")}
        item = {"get": ("get", "read", "get"), "put": ("update", "replace", "put"),
                "patch": ("patch", "patch", "patch"), "delete": ("delete", "delete", "delete")}
        for path, methods in ((prefix, collection), (prefix + "/{name}", item)):
            served = {method: _operation(resource, name, action, v3)
                      for method, (verb, name, action) in methods.items() if verb in resource.verbs}
            if served:  # only the verbs the resource serves (a review is create-only)
                paths[path] = served
    return paths


def _definitions(v3: bool) -> dict:
    out = {name: to_json_schema(node, v3) for name, node in sorted(schema.DEFINITIONS.items())}
    patch = {"type": "object", "description": "Patch is provided to give a concrete name and type to the "
                                              "Kubernetes PATCH request body."}
    out["io.k8s.apimachinery.pkg.apis.meta.v1.Patch"] = patch
    for resource in RESOURCES:  # a kind nobody described yet is still listed, as an open object
        if schema.definition_name(resource.group, resource.version, resource.kind) is None:
            name = f"minik8s.{resource.group or 'core'}.{resource.version}.{resource.kind}"
            out[name] = {"type": "object", "description": f"{resource.kind} (no schema in minik8s yet).",
                         "x-kubernetes-preserve-unknown-fields": True,
                         "x-kubernetes-group-version-kind": [{"group": resource.group, "kind": resource.kind,
                                                              "version": resource.version}]}
    return out


@lru_cache(maxsize=1)
def v2_document() -> dict:
    """The swagger 2.0 document of every served kind (GET /openapi/v2)."""
    return {"swagger": "2.0", "info": {"title": "Kubernetes", "version": "v1.28.7-minik8s"},
            "paths": _paths(RESOURCES, False), "definitions": _definitions(False)}


def group_versions() -> list[str]:
    """The v3 discovery keys: api/v1, apis/apps/v1, ..."""
    return sorted({("apis/" + r.group if r.group else "api") + "/" + r.version for r in RESOURCES})


def _resources_of(group_version: str) -> tuple[Resource, ...]:
    return tuple(r for r in RESOURCES if ("apis/" + r.group if r.group else "api") + "/" + r.version
                 == group_version)


@lru_cache(maxsize=32)
def v3_document(group_version: str) -> dict | None:
    """The OpenAPI 3.0 document of one group-version (GET /openapi/v3/apis/apps/v1)."""
    resources = _resources_of(group_version)
    if not resources:
        return None
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.28.7-minik8s"},
            "paths": _paths(resources, True), "components": {"schemas": _definitions(True)}}


def v3_hash(group_version: str) -> str:
    body = json.dumps(v3_document(group_version), sort_keys=True).encode()
    return hashlib.sha512(body).hexdigest()[:32].upper()


@lru_cache(maxsize=1)
def v3_discovery() -> dict:
    """GET /openapi/v3: where each group-version's document lives, with its hash."""
    return {"paths": {gv: {"serverRelativeURL": f"/openapi/v3/{gv}?hash={v3_hash(gv)}"}
                      for gv in group_versions()}}


def serve(path: str, accept: str) -> tuple[int, bytes, str] | None:
    """(code, body, content type) for GET /openapi/v2 or /openapi/v3[/gv]; None for other paths."""
    if path == "/openapi/v2":
        if "protobuf" in accept:
            return 200, _v2_protobuf(), "application/octet-stream"  # what kube-openapi's handler sends
        return 200, _v2_json(), "application/json"
    if path == "/openapi/v3":
        return 200, json.dumps(v3_discovery()).encode(), "application/json"
    if path.startswith("/openapi/v3/"):
        doc = v3_document(path[len("/openapi/v3/"):])
        if doc is not None:
            return 200, json.dumps(doc).encode(), "application/json"
    return None


@lru_cache(maxsize=1)
def _v2_json() -> bytes:
    return json.dumps(v2_document()).encode()


@lru_cache(maxsize=1)
def _v2_protobuf() -> bytes:
    return openapiproto.encode_document(v2_document())
