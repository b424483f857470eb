"""Field validation: unknown and duplicate fields are dropped, then warned about or refused (fieldValidation=).

Mirrors what kube-apiserver does while decoding a request body: unknown fields are pruned
(k8s.io/apimachinery/pkg/runtime/serializer/json strict decoding,
`runtime.NewStrictDecodingError`), and k8s.io/apiserver/pkg/endpoints/handlers `fieldValidation`
picks what happens: Strict (400 BadRequest naming each field), Warn (the default: Warning
headers) or Ignore. Duplicate JSON keys are found while parsing, as the strict JSON decoder
does. Quantities are decoded as `resource.Quantity` is, so they are stored in canonical form
(`cpu: 0.5` becomes `500m`).
"""

from __future__ import annotations

import json
from typing import Any

from kubeatlas.minik8s import status, warning
from kubeatlas.minik8s.quantity import QuantityError, canonical
from kubeatlas.minik8s.schema import Schema, resolve

STRICT, WARN, IGNORE = "Strict", "Warn", "Ignore"


def directive(value: str | None, options_kind: str = "CreateOptions") -> str:
    """The fieldValidation directive of a request (Warn when absent, as kube-apiserver 1.28).

    An unsupported value is a 422 on the request's options, as `ValidateCreateOptions` reports it."""
    value = value or WARN
    if value not in (STRICT, WARN, IGNORE):
        cause = status.Cause("fieldValidation", f'Unsupported value: "{value}": supported values: '
                             '"Ignore", "Strict", "Warn"', "FieldValueNotSupported")
        raise status.ApiError(422, "Invalid", f'{options_kind}.meta.k8s.io "" is invalid: {cause.field}: '
                              f"{cause.message}", kind=options_kind, group="meta.k8s.io", causes=(cause,))
    return value


def parse(raw: bytes) -> tuple[Any, list[str]]:
    """JSON body -> (value, duplicate-field problems); the last duplicate wins, as encoding/json does."""
    problems: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict:
        out: dict = {}
        for key, value in items:
            if key in out:
                problems.append(f'duplicate field "{key}"')
            out[key] = value
        return out

    try:
        return json.loads(raw, object_pairs_hook=pairs), problems
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise status.bad_request(f"invalid JSON in request body: {exc}") from None


_SAME = object()


def prune(value: Any, node: Schema | None, path: str = "", old: Any = _SAME) -> list[str]:
    """Remove fields the schema does not know (and nulls in known ones) from value, in place; the unknown paths.

    With `old` (the stored object a patch started from, already clean) only what differs is walked."""
    if old is not _SAME and value == old:
        return []
    node = resolve(node)
    found: list[str] = []
    if node is None or node.type == "any":
        return found
    if node.type == "object" and isinstance(value, dict):
        known = dict(node.fields)
        previous = old if isinstance(old, dict) else {}
        for key in list(value):
            if key not in known and not node.open:
                found.append(path + key)
                del value[key]
            elif key in known and value[key] is None:
                del value[key]  # a typed decoder reads null as the zero value, which is omitted
            elif key in known:
                found.extend(prune(value[key], known[key], f"{path}{key}.", previous.get(key, _SAME)))
                value[key] = _decoded(value[key], known[key])
    elif node.type == "map" and isinstance(value, dict):
        for key, item in value.items():
            found.extend(prune(item, node.items, f"{path}{key}."))
            value[key] = _decoded(item, node.items)
    elif node.type == "array" and isinstance(value, list):
        for i, item in enumerate(value):
            found.extend(prune(item, node.items, f"{path.rstrip('.')}[{i}]."))
            value[i] = _decoded(item, node.items)
    return found


def _decoded(value: Any, node: Schema | None) -> Any:
    """A leaf as its Go type reads it: a Quantity in canonical form; one that does not parse is left
    for validation to refuse."""
    node = resolve(node)
    if node is None or node.format != "quantity" or isinstance(value, bool) or \
            not isinstance(value, (str, int, float)):
        return value
    try:
        return canonical(value)
    except QuantityError:
        return value


def report(problems: list[str], mode: str) -> None:
    """Strict: one 400 naming every problem; Warn: one warning each; Ignore: nothing."""
    if not problems or mode == IGNORE:
        return
    if mode == STRICT:
        raise status.bad_request("strict decoding error: " + ", ".join(problems))
    for problem in problems:
        warning.add(problem)


def unknown(paths: list[str]) -> list[str]:
    return [f'unknown field "{p}"' for p in paths]


def check(obj: Any, node: Schema | None, mode: str, duplicates: list[str] | None = None, old: Any = _SAME) -> Any:
    """Prune obj against node (where it differs from old) and report unknown and duplicate fields; obj itself."""
    report(list(duplicates or ()) + unknown(prune(obj, node, "", old)), mode)
    return obj
