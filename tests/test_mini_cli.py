"""The `mini` commands through click's runner, and once through `kubeatlas mini ...`."""

from __future__ import annotations

import json
import socket

import pytest
from click.testing import CliRunner

from kubeatlas.minik8s.cli import mini
from kubeatlas.minik8s.cluster import Cluster, ClusterConfig
from kubeatlas.minik8s.wait import poll

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
"""


@pytest.fixture(scope="module")
def cluster():
    cluster = Cluster(ClusterConfig(nodes=2).fast()).start()
    yield cluster
    cluster.stop()


@pytest.fixture
def run(cluster):
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(mini, [*args, "--kubeconfig", str(cluster.kubeconfig)], input=input)
    return invoke


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_apply_get_delete(run, tmp_path):
    manifest = tmp_path / "web.yaml"
    manifest.write_text(MANIFEST)
    first = run("apply", str(manifest))
    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == ["deployment.apps/web created", "service/web created"]
    again = run("apply", "-f", str(manifest))
    assert again.output.splitlines() == ["deployment.apps/web unchanged", "service/web unchanged"]
    manifest.write_text(MANIFEST.replace("replicas: 2", "replicas: 3"))
    assert run("apply", str(manifest)).output.splitlines()[0] == "deployment.apps/web configured"

    poll(lambda: run("get", "pods", "-o", "wide").output.count("Running") == 3, 10)
    lines = run("get", "pods", "-o", "wide").output.splitlines()
    assert lines[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE",
                                "READINESS", "GATES"]  # kubectl's -o wide columns (tables.py)
    assert len(lines) == 4 and all("1/1" in line and "10.244." in line for line in lines[1:])
    assert run("get", "deploy").output.splitlines()[1].split()[:4] == ["web", "3/3", "3", "3"]
    nodes = run("get", "nodes").output
    assert "node-1" in nodes and "Ready" in nodes
    as_json = json.loads(run("get", "svc", "web", "-o", "json").output)
    assert as_json["spec"]["clusterIP"].startswith("10.96.")
    poll(lambda: "web" in run("get", "endpoints").output, 10)  # the endpoints controller is asynchronous
    assert "web" in run("get", "endpoints", "-o", "wide").output

    deleted = run("delete", "deployment", "web")
    assert deleted.exit_code == 0 and deleted.output.strip() == 'deployment.apps "web" deleted'


ERRORS = [
    (["get", "widgets"], 'resource type "widgets"'),
    (["get", "pod", "nope"], 'Error from server (NotFound): pods "nope" not found'),
    (["apply", "/no/such/file.yaml"], "cannot read /no/such/file.yaml"),
    (["delete", "pod", "ghost"], "Error from server (NotFound)"),
]


@pytest.mark.parametrize("args, message", ERRORS, ids=[" ".join(e[0]) for e in ERRORS])
def test_errors_are_one_line_with_exit_code_2(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_bad_manifests(run, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: [unclosed")
    assert run("apply", str(bad)).exit_code == 2
    bad.write_text("apiVersion: v1\nkind: Gadget\nmetadata: {name: g}\n")
    result = run("apply", str(bad))
    assert result.exit_code == 2 and 'no matches for kind "Gadget"' in result.output
    bad.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: []}\n")
    result = run("apply", str(bad))
    assert result.exit_code == 2 and "Invalid" in result.output and "spec.containers" in result.output


def test_the_token_comes_from_the_kubeconfig_or_the_environment(cluster, monkeypatch):
    assert oct(cluster.kubeconfig.stat().st_mode & 0o777) == "0o600"
    denied = CliRunner().invoke(mini, ["get", "nodes", "--server", cluster.url])
    assert denied.exit_code == 2 and "Unauthorized" in denied.output and "--kubeconfig" in denied.output
    monkeypatch.setenv("MINIK8S_KUBECONFIG", str(cluster.kubeconfig))
    allowed = CliRunner().invoke(mini, ["get", "nodes"])
    assert allowed.exit_code == 0 and "node-1" in allowed.output
    wrong = CliRunner().invoke(mini, ["get", "nodes", "--token", "not-the-token"])
    assert wrong.exit_code == 2 and "Unauthorized" in wrong.output


def test_unreachable_server_is_a_clean_error():
    result = CliRunner().invoke(mini, ["get", "pods", "--server", f"http://127.0.0.1:{_free_port()}"])
    assert result.exit_code == 2
    assert "cannot reach the mini apiserver" in result.output and "Traceback" not in result.output


def test_up_refuses_a_busy_port():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(mini, ["up", "--port", str(port), "--nodes", "0", "--runtime", "sim"])
    assert result.exit_code == 2 and "cannot listen" in result.output and "--port" in result.output


def test_demo_narrates_each_step_with_the_real_function():
    result = CliRunner().invoke(mini, ["demo", "--replicas", "1"])
    assert result.exit_code == 0, result.output
    out = result.output
    for mirrored in ("method:k8s.io/apiserver/pkg/storage/etcd3.(*store).Create",
                     "method:k8s.io/kubernetes/pkg/controller/deployment.(*DeploymentController).syncDeployment",
                     "method:k8s.io/kubernetes/pkg/controller/replicaset.(*ReplicaSetController).manageReplicas",
                     "method:k8s.io/kubernetes/pkg/scheduler.(*Scheduler).scheduleOne",
                     "method:k8s.io/kubernetes/pkg/kubelet/kuberuntime.(*kubeGenericRuntimeManager).createPodSandbox",
                     "method:k8s.io/cri-api/pkg/apis.(ContainerManager).CreateContainer",
                     "method:k8s.io/kubernetes/pkg/proxy/iptables.(*Proxier).syncProxyRules"):
        assert mirrored in out
    order = [out.index(s) for s in ("] admit:", "sync deployment", "create pods", "schedule pod",
                                    "RunPodSandbox", "StartContainer")]
    assert order == sorted(order)
    assert "Deployment available" in out and "KUBE-SERVICES" in out


def test_through_the_kubeatlas_entry_point(cluster, capsys):
    from kubeatlas.app.cli import main

    assert main(["mini", "get", "nodes", "--server", cluster.url, "--token", cluster.token]) == 0
    assert "node-2" in capsys.readouterr().out
    assert main(["mini", "get", "nodes", "--server", cluster.url]) == 2
    assert "Unauthorized" in capsys.readouterr().err
    assert main(["mini", "get", "pods", "--server", f"http://127.0.0.1:{_free_port()}"]) == 2
    assert "cannot reach the mini apiserver" in capsys.readouterr().err
