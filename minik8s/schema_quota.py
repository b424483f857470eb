"""Schema of the core/v1 ResourceQuota kind: spec.hard, scopes and scopeSelector; status.hard and used.

Mirrors k8s.io/api/core/v1 types.go (`ResourceQuotaSpec`, `ScopeSelector`,
`ScopedResourceSelectorRequirement`, `ResourceQuotaStatus`).
"""

from __future__ import annotations

from kubeatlas.minik8s.schema import array, define, define_kind, kind, quantity_map, ref, string, strings, struct

V1 = "io.k8s.api.core.v1."
SCOPES = ("BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating", "PriorityClass",
          "Terminating")

define(V1 + "ScopedResourceSelectorRequirement", struct(
    "A selector that contains values, a scope name, and an operator that relates the scope name and values.", {
        "scopeName": string("The name of the scope that the selector applies to.", enum=SCOPES),
        "operator": string("Represents a scope's relationship to a set of values.",
                           enum=("DoesNotExist", "Exists", "In", "NotIn")),
        "values": strings("An array of string values; empty for Exists and DoesNotExist."),
    }, required=("scopeName", "operator")))

define(V1 + "ScopeSelector", struct("A scope selector: the AND of its scoped-resource selector requirements.", {
    "matchExpressions": array(ref(V1 + "ScopedResourceSelectorRequirement"),
                              "A list of scope selector requirements by scope of the resources."),
}))

define(V1 + "ResourceQuotaSpec", struct("ResourceQuotaSpec defines the desired hard limits to enforce for Quota.", {
    "hard": quantity_map("The set of desired hard limits for each named resource."),
    "scopes": strings("A collection of filters that must match each object tracked by a quota."),
    "scopeSelector": ref(V1 + "ScopeSelector", "A collection of filters like scopes, as expressions."),
}))

define(V1 + "ResourceQuotaStatus", struct("ResourceQuotaStatus defines the enforced hard limits and observed use.", {
    "hard": quantity_map("The set of enforced hard limits for each named resource."),
    "used": quantity_map("The current observed total usage of the resource in the namespace."),
}))

define_kind(V1 + "ResourceQuota", kind(
    "", "v1", "ResourceQuota", "ResourceQuota sets aggregate quota restrictions enforced per namespace",
    V1 + "ResourceQuotaSpec", V1 + "ResourceQuotaStatus"))
