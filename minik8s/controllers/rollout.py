"""Rollout arithmetic for Deployments: template hashes, surge/unavailable fenceposts, status.

Pure functions mirroring pkg/controller/deployment/util (`ResolveFenceposts`,
`MaxSurge`, `MaxUnavailable`, `NewRSNewReplicas`, `EqualIgnoreHash`, `FindNewReplicaSet`,
`GetReplicaCountForReplicaSets`, `DeploymentComplete`), pkg/controller/history
(`ComputeHash` for pod-template-hash) and pkg/controller/deployment/sync.go
(`calculateStatus`). The controller decides *what* to call; these decide *how many*.
"""

from __future__ import annotations

import json
import math

from kubeatlas.minik8s import meta

HASH_LABEL = "pod-template-hash"
REVISION = "deployment.kubernetes.io/revision"
DESIRED = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
# annotationsToSkip: the Deployment's own bookkeeping, never copied to its ReplicaSets
_NOT_COPIED = ("kubectl.kubernetes.io/last-applied-configuration", REVISION, REVISION_HISTORY, DESIRED,
               MAX_REPLICAS, "deprecated.deployment.rollback.to")
_SAFE = "bcdfghjklmnpqrstvwxz2456789"


def compute_hash(template: dict, collision_count: int = 0) -> str:
    """A short, stable hash of a pod template (FNV-32a, safe-encoded like rand.SafeEncodeString)."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    value = 0x811C9DC5
    for byte in data + str(collision_count).encode():
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    text = str(value)
    return "".join(_SAFE[ord(c) % len(_SAFE)] for c in text)[:10]


def revision(rs: dict) -> int:
    """Revision: the ReplicaSet's deployment.kubernetes.io/revision (0 when absent or unreadable)."""
    value = ((rs.get("metadata") or {}).get("annotations") or {}).get(REVISION, "0")
    return int(value) if str(value).isdigit() else 0


def new_rs_annotations(deployment: dict, rs: dict, new_revision: int) -> dict:
    """SetNewReplicaSetAnnotations: the Deployment's annotations (kubernetes.io/change-cause, ...)
    copied over the new ReplicaSet's, and its revision raised to `new_revision`; a ReplicaSet
    rolled back to keeps the revisions it had in deployment.kubernetes.io/revision-history."""
    annotations = dict((rs.get("metadata") or {}).get("annotations") or {})
    for key, value in ((deployment.get("metadata") or {}).get("annotations") or {}).items():
        if key not in _NOT_COPIED:
            annotations[key] = value
    old = revision(rs)
    if old < new_revision:
        if REVISION in annotations:
            history = [r for r in annotations.get(REVISION_HISTORY, "").split(",") if r]
            annotations[REVISION_HISTORY] = ",".join([*history, annotations[REVISION]])
        annotations[REVISION] = str(new_revision)
    return annotations


def without_hash(template: dict) -> dict:
    copy = meta.deep_copy(template or {})
    labels = (copy.get("metadata") or {}).get("labels")
    if labels:
        labels.pop(HASH_LABEL, None)
    return copy


def equal_ignore_hash(a: dict, b: dict) -> bool:
    return without_hash(a) == without_hash(b)


def replicas(rs: dict) -> int:
    return int((rs.get("spec") or {}).get("replicas", 0))


def _status(rs: dict, field: str) -> int:
    return int((rs.get("status") or {}).get(field, 0))


def spec_total(rss: list[dict]) -> int:
    """GetReplicaCountForReplicaSets."""
    return sum(replicas(rs) for rs in rss)


def _resolve(value, total: int, round_up: bool) -> int:
    if isinstance(value, str) and value.endswith("%"):
        scaled = float(value[:-1]) * total / 100.0
        return math.ceil(scaled) if round_up else math.floor(scaled)
    return int(value)


