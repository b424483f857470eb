"""The generic REST storage: create, get, list, update, patch and delete objects in the store.

Mirrors k8s.io/apiserver/pkg/registry/generic/registry (`(*Store).Create`, `Get`, `List`,
`Update`, `Delete` with `updateForGracefulDeletionAndFinalizers`, `deletionFinalizersFor
GarbageCollection`) on top of etcd3's `(*store).Create` / `GuaranteedUpdate` /
`conditionalDelete`: resourceVersion is the key's mod revision, stale writes are 409
Conflicts, and deletion honours grace periods, finalizers and propagation policies.
"""

from __future__ import annotations

import json
import threading
import time
from typing import TYPE_CHECKING

from kubeatlas.minik8s import admission, meta, priorityrules, status, strategy
from kubeatlas.minik8s.hpaconversion import as_version
from kubeatlas.minik8s.patch import APPLY, apply_patch
from kubeatlas.minik8s.resources import RESOURCES, Resource, for_kind
from kubeatlas.minik8s.selector import EVERYTHING, Selector, fields_match
from kubeatlas.minik8s.store import (
    KeyExists,
    KeyNotFound,
    KeyValue,
    RevisionConflict,
    Store,
)
from kubeatlas.minik8s.trace import Step, Tracer, no_trace

if TYPE_CHECKING:
    from kubeatlas.minik8s.fieldmanager import FieldManager

ORPHAN, FOREGROUND = "orphan", "foregroundDeletion"
QUIET_KINDS = {"Event", "Lease", "Namespace", "Node"}  # not narrated: bookkeeping, not the story
_STALE = "the object has been modified; please apply your changes to the latest version and try again"


def encode(obj: dict) -> bytes:
    body = dict(obj)
    body["metadata"] = {k: v for k, v in obj["metadata"].items() if k != "resourceVersion"}
    return json.dumps(body, separators=(",", ":")).encode()


def decode(kv: KeyValue, revision: int | None = None, api_version: str = "") -> dict:
    """The stored object, in `api_version` when given (a kind served in two versions of its group is
    stored in the version that wrote it and converted on the way out, as the versioning codec does)."""
    obj = json.loads(kv.value)
    obj["metadata"]["resourceVersion"] = str(revision or kv.mod_revision)
    return as_version(obj, api_version) if api_version else obj


