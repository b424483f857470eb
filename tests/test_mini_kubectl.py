"""A learner's session with the real kubectl against an in-process minik8s (process runtime, two nodes).

The steps run in file order on one cluster. `apply`, re-`apply`, `diff` and `explain` need
the OpenAPI documents and strategic merge patch that minik8s serves from miniwrite's work.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest

from kubeatlas.minik8s.cluster import Cluster, ClusterConfig
from tests.mini_clients import eventually, kubectl_args, kubectl_runner, started_watch

KUBECTL = shutil.which("kubectl") or ("/usr/bin/kubectl" if Path("/usr/bin/kubectl").exists() else None)
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl on PATH (Debian: apt-get install "
                                "kubernetes-client); the kubectl session cannot run")

MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 2
  selector:
    matchLabels: {{app: shop}}
  template:
    metadata:
      labels: {{app: shop}}
    spec:
      containers:
      - name: web
        image: {image}
        ports:
        - containerPort: 80
      - name: sidecar
        image: busybox:1.36
        command: ["sh", "-c", "echo sidecar up; sleep 3600"]
"""


@pytest.fixture(scope="module")
def cluster():
    cluster = Cluster(ClusterConfig(nodes=2, runtime="process").fast()).start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def kubectl(cluster, tmp_path_factory):
    run = kubectl_runner(KUBECTL, cluster, tmp_path_factory.mktemp("kubectl"))
    version = run("version", check=False)
    print(f"kubectl: {KUBECTL}: {version.stdout.strip()}")  # a dispatching kubectl shows the client it picked

    return run


def table(output: str) -> tuple[list[str], list[list[str]]]:
    """kubectl's columns: headers split on runs of 2+ spaces, cells aligned under them."""
    lines = [line for line in output.splitlines() if line.strip()]
    header = lines[0]
    starts = [i for i, ch in enumerate(header) if ch != " " and (i == 0 or header[i - 2:i] == "  ")]
    bounds = list(zip(starts, [*starts[1:], None], strict=True))
    headers = [header[a:b].strip() for a, b in bounds]
    return headers, [[line[a:b].strip() for a, b in bounds] for line in lines[1:]]


def test_create_deployment_and_get_its_columns(kubectl):
    kubectl("create", "deployment", "web", "--image=nginx:1.25", "--replicas=2")
    kubectl("rollout", "status", "deployment/web", "--timeout=60s")

    def ready() -> None:
        headers, rows = table(kubectl("get", "deployments").stdout)
        assert headers == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
        assert rows[0][:4] == ["web", "2/2", "2", "2"]
    eventually(ready)
    headers, rows = table(kubectl("get", "deployment", "web", "-o", "wide").stdout)
    assert headers[5:] == ["CONTAINERS", "IMAGES", "SELECTOR"] and rows[0][5:] == ["nginx", "nginx:1.25", "app=web"]


def test_get_pods_wide_shows_ip_and_node(kubectl):
    headers, rows = table(kubectl("get", "pods", "-l", "app=web", "-o", "wide").stdout)
    assert headers == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE",
                       "READINESS GATES"]
    ips = kubectl("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].status.podIP}").stdout.split()
    assert sorted(row[5] for row in rows) == sorted(ips) and len(rows) == 2
    assert all(row[1:4] == ["1/1", "Running", "0"] and row[6].startswith("node-") for row in rows)


def test_field_selectors_take_the_fields_each_kind_supports(kubectl):
    running = kubectl("get", "pods", "-l", "app=web", "--field-selector", "status.phase=Running", "-o", "name")
    assert len(running.stdout.split()) == 2
    unknown = '"status.replicas" is not a known field selector'
    for kind, field, message in (("pods", "spec.foo=bar", "field label not supported: spec.foo"),
                                 ("deployments", "status.replicas=2", unknown)):
        done = kubectl("get", kind, "--field-selector", field, check=False)
        assert done.returncode == 1 and message in done.stderr, done.stderr


def test_set_image_rollout_status_and_undo(kubectl):
    image = "jsonpath={.spec.template.spec.containers[0].image}"
    kubectl("set", "image", "deployment/web", "nginx=nginx:1.26")
    kubectl("rollout", "status", "deployment/web", "--timeout=60s")
    assert kubectl("get", "deployment", "web", "-o", image).stdout == "nginx:1.26"
    kubectl("rollout", "undo", "deployment/web")
    kubectl("rollout", "status", "deployment/web", "--timeout=60s")
    assert kubectl("get", "deployment", "web", "-o", image).stdout == "nginx:1.25"
    headers, rows = table(kubectl("get", "replicasets", "-l", "app=web").stdout)
    assert headers == ["NAME", "DESIRED", "CURRENT", "READY", "AGE"] and len(rows) == 2


