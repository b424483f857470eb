"""Schemas of the rbac.authorization.k8s.io/v1 kinds: Role, ClusterRole, RoleBinding, ClusterRoleBinding.

Mirrors k8s.io/api/rbac/v1 types.go (`PolicyRule`, `Subject`, `RoleRef`, `AggregationRule`; rules and
subjects are atomic lists, roleRef is required), so `kubectl explain role.rules` answers and a
misspelt field in a Role (`verb:` for `verbs:`) is an unknown field under fieldValidation=Strict.
"""

from __future__ import annotations

from kubeatlas.minik8s.schema import META, array, define, define_kind, kind, ref, string, strings, struct

RBAC = "io.k8s.api.rbac.v1."
GROUP = "rbac.authorization.k8s.io"

define(RBAC + "PolicyRule", struct("PolicyRule holds information that describes a policy rule, but does not "
                                   "contain information about who the rule applies to or which namespace the "
                                   "rule applies to.", {
    "verbs": strings("Verbs is a list of Verbs that apply to ALL the ResourceKinds contained in this rule. '*' "
                     "represents all verbs."),
    "apiGroups": strings("APIGroups is the name of the APIGroup that contains the resources. \"\" represents the "
                         "core API group and \"*\" represents all API groups."),
    "resources": strings("Resources is a list of resources this rule applies to. '*' represents all resources."),
    "resourceNames": strings("ResourceNames is an optional white list of names that the rule applies to. An empty "
                             "set means that everything is allowed."),
    "nonResourceURLs": strings("NonResourceURLs is a set of partial urls that a user should have access to. *s are "
                               "allowed, but only as the full, final step in the path."),
}, required=("verbs",)))

define(RBAC + "Subject", struct("Subject contains a reference to the object or user identities a role binding "
                                "applies to.", {
    "kind": string("Kind of object being referenced: \"User\", \"Group\", and \"ServiceAccount\"."),
    "apiGroup": string("APIGroup holds the API group of the referenced subject. Defaults to \"\" for "
                       "ServiceAccount subjects and \"rbac.authorization.k8s.io\" for User and Group subjects."),
    "name": string("Name of the object being referenced."),
    "namespace": string("Namespace of the referenced object (for a ServiceAccount)."),
}, required=("kind", "name")))

define(RBAC + "RoleRef", struct("RoleRef contains information that points to the role being used.", {
    "apiGroup": string("APIGroup is the group for the resource being referenced."),
    "kind": string("Kind is the type of resource being referenced."),
    "name": string("Name is the name of resource being referenced."),
}, required=("apiGroup", "kind", "name")))

define(RBAC + "AggregationRule", struct("AggregationRule describes how to locate ClusterRoles to aggregate into "
                                        "the ClusterRole.", {
    "clusterRoleSelectors": array(ref(META + "LabelSelector"), "A list of selectors which will be used to find "
                                  "ClusterRoles and create the rules."),
}))

RULES = array(ref(RBAC + "PolicyRule"), "Rules holds all the PolicyRules for this Role.")
SUBJECTS = array(ref(RBAC + "Subject"), "Subjects holds references to the objects the role applies to.")
ROLE_REF = ref(RBAC + "RoleRef", "RoleRef can reference a Role in the current namespace or a ClusterRole in the "
               "global namespace. This field is immutable.")

define_kind(RBAC + "Role", kind(GROUP, "v1", "Role", "Role is a namespaced, logical grouping of PolicyRules that "
                                "can be referenced as a unit by a RoleBinding.", None, None, rules=RULES))
define_kind(RBAC + "ClusterRole", kind(
    GROUP, "v1", "ClusterRole", "ClusterRole is a cluster level, logical grouping of PolicyRules that can be "
    "referenced as a unit by a RoleBinding or ClusterRoleBinding.", None, None, rules=RULES,
    aggregationRule=ref(RBAC + "AggregationRule", "AggregationRule is an optional field that describes how to "
                        "build the Rules for this ClusterRole.")))
define_kind(RBAC + "RoleBinding", kind(
    GROUP, "v1", "RoleBinding", "RoleBinding references a role, but does not contain it.", None, None,
    subjects=SUBJECTS, roleRef=ROLE_REF))
define_kind(RBAC + "ClusterRoleBinding", kind(
    GROUP, "v1", "ClusterRoleBinding", "ClusterRoleBinding references a ClusterRole, but not contain it.", None,
    None, subjects=SUBJECTS, roleRef=ROLE_REF))
