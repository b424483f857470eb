"""Field managers: managedFields bookkeeping on every write, and server-side apply with conflicts.

Mirrors k8s.io/apimachinery/pkg/util/managedfields/internal (`(*FieldManager).UpdateNoErrors`
and `(*FieldManager).Apply`, `structuredMergeManager.Update` and `.Apply`,
`managedFieldsUpdater`, `NewConflictError`: a 409 Conflict whose causes are
`FieldManagerConflict`s naming the field and its manager) as the handlers of
k8s.io/apiserver/pkg/endpoints/handlers call them (`createHandler`, `UpdateResource`,
`(*patcher).patchResource`, `(*applyPatcher).applyPatchToCurrentObject`, the default manager
from `prefixFromUserAgent`). Updates take the fields they change from other managers; an apply
owns exactly what its configuration sets, drops what it stopped setting (unless someone else
owns it), and conflicts where another manager owns a field it would change, unless force=true
moves the ownership. Simplified: ownership is per leaf path (atomic structs such as label
selectors are owned field by field); `.` markers only for list items and maps; no
last-applied interop nor managedFields reset through the request body.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import yaml

from kubeatlas.minik8s import fieldpath, fieldvalidation, meta, request, status
from kubeatlas.minik8s.fieldpath import Path
from kubeatlas.minik8s.registry import Registry
from kubeatlas.minik8s.resources import Resource
from kubeatlas.minik8s.schema import Schema, for_kind

APPLY, UPDATE = "Apply", "Update"
APPLY_PATCH = "application/apply-patch+yaml"


@dataclass(frozen=True, slots=True)
class FieldManager:
    """Who writes (manager), how unknown fields are handled, and whether apply may force ownership."""

    resource: Resource
    manager: str
    validation: str = fieldvalidation.WARN
    force: bool = False
    subresource: str = ""

    @classmethod
    def for_request(cls, resource: Resource, query: dict, user_agent: str, subresource: str = "") -> FieldManager:
        manager = query.get("fieldManager") or (user_agent.split("/")[0].strip() or "unknown")
        if len(manager) > 128:
            raise status.bad_request("fieldManager: Too long: may not be longer than 128")
        force = str(query.get("force", "")).lower() in ("true", "1")
        return cls(resource, manager, query.get("fieldValidation") or fieldvalidation.WARN, force, subresource)

    @property
    def schema(self) -> Schema | None:
        return for_kind(self.resource.group, self.resource.version, self.resource.kind)

    # -- every write -------------------------------------------------------------------
    def decoded(self, obj: dict, duplicates: list[str] | None = None, old: dict | None = None,
                options: str = "CreateOptions") -> dict:
        """A request body (or a patch's result, given the old object) after field validation."""
        mode = fieldvalidation.directive(self.validation, options)
        if old is None:
            return fieldvalidation.check(obj, self.schema, mode, duplicates)
        return fieldvalidation.check(obj, self.schema, mode, duplicates, old)

    def decoded_body(self, raw: bytes, old: dict | None) -> dict:
        """A create (old None) or update body: parsed, validated, with this manager's Update recorded.

        For an update the managedFields are recorded later, against the stored object (old={})."""
        body, duplicates = fieldvalidation.parse(raw)
        fieldvalidation.directive(self.validation, "CreateOptions" if old is None else "UpdateOptions")
        if not isinstance(body, dict):
            return body
        body = self.decoded(request.with_defaults(self.resource, body), duplicates)
        return self.record_update(body, None) if old is None else body

    def patched(self, new: dict, old: dict, body: bytes) -> dict:
        """A patch's result: validated where it differs from old (duplicates looked for in the JSON body), recorded."""
        duplicates = fieldvalidation.parse(body)[1] if self.validation != fieldvalidation.IGNORE else []
        return self.record_update(self.decoded(new, duplicates, old, "PatchOptions"), old)

    def record_update(self, new: dict, old: dict | None) -> dict:
        """new with managedFields updated for an Update by this manager (takes the fields it changed)."""
        on_status = self.subresource == "status"
        source = (old if old is not None else new).get("metadata") or {}
        entries = [e for e in source.get("managedFields") or () if isinstance(e, dict) and "manager" in e]
        if old is None:
            changed, removed = fieldpath.field_set(new, self.schema, status=on_status), set()
        else:
            changed, removed = fieldpath.diff(new, old, self.schema, status=on_status)
        mine_key = (self.manager, UPDATE, self.subresource)
        listed = []
        mine = None
        touched = changed | removed
        for entry in entries:
            key = (entry["manager"], entry.get("operation", UPDATE), entry.get("subresource", ""))
            trie = entry.get("fieldsV1") or {}
            if key == mine_key:
                entry = mine = {**entry, "fieldsV1": meta.deep_copy(trie)}
            elif any(fieldpath.trie_has(trie, path) for path in touched):  # copied only when it loses fields
                entry = {**entry, "fieldsV1": meta.deep_copy(trie)}
                for path in touched:
                    fieldpath.trie_remove(entry["fieldsV1"], path)
            listed.append(entry)
        if mine is None and changed:
            mine = {"manager": self.manager, "operation": UPDATE, "apiVersion": self.resource.api_version,
                    "time": meta.now(), "fieldsType": "FieldsV1", "fieldsV1": {}}
            if self.subresource:
                mine["subresource"] = self.subresource
            listed.append(mine)
        if mine is not None:
            for path in removed:
                fieldpath.trie_remove(mine["fieldsV1"], path)
            for path in changed:
                fieldpath.trie_add(mine["fieldsV1"], path)
            if changed:
                mine["time"], mine["apiVersion"] = meta.now(), self.resource.api_version
        listed = [e for e in listed if e.get("fieldsV1")]
        md = new.setdefault("metadata", {})
        if listed:
            md["managedFields"] = listed
        else:
            md.pop("managedFields", None)
        return new

    # -- server-side apply -------------------------------------------------------------
    def apply(self, live: dict | None, body: bytes) -> dict:
        """The object after applying the YAML/JSON configuration in body as this manager."""
        config = self._config(body, live)
        node = self.schema
        applied = fieldpath.field_set(config, node, status=self.subresource == "status")
        base = meta.deep_copy(live) if live else {"apiVersion": config["apiVersion"], "kind": config["kind"],
                                                   "metadata": {}}
        entries = _entries(base)
        mine = _entry(entries, self.manager, APPLY, self.subresource, self.resource.api_version)
        others = [e for e in entries if e is not mine]
        merged = fieldpath.merge(base, config, node)
        owned_elsewhere = set().union(*(e.fields for e in others)) if others else set()
        kept = owned_elsewhere | applied
        for path in sorted(mine.fields - applied, key=len, reverse=True):  # what this manager stopped setting
            stem = path[:-1] if path[-1] == fieldpath.ITSELF else path
            if not any(p[:len(stem)] == stem or stem[:len(p)] == p for p in kept):
                fieldpath.remove(merged, path)
        conflicts: list[tuple[Path, str, str]] = []
        for other in others:
            for path in sorted(applied & other.fields):
                if path[-1] != fieldpath.ITSELF and fieldpath.lookup(base, path) != fieldpath.lookup(merged, path):
                    conflicts.append((path, other.manager, other.api_version))
        if conflicts and not self.force:
            raise conflict_error(self.resource, meta.name_of(config), conflicts)
        taken = {path for path, _, _ in conflicts}
        for other in others:
            other.fields -= taken
        mine.fields, mine.time = set(applied), meta.now()
        _store(merged, entries)
        return merged

    def _config(self, body: bytes, live: dict | None) -> dict:
        try:
            config = yaml.safe_load(body.decode("utf-8")) if body.strip() else None
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise status.bad_request(f"error decoding YAML: {exc}") from None
        if not isinstance(config, dict):
            raise status.bad_request("the apply configuration must be an object")
        if (config.get("apiVersion"), config.get("kind")) != (self.resource.api_version, self.resource.kind):
            raise status.bad_request(f"the apply configuration's apiVersion and kind must be "
                                     f"{self.resource.api_version} {self.resource.kind}")
        config = json.loads(json.dumps(config, default=str))  # YAML timestamps and the like as strings
        config.setdefault("metadata", {}).pop("managedFields", None)
        return self.decoded(config, options="PatchOptions")


class _Entry:
    __slots__ = ("api_version", "fields", "manager", "operation", "subresource", "time")

    def __init__(self, manager: str, operation: str, subresource: str, api_version: str, time: str,
                 fields: set[Path]) -> None:
        self.manager, self.operation, self.subresource = manager, operation, subresource
        self.api_version, self.time, self.fields = api_version, time, fields


def _entries(obj: dict) -> list[_Entry]:
    out = []
    for raw in (obj.get("metadata") or {}).get("managedFields") or ():
        if isinstance(raw, dict) and raw.get("manager") is not None:
            out.append(_Entry(raw["manager"], raw.get("operation", UPDATE), raw.get("subresource", ""),
                              raw.get("apiVersion", ""), raw.get("time", ""),
                              fieldpath.from_fields_v1(raw.get("fieldsV1") or {})))
    return out


def _entry(entries: list[_Entry], manager: str, operation: str, subresource: str, api_version: str) -> _Entry:
    for entry in entries:
        if (entry.manager, entry.operation, entry.subresource) == (manager, operation, subresource):
            entry.api_version = api_version
            return entry
    entry = _Entry(manager, operation, subresource, api_version, meta.now(), set())
    entries.append(entry)
    return entry


def _store(obj: dict, entries: list[_Entry]) -> None:
    listed = []
    for entry in entries:
        if not entry.fields:
            continue
        item = {"manager": entry.manager, "operation": entry.operation, "apiVersion": entry.api_version,
                "time": entry.time, "fieldsType": "FieldsV1", "fieldsV1": fieldpath.to_fields_v1(entry.fields)}
        if entry.subresource:
            item["subresource"] = entry.subresource
        listed.append(item)
    md = obj.setdefault("metadata", {})
    if listed:
        md["managedFields"] = listed
    else:
        md.pop("managedFields", None)


def conflict_error(resource: Resource, name: str, conflicts: list[tuple[Path, str, str]]) -> status.ApiError:
    """409 Conflict as kube-apiserver reports apply conflicts (internal.NewConflictError)."""
    causes = tuple(status.Cause(fieldpath.describe(path), f'conflict with "{manager}" using {version}',
                                "FieldManagerConflict") for path, manager, version in conflicts)
    if len(causes) == 1:
        message = f"Apply failed with 1 conflict: {causes[0].message}: {causes[0].field}"
    else:
        message = f"Apply failed with {len(causes)} conflicts: " + "\n".join(
            f"{c.message}: {c.field}" for c in causes)
    return status.ApiError(409, "Conflict", message, kind=resource.plural, name=name,
                           group=resource.group, causes=causes)


def patch_or_apply(registry: Registry, resource: Resource, namespace: str, name: str, raw: bytes,
                   content_type: str, fields: FieldManager) -> tuple[int, dict]:
    """PATCH: a patch, or a server-side apply that creates the object when it does not exist yet."""
    try:
        return 200, registry.patch(resource, namespace, name, raw, content_type, fields.subresource, fields=fields)
    except status.ApiError as err:
        if err.code != 404 or content_type.split(";")[0].strip() != APPLY_PATCH or fields.subresource:
            raise
    obj = fields.apply(None, raw)
    if meta.name_of(obj) != name:
        raise status.bad_request(f"the name of the object ({meta.name_of(obj)}) does not match the name "
                                 f"on the URL ({name})")
    return 201, registry.create(resource, namespace, obj)