def test_rollout_history_shows_change_causes_and_undo_makes_a_new_revision(kubectl):
    def history() -> list[list[str]]:
        lines = kubectl("rollout", "history", "deployment/hist").stdout.splitlines()
        return [line.split(None, 1) for line in lines[2:] if line.strip()]
    kubectl("create", "deployment", "hist", "--image=nginx:1.25")
    kubectl("annotate", "deployment/hist", "kubernetes.io/change-cause=first")
    kubectl("rollout", "status", "deployment/hist", "--timeout=60s")
    kubectl("set", "image", "deployment/hist", "nginx=nginx:1.26")
    kubectl("annotate", "deployment/hist", "kubernetes.io/change-cause=to 1.26", "--overwrite")
    kubectl("rollout", "status", "deployment/hist", "--timeout=60s")
    eventually(lambda: _equal(history(), [["1", "first"], ["2", "to 1.26"]]))
    kubectl("rollout", "undo", "deployment/hist", "--to-revision=1")
    kubectl("rollout", "status", "deployment/hist", "--timeout=60s")
    eventually(lambda: _equal(history(), [["2", "to 1.26"], ["3", "first"]]))  # revision 1 became 3
    revision = "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}"
    assert kubectl("get", "deployment", "hist", "-o", revision).stdout == "3"
    kubectl("delete", "deployment", "hist")


def _equal(actual, expected) -> None:
    assert actual == expected


def test_describe_shows_the_events_components_recorded(kubectl):
    described = kubectl("describe", "deployment", "web").stdout
    assert "ScalingReplicaSet" in described and "deployment-controller" in described
    pod = kubectl("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].metadata.name}").stdout
    described = kubectl("describe", "pod", pod).stdout
    events = [line.split()[1] for line in described.split("Events:")[1].splitlines()[3:] if line.strip()]
    assert "Scheduled" in events, described
    story = ["Pulling", "Pulled", "Created", "Started"]  # the kubelet's, in the order they happened
    kubelet = [e for e in events if e in story]
    assert kubelet in (story, story[1:]), described  # Pulling only when the image is new


def test_create_job_and_read_its_logs(kubectl):
    kubectl("create", "job", "hello", "--image=busybox:1.36", "--", "sh", "-c", "echo hello from a job")
    kubectl("wait", "--for=condition=complete", "job/hello", "--timeout=60s")
    headers, rows = table(kubectl("get", "jobs").stdout)
    assert headers == ["NAME", "COMPLETIONS", "DURATION", "AGE"] and rows[0][:2] == ["hello", "1/1"]
    assert kubectl("logs", "job/hello").stdout == "hello from a job\n"
    assert "Completed" in kubectl("describe", "job", "hello").stdout


def test_logs_keep_each_lines_time_for_timestamps_since_and_limit_bytes(kubectl):
    # stdout's first line half a second before stderr's, so the log's first bytes are "fir"
    kubectl("run", "talker", "--image=busybox:1.36", "--", "sh", "-c",
            "echo first; sleep 0.5; echo oops >&2; sleep 4; echo later; sleep 3600")
    try:
        eventually(lambda: _equal(kubectl("logs", "talker").stdout.splitlines()[-1:], ["later"]))
        since = kubectl("logs", "talker", "--since=3s").stdout  # first and oops are 4 s old
        stamped = [line.split(" ", 1)
                   for line in kubectl("logs", "talker", "--timestamps").stdout.splitlines()]
        assert since == "later\n" and [text for _, text in stamped] == ["first", "oops", "later"]
        when = {text: datetime.fromisoformat(stamp[:26] + "+00:00") for stamp, text in stamped}
        assert (when["later"] - when["first"]).total_seconds() >= 3.5  # stamped when written
        later = when["later"].strftime("%Y-%m-%dT%H:%M:%SZ")
        assert kubectl("logs", "talker", f"--since-time={later}").stdout == "later\n"
        assert kubectl("logs", "talker", "--limit-bytes=3").stdout == "fir"
    finally:  # a failure here leaves no pod behind for the next test
        kubectl("delete", "pod", "talker", "--grace-period=0", "--force")


