"""The real kubectl on PATH writes to minik8s: apply (client- and server-side), diff, create, patch, edit, explain."""

from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path

import pytest
import yaml

from kubeatlas.minik8s import smp
from kubeatlas.minik8s.cluster import Cluster, ClusterConfig
from tests.mini_clients import auth_headers, kubectl_runner

KUBECTL = shutil.which("kubectl")
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl on PATH (install kubernetes-client)")

MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels: {{app: {name}}}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
      - name: web
        image: {image}
        ports:
        - containerPort: 80
        env:
        - {{name: MODE, value: {mode}}}
"""


@pytest.fixture(scope="module")
def cluster():
    cluster = Cluster(ClusterConfig(nodes=1).fast()).start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def kubectl(cluster, tmp_path_factory, pytestconfig):
    home = tmp_path_factory.mktemp("kubectl-home")
    run = kubectl_runner(KUBECTL, cluster, home, timeout=60)

    version = run("version", "-o", "json").stdout
    client = json.loads(version)["clientVersion"]["gitVersion"]
    line = f"kubectl on PATH: {KUBECTL} ran as client {client} against minik8s {cluster.url}"
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    if capture is not None and reporter is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("\n" + line)
    else:
        print(line)
    return run


def manifest(tmp_path: Path, name: str, *, image: str = "nginx:1.25", replicas: int = 2, mode: str = "a",
             extra: str = "") -> str:
    path = tmp_path / f"{name}-{image.replace(':', '-')}-{replicas}-{mode}.yaml"
    text = MANIFEST.format(name=name, image=image, replicas=replicas, mode=mode)
    path.write_text(text.replace("        image:", extra + "        image:") if extra else text)
    return str(path)


def get(cluster, path: str) -> dict:
    request = urllib.request.Request(cluster.url + path, headers=auth_headers(cluster))
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def deployment(kubectl, name: str) -> dict:
    return json.loads(kubectl("get", "deployment", name, "-o", "json").stdout)


def containers(obj: dict) -> dict[str, dict]:
    return {c["name"]: c for c in obj["spec"]["template"]["spec"]["containers"]}


def assert_no_directive_stored(cluster) -> None:
    for path in ("/apis/apps/v1/deployments", "/apis/apps/v1/replicasets", "/api/v1/pods"):
        for item in get(cluster, path)["items"]:
            assert smp.find_directives(item) == [], f"{path} {item['metadata']['name']} stores a directive"


def test_explain_reads_the_openapi_v3_schema(kubectl):
    out = kubectl("explain", "deployment.spec.template.spec.containers").stdout
    assert "KIND:       Deployment" in out and "FIELD: containers <[]Container>" in out
    for field in ("image\t<string>", "ports\t<[]ContainerPort>", "env\t<[]EnvVar>", "name\t<string> -required-"):
        assert field in out
    assert "Deployment enables declarative updates" in kubectl("explain", "deployments").stdout


def test_reapplying_a_changed_manifest_keeps_the_sidecar_and_stores_no_directive(kubectl, cluster, tmp_path):
    assert "created" in kubectl("apply", "-f", manifest(tmp_path, "shop")).stdout
    sidecar = {"spec": {"template": {"spec": {"containers": [{"name": "log", "image": "busybox"}]}}}}
    kubectl("patch", "deployment", "shop", "--type=strategic", "-p", json.dumps(sidecar))
    assert set(containers(deployment(kubectl, "shop"))) == {"web", "log"}

    out = kubectl("apply", "-f", manifest(tmp_path, "shop", image="nginx:1.26", mode="b")).stdout
    assert "configured" in out
    obj = deployment(kubectl, "shop")
    assert set(containers(obj)) == {"web", "log"}, "the sidecar another actor added must survive"
    web = containers(obj)["web"]
    assert web["image"] == "nginx:1.26" and web["env"] == [{"name": "MODE", "value": "b"}]
    assert web["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert obj["spec"]["replicas"] == 2

    kubectl("set", "image", "deployment/shop", "web=nginx:1.27")
    obj = deployment(kubectl, "shop")
    assert {n: c["image"] for n, c in containers(obj).items()} == {"web": "nginx:1.27", "log": "busybox"}
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nsed -i 's/nginx:1.27/nginx:1.28/' \"$1\"\n")
    editor.chmod(0o755)
    kubectl("edit", "deployment/shop", extra_env={"KUBE_EDITOR": str(editor), "EDITOR": str(editor)})
    obj = deployment(kubectl, "shop")
    assert {n: c["image"] for n, c in containers(obj).items()} == {"web": "nginx:1.28", "log": "busybox"}

    delete = {"spec": {"template": {"spec": {"containers": [{"name": "log", "$patch": "delete"}]}}}}
    kubectl("patch", "deployment", "shop", "--type=strategic", "-p", json.dumps(delete))
    assert set(containers(deployment(kubectl, "shop"))) == {"web"}
    assert_no_directive_stored(cluster)


def test_server_side_apply_conflicts_with_the_client_side_manager_until_forced(kubectl, tmp_path):
    kubectl("apply", "-f", manifest(tmp_path, "ssa", replicas=2))
    scaled = manifest(tmp_path, "ssa", replicas=3)
    failed = kubectl("apply", "--server-side", "-f", scaled, check=False)
    assert failed.returncode != 0
    assert 'conflict with "kubectl-client-side-apply"' in failed.stderr and ".spec.replicas" in failed.stderr
    assert deployment(kubectl, "ssa")["spec"]["replicas"] == 2

    kubectl("apply", "--server-side", "--force-conflicts", "-f", scaled)
    obj = json.loads(kubectl("get", "deployment", "ssa", "-o", "json", "--show-managed-fields").stdout)
    assert obj["spec"]["replicas"] == 3
    entries = {(e["manager"], e["operation"]): e for e in obj["metadata"]["managedFields"]}
    applied = entries[("kubectl", "Apply")]
    assert applied["fieldsType"] == "FieldsV1" and applied["time"]
    assert "f:replicas" in applied["fieldsV1"]["f:spec"]
    client_side = entries[("kubectl-client-side-apply", "Update")]
    assert "f:replicas" not in client_side["fieldsV1"]["f:spec"], "force moves the ownership"

    # an apply by a second manager that agrees on the values shares the fields without conflict
    kubectl("apply", "--server-side", "--field-manager", "team-b", "-f", scaled)
    # an apply that stops setting a field it alone owns removes it
    trimmed = tmp_path / "trimmed.yaml"
    trimmed.write_text(Path(scaled).read_text().replace("        env:\n        - {name: MODE, value: a}\n", ""))
    kubectl("apply", "--server-side", "--force-conflicts", "-f", str(trimmed))
    assert "env" in containers(deployment(kubectl, "ssa"))["web"], "team-b still owns env"


def test_server_side_apply_creates_and_then_updates(kubectl):
    doc = MANIFEST.format(name="fresh", image="nginx:1.25", replicas=1, mode="a")
    assert "serverside-applied" in kubectl("apply", "--server-side", "-f", "-", stdin=doc).stdout
    obj = json.loads(kubectl("get", "deployment", "fresh", "-o", "json", "--show-managed-fields").stdout)
    assert next((e["manager"], e["operation"]) for e in obj["metadata"]["managedFields"]) == ("kubectl", "Apply")
    kubectl("apply", "--server-side", "-f", "-", stdin=doc.replace("nginx:1.25", "nginx:1.26"))
    web = containers(deployment(kubectl, "fresh"))["web"]
    assert web["image"] == "nginx:1.26"
    assert web["ports"] == [{"containerPort": 80, "protocol": "TCP"}], "the defaulted protocol is part of the key"


def test_diff_shows_what_apply_would_change(kubectl, tmp_path):
    kubectl("apply", "-f", manifest(tmp_path, "diffed"))
    same = kubectl("diff", "-f", manifest(tmp_path, "diffed"), check=False)
    assert same.returncode == 0 and same.stdout == ""
    changed = kubectl("diff", "-f", manifest(tmp_path, "diffed", image="nginx:1.99"), check=False)
    assert changed.returncode == 1, changed.stderr
    assert "-        image: nginx:1.25" in changed.stdout and "+        image: nginx:1.99" in changed.stdout


def test_create_validates_fields_strictly_by_default_and_warns_when_asked(kubectl, tmp_path):
    typo = "        imagePullPolicyy: Always\n"
    strict = kubectl("create", "-f", manifest(tmp_path, "typo", extra=typo), check=False)
    assert strict.returncode != 0
    assert 'unknown field "spec.template.spec.containers[0].imagePullPolicyy"' in strict.stderr
    warned = kubectl("create", "--validate=warn", "-f", manifest(tmp_path, "typo", extra=typo))
    assert 'Warning: unknown field "spec.template.spec.containers[0].imagePullPolicyy"' in warned.stderr
    assert "imagePullPolicyy" not in containers(deployment(kubectl, "typo"))["web"], "unknown fields are dropped"
    assert "created" in kubectl("create", "-f", manifest(tmp_path, "plain")).stdout


QUANTITIES = """apiVersion: v1
kind: Pod
metadata: {name: sized}
spec:
  containers:
  - name: app
    image: busybox:1.36
    resources:
      requests: {cpu: "1e-3", memory: 1000000000, ephemeral-storage: 1024Mi}
      limits: {cpu: 0.5, memory: 1Gi, ephemeral-storage: 0.5Gi}
