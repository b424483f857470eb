"""Resource request handlers: dispatch a RequestInfo to the registry and shape the answer.

Mirrors k8s.io/apiserver/pkg/endpoints/handlers: `createHandler` (201 Created),
`GetResource`, `ListResource` (a List with the store revision as its resourceVersion and
label/field selectors applied), `UpdateResource`, `PatchResource`, `DeleteResource`
(DeleteOptions from the body or the query: gracePeriodSeconds, propagationPolicy,
preconditions) and `DeleteCollection`, plus the subresources pods/binding and */scale.
dryRun, kind/apiVersion defaults and limit/continue come from request.py, dryrun.py and paging.py.
"""

from __future__ import annotations

import json

from kubeatlas.minik8s import eviction, paging, podsubresource, request, serviceaccounttoken, status, subresource
from kubeatlas.minik8s.dryrun import dry_run_registry
from kubeatlas.minik8s.fieldmanager import FieldManager, patch_or_apply
from kubeatlas.minik8s.registry import Registry
from kubeatlas.minik8s.resources import lookup
from kubeatlas.minik8s.routing import RequestInfo
from kubeatlas.minik8s.selector import parse_fields, parse_labels


def _json(raw: bytes, *, optional: bool = False):
    if not raw.strip() and optional:
        return {}
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise status.bad_request(f"invalid JSON in request body: {exc}") from None


def serve_resource(registry: Registry, info: RequestInfo, query: dict, raw: bytes,
                   content_type: str, user_agent: str = "") -> tuple[int, dict]:
    """(HTTP code, body) for one resource request; ApiError for failures."""
    resource = lookup(info.group, info.version, info.resource)
    if resource is None:
        raise status.ApiError(404, "NotFound", f"the server could not find the requested "
                              f"resource ({info.resource}.{info.group or 'core'}/{info.version})")
    if info.subresource and info.subresource not in resource.subresources:
        raise status.ApiError(404, "NotFound", f"{resource.plural} has no subresource "
                              f"{info.subresource!r}")
    ns, name, sub, verb = info.namespace, info.name, info.subresource, info.verb
    if not sub and verb not in resource.verbs:
        raise status.method_not_allowed("the server does not allow this method on the requested resource")
    dry_run = verb in ("create", "update", "patch", "delete", "deletecollection") and request.is_dry_run(query)
    if dry_run:
        registry = dry_run_registry(registry)
    if resource.namespaced and not ns and verb not in ("list", "deletecollection"):
        raise status.bad_request(f"{resource.plural} are namespaced: use /namespaces/<ns>/...")
    if sub == "binding" and verb == "create":
        return 201, subresource.bind(registry, ns, name, _json(raw))
    if sub == "eviction" and verb == "create":
        return 201, eviction.evict(registry, ns, name, _json(raw))
    if sub == "token" and verb == "create":
        return 201, serviceaccounttoken.create_token(registry, ns, name, _json(raw))
    if sub == "finalize" and verb != "update":  # FinalizeREST is an Updater only
        raise status.method_not_allowed("the server does not allow this method on the requested resource")
    if sub in podsubresource.STREAMING:
        raise podsubresource.not_streaming(sub, name)
    if sub == "scale":
        if verb == "get":
            return 200, subresource.get_scale(registry, resource, ns, name)
        if verb in ("update", "patch"):
            patch_type = content_type if verb == "patch" else None
            return 200, subresource.update_scale(registry, resource, ns, name, raw, patch_type)
    if verb == "get":
        return 200, registry.get(resource, ns, name)
    if verb == "list" and (query.get("limit") or query.get("continue")):
        return 200, paging.list_page(registry.store, resource, ns, query)
    if verb == "list":
        items, revision = registry.list(resource, ns, parse_labels(query.get("labelSelector")),
                                        parse_fields(query.get("fieldSelector"), resource.kind))
        return 200, {"kind": resource.list_kind, "apiVersion": resource.api_version,
                     "metadata": {"resourceVersion": str(revision)}, "items": items}
    fields = FieldManager.for_request(resource, query, user_agent, sub)
    if verb == "create" and not sub:
        created = registry.create(resource, ns, fields.decoded_body(raw, None))
        return 201, request.dry_run_result(created) if dry_run else created
    if verb == "update":
        return 200, registry.update(resource, ns, name, fields.decoded_body(raw, {}), sub, fields=fields)
    if verb == "patch":
        return patch_or_apply(registry, resource, ns, name, raw, content_type, fields)
    if verb == "delete" and not sub:
        return _delete(registry, resource, ns, name, query, raw)
    if verb == "deletecollection":
        items, _ = registry.list(resource, ns, parse_labels(query.get("labelSelector")),
                                 parse_fields(query.get("fieldSelector"), resource.kind))
        options = _json(raw, optional=True)
        for item in items:
            try:
                registry.delete(resource, item["metadata"].get("namespace", ""),
                                item["metadata"]["name"], options)
            except status.ApiError as err:
                if err.code != 404:
                    raise
        return 200, {"kind": resource.list_kind, "apiVersion": resource.api_version,
                     "metadata": {}, "items": items}
    raise status.method_not_allowed(f"{info.verb} is not supported on {resource.plural}"
                                    + (f"/{sub}" if sub else ""))

def _delete(registry: Registry, resource, ns: str, name: str, query: dict, raw: bytes):
    options = _json(raw, optional=True)
    if not isinstance(options, dict):
        raise status.bad_request("DeleteOptions must be an object")
    if "gracePeriodSeconds" in query:
        options["gracePeriodSeconds"] = int(query["gracePeriodSeconds"])
    if "propagationPolicy" in query:
        options["propagationPolicy"] = query["propagationPolicy"]
    policy = options.get("propagationPolicy")
    if policy not in (None, "Orphan", "Background", "Foreground"):
        raise status.bad_request(f"unsupported propagationPolicy {policy!r}")
    body, _ = registry.delete(resource, ns, name, options)
    return 200, body