def test_limits_alone_are_requests_so_the_scheduler_counts_them(kubectl):
    for name in ("big-1", "big-2", "big-3"):  # 3 CPUs each, two nodes of 4
        container = {"name": name, "image": "busybox:1.36", "resources": {"limits": {"cpu": "3"}}}
        kubectl("run", name, "--image=busybox:1.36", "--overrides", json.dumps({"spec": {"containers": [container]}}))
    resources = "jsonpath={.spec.containers[0].resources.requests.cpu} {.status.qosClass}"
    assert kubectl("get", "pod", "big-1", "-o", resources).stdout == "3 Burstable"
    phases = "jsonpath={range .items[*]}{.status.phase} {end}"
    eventually(lambda: _equal(sorted(kubectl("get", "pods", "-l", "run", "-o", phases).stdout.split()),
                              ["Pending", "Running", "Running"]))
    kubectl("delete", "pod", "big-1", "big-2", "big-3", "--grace-period=0", "--force")
    families = "jsonpath={.spec.ipFamilyPolicy} {.spec.ipFamilies} {.spec.internalTrafficPolicy}"
    assert kubectl("get", "service", "kubernetes", "-o", families).stdout == 'SingleStack ["IPv4"] Cluster'


def test_a_deleted_namespace_is_terminating_until_its_pods_are_gone(kubectl):
    kubectl("create", "namespace", "doomed")
    stubborn = {"terminationGracePeriodSeconds": 3, "containers": [{"name": "stubborn", "image": "busybox:1.36",
                "command": ["sh", "-c", "trap '' TERM; while true; do sleep 1; done"]}]}
    kubectl("-n", "doomed", "run", "stubborn", "--image=busybox:1.36", "--overrides", json.dumps({"spec": stubborn}))
    kubectl("-n", "doomed", "wait", "--for=condition=Ready", "pod/stubborn", "--timeout=30s")
    kubectl("delete", "namespace", "doomed", "--wait=false")
    assert kubectl("get", "namespace", "doomed", "--no-headers").stdout.split()[:2] == ["doomed", "Terminating"]
    refused = kubectl("-n", "doomed", "create", "configmap", "late", check=False)
    assert refused.returncode == 1 and ('configmaps "late" is forbidden: unable to create new content in namespace '
                                        "doomed because it is being terminated") in refused.stderr, refused.stderr
    assert kubectl("-n", "doomed", "get", "pod", "stubborn", "--no-headers").stdout.split()[2] == "Terminating"
    kubectl("wait", "--for=delete", "namespace/doomed", "--timeout=30s")
    assert "doomed" not in kubectl("get", "pods", "-A").stdout


def test_a_namespace_held_by_another_finalizer_is_freed_through_namespaces_finalize(kubectl, cluster, tmp_path):
    kubectl("apply", "-f", "-", stdin=json.dumps({"apiVersion": "v1", "kind": "Namespace", "metadata": {
        "name": "held"}, "spec": {"finalizers": ["example.com/held"]}}))
    assert json.loads(kubectl("get", "namespace", "held", "-o", "jsonpath={.spec.finalizers}").stdout) == \
        ["example.com/held", "kubernetes"]  # namespaceStrategy.PrepareForCreate adds kubernetes
    kubectl("delete", "namespace", "held", "--wait=false")
    eventually(lambda: _assert_equal(kubectl("get", "namespace", "held", "-o", "jsonpath={.spec.finalizers}").stdout,
                                     '["example.com/held"]'))  # the namespace controller removed its own only
    kubectl("label", "namespace", "held", "still=here")  # an update while terminating does not delete it
    kubectl("patch", "namespace", "held", "-p", '{"spec":{"finalizers":[]}}')  # the main resource keeps them
    held = json.loads(kubectl("get", "namespace", "held", "-o", "json").stdout)
    assert (held["status"]["phase"], held["spec"]["finalizers"]) == ("Terminating", ["example.com/held"]), held
    held["spec"]["finalizers"] = ["bogus"]
    (tmp_path / "bogus.json").write_text(json.dumps(held))
    refused = kubectl("replace", "--raw", "/api/v1/namespaces/held/finalize", "-f", str(tmp_path / "bogus.json"),
                      check=False)
    assert 'The Namespace "held" is invalid: spec.finalizers[0]: Invalid value: "bogus": name is neither a ' \
           "standard finalizer name nor is it fully qualified" in refused.stderr, refused.stderr
    held["spec"]["finalizers"] = []
    (tmp_path / "held.json").write_text(json.dumps(held))
    kubectl("replace", "--raw", "/api/v1/namespaces/held/finalize", "-f", str(tmp_path / "held.json"))
    gone = kubectl("get", "namespace", "held", check=False)
    assert 'namespaces "held" not found' in gone.stderr, gone.stderr
    refused = kubectl("get", "--raw", "/api/v1/namespaces/default/finalize", check=False)
    assert "MethodNotAllowed" in refused.stderr, refused.stderr

    from kubernetes import client as k8s

    from tests.mini_clients import k8s_configuration
    core = k8s.CoreV1Api(k8s.ApiClient(k8s_configuration(cluster)))
    core.create_namespace(k8s.V1Namespace(metadata=k8s.V1ObjectMeta(name="held2"),
                                          spec=k8s.V1NamespaceSpec(finalizers=["example.com/held"])))
    core.delete_namespace("held2")
    eventually(lambda: _assert_equal(core.read_namespace("held2").spec.finalizers, ["example.com/held"]))
    namespace = core.read_namespace("held2")
    namespace.spec.finalizers = []
    answer = core.replace_namespace_finalize("held2", namespace)
    assert answer.metadata.name == "held2" and not answer.spec.finalizers
    assert "held2" not in [n.metadata.name for n in core.list_namespace().items]


