"""The strategic merge patch engine, field sets and field validation on tables of cases, with the real schemas."""

from __future__ import annotations

import json

import pytest

from kubeatlas.minik8s import fieldpath, fieldvalidation, schema, smp
from kubeatlas.minik8s.status import ApiError

DEPLOYMENT = schema.for_kind("apps", "v1", "Deployment")
POD = schema.for_kind("", "v1", "Pod")
SERVICE = schema.for_kind("", "v1", "Service")


def deployment(containers: list[dict], **spec: object) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"replicas": 1, **spec, "template": {"spec": {"containers": containers}}}}


def containers_of(obj: dict) -> list[dict]:
    return obj["spec"]["template"]["spec"]["containers"]


WEB = {"name": "web", "image": "nginx:1.25", "ports": [{"containerPort": 80, "protocol": "TCP"}],
       "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]}
SIDECAR = {"name": "sidecar", "image": "busybox"}

CASES = [
    ("set image keeps the sidecar",
     deployment([WEB, SIDECAR]),
     {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.26"}]}}}},
     lambda o: [c["image"] for c in containers_of(o)] == ["nginx:1.26", "busybox"]
     and containers_of(o)[0]["ports"] == WEB["ports"]),
    ("kubectl apply's patch with $setElementOrder keeps the sidecar and stores no directive",
     deployment([WEB, SIDECAR]),
     {"spec": {"template": {"spec": {"$setElementOrder/containers": [{"name": "web"}],
                                     "containers": [{"name": "web", "image": "nginx:1.27"}]}}}},
     lambda o: [c["name"] for c in containers_of(o)] == ["web", "sidecar"]),
    ("$setElementOrder reorders the named elements",
     deployment([WEB, SIDECAR]),
     {"spec": {"template": {"spec": {"$setElementOrder/containers": [{"name": "sidecar"}, {"name": "web"}]}}}},
     lambda o: [c["name"] for c in containers_of(o)] == ["sidecar", "web"]),
    ("a new container is appended",
     deployment([WEB]),
     {"spec": {"template": {"spec": {"containers": [{"name": "log", "image": "fluentd"}]}}}},
     lambda o: [c["name"] for c in containers_of(o)] == ["web", "log"]),
    ("$patch: delete removes one element by its merge key",
     deployment([WEB, SIDECAR]),
     {"spec": {"template": {"spec": {"containers": [{"name": "sidecar", "$patch": "delete"}]}}}},
     lambda o: [c["name"] for c in containers_of(o)] == ["web"]),
    ("$patch: replace in a list replaces the whole list",
     deployment([WEB, SIDECAR]),
     {"spec": {"template": {"spec": {"containers": [{"name": "only", "image": "x"}, {"$patch": "replace"}]}}}},
     lambda o: containers_of(o) == [{"name": "only", "image": "x"}]),
    ("$patch: replace on a map replaces the map",
     deployment([WEB], strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}),
     {"spec": {"strategy": {"$patch": "replace", "type": "Recreate"}}},
     lambda o: o["spec"]["strategy"] == {"type": "Recreate"}),
    ("$patch: delete on a map deletes it",
     deployment([WEB], strategy={"type": "Recreate"}),
     {"spec": {"strategy": {"$patch": "delete"}}},
     lambda o: "strategy" not in o["spec"]),
    ("$retainKeys clears the fields it does not list",
     deployment([WEB], strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}),
     {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}},
     lambda o: o["spec"]["strategy"] == {"type": "Recreate"}),
    ("env merges by name; null deletes a field inside an element",
     deployment([WEB]),
     {"spec": {"template": {"spec": {"containers": [{"name": "web", "env": [{"name": "B", "value": "3"},
                                                                             {"name": "C", "value": "4"}]}]}}}},
     lambda o: containers_of(o)[0]["env"] == [{"name": "A", "value": "1"}, {"name": "B", "value": "3"},
                                              {"name": "C", "value": "4"}]),
    ("ports merge by containerPort",
     deployment([WEB]),
     {"spec": {"template": {"spec": {"containers": [{"name": "web", "ports": [{"containerPort": 443}]}]}}}},
     lambda o: [p["containerPort"] for p in containers_of(o)[0]["ports"]] == [80, 443]),
    ("command is atomic: replaced whole",
     deployment([{**WEB, "command": ["a", "b"]}]),
     {"spec": {"template": {"spec": {"containers": [{"name": "web", "command": ["c"]}]}}}},
     lambda o: containers_of(o)[0]["command"] == ["c"]),
    ("$deleteFromPrimitiveList removes values from a merged primitive list",
     {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "finalizers": ["a", "b", "c"]}},
     {"metadata": {"$deleteFromPrimitiveList/finalizers": ["b"], "finalizers": ["d"]}},
     lambda o: o["metadata"]["finalizers"] == ["a", "c", "d"]),
    ("tolerations are atomic: replaced whole",
     {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
      "spec": {"tolerations": [{"key": "a", "operator": "Exists"}], "containers": [WEB]}},
     {"spec": {"tolerations": [{"key": "b", "operator": "Exists"}]}},
     lambda o: o["spec"]["tolerations"] == [{"key": "b", "operator": "Exists"}]),
    ("service ports merge by port",
     {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
      "spec": {"ports": [{"port": 80, "targetPort": 8080}]}},
     {"spec": {"ports": [{"port": 443, "targetPort": 8443}]}},
     lambda o: [p["port"] for p in o["spec"]["ports"]] == [80, 443]),
    ("null deletes a key; labels merge as a map",
     {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"a": "1", "b": "2"}}},
     {"metadata": {"labels": {"a": None, "c": "3"}}},
     lambda o: o["metadata"]["labels"] == {"b": "2", "c": "3"}),
    ("directives inside a new element are consumed too",
     deployment([WEB]),
     {"spec": {"template": {"spec": {"containers": [{"name": "new", "env": [{"name": "X", "value": "1"}],
                                                     "$setElementOrder/env": [{"name": "X"}]}]}}}},
     lambda o: containers_of(o)[1] == {"name": "new", "env": [{"name": "X", "value": "1"}]}),
]