"""


def test_quantities_are_stored_and_served_in_canonical_form(kubectl):
    kubectl("apply", "-f", "-", stdin=QUANTITIES)
    served = yaml.safe_load(kubectl("get", "pod", "sized", "-o", "yaml").stdout)
    resources = served["spec"]["containers"][0]["resources"]
    assert resources["requests"] == {"cpu": "1e-3", "memory": "1G", "ephemeral-storage": "1Gi"}, resources
    assert resources["limits"] == {"cpu": "500m", "memory": "1Gi", "ephemeral-storage": "512Mi"}, resources
    same = kubectl("diff", "-f", "-", stdin=QUANTITIES, check=False)  # the server's dry run answers the same form
    assert same.returncode == 0 and same.stdout == "", same.stdout
    kubectl("patch", "pod", "sized", "--type=merge", "-p", '{"metadata": {"labels": {"size": "m"}}}')
    kubectl("create", "deployment", "sized", "--image=nginx:1.25")
    kubectl("set", "resources", "deployment", "sized", "--requests=cpu=0.25,memory=2048Mi")
    template = deployment(kubectl, "sized")["spec"]["template"]["spec"]["containers"][0]["resources"]
    assert template["requests"] == {"cpu": "250m", "memory": "2Gi"}, template
    kubectl("delete", "pod", "sized", "--grace-period=0", "--force")
    kubectl("delete", "deployment", "sized")
