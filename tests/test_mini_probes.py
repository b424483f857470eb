"""Probes and restarts seen through the real kubectl (process runtime).

A readiness probe gates a pod's Ready condition, the Deployment's availability and the
Service's endpoints; a failed liveness probe restarts the container; `describe` shows the
defaulted probe and the kubelet's Unhealthy events. A crashing container restarts at once the
first time, then waits in CrashLoopBackOff (10 s, doubling), as the kubelet's doBackOff does.
"""

from __future__ import annotations

import json
import socket
import sys
import time
from dataclasses import replace

import pytest

from kubeatlas.minik8s.cluster import Cluster, ClusterConfig
from tests.mini_clients import kubectl_runner
from tests.test_mini_kubectl import KUBECTL, eventually

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl on PATH; the probe session cannot run")

GATED = """apiVersion: apps/v1
kind: Deployment
metadata: {name: gated}
spec:
  replicas: 2
  selector: {matchLabels: {app: gated}}
  template:
    metadata: {labels: {app: gated}}
    spec:
      containers:
      - name: app
        image: busybox:1.36
        command: ["sh", "-c", "sleep 3; touch ready; sleep 3600"]
        readinessProbe:
          exec: {command: ["test", "-f", "ready"]}
          periodSeconds: 1
---
apiVersion: v1
kind: Service
metadata: {name: gated}
spec:
  selector: {app: gated}
  ports: [{port: 80}]
"""

LIVE = """apiVersion: v1
kind: Pod
metadata: {name: live}
spec:
  containers:
  - name: web
    image: python:3.11
    command: ["%s", "-m", "http.server", "%d", "--bind", "127.0.0.1"]
    ports: [{name: http, containerPort: %d}]
    readinessProbe:
      httpGet: {path: /, port: http}
      periodSeconds: 1
    livenessProbe:
      httpGet: {path: /healthz, port: %d}
      initialDelaySeconds: 1
      periodSeconds: 1
      failureThreshold: 2
"""


@pytest.fixture(scope="module")
def kubectl(tmp_path_factory):
    cluster = Cluster(ClusterConfig(nodes=1, runtime="process").fast()).start()
    yield kubectl_runner(KUBECTL, cluster, tmp_path_factory.mktemp("kubectl"))
    cluster.stop()


def _ready_column(kubectl, selector: str) -> list[str]:
    return kubectl("get", "pods", "-l", selector, "-o", "jsonpath={.items[*].status.containerStatuses[0].ready}"
                   ).stdout.split()


def _endpoints(kubectl, name: str) -> tuple[int, int]:
    subsets = json.loads(kubectl("get", "endpoints", name, "-o", "json").stdout).get("subsets") or []
    return (sum(len(s.get("addresses") or ()) for s in subsets),
            sum(len(s.get("notReadyAddresses") or ()) for s in subsets))


def _equal(actual, expected) -> None:
    assert actual == expected, actual


def test_a_readiness_probe_gates_ready_endpoints_and_the_rollout(kubectl, tmp_path):
    manifest = tmp_path / "gated.yaml"
    manifest.write_text(GATED)
    kubectl("apply", "-f", str(manifest))
    eventually(lambda: _equal(_ready_column(kubectl, "app=gated"), ["false", "false"]), 10)
    assert _endpoints(kubectl, "gated") == (0, 2)  # running, but not ready: not a backend yet
    kubectl("rollout", "status", "deployment/gated", "--timeout=60s")
    assert _ready_column(kubectl, "app=gated") == ["true", "true"]
    eventually(lambda: _equal(_endpoints(kubectl, "gated"), (2, 0)))
    pod = kubectl("get", "pods", "-l", "app=gated", "-o", "jsonpath={.items[0].metadata.name}").stdout
    described = kubectl("describe", "pod", pod).stdout
    assert "exec [test -f ready] delay=0s timeout=1s period=1s #success=1 #failure=3" in described, described
    assert "Readiness probe failed" in described and "Unhealthy" in described

    kubectl("exec", pod, "--", "rm", "ready")  # the probe starts failing: out of the Service after 3 failures
    eventually(lambda: _equal(_endpoints(kubectl, "gated"), (1, 1)), 20)
    headers = kubectl("get", "pod", pod, "--no-headers").stdout.split()
    assert headers[1:3] == ["0/1", "Running"], headers
    kubectl("delete", "-f", str(manifest))


