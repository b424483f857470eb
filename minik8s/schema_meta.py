"""Schemas of the shared meta types: ObjectMeta, ListMeta, owner references, managed fields, selectors, scalars.

Mirrors k8s.io/apimachinery/pkg/apis/meta/v1 types.go (`ObjectMeta`, `OwnerReference`,
`ManagedFieldsEntry`, `LabelSelector`) and the custom OpenAPI types of
k8s.io/apimachinery/pkg/api/resource (`Quantity.OpenAPISchemaType`) and pkg/util/intstr.
"""

from __future__ import annotations

from kubeatlas.minik8s.schema import (
    META,
    Schema,
    any_value,
    array,
    boolean,
    define,
    integer,
    ref,
    string,
    string_map,
    strings,
    struct,
    time,
)

define("io.k8s.apimachinery.pkg.api.resource.Quantity", Schema(
    "string", "Quantity is a fixed-point number such as 100m, 1Gi or 2.", "quantity"))
define("io.k8s.apimachinery.pkg.util.intstr.IntOrString", Schema(
    "string", "IntOrString holds an int32 or a string.", "int-or-string"))
define(META + "Time", Schema("string", "Time is an RFC 3339 timestamp, in UTC.", "date-time"))
define(META + "MicroTime", Schema("string", "MicroTime is an RFC 3339 timestamp with microseconds.",
                                  "date-time"))
define(META + "FieldsV1", Schema("object", "FieldsV1 stores a set of fields in a trie-shaped JSON object.",
                                 open=True))

define(META + "OwnerReference", struct(
    "OwnerReference names an object that owns this one; the garbage collector deletes dependents "
    "whose owners are gone.", {
        "apiVersion": string("API version of the referent."),
        "kind": string("Kind of the referent."),
        "name": string("Name of the referent."),
        "uid": string("UID of the referent."),
        "controller": boolean("If true, this reference points to the managing controller."),
        "blockOwnerDeletion": boolean("If true, the owner cannot be deleted from storage until this "
                                      "reference is removed (foreground deletion)."),
    }, required=("apiVersion", "kind", "name", "uid")))

define(META + "ManagedFieldsEntry", struct(
    "ManagedFieldsEntry records the fields a workflow (a field manager) has set, for server-side apply.", {
        "manager": string("Name of the workflow managing these fields."),
        "operation": string("Apply or Update: the kind of operation that set the fields.",
                            enum=("Apply", "Update")),
        "apiVersion": string("Version of the resource the field set applies to."),
        "time": time("When the fields were last changed by this manager."),
        "fieldsType": string("Format of the field set; only FieldsV1."),
        "fieldsV1": ref(META + "FieldsV1", "The set of fields, in FieldsV1 format."),
        "subresource": string("The subresource written through, if any (status, scale)."),
    }))

define(META + "ObjectMeta", struct(
    "ObjectMeta is the metadata every persisted resource has.", {
        "name": string("Name is unique within a namespace; required when creating, unless generateName is set."),
        "generateName": string("Prefix the server uses to generate a unique name when name is empty."),
        "namespace": string("Namespace the object belongs to; empty for cluster-scoped objects."),
        "uid": string("UID is unique in time and space; set by the server."),
        "resourceVersion": string("Opaque version of this object, for optimistic concurrency and watch."),
        "generation": integer("Sequence number of the desired state; set by the system.", "int64"),
        "creationTimestamp": time("When the object was created; set by the server."),
        "deletionTimestamp": time("When the object will be deleted; set when deletion is requested."),
        "deletionGracePeriodSeconds": integer("Seconds allowed for graceful termination.", "int64"),
        "labels": string_map("Map of string keys and values used to organize and select objects."),
        "annotations": string_map("Unstructured key value map for tools and extensions."),
        "ownerReferences": array(ref(META + "OwnerReference"), "Objects this object depends on.",
                                 key="uid", keys=("uid",)),
        "finalizers": strings("Entries that must be empty before the object is removed from storage.",
                              list_type="set", strategy="merge"),
        "managedFields": array(ref(META + "ManagedFieldsEntry"), "Which field manager set which fields "
                               "(server-side apply bookkeeping)."),
        "selfLink": string("Deprecated; not set."),
    }))

define(META + "ListMeta", struct("ListMeta is the metadata of a list.", {
    "resourceVersion": string("The store revision the list was read at."),
    "continue": string("Token to fetch the next page, if any."),
    "remainingItemCount": integer("Items left after this page, if known.", "int64"),
    "selfLink": string("Deprecated; not set."),
}))

define(META + "LabelSelectorRequirement", struct(
    "A selector requirement: a key, an operator and values.", {
        "key": string("The label key the selector applies to."),
        "operator": string("In, NotIn, Exists or DoesNotExist."),
        "values": strings("Values for In and NotIn; empty for Exists and DoesNotExist."),
    }, required=("key", "operator")))

define(META + "LabelSelector", struct(
    "A label query over a set of resources; matchLabels and matchExpressions are ANDed.", {
        "matchLabels": string_map("Map of {key,value} pairs, each equal to an In requirement."),
        "matchExpressions": array(ref(META + "LabelSelectorRequirement"), "Label selector requirements."),
    }))

define(META + "Status", struct("Status is the result of an operation that returns no object.", {
    "apiVersion": string(), "kind": string(), "metadata": ref(META + "ListMeta"),
    "status": string("Success or Failure."), "message": string(), "reason": string(),
    "details": any_value(), "code": integer(),
}))