@pytest.mark.parametrize("name, original, patch, check", CASES, ids=[c[0] for c in CASES])
def test_strategic_merge_patch(name, original, patch, check):
    kind = {"Deployment": DEPLOYMENT, "Pod": POD, "Service": SERVICE}[original["kind"]]
    before = repr(original)
    result = smp.strategic_merge(original, patch, kind)
    assert check(result), result
    assert smp.find_directives(result) == [], "a directive key would be stored"
    assert repr(original) == before, "the original must not be modified"


@pytest.mark.parametrize("patch, message", [
    ({"spec": {"template": {"spec": {"containers": [{"image": "x"}]}}}}, "merge key"),
    ({"spec": {"$patch": "explode"}}, "Unknown patch type"),
    ({"spec": {"$bogus": 1}}, "directive"),
])
def test_bad_strategic_patches_are_400s(patch, message):
    with pytest.raises(ApiError) as err:
        smp.strategic_merge(deployment([WEB]), patch, DEPLOYMENT)
    assert err.value.code == 400 and message in err.value.message


def test_field_sets_round_trip_through_fields_v1_and_name_list_items_by_their_keys():
    obj = deployment([WEB, SIDECAR])
    obj["metadata"]["labels"] = {"app": "web"}
    fields = fieldpath.field_set(obj, DEPLOYMENT)
    assert ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"web"}', "f:image") in fields
    assert ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"web"}', "f:ports",
            'k:{"containerPort":80,"protocol":"TCP"}', ".") in fields
    assert ("f:metadata", "f:labels", ".") in fields
    assert not any(p[:2] == ("f:metadata", "f:name") for p in fields)
    assert fieldpath.from_fields_v1(fieldpath.to_fields_v1(fields)) == fields
    path = ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"sidecar"}', "f:image")
    assert fieldpath.lookup(obj, path) == "busybox"
    assert fieldpath.describe(path) == '.spec.template.spec.containers[name="sidecar"].image'


