"""Reading a pod's state the way controllers do: active, ready, available, ranked for deletion.

Mirrors pkg/controller/controller_utils.go (`IsPodActive`, `ActivePodsWithRanks` /
`ActivePods.Less`, used by `getPodsToDelete`) and pkg/api/v1/pod (`IsPodReady`,
`IsPodAvailable`).
"""

from __future__ import annotations

import time

from kubeatlas.minik8s.meta import condition, is_deleting, parse_time


def is_active(pod: dict) -> bool:
    """Not finished and not being deleted (controller.IsPodActive)."""
    phase = (pod.get("status") or {}).get("phase")
    return phase not in ("Succeeded", "Failed") and not is_deleting(pod)


def is_ready(pod: dict) -> bool:
    cond = condition(pod, "Ready")
    return bool(cond and cond.get("status") == "True")


def is_available(pod: dict, min_ready_seconds: int = 0, now: float | None = None) -> bool:
    """Ready for at least min_ready_seconds (podutil.IsPodAvailable)."""
    if not is_ready(pod):
        return False
    if min_ready_seconds <= 0:
        return True
    since = parse_time(condition(pod, "Ready").get("lastTransitionTime"))
    return (now or time.time()) - since >= min_ready_seconds


def _phase_rank(pod: dict) -> int:
    return {"Pending": 0, "Unknown": 1, "Running": 2}.get((pod.get("status") or {}).get("phase"), 1)


def _restarts(pod: dict) -> int:
    return sum(c.get("restartCount", 0) for c in (pod.get("status") or {}).get("containerStatuses") or ())


def deletion_rank(pod: dict) -> tuple:
    """Sort key: pods sorting first are deleted first (ActivePods.Less)."""
    spec = pod.get("spec") or {}
    created = (pod.get("metadata") or {}).get("creationTimestamp", "")
    return (bool(spec.get("nodeName")), _phase_rank(pod), is_ready(pod), -_restarts(pod),
            _negate(created))


def _negate(text: str) -> tuple:
    """Newer first: invert the timestamp's characters so sort order flips."""
    return tuple(-ord(c) for c in text)
