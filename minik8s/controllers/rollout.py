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
import time
from datetime import UTC, datetime

from kubeatlas.minik8s import meta

HASH_LABEL = "pod-template-hash"
REVISION = "deployment.kubernetes.io/revision"
DESIRED = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
NEW_RS_AVAILABLE, UPDATED, TIMED_OUT = "NewReplicaSetAvailable", "ReplicaSetUpdated", "ProgressDeadlineExceeded"
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
    set_progressing(deployment, status, new_rs)
    return status


def _old_replicas(status: dict) -> int:
    return int(status.get("replicas", 0)) - int(status.get("updatedReplicas", 0))


def is_progressing(old: dict, new: dict) -> bool:
    """DeploymentProgressing: more updated, ready or available replicas, or fewer old ones."""
    return (new.get("updatedReplicas", 0) > old.get("updatedReplicas", 0)
            or _old_replicas(new) < _old_replicas(old)
            or new.get("readyReplicas", 0) > old.get("readyReplicas", 0)
            or new.get("availableReplicas", 0) > old.get("availableReplicas", 0))


def progress_deadline_passed(deployment: dict, status: dict, at: float) -> bool:
    """DeploymentTimedOut: no progress since the Progressing condition's lastUpdateTime plus
    progressDeadlineSeconds."""
    cond = next((c for c in status.get("conditions") or () if c.get("type") == "Progressing"), None)
    if cond is None or cond.get("reason") == NEW_RS_AVAILABLE:
        return False
    if cond.get("reason") == TIMED_OUT:
        return True
    deadline = int((deployment.get("spec") or {}).get("progressDeadlineSeconds", 600))
    return meta.parse_time(cond.get("lastUpdateTime") or cond.get("lastTransitionTime")) + deadline < at


def set_progressing(deployment: dict, status: dict, new_rs: dict | None, reason: str = "",
                    at: float | None = None) -> None:
    """syncRolloutStatus: the Progressing condition - complete, progressing (lastUpdateTime moves
    on), or timed out after progressDeadlineSeconds without progress; `reason` forces a fresh
    progressing condition (NewReplicaSetCreated)."""
    at = time.time() if at is None else at
    name = meta.name_of(new_rs) if new_rs else ""
    old = deployment.get("status") or {}
    current = next((c for c in status.get("conditions") or () if c.get("type") == "Progressing"), None)
    if (deployment.get("spec") or {}).get("paused"):  # a paused Deployment never times out
        if (current or {}).get("reason") != "DeploymentPaused":
            meta.set_condition(status, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused",
                               lastUpdateTime=_stamp(at))
        return
    if not reason and (current or {}).get("reason") == "DeploymentPaused":
        reason = "DeploymentResumed"  # the deadline counts from the resume
    if not reason and status.get("replicas") == status.get("updatedReplicas") and current is not None \
            and current.get("reason") == NEW_RS_AVAILABLE:
        return  # a complete Deployment stays complete until a new rollout begins
    if not reason and is_complete(deployment, status):
        meta.set_condition(status, "Progressing", "True", NEW_RS_AVAILABLE,
                           f'ReplicaSet "{name}" has successfully progressed.', lastUpdateTime=_stamp(at))
    elif reason or is_progressing(old, status):
        message = {"NewReplicaSetCreated": f'Created new replica set "{name}"',
                   "DeploymentResumed": "Deployment is resumed"}.get(reason, f'ReplicaSet "{name}" is progressing.')
        transition = current.get("lastTransitionTime") if current and current.get("status") == "True" else None
        status["conditions"] = [c for c in status.get("conditions") or () if c.get("type") != "Progressing"]
        status["conditions"].append({"type": "Progressing", "status": "True", "reason": reason or UPDATED,
                                     "message": message, "lastUpdateTime": _stamp(at),
                                     "lastTransitionTime": transition or _stamp(at)})
    elif (current or {}).get("reason") != TIMED_OUT and progress_deadline_passed(deployment, status, at):
        meta.set_condition(status, "Progressing", "False", TIMED_OUT, f'ReplicaSet "{name}" has timed out progressing.',
                           lastUpdateTime=_stamp(at))


def next_progress_check(deployment: dict, status: dict, at: float) -> float | None:
    """requeueStuckDeployment: seconds until a rollout that is not complete may pass its deadline."""
    cond = next((c for c in status.get("conditions") or () if c.get("type") == "Progressing"), None)
    if cond is None or cond.get("reason") in (NEW_RS_AVAILABLE, TIMED_OUT, "DeploymentPaused") \
            or is_complete(deployment, status):
        return None
    deadline = int((deployment.get("spec") or {}).get("progressDeadlineSeconds", 600))
    return max(meta.parse_time(cond.get("lastUpdateTime") or cond.get("lastTransitionTime")) + deadline - at, 0) + 1


def _stamp(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_complete(deployment: dict, status: dict) -> bool:
    """DeploymentComplete: every replica updated and available, no old ones left."""
    desired = int((deployment.get("spec") or {}).get("replicas", 1))
    return (status.get("updatedReplicas") == desired and status.get("replicas") == desired
            and status.get("availableReplicas") == desired
            and status.get("observedGeneration", 0) >= deployment["metadata"].get("generation", 1))
