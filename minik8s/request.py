"""Request semantics read from the query and the URL: dryRun, timeoutSeconds, kind and apiVersion defaults.

Mirrors k8s.io/apiserver/pkg/endpoints/handlers: `isDryRun` and the dryRun validation of
`metainternalversionvalidation` (only `All` is a valid value), the watch timeout that
`ListResource` parses from `timeoutSeconds` (an integer; anything else is a 400 BadRequest
from the query parameter codec), and `createHandler` / `UpdateResource` decoding the body
with the endpoint's GroupVersionKind as default, so a body without `kind`/`apiVersion` is
taken as the kind the URL names (k8s.io/apimachinery/pkg/runtime/serializer/json
`(*Serializer).Decode` with `gvk` defaults).
"""

from __future__ import annotations

from kubeatlas.minik8s import status
from kubeatlas.minik8s.resources import Resource

MAX_WATCH_SECONDS = 24 * 3600


def is_dry_run(query: dict) -> bool:
    """True for `dryRun=All`; 400 for any other non-empty value."""
    value = query.get("dryRun", "")
    if value in ("", None):
        return False
    if value != "All":
        raise status.bad_request(f'invalid dryRun value {value!r}: the only valid value is "All"')
    return True


def watch_timeout(query: dict, default: float) -> float:
    """timeoutSeconds as a whole number of seconds (0 ends at once); 400 for nan, abc, -1 or 1e9."""
    value = query.get("timeoutSeconds")
    if value in (None, ""):
        return default
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_WATCH_SECONDS:
        raise status.bad_request(f"invalid timeoutSeconds {value!r}: a whole number of seconds from 0 "
                                 f"to {MAX_WATCH_SECONDS} is expected")
    return float(value)


def with_defaults(resource: Resource, body: object) -> object:
    """The body with kind and apiVersion filled from the URL's resource when it lacks them."""
    if isinstance(body, dict):
        if body.get("kind") in (None, ""):
            body["kind"] = resource.kind
        if body.get("apiVersion") in (None, ""):
            body["apiVersion"] = resource.api_version
    return body


def dry_run_result(obj: dict) -> dict:
    """What a dry-run create answers: the object as it would be stored, without a resourceVersion."""
    md = obj.get("metadata")
    if isinstance(md, dict) and md.get("resourceVersion") in ("0", ""):
        md.pop("resourceVersion")
    return obj