def test_a_failed_liveness_probe_restarts_the_container(kubectl, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    manifest = tmp_path / "live.yaml"
    manifest.write_text(LIVE % (sys.executable, port, port, port))
    kubectl("apply", "-f", str(manifest))
    kubectl("wait", "--for=condition=Ready", "pod/live", "--timeout=30s")  # GET / answers 200

    def restarted() -> None:
        count = kubectl("get", "pod", "live", "-o", "jsonpath={.status.containerStatuses[0].restartCount}").stdout
        assert int(count or 0) >= 1, count
    eventually(restarted, 30)
    described = kubectl("describe", "pod", "live").stdout
    assert "Liveness probe failed: HTTP probe failed with statuscode: 404" in described, described
    assert "Container web failed liveness probe, will be restarted" in described
    kubectl("delete", "pod", "live", "--grace-period=0", "--force")


def test_a_rollout_that_never_gets_ready_exceeds_its_progress_deadline(kubectl, tmp_path):
    manifest = tmp_path / "stuck.yaml"
    manifest.write_text(GATED.split("---")[0].replace("gated", "stuck").replace("replicas: 2", "replicas: 1\n"
                        "  progressDeadlineSeconds: 4").replace('["test", "-f", "ready"]', '["false"]'))
    kubectl("apply", "-f", str(manifest))
    started = time.monotonic()
    done = kubectl("rollout", "status", "deployment/stuck", "--timeout=60s", check=False)
    assert done.returncode == 1 and 'deployment "stuck" exceeded its progress deadline' in done.stderr, done.stderr
    assert time.monotonic() - started < 30
    conditions = kubectl("get", "deployment", "stuck", "-o",
                         'jsonpath={.status.conditions[?(@.type=="Progressing")].reason}').stdout
    assert conditions == "ProgressDeadlineExceeded"
    kubectl("delete", "-f", str(manifest))


def test_explain_and_strict_validation_know_the_probe_fields(kubectl, tmp_path):
    explained = kubectl("explain", "pod.spec.containers.readinessProbe.httpGet").stdout
    assert "port" in explained and "httpHeaders" in explained
    manifest = tmp_path / "typo.yaml"
    manifest.write_text(GATED.split("---")[0].replace("periodSeconds", "periodSecond"))
    done = kubectl("apply", "-f", str(manifest), check=False)
    assert done.returncode != 0 and 'unknown field "spec.template.spec.containers[0].readinessProbe.periodSecond"' \
        in done.stderr, done.stderr


def test_a_crashing_container_restarts_at_once_then_backs_off(tmp_path):
    config = ClusterConfig(nodes=1, runtime="process").fast()
    cluster = Cluster(replace(config, kubelet=replace(config.kubelet, crash_backoff=10.0))).start()
    try:
        kubectl = kubectl_runner(KUBECTL, cluster, tmp_path)
        kubectl("run", "crash", "--image=busybox:1.36", "--", "sh", "-c", "echo boom; exit 1")
        started = time.monotonic()
        state = ("jsonpath={.status.containerStatuses[0].restartCount} "
                 "{.status.containerStatuses[0].state.waiting.reason}")

        def backing_off() -> None:
            assert kubectl("get", "pod", "crash", "-o", state).stdout.split() == ["1", "CrashLoopBackOff"]
        eventually(backing_off, 8)  # restarted once without waiting; the second exit waits 10 s
        assert time.monotonic() - started < 8
        time.sleep(2)
        backing_off()
        assert kubectl("get", "pod", "crash", "--no-headers").stdout.split()[2:4] == ["CrashLoopBackOff", "1"]
    finally:
        cluster.stop()
