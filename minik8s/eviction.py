"""The pods/eviction subresource: delete a pod only as far as its PodDisruptionBudget allows.

Mirrors pkg/registry/core/pod/storage/eviction.go (`(*EvictionREST).Create`: a pod that
`canIgnorePDB` - finished, pending or already deleting - is deleted at once; more than one
budget selecting the pod is a 500; an unready pod goes when the budget is already met;
otherwise `checkAndDecrement` refuses with 429 TooManyRequests "Cannot evict pod as it would
violate the pod's disruption budget." (with a DisruptionBudget cause naming the budget) while
disruptionsAllowed is 0 or the budget's status is behind its generation, else takes one
disruption, records the pod in status.disruptedPods and writes the budget before the pod is
deleted with the DisruptionTarget condition of `addConditionAndDeletePod`).
"""

from __future__ import annotations

from kubeatlas.minik8s import meta, status
from kubeatlas.minik8s.controllers.podstate import is_ready
from kubeatlas.minik8s.registry import Registry
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.selector import from_label_selector

POD, PDB = for_kind("v1", "Pod"), for_kind("policy/v1", "PodDisruptionBudget")
VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget."
SUCCESS = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}


def too_many_requests(cause: str, retry_after: int) -> status.ApiError:
    """errors.NewTooManyRequests with the DisruptionBudget cause."""
    return status.ApiError(429, "TooManyRequests", VIOLATION, causes=(status.Cause("", cause, "DisruptionBudget"),),
                           retry_after=retry_after)


def evict(registry: Registry, namespace: str, name: str, body: object) -> dict:
    """EvictionREST.Create (a body without kind is decoded as the URL's policy/v1 Eviction)."""
    if not isinstance(body, dict) or body.get("kind", "Eviction") != "Eviction":
        raise status.bad_request("the body of pods/eviction must be a policy/v1 Eviction")
    if (body.get("metadata") or {}).get("name", name) != name:
        raise status.bad_request("name in URL does not match name in Eviction object")
    options = body.get("deleteOptions") or {}
    if not isinstance(options, dict):
        raise status.bad_request("deleteOptions must be an object")
    pod = registry.get(POD, namespace, name)
    if _can_ignore_budgets(pod):
        return _delete(registry, pod, dict(options))
    labels = meta.labels_of(pod)
    budgets = [b for b in registry.list(PDB, namespace)[0]
               if from_label_selector((b.get("spec") or {}).get("selector")).matches(labels)]
    if len(budgets) > 1:
        raise status.ApiError(500, "", "This pod has more than one PodDisruptionBudget, which the eviction "
                              "subresource does not support.")
    if budgets:
        budget = budgets[0]
        current = budget.get("status") or {}
        unready_but_met = not is_ready(pod) and (
            (budget.get("spec") or {}).get("unhealthyPodEvictionPolicy") == "AlwaysAllow"
            or current.get("currentHealthy", 0) >= current.get("desiredHealthy", 0) > 0)
        if unready_but_met:  # the pod is no part of the healthy count: its deletion disrupts nothing
            options = {**options, "preconditions": {**(options.get("preconditions") or {}),
                                                    "resourceVersion": meta.resource_version(pod)}}
        else:
            _check_and_decrement(registry, budget, name)
    return _delete(registry, pod, dict(options))


def _can_ignore_budgets(pod: dict) -> bool:
    """canIgnorePDB."""
    phase = (pod.get("status") or {}).get("phase")
    return phase in ("Succeeded", "Failed", "Pending") or meta.is_deleting(pod)


def _check_and_decrement(registry: Registry, budget: dict, pod_name: str) -> None:
    """checkAndDecrement, retried on conflicts with the budget read again (RetryOnConflict)."""
    md = budget["metadata"]
    for _ in range(5):
        current = budget.get("status") or {}
        if current.get("observedGeneration", 0) < md.get("generation", 1):
            raise too_many_requests(f"The disruption budget {md['name']} is still being processed by the server.", 10)
        allowed = int(current.get("disruptionsAllowed", 0))
        if allowed < 0:
            raise status.forbidden("poddisruptionbudget.policy", md["name"], "pdb disruptions allowed is negative")
        if allowed == 0:
            raise too_many_requests(f"The disruption budget {md['name']} needs {current.get('desiredHealthy', 0)} "
                                    f"healthy pods and has {current.get('currentHealthy', 0)} currently", 0)

        def take_one(stored: dict, left: int = allowed - 1) -> dict:
            taken = stored.setdefault("status", {})
            taken["disruptionsAllowed"] = left
            if left == 0:  # UpdateDisruptionAllowedCondition
                meta.set_condition(taken, "DisruptionAllowed", "False", "InsufficientPods",
                                   observedGeneration=taken.get("observedGeneration", 0))
            taken.setdefault("disruptedPods", {})[pod_name] = meta.now()
            return stored
        try:
            registry.guaranteed_update(PDB, md["namespace"], md["name"], take_one, int(md["resourceVersion"]),
                                       "status")
            return
        except status.ApiError as err:
            if err.code != 409:
                raise
            budget = registry.get(PDB, md["namespace"], md["name"])
            md = budget["metadata"]
    raise status.ApiError(504, "Timeout", f'couldn\'t update PodDisruptionBudget "{md["name"]}" due to conflicts')


def _delete(registry: Registry, pod: dict, options: dict) -> dict:
    """addConditionAndDeletePod: the DisruptionTarget condition, then the delete with the Eviction's options."""
    namespace, name = meta.namespace_of(pod), meta.name_of(pod)
    if not meta.is_deleting(pod):
        def mark(current: dict) -> dict:
            meta.set_condition(current.setdefault("status", {}), "DisruptionTarget", "True", "EvictionByEvictionAPI",
                               "Eviction API: evicting")
            return current
        wanted = (options.get("preconditions") or {}).get("resourceVersion")
        updated = registry.guaranteed_update(POD, namespace, name, mark, int(wanted) if wanted else None, "status")
        if wanted:  # bump the precondition: this request made the newer version
            options["preconditions"] = {**options["preconditions"], "resourceVersion": meta.resource_version(updated)}
    registry.delete(POD, namespace, name, options)
    return SUCCESS
