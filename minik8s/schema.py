"""Declarative schemas of the served kinds: one small record per type, with patch strategies and merge keys.

Mirrors what the Go struct tags and `+listType`/`+patchStrategy` markers of k8s.io/api carry
into the OpenAPI definitions (k8s.io/kubernetes/pkg/generated/openapi `GetOpenAPIDefinitions`,
built by k8s.io/kube-openapi), and the lookups strategic merge patch and server-side apply make
through them (k8s.io/apimachinery/pkg/util/strategicpatch `PatchMetaFromOpenAPI`,
sigs.k8s.io/structured-merge-diff list-map keys). A kind's schema is a few lines: see schema_core.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Schema:
    """One OpenAPI schema: a primitive, a struct (fields), a list (items), a map (values) or a $ref."""

    type: str  # string | integer | number | boolean | object | array | map | ref | any
    description: str = ""
    format: str = ""
    ref: str = ""
    items: Schema | None = None
    fields: tuple[tuple[str, Schema], ...] = ()
    required: tuple[str, ...] = ()
    patch_strategy: str = ""  # merge | retainKeys | merge,retainKeys | replace
    merge_key: str = ""
    list_type: str = ""  # atomic | set | map
    map_keys: tuple[str, ...] = ()
    open: bool = False  # x-kubernetes-preserve-unknown-fields: unknown fields are kept
    gvk: tuple[str, str, str] | None = None  # (group, version, kind) of a top-level kind
    enum: tuple[str, ...] = ()

    def field(self, name: str) -> Schema | None:
        for key, value in self.fields:
            if key == name:
                return value
        return None


DEFINITIONS: dict[str, Schema] = {}
META = "io.k8s.apimachinery.pkg.apis.meta.v1."


def define(name: str, schema: Schema) -> str:
    """Register a definition under its OpenAPI name (io.k8s.api.core.v1.Pod) and return the name."""
    DEFINITIONS[name] = schema
    return name


def resolve(schema: Schema | None) -> Schema | None:
    """Follow $refs to the schema they name."""
    seen = 0
    while schema is not None and schema.type == "ref" and seen < 20:
        schema = DEFINITIONS.get(schema.ref)
        seen += 1
    return schema


_BY_GVK: dict[tuple[str, str, str], str] = {}
_INDEXED = [0]  # how many definitions _BY_GVK was built from


def definition_name(group: str, version: str, kind: str) -> str | None:
    """The definition name of a top-level kind (indexed again whenever definitions were added)."""
    if _INDEXED[0] != len(DEFINITIONS):
        _BY_GVK.clear()
        _BY_GVK.update({s.gvk: name for name, s in DEFINITIONS.items() if s.gvk})
        _INDEXED[0] = len(DEFINITIONS)
    return _BY_GVK.get((group, version, kind))


def for_kind(group: str, version: str, kind: str) -> Schema | None:
    name = definition_name(group, version, kind)
    return DEFINITIONS.get(name) if name else None


# -- the DSL -------------------------------------------------------------------------------
def string(description: str = "", fmt: str = "", enum: tuple[str, ...] = ()) -> Schema:
    return Schema("string", description, fmt, enum=enum)


def integer(description: str = "", fmt: str = "int32") -> Schema:
    return Schema("integer", description, fmt)


def boolean(description: str = "") -> Schema:
    return Schema("boolean", description)


def ref(name: str, description: str = "") -> Schema:
    return Schema("ref", description, ref=name)


def any_value(description: str = "") -> Schema:
    return Schema("any", description, open=True)


def quantity(description: str = "") -> Schema:
    return ref("io.k8s.apimachinery.pkg.api.resource.Quantity", description)


def int_or_string(description: str = "") -> Schema:
    return ref("io.k8s.apimachinery.pkg.util.intstr.IntOrString", description)


def time(description: str = "") -> Schema:
    return ref(META + "Time", description)


def strings(description: str = "", *, list_type: str = "atomic", strategy: str = "") -> Schema:
    return Schema("array", description, items=string(), list_type=list_type, patch_strategy=strategy)


def string_map(description: str = "") -> Schema:
    return Schema("map", description, items=string())


def quantity_map(description: str = "") -> Schema:
    return Schema("map", description, items=quantity())


def retain_keys(schema: Schema) -> Schema:
    """A field whose patches may carry $retainKeys (patchStrategy:"retainKeys")."""
    return replace(schema, patch_strategy="retainKeys")


def array(items: Schema, description: str = "", *, key: str = "", keys: tuple[str, ...] = (),
          strategy: str = "", list_type: str = "") -> Schema:
    """A list; with `key` a list keyed by that field (patchMergeKey) merged under `strategy`."""
    if key and not list_type:
        list_type = "map"
    if key and not keys:
        keys = (key,)
    if not list_type:
        list_type = "atomic"
    if list_type == "map" and key and not strategy:
        strategy = "merge"
    return Schema("array", description, items=items, merge_key=key, map_keys=keys if list_type == "map" else (),
                  list_type=list_type, patch_strategy=strategy)


def struct(description: str, fields: dict[str, Schema], *, required: tuple[str, ...] = (),
           open: bool = False, gvk: tuple[str, str, str] | None = None, strategy: str = "") -> Schema:
    return Schema("object", description, fields=tuple(fields.items()), required=required, open=open,
                  gvk=gvk, patch_strategy=strategy)


def kind(group: str, version: str, kind_name: str, description: str, spec: str | None, status: str | None,
         *, open: bool = False, **extra: Schema) -> Schema:
    """A top-level kind: apiVersion, kind, metadata, then spec/status refs and extra fields."""
    fields: dict[str, Schema] = {
        "apiVersion": string("APIVersion defines the versioned schema of this representation of an object."),
        "kind": string("Kind is a string value representing the REST resource this object represents."),
        "metadata": ref(META + "ObjectMeta", "Standard object's metadata."),
    }
    if spec:
        fields["spec"] = ref(spec, f"Spec defines the desired behavior of the {kind_name}.")
    if status:
        fields["status"] = ref(status, f"Most recently observed status of the {kind_name}. Read-only.")
    fields.update(extra)
    return struct(description, fields, gvk=(group, version, kind_name), open=open)


def list_kind(group: str, version: str, item: str, item_kind: str) -> Schema:
    return struct(f"{item_kind}List is a list of {item_kind} objects.", {
        "apiVersion": string("APIVersion of this list."),
        "kind": string("Kind of this list."),
        "metadata": ref(META + "ListMeta", "Standard list metadata."),
        "items": array(ref(item), f"List of {item_kind} objects."),
    }, required=("items",), gvk=(group, version, f"{item_kind}List"))


def define_kind(name: str, schema: Schema) -> str:
    """Register a top-level kind (made by `kind`) and its list, `<name>List`; return the name."""
    assert schema.gvk is not None, f"{name} is not a top-level kind"
    group, version, kind_name = schema.gvk
    define(name, schema)
    define(name + "List", list_kind(group, version, name, kind_name))
    return name


# the definitions register themselves on import (they use the DSL above)
from kubeatlas.minik8s import (  # noqa: E402,F401
    schema_apps,
    schema_autoscaling,
    schema_core,
    schema_meta,
    schema_networking,
    schema_policy,
    schema_quota,
    schema_rbac,
)
