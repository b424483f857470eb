"""The real client-go (v0.28.7, tools/miniclientgo) runs informers and a scripted rollout against minik8s."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

from kubeatlas.minik8s.cluster import Cluster, ClusterConfig
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.status import ApiError
from kubeatlas.minik8s.wait import poll
from tests.mini_clients import auth_headers, eventually

SOURCE = Path(__file__).resolve().parent.parent / "tools" / "miniclientgo"
GO = shutil.which("go") or ("/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").exists() else None)
pytestmark = [pytest.mark.skipif(GO is None, reason="no Go toolchain on PATH: the client-go program cannot be built"),
              pytest.mark.timeout(1800)]  # a cold build of client-go on a loaded machine can take minutes


def _cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kubeatlas" / "miniclientgo"


def build_program() -> Path:
    """The program's binary, built once per version of its go.sum (and sources) and kept in the user cache dir."""
    digest = hashlib.sha256()
    for path in (SOURCE / "go.sum", SOURCE / "go.mod", *sorted(SOURCE.glob("*.go"))):
        digest.update(path.read_bytes())
    binary = _cache_dir() / digest.hexdigest()[:16] / "miniclientgo"
    if binary.exists():
        return binary
    assert GO is not None, "no Go toolchain"
    binary.parent.mkdir(parents=True, exist_ok=True)
    partial = binary.with_suffix(".partial")
    version = subprocess.run([GO, "version"], capture_output=True, text=True, timeout=60)
    print(f"building tools/miniclientgo with {version.stdout.strip()}")
    done = subprocess.run([GO, "build", "-o", str(partial), "."], cwd=SOURCE, capture_output=True, text=True,
                          timeout=1500)
    if done.returncode != 0:
        raise AssertionError(f"go build failed: {done.stderr[-2000:]}")
    partial.replace(binary)
    return binary


@pytest.fixture(scope="module")
def program() -> Path:
    return build_program()


def _list(cluster, path: str) -> dict[str, str]:
    request = urllib.request.Request(cluster.url + path, headers=auth_headers(cluster))
    with urllib.request.urlopen(request, timeout=20) as response:
        items = json.loads(response.read())["items"]
    return {item["metadata"]["name"]: item["metadata"]["resourceVersion"] for item in items}


def test_informer_caches_equal_the_server_after_a_scripted_rollout(program):
    cluster = Cluster(ClusterConfig(nodes=2).fast()).start()
    try:
        token = getattr(cluster, "token", None)
        args = [str(program), "-server", cluster.url, "-namespace", "clientgo", "-timeout", "90s",
                *(["-token", token] if token else [])]
        done = subprocess.run(args, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-3000:]
        caches = json.loads(done.stdout)
        server = {"pods": _list(cluster, "/api/v1/namespaces/clientgo/pods"),
                  "deployments": _list(cluster, "/apis/apps/v1/namespaces/clientgo/deployments"),
                  "replicasets": _list(cluster, "/apis/apps/v1/namespaces/clientgo/replicasets")}
    finally:
        cluster.stop()
    assert {kind: caches[kind] for kind in server} == server
    assert list(server["deployments"]) == ["web"] and len(server["pods"]) == 3
    assert len(server["replicasets"]) == 2  # the rollout's old ReplicaSet stays, scaled to 0
    assert caches["steps"][-1] == "rollout complete, caches quiet" and caches["events"] > 0


def _image_of_web(client) -> str | None:
    try:
        deployment = client.get(for_kind("apps/v1", "Deployment"), "clientgo", "web")
    except ApiError:
        return None
    return deployment["spec"]["template"]["spec"]["containers"][0]["image"]


def test_the_script_rolls_out_from_a_first_replicaset_even_when_the_controller_manager_is_late(program):
    """The deployment controller is asynchronous: one that first sees `web` after the image
    update creates only the new template's ReplicaSet, and there is no rollout to check (what a
    loaded CI machine did once: 1 ReplicaSet where 2 were asserted). The script waits for the
    controller to observe web before updating its image."""
    cluster = Cluster(ClusterConfig(nodes=1).fast()).start()
    try:
        cluster.stop_controller_manager()  # as late as a busy controller-manager can be
        client = cluster.client()
        args = [str(program), "-server", cluster.url, "-namespace", "clientgo", "-timeout", "90s",
                *(["-token", cluster.token] if cluster.token else [])]
        script = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            eventually(lambda: _image_of_web(client) == "nginx:1.25")
            updated_early = poll(lambda: _image_of_web(client) == "nginx:1.26", timeout=3, interval=0.05)
            cluster.start_controller_manager()
            out, err = script.communicate(timeout=120)
        finally:
            script.kill()
    finally:
        cluster.stop()
    assert not updated_early, "the script updated web's image before any controller had seen web"
    assert script.returncode == 0, err[-3000:]
    caches = json.loads(out)
    assert len(caches["replicasets"]) == 2 and "web's first ReplicaSet created" in caches["steps"]


def test_client_go_creates_rbac_objects_and_is_held_to_them_when_impersonating(program):
    cluster = Cluster(ClusterConfig(nodes=1).fast()).start()
    try:
        token = getattr(cluster, "token", None)
        args = [str(program), "-rbac", "-server", cluster.url, "-namespace", "rbacgo", "-timeout", "60s",
                *(["-token", token] if token else [])]
        done = subprocess.run(args, capture_output=True, text=True, timeout=90)
    finally:
        cluster.stop()
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result == {"podsListed": True, "secretsForbidden": True,
                      "secretsMessage": 'secrets is forbidden: User "alice" cannot list resource "secrets" in API '
                                        'group "" in the namespace "rbacgo"',
                      "username": "alice", "groups": ["system:authenticated"]}, result