def fenceposts(deployment: dict) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) as numbers; never both zero (ResolveFenceposts)."""
    spec = deployment.get("spec") or {}
    desired = int(spec.get("replicas", 1))
    rolling = (spec.get("strategy") or {}).get("rollingUpdate") or {}
    surge = _resolve(rolling.get("maxSurge", "25%"), desired, True)
    unavailable = _resolve(rolling.get("maxUnavailable", "25%"), desired, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, min(unavailable, desired)


def is_rolling(deployment: dict) -> bool:
    return ((deployment.get("spec") or {}).get("strategy") or {}).get("type", "RollingUpdate") \
        == "RollingUpdate"


def new_rs_new_replicas(deployment: dict, all_rss: list[dict], new_rs: dict | None) -> int:
    """How big the new ReplicaSet may be now (NewRSNewReplicas)."""
    desired = int((deployment.get("spec") or {}).get("replicas", 1))
    current_new = replicas(new_rs) if new_rs else 0
    if not is_rolling(deployment):
        return desired
    surge, _ = fenceposts(deployment)
    current = spec_total(all_rss)
    max_total = desired + surge
    if current >= max_total:
        return current_new
    return current_new + min(max_total - current, desired - current_new)


def old_rs_scale_down(deployment: dict, all_rss: list[dict], old_rss: list[dict],
                      new_rs: dict) -> dict[str, int]:
    """reconcileOldReplicaSets: name -> new size for old RSs that may shrink now."""
    if spec_total(old_rss) == 0:
        return {}
    desired = int((deployment.get("spec") or {}).get("replicas", 1))
    _, unavailable = fenceposts(deployment)
    min_available = desired - unavailable
    new_unavailable = replicas(new_rs) - _status(new_rs, "availableReplicas")
    budget = spec_total(all_rss) - min_available - new_unavailable
    if budget <= 0:
        return {}
    plan: dict[str, int] = {}
    oldest_first = sorted(old_rss, key=lambda rs: rs["metadata"].get("creationTimestamp", ""))
    for rs in oldest_first:  # cleanupUnhealthyReplicas: unavailable pods go first
        size, healthy = replicas(rs), _status(rs, "availableReplicas")
        if budget <= 0 or size == healthy or size == 0:
            continue
        cut = min(budget, size - healthy)
        plan[meta.name_of(rs)] = size - cut
        budget -= cut
    available = sum(_status(rs, "availableReplicas") for rs in all_rss)
    can_remove = available - min_available
    for rs in oldest_first:  # scaleDownOldReplicaSetsForRollingUpdate
        size = plan.get(meta.name_of(rs), replicas(rs))
        if can_remove <= 0 or size == 0:
            continue
        cut = min(size, can_remove)
        plan[meta.name_of(rs)] = size - cut
        can_remove -= cut
    return {name: size for name, size in plan.items()}


def calculate_status(deployment: dict, all_rss: list[dict], new_rs: dict | None) -> dict:
    spec = deployment.get("spec") or {}
    desired = int(spec.get("replicas", 1))
    available = sum(_status(rs, "availableReplicas") for rs in all_rss)
    total = spec_total(all_rss)
    status = dict(deployment.get("status") or {})
    status.update(observedGeneration=deployment["metadata"].get("generation", 1),
                  replicas=sum(_status(rs, "replicas") for rs in all_rss),
                  updatedReplicas=_status(new_rs, "replicas") if new_rs else 0,
                  readyReplicas=sum(_status(rs, "readyReplicas") for rs in all_rss),
                  availableReplicas=available,
                  unavailableReplicas=max(total - available, 0))
    status["conditions"] = [dict(c) for c in status.get("conditions") or ()]
    _, unavailable = fenceposts(deployment)
    minimum = available >= desired - (unavailable if is_rolling(deployment) else 0)
    meta.set_condition(status, "Available", "True" if minimum else "False",
                       "MinimumReplicasAvailable" if minimum else "MinimumReplicasUnavailable",
                       "Deployment has minimum availability." if minimum
                       else "Deployment does not have minimum availability.")
    complete = is_complete(deployment, status)
    name = meta.name_of(new_rs) if new_rs else ""
    meta.set_condition(status, "Progressing", "True",
                       "NewReplicaSetAvailable" if complete else "ReplicaSetUpdated",
                       f'ReplicaSet "{name}" has successfully progressed.' if complete
                       else f'ReplicaSet "{name}" is progressing.')
    return status


def is_complete(deployment: dict, status: dict) -> bool:
    """DeploymentComplete: every replica updated and available, no old ones left."""
    desired = int((deployment.get("spec") or {}).get("replicas", 1))
    return (status.get("updatedReplicas") == desired and status.get("replicas") == desired
            and status.get("availableReplicas") == desired
            and status.get("observedGeneration", 0) >= deployment["metadata"].get("generation", 1))