def test_unknown_fields_are_pruned_with_their_paths_and_open_objects_keep_theirs():
    obj = deployment([{**WEB, "imagePullPolicyy": "Always", "lifecycle": {"anything": {"goes": 1}}}],
                     bogus=True)
    obj["status"] = {"someFutureField": 1}
    found = fieldvalidation.prune(obj, DEPLOYMENT)
    assert found == ["spec.bogus", "spec.template.spec.containers[0].imagePullPolicyy"]
    assert "bogus" not in obj["spec"] and "imagePullPolicyy" not in containers_of(obj)[0]
    assert containers_of(obj)[0]["lifecycle"] == {"anything": {"goes": 1}}
    assert obj["status"] == {"someFutureField": 1}
    template = {"metadata": {"creationTimestamp": None, "labels": {"app": "x"}}}
    assert fieldvalidation.prune(template, schema.resolve(schema.ref("io.k8s.api.core.v1.PodTemplateSpec"))) == []
    assert template == {"metadata": {"labels": {"app": "x"}}}, "null reads as the omitted zero value"


def test_duplicate_fields_are_found_while_parsing():
    body, problems = fieldvalidation.parse(b'{"spec": {"replicas": 1, "replicas": 2}}')
    assert body == {"spec": {"replicas": 2}} and problems == ['duplicate field "replicas"']
    with pytest.raises(ApiError) as err:
        fieldvalidation.report(problems, fieldvalidation.STRICT)
    assert err.value.code == 400 and 'duplicate field "replicas"' in err.value.message


def _naive_diff(new: dict, old: dict) -> tuple[set, set]:
    """The definition: paths new sets that old did not, or leaves set to another value; paths only old sets."""
    after, before = fieldpath.field_set(new, DEPLOYMENT), fieldpath.field_set(old, DEPLOYMENT)
    changed = {p for p in after if p not in before
               or (p[-1] != "." and fieldpath.lookup(new, p) != fieldpath.lookup(old, p))}
    return changed, before - after


@pytest.mark.parametrize("change", [
    {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:9"}]}}}},
    {"spec": {"template": {"spec": {"containers": [{"name": "sidecar", "$patch": "delete"}]}}}},
    {"spec": {"template": {"spec": {"containers": [{"name": "web", "ports": [{"containerPort": 81}]}]}}}},
    {"metadata": {"labels": {"app": None, "tier": "db"}, "finalizers": ["x"]}, "spec": {"replicas": 5}},
    {"spec": {"template": {"spec": {"containers": [{"name": "web", "env": None}]}}, "paused": True}},
], ids=["image", "drop sidecar", "add port", "labels and replicas", "drop env"])
def test_the_update_diff_walks_only_what_changed_and_agrees_with_the_definition(change):
    old = deployment([WEB, SIDECAR])
    old["metadata"]["labels"] = {"app": "web"}
    new = smp.strategic_merge(old, change, DEPLOYMENT)
    assert fieldpath.diff(new, old, DEPLOYMENT) == _naive_diff(new, old)
    assert any(fieldpath.diff(new, old, DEPLOYMENT)), "something changed"


@pytest.mark.parametrize("obj", [
    {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "type": "Opaque",
     "stringData": {"a": "b"}, "data": {"c": "ZA=="}, "immutable": True},
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": "v"}, "binaryData": {}},
    {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "sa"}, "automountServiceAccountToken": False,
     "imagePullSecrets": [{"name": "registry"}]},
    {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
     "spec": {"completions": 3, "parallelism": 2, "backoffLimit": 6, "completionMode": "NonIndexed", "suspend": False,
              "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "u"}}, "manualSelector": False,
              "ttlSecondsAfterFinished": 60, "activeDeadlineSeconds": 30,
              "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}},
     "status": {"active": 1, "startTime": "2024-01-01T00:00:00Z", "uncountedTerminatedPods": {}}},
], ids=["Secret", "ConfigMap", "ServiceAccount", "Job"])
def test_the_kinds_added_alongside_keep_every_field_they_are_written_with(obj):
    group, _, version = obj["apiVersion"].rpartition("/")
    node = schema.for_kind(group, version, obj["kind"])
    copy = json.loads(json.dumps(obj))
    assert fieldvalidation.prune(copy, node) == [] and copy == obj
