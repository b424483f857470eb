"""Object metadata: names, uids, timestamps, owner references, keys and deep copies.

Mirrors metav1.ObjectMeta accessors (k8s.io/apimachinery/pkg/apis/meta/v1), the name
generator of k8s.io/apiserver/pkg/storage/names (`simpleNameGenerator.GenerateName`),
`metav1.GetControllerOf` / `NewControllerRef`, and `cache.MetaNamespaceKeyFunc`.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from datetime import UTC, datetime

# the alphabet names.SimpleNameGenerator draws from (no vowels, no confusable digits)
_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
_RANDOM = random.Random()


def new_uid() -> str:
    return str(uuid.uuid4())


def now() -> str:
    """RFC 3339 in UTC with seconds, as metav1.Time serialises."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def micro_now() -> str:
    """metav1.MicroTime (leases)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str | None) -> float:
    """Seconds since the epoch for a metav1.Time / MicroTime string (0 when absent)."""
    if not text:
        return 0.0
    text = text.rstrip("Z")
    fmt = "%Y-%m-%dT%H:%M:%S.%f" if "." in text else "%Y-%m-%dT%H:%M:%S"
    return datetime.strptime(text, fmt).replace(tzinfo=UTC).timestamp()


def monotonic() -> float:
    return time.monotonic()


def generate_name(base: str) -> str:
    """names.SimpleNameGenerator: base + 5 random characters."""
    base = base[:58]
    return base + "".join(_RANDOM.choice(_ALPHABET) for _ in range(5))


def deep_copy(obj: dict) -> dict:
    """A deep copy through JSON, which is what every stored object is."""
    return json.loads(json.dumps(obj))


def name_of(obj: dict) -> str:
    return (obj.get("metadata") or {}).get("name", "")


def namespace_of(obj: dict) -> str:
    return (obj.get("metadata") or {}).get("namespace", "")


def uid_of(obj: dict) -> str:
    return (obj.get("metadata") or {}).get("uid", "")


def labels_of(obj: dict) -> dict:
    return (obj.get("metadata") or {}).get("labels") or {}


def resource_version(obj: dict) -> str:
    return (obj.get("metadata") or {}).get("resourceVersion", "")


def is_deleting(obj: dict) -> bool:
    return bool((obj.get("metadata") or {}).get("deletionTimestamp"))


def key_of(obj: dict) -> str:
    """cache.MetaNamespaceKeyFunc: 'namespace/name', or 'name' for cluster-scoped objects."""
    namespace = namespace_of(obj)
    return f"{namespace}/{name_of(obj)}" if namespace else name_of(obj)


def split_key(key: str) -> tuple[str, str]:
    """cache.SplitMetaNamespaceKey."""
    if "/" in key:
        namespace, name = key.split("/", 1)
        return namespace, name
    return "", key


def controller_of(obj: dict) -> dict | None:
    """metav1.GetControllerOf: the owner reference with controller=true."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or ():
        if ref.get("controller"):
            return ref
    return None


def controller_ref(owner: dict) -> dict:
    """metav1.NewControllerRef."""
    return {"apiVersion": owner["apiVersion"], "kind": owner["kind"], "name": name_of(owner),
            "uid": uid_of(owner), "controller": True, "blockOwnerDeletion": True}


def condition(obj: dict, kind: str) -> dict | None:
    for cond in (obj.get("status") or {}).get("conditions") or ():
        if cond.get("type") == kind:
            return cond
    return None


def set_condition(status: dict, kind: str, value: str, reason: str = "", message: str = "",
                  **extra: str) -> bool:
    """Set a condition; returns True when something changed (transition time kept otherwise)."""
    conditions = status.setdefault("conditions", [])
    for cond in conditions:
        if cond.get("type") == kind:
            changed = cond.get("status") != value or cond.get("reason", "") != reason
            if cond.get("status") != value:
                cond["lastTransitionTime"] = now()
            cond.update(status=value, reason=reason, message=message, **extra)
            return changed
    conditions.append({"type": kind, "status": value, "reason": reason, "message": message,
                       "lastTransitionTime": now(), **extra})
    return True
