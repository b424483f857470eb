"""Taints and tolerations: does a pod tolerate a node's taint, and for how long.

Mirrors k8s.io/api/core/v1 `(*Toleration).ToleratesTaint` and
k8s.io/component-helpers/scheduling/corev1/helper `TolerationsTolerateTaint` /
`FindMatchingUntoleratedTaint`, shared by the scheduler's TaintToleration plugin and the
node lifecycle controller's NoExecute eviction.
"""

from __future__ import annotations

UNREACHABLE = "node.kubernetes.io/unreachable"
NOT_READY = "node.kubernetes.io/not-ready"
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"


def tolerates(toleration: dict, taint: dict) -> bool:
    effect = toleration.get("effect")
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key")
    if key and key != taint.get("key"):
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Exists":
        return True
    if operator == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return False


def tolerated_by(tolerations: list[dict], taint: dict) -> dict | None:
    """The first toleration that tolerates taint, or None."""
    for toleration in tolerations or ():
        if tolerates(toleration, taint):
            return toleration
    return None


def untolerated(taints: list[dict], tolerations: list[dict], effects: tuple[str, ...]) -> dict | None:
    """The first taint with one of effects that no toleration covers (FindMatchingUntoleratedTaint)."""
    for taint in taints or ():
        if taint.get("effect") in effects and tolerated_by(tolerations, taint) is None:
            return taint
    return None


def eviction_delay(taints: list[dict], tolerations: list[dict]) -> float | None:
    """Seconds a pod may stay on a node with these NoExecute taints; None means forever, 0 now."""
    delays = []
    for taint in taints or ():
        if taint.get("effect") != "NoExecute":
            continue
        toleration = tolerated_by(tolerations, taint)
        if toleration is None:
            return 0.0
        seconds = toleration.get("tolerationSeconds")
        if seconds is not None:
            delays.append(max(float(seconds), 0.0))
    return min(delays) if delays else None