def _assert_equal(got, wanted) -> None:
    assert got == wanted, got


def test_create_configmap_and_secret(kubectl):
    kubectl("create", "configmap", "settings", "--from-literal=mode=fast", "--from-literal=level=3")
    kubectl("create", "secret", "generic", "creds", "--from-literal=password=s3cret")
    headers, rows = table(kubectl("get", "configmap", "settings").stdout)
    assert headers == ["NAME", "DATA", "AGE"] and rows[0][:2] == ["settings", "2"]
    headers, rows = table(kubectl("get", "secret", "creds").stdout)
    assert headers == ["NAME", "TYPE", "DATA", "AGE"] and rows[0][:3] == ["creds", "Opaque", "1"]
    encoded = kubectl("get", "secret", "creds", "-o", "jsonpath={.data.password}").stdout
    assert encoded == "czNjcmV0"  # base64 of s3cret
    assert table(kubectl("get", "serviceaccounts").stdout)[1][0][0] == "default"


def test_get_all_lists_the_all_category(kubectl):
    output = kubectl("get", "all").stdout
    for name in ("service/kubernetes", "deployment.apps/web", "job.batch/hello", "pod/web-"):
        assert name in output, output
    assert "replicaset.apps/web-" in output and "configmap" not in output


def test_get_watch_receives_table_rows(kubectl, cluster, tmp_path):
    watcher = started_watch([KUBECTL, *kubectl_args(cluster), "--cache-dir", str(tmp_path), "get", "configmaps",
                             "-w", "--request-timeout=4s"],
                            env={"KUBECONFIG": "/dev/null", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    kubectl("create", "configmap", "late", "--from-literal=a=b")
    out, _ = watcher.communicate(timeout=30)
    headers, rows = table(out)
    assert headers == ["NAME", "DATA", "AGE"] and ["late", "1"] in [row[:2] for row in rows]


def test_describe_node_shows_the_kubelets_conditions(kubectl):
    described = kubectl("describe", "node", "node-1").stdout
    rows = described.split("Conditions:")[1].split("Addresses:")[0].splitlines()[3:]
    assert [row.split()[:2] for row in rows if row.strip()] == [
        ["MemoryPressure", "False"], ["DiskPressure", "False"], ["PIDPressure", "False"], ["Ready", "True"]]
    assert "KubeletHasSufficientMemory" in described and "kubelet is posting ready status" in described


def test_get_pods_watch_shows_container_creating_and_a_stopped_terminating_pod(kubectl):
    watcher = started_watch([*kubectl.argv, "get", "pods", "-l", "app=watched", "-w", "--request-timeout=12s"],
                            env=kubectl.env)
    kubectl("create", "deployment", "watched", "--image=busybox:1.36", "--", "sleep", "3600")
    kubectl("rollout", "status", "deployment/watched", "--timeout=60s")
    first = kubectl("get", "pods", "-l", "app=watched", "-o", "jsonpath={.items[0].metadata.name}").stdout
    kubectl("delete", "pod", first, "--wait=true", "--timeout=30s")
    out, _ = watcher.communicate(timeout=30)
    rows = [line.split()[:3] for line in out.splitlines() if line.startswith(first + " ")]  # each row its own widths
    statuses = [status for _, _, status in rows]
    assert statuses.index("ContainerCreating") < statuses.index("Running"), rows  # as SyncPod's first status says
    assert ["0/1", "Terminating"] in [row[1:] for row in rows], rows  # its container stopped before the delete
    kubectl("delete", "deployment", "watched")


def test_drain_evicts_pods_to_the_other_node(kubectl):
    nodes = kubectl("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.nodeName}").stdout.split()
    victim = nodes[0]
    drained = kubectl("drain", victim, "--ignore-daemonsets", "--force", "--timeout=60s")
    assert "evicting pod" in drained.stderr + drained.stdout and f"node/{victim} drained" in drained.stdout
    assert "SchedulingDisabled" in kubectl("get", "node", victim).stdout

    def moved() -> None:
        where = kubectl("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.nodeName}").stdout.split()
        assert len(where) == 2 and victim not in where
    eventually(moved)
    kubectl("uncordon", victim)


def test_exec_runs_a_command_beside_the_container(kubectl):
    pod = kubectl("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].metadata.name}").stdout
    done = kubectl("exec", pod, "--", "sh", "-c", "echo out; echo err >&2; exit 3", check=False)
    assert (done.returncode, done.stdout) == (3, "out\n") and "err" in done.stderr  # SPDY/3.1, exit code kept
    assert kubectl("exec", "-i", pod, "--", "cat", stdin="typed in\n").stdout == "typed in\n"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_port_forward_reaches_a_port_of_the_pod(kubectl):
    pod_port, local_port = _free_port(), _free_port()
    kubectl("run", "pyweb", "--image=python:3.11", "--command", "--", sys.executable, "-m", "http.server",
            str(pod_port), "--bind", "127.0.0.1")
    kubectl("wait", "--for=condition=Ready", "pod/pyweb", "--timeout=60s")
    forward = subprocess.Popen([*kubectl.argv, "port-forward", "pod/pyweb", f"{local_port}:{pod_port}"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=kubectl.env)
    try:
        assert "Forwarding from" in forward.stdout.readline()

        def fetched() -> bytes:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{local_port}/", timeout=5) as response:
                    return response.read()
            except OSError as exc:
                raise AssertionError(f"not reachable yet: {exc}") from None
        assert b"Directory listing" in eventually(fetched)
    finally:
        forward.terminate()
        forward.wait(timeout=10)
    kubectl("delete", "pod", "pyweb", "--grace-period=0", "--force")


def test_delete_deployment_removes_its_pods(kubectl):
    kubectl("delete", "deployment", "web", "--wait=true", "--timeout=60s")
    eventually(lambda: _no_pods(kubectl, "app=web"))


def _no_pods(kubectl, selector: str) -> None:
    assert kubectl("get", "pods", "-l", selector, "-o", "name").stdout.strip() == ""


# -- steps that need OpenAPI and strategic merge patch (miniwrite) ------------------------
def test_apply_and_reapply_keeps_the_sidecar(kubectl, tmp_path):
    manifest = tmp_path / "shop.yaml"
    manifest.write_text(MANIFEST.format(image="nginx:1.25"))
    kubectl("apply", "-f", str(manifest))
    kubectl("rollout", "status", "deployment/shop", "--timeout=60s")
    manifest.write_text(MANIFEST.format(image="nginx:1.26"))
    kubectl("apply", "-f", str(manifest))
    kubectl("rollout", "status", "deployment/shop", "--timeout=60s")
    names = kubectl("get", "deployment", "shop", "-o", "jsonpath={.spec.template.spec.containers[*].name}").stdout
    images = kubectl("get", "deployment", "shop", "-o", "jsonpath={.spec.template.spec.containers[*].image}").stdout
    assert names.split() == ["web", "sidecar"] and images.split() == ["nginx:1.26", "busybox:1.36"]
    assert "$setElementOrder" not in kubectl("get", "deployment", "shop", "-o", "json").stdout
    pod = kubectl("get", "pods", "-l", "app=shop", "-o", "jsonpath={.items[0].metadata.name}").stdout
    eventually(lambda: _logged(kubectl, pod, "sidecar", "sidecar up\n"))


def _logged(kubectl, pod: str, container: str, text: str) -> None:
    assert kubectl("logs", pod, "-c", container).stdout == text


def test_diff_shows_a_changed_manifest(kubectl, tmp_path):
    manifest = tmp_path / "shop.yaml"
    manifest.write_text(MANIFEST.format(image="nginx:1.27"))
    done = kubectl("diff", "-f", str(manifest), check=False)
    assert done.returncode == 1, done.stderr  # 1: differences found
    removed = [line for line in done.stdout.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in done.stdout.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert any("image: nginx:1.26" in line for line in removed), done.stdout
    assert any("image: nginx:1.27" in line for line in added), done.stdout


def test_explain_describes_a_field(kubectl):
    explained = kubectl("explain", "deployment.spec.replicas").stdout
    assert "KIND:" in explained and "replicas" in explained