def parse_rv(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise status.bad_request(f"invalid resourceVersion {value!r}") from None


class Registry:
    """REST semantics over the MVCC store, with the admission chain in front of every write."""

    def __init__(self, store: Store, chain: admission.Chain | None = None, *,
                 trace: Tracer | None = None) -> None:
        self.store = store
        self.chain = chain or admission.default_chain(self._namespace)
        self.trace = trace or no_trace
        self._ip_lock = threading.Lock()
        self.token_signer = None  # the service account key (a certs.TokenSigner), made at the first TokenRequest

    def emit(self, resource: Resource, action: str, mirrors: str, detail: str) -> None:
        if resource.kind not in QUIET_KINDS:
            self.trace(Step("apiserver", action, mirrors, detail))

    def _namespace(self, name: str) -> dict | None:
        kv = self.store.get(for_kind("v1", "Namespace").key("", name))
        return decode(kv) if kv else None

    # -- reads ---------------------------------------------------------------------------
    def get(self, resource: Resource, namespace: str, name: str) -> dict:
        kv = self.store.get(resource.key(namespace, name))
        if kv is None:
            raise status.not_found(resource.plural, name, resource.group)
        return decode(kv, api_version=resource.api_version)

    def list(self, resource: Resource, namespace: str, labels: Selector = EVERYTHING,
             fields: tuple = ()) -> tuple[list[dict], int]:
        kvs, revision = self.store.range(resource.prefix(namespace))
        items = []
        for kv in kvs:
            obj = decode(kv, api_version=resource.api_version)
            if labels.matches(meta.labels_of(obj)) and fields_match(obj, fields):
                items.append(obj)
        return items, revision

    # -- create --------------------------------------------------------------------------
    def create(self, resource: Resource, namespace: str, body: dict) -> dict:
        obj = self._check_body(resource, body)
        md = obj.setdefault("metadata", {})
        if resource.namespaced:
            if md.get("namespace") and md["namespace"] != namespace:
                raise status.bad_request("the namespace of the provided object does not match "
                                         "the namespace sent on the request")
            md["namespace"] = namespace
        else:
            md.pop("namespace", None)
        generated = not md.get("name") and bool(md.get("generateName"))
        if generated:
            md["name"] = meta.generate_name(md["generateName"])
        for field in ("resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds"):
            md.pop(field, None)
        md["uid"] = meta.new_uid()
        md["creationTimestamp"] = meta.now()
        attrs = admission.Attributes(admission.CREATE, resource, "", namespace, md.get("name", ""), obj, None,
                                     generated)
        self.chain.admit(attrs)
        strategy.prepare_for_create(resource, obj)
        self.chain.validate(attrs)
        self.emit(resource, "admit", "method:k8s.io/apiserver/pkg/admission.(chainAdmissionHandler).Admit",
                  f"{resource.kind} {namespace}/{md.get('name', '')}: defaulted and validated")
        if resource.kind == "Service":
            with self._ip_lock:
                strategy.allocate_cluster_ip(obj, self._used_cluster_ips())
                return self._put_new(resource, namespace, obj)
        return self._put_new(resource, namespace, obj)

    def _put_new(self, resource: Resource, namespace: str, obj: dict) -> dict:
        name = obj["metadata"]["name"]
        try:
            kv = self.store.put(resource.key(namespace, name), encode(obj), expect_mod_revision=0)
        except KeyExists:
            raise status.already_exists(resource.plural, name, resource.group) from None
        obj["metadata"]["resourceVersion"] = str(kv.mod_revision)
        self.emit(resource, "store", "method:k8s.io/apiserver/pkg/storage/etcd3.(*store).Create",
                  f"{kv.key} at revision {kv.mod_revision}")
        return obj

    def _used_cluster_ips(self) -> set[str]:
        services, _ = self.list(for_kind("v1", "Service"), "")
        return {(s.get("spec") or {}).get("clusterIP", "") for s in services}

    @staticmethod
    def _check_body(resource: Resource, body) -> dict:
        if not isinstance(body, dict):
            raise status.bad_request("the request body must be a JSON object")
        kind, api_version = body.get("kind"), body.get("apiVersion")
        if kind is None or api_version is None:
            raise status.bad_request("Object 'Kind' is missing in the request body"
                                     if kind is None else "Object 'apiVersion' is missing")
        if (api_version, kind) != (resource.api_version, resource.kind):
            raise status.bad_request(f"the API version in the data ({api_version}) and kind "
                                     f"({kind}) do not match the endpoint for "
                                     f"{resource.api_version} {resource.plural}")
        if not isinstance(body.get("metadata", {}), dict):
            raise status.bad_request("metadata must be an object")
        return meta.deep_copy(body)

    # -- update (GuaranteedUpdate) -------------------------------------------------------
    def update(self, resource: Resource, namespace: str, name: str, body: dict,
               subresource: str = "", *, fields: FieldManager | None = None) -> dict:
        obj = self._check_body(resource, body)
        md = obj.setdefault("metadata", {})
        if md.get("name", name) != name:
            raise status.bad_request(f"the name of the object ({md.get('name')}) does not match "
                                     f"the name on the URL ({name})")
        wanted = parse_rv(md.get("resourceVersion"))
        return self.guaranteed_update(resource, namespace, name,
                                      lambda old: fields.record_update(obj, old) if fields else obj,
                                      wanted, subresource)

    def guaranteed_update(self, resource: Resource, namespace: str, name: str, mutate,
                          precondition: int | None = None, subresource: str = "") -> dict:
        """Read, mutate(old) -> new, compare-and-swap; retry on races without a precondition."""
        key = resource.key(namespace, name)
        for _ in range(50):
            kv = self.store.get(key)
            if kv is None:
                raise status.not_found(resource.plural, name, resource.group)
            if precondition is not None and precondition != kv.mod_revision:
                raise status.conflict(resource.plural, name, _STALE, resource.group)
            old = decode(kv, api_version=resource.api_version)
            obj = mutate(meta.deep_copy(old))
            self._fix_identity(resource, namespace, name, obj, old)
            attrs = admission.Attributes(admission.UPDATE, resource, subresource, namespace, name, obj, old)
            self.chain.admit(attrs)
            if subresource == "status":
                strategy.prepare_for_status_update(resource, obj, old)
            elif subresource == "finalize":
                strategy.prepare_for_finalize_update(obj, old)
            elif not subresource:
                strategy.prepare_for_update(resource, obj, old)
                strategy.validate_update(resource, obj, old)
            self.chain.validate(attrs)
            if obj == old:
                return old  # a no-op update writes nothing, as in GuaranteedUpdate
            try:
                if strategy.should_delete_during_update(resource, obj, old):
                    self.store.delete(key, expect_mod_revision=kv.mod_revision)
                    return obj  # ShouldDeleteDuringUpdate: the last finalizer went away
                new_kv = self.store.put(key, encode(obj), expect_mod_revision=kv.mod_revision)
            except (RevisionConflict, KeyNotFound):
                if precondition is not None:
                    raise status.conflict(resource.plural, name, _STALE, resource.group) from None
                continue
            obj["metadata"]["resourceVersion"] = str(new_kv.mod_revision)
            return obj
        raise status.conflict(resource.plural, name, "too many concurrent updates", resource.group)

    @staticmethod
    def _fix_identity(resource: Resource, namespace: str, name: str, obj: dict, old: dict) -> None:
        md, old_md = obj.setdefault("metadata", {}), old["metadata"]
        md["name"] = name
        if resource.namespaced:
            md["namespace"] = namespace
        for field in ("uid", "creationTimestamp", "deletionTimestamp",
                      "deletionGracePeriodSeconds", "generateName"):
            if field in old_md:
                md[field] = old_md[field]
            else:
                md.pop(field, None)
        md["resourceVersion"] = old_md["resourceVersion"]

    def patch(self, resource: Resource, namespace: str, name: str, body: bytes,
              content_type: str, subresource: str = "", *, fields: FieldManager | None = None) -> dict:
        def mutate(current: dict) -> dict:
            if fields is not None and content_type.split(";")[0].strip() == APPLY:
                patched = fields.apply(current, body)
            else:
                patched = apply_patch(current, body, content_type)
                if fields is not None:
                    patched = fields.patched(patched, current, body)
            wanted = parse_rv((patched.get("metadata") or {}).get("resourceVersion"))
            if wanted is not None and wanted != int(current["metadata"]["resourceVersion"]):
                raise status.conflict(resource.plural, name, _STALE, resource.group)
            return self._check_body(resource, patched)
        return self.guaranteed_update(resource, namespace, name, mutate, None, subresource)

    # -- delete --------------------------------------------------------------------------
    def delete(self, resource: Resource, namespace: str, name: str,
               options: dict | None = None) -> tuple[dict, bool]:
        """(object or Status, deleted now?) following grace periods and finalizers."""
        options = options or {}
        if resource.kind == "PriorityClass":
            priorityrules.check_delete(name)
        key = resource.key(namespace, name)
        for _ in range(50):
            kv = self.store.get(key)
            if kv is None:
                raise status.not_found(resource.plural, name, resource.group)
            obj = decode(kv, api_version=resource.api_version)
            self._check_preconditions(resource, name, obj, options.get("preconditions") or {})
            updated = _terminating(obj) if resource.kind == "Namespace" else self._mark_deleting(resource, obj, options)
            try:
                if updated is None:
                    self.store.delete(key, expect_mod_revision=kv.mod_revision)
                    if resource.kind == "Namespace":
                        self._delete_namespace_content(name)
                    return status.success(resource.plural, name, resource.group,
                                          meta.uid_of(obj)), True
                if updated == obj:
                    return obj, False
                new_kv = self.store.put(key, encode(updated), expect_mod_revision=kv.mod_revision)
            except (RevisionConflict, KeyNotFound):
                continue
            updated["metadata"]["resourceVersion"] = str(new_kv.mod_revision)
            return updated, False
        raise status.conflict(resource.plural, name, "too many concurrent updates", resource.group)

    @staticmethod
    def _check_preconditions(resource: Resource, name: str, obj: dict, pre: dict) -> None:
        if pre.get("uid") and pre["uid"] != meta.uid_of(obj):
            raise status.conflict(resource.plural, name, "Precondition failed: UID in "
                                  f"precondition: {pre['uid']}, UID in object meta: "
                                  f"{meta.uid_of(obj)}", resource.group)
        if pre.get("resourceVersion") and pre["resourceVersion"] != meta.resource_version(obj):
            raise status.conflict(resource.plural, name, _STALE, resource.group)

    @staticmethod
    def _mark_deleting(resource: Resource, obj: dict, options: dict) -> dict | None:
        """The object marked as deleting, or None when it can be removed at once."""
        md = obj["metadata"]
        finalizers = list(md.get("finalizers") or ())
        policy = options.get("propagationPolicy")
        if policy is None and options.get("orphanDependents") is not None:
            policy = "Orphan" if options["orphanDependents"] else "Background"
        if not meta.is_deleting(obj):
            extra = {"Orphan": ORPHAN, "Foreground": FOREGROUND}.get(policy or "")
            if extra and extra not in finalizers:
                finalizers.append(extra)
        requested = options.get("gracePeriodSeconds")
        grace = strategy.grace_period(resource, obj, requested)
        if not finalizers and (grace == 0 or (meta.is_deleting(obj) and requested == 0)):
            return None
        updated = meta.deep_copy(obj)
        umd = updated["metadata"]
        if finalizers:
            umd["finalizers"] = finalizers
        current = umd.get("deletionGracePeriodSeconds")
        if not meta.is_deleting(obj) or (current is not None and grace < current):
            umd["deletionTimestamp"] = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                     time.gmtime(time.time() + grace))
            umd["deletionGracePeriodSeconds"] = grace
        return updated

    def _delete_namespace_content(self, namespace: str) -> None:
        """The namespace controller's job, done inline: remove everything in the namespace."""
        for resource in RESOURCES:
            if resource.namespaced:
                for kv in self.store.range(resource.prefix(namespace))[0]:
                    try:
                        self.store.delete(kv.key)
                    except KeyNotFound:
                        pass


def _terminating(namespace: dict) -> dict | None:
    """The namespace REST's Delete: while spec.finalizers remain (the namespace controller's
    `kubernetes`), the namespace is only marked - deletionTimestamp and phase Terminating."""
    if not (namespace.get("spec") or {}).get("finalizers"):
        return None
    if meta.is_deleting(namespace):
        return namespace
    updated = meta.deep_copy(namespace)
    updated["metadata"].update(deletionTimestamp=meta.now(), deletionGracePeriodSeconds=0)
    updated.setdefault("status", {})["phase"] = "Terminating"
    return updated
