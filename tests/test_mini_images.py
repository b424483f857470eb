"""Image pulls seen through the real kubectl: a bad image is ErrImagePull, then ImagePullBackOff.

minik8s fetches nothing; an image whose registry host is in the reserved `.invalid` domain
cannot be pulled (minik8s/README.md). The kubelet backs off between pulls as the image
manager does (the back-off doubles per failure), records `Failed` and `BackOff` events, and a
rollout to such an image stalls while the old ReplicaSet keeps serving.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest

from kubeatlas.minik8s.cluster import Cluster, ClusterConfig
from tests.mini_clients import kubectl_runner
from tests.test_mini_kubectl import KUBECTL, eventually

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl on PATH; the image session cannot run")

BACKOFF = 3.0  # the kubelet's backOffPeriod for this cluster: pulls at 0, ~3, ~9, ~21 s


@pytest.fixture(scope="module")
def kubectl(tmp_path_factory):
    config = ClusterConfig(nodes=1).fast()
    # the kubelet's own resync at its default minute: a periodic sync would end ErrImagePull early
    kubelet = replace(config.kubelet, crash_backoff=BACKOFF, sync_frequency=60.0)
    cluster = Cluster(replace(config, kubelet=kubelet)).start()
    yield kubectl_runner(KUBECTL, cluster, tmp_path_factory.mktemp("kubectl"))
    cluster.stop()


def _statuses(kubectl, selector: str) -> list[str]:
    return [line.split()[2] for line in kubectl("get", "pods", "-l", selector, "--no-headers").stdout.splitlines()]


def _events(kubectl, pod: str) -> dict[tuple[str, str], int]:
    """(reason, message) -> count of the pod's events."""
    items = json.loads(kubectl("get", "events", "--field-selector", f"involvedObject.name={pod}",
                               "-o", "json").stdout)["items"]
    return {(e["reason"], e["message"]): e.get("count", 1) for e in items}


def test_a_bad_image_is_err_image_pull_then_image_pull_back_off(kubectl):
    kubectl("create", "deployment", "bad", "--image=doesnotexist.invalid/nope:1")
    started, seen = time.monotonic(), []
    while time.monotonic() - started < 3 * BACKOFF + 2:  # two back-offs: pulls at 0, 3 and 9 s
        for status in _statuses(kubectl, "app=bad"):
            if not seen or seen[-1] != status:
                seen.append(status)
        time.sleep(0.2)
    assert "ErrImagePull" in seen and "ImagePullBackOff" in seen, seen
    assert seen.index("ErrImagePull") < seen.index("ImagePullBackOff"), seen
    assert "Running" not in seen, seen
    assert seen.count("ErrImagePull") >= 2, seen  # it pulls again when the back-off ends

    pod = kubectl("get", "pods", "-l", "app=bad", "-o", "jsonpath={.items[0].metadata.name}").stdout
    waiting = json.loads(kubectl("get", "pod", pod, "-o", "jsonpath={.status.containerStatuses[0].state.waiting}"
                                 ).stdout)
    assert waiting["reason"] in ("ErrImagePull", "ImagePullBackOff"), waiting
    assert kubectl("get", "pod", pod, "-o", "jsonpath={.status.phase}").stdout == "Pending"
    events = _events(kubectl, pod)
    image = '"doesnotexist.invalid/nope:1"'
    pulls = events[("Pulling", f"Pulling image {image}")]
    assert 2 <= pulls <= 4, events  # backing off: not a pull per sync, but not given up either
    failed = [m for (r, m) in events if r == "Failed" and m.startswith(f"Failed to pull image {image}: ")]
    assert failed and "lookup doesnotexist.invalid: no such host" in failed[0], events
    assert ("Failed", "Error: ErrImagePull") in events and ("Failed", "Error: ImagePullBackOff") in events
    assert ("BackOff", f"Back-off pulling image {image}") in events, events

    described = kubectl("describe", "pod", pod).stdout
    assert "Back-off pulling image" in described and "Error: ErrImagePull" in described, described
    ready = kubectl("get", "deployment", "bad", "-o", "jsonpath={.status.unavailableReplicas}").stdout
    assert ready == "1"
    kubectl("delete", "deployment", "bad")


def test_a_rollout_to_a_bad_image_stalls_while_the_old_replica_set_serves(kubectl):
    kubectl("create", "deployment", "web", "--image=nginx:1.25", "--replicas=3")
    kubectl("rollout", "status", "deployment/web", "--timeout=60s")
    kubectl("set", "image", "deployment/web", "nginx=doesnotexist.invalid/nginx:1.26")

    def stuck_pod() -> None:
        assert set(_statuses(kubectl, "app=web")) >= {"Running", "ImagePullBackOff"}
    eventually(stuck_pod, 20)
    done = kubectl("rollout", "status", "deployment/web", "--timeout=3s", check=False)
    assert done.returncode != 0, done.stdout
    assert 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated' \
        in done.stdout, done.stdout
    sets = json.loads(kubectl("get", "rs", "-l", "app=web", "-o", "json").stdout)["items"]
    by_image = {s["spec"]["template"]["spec"]["containers"][0]["image"]: s for s in sets}
    assert by_image["nginx:1.25"]["status"].get("readyReplicas") == 3, by_image["nginx:1.25"]["status"]
    assert not by_image["doesnotexist.invalid/nginx:1.26"]["status"].get("readyReplicas")
    assert kubectl("get", "deployment", "web", "-o", "jsonpath={.status.readyReplicas}").stdout == "3"

    kubectl("rollout", "undo", "deployment/web")  # back to the image that pulls
    kubectl("rollout", "status", "deployment/web", "--timeout=60s")
    eventually(lambda: _equal(sorted(_statuses(kubectl, "app=web")), ["Running"] * 3), 20)
    kubectl("delete", "deployment", "web")


def _equal(actual, expected) -> None:
    assert actual == expected, actual


@pytest.mark.parametrize(("name", "image", "error"), [
    ("upper", "UPPER:case", "invalid reference format: repository name must be lowercase"),
    ("colons", "nginx:::1", "invalid reference format")])
def test_an_image_that_does_not_parse_is_invalid_image_name_and_never_pulled(kubectl, name, image, error):
    kubectl("apply", "-f", "-", stdin=json.dumps({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
        "spec": {"containers": [{"name": "app", "image": image}]}}))
    deadline = time.monotonic() + 30
    while _statuses_of(kubectl, name) != "InvalidImageName" and time.monotonic() < deadline:
        time.sleep(0.3)
    pod = json.loads(kubectl("get", "pod", name, "-o", "json").stdout)
    message = f'Failed to apply default image tag "{image}": couldn\'t parse image name "{image}": {error}'
    assert pod["status"]["containerStatuses"][0]["state"] == {
        "waiting": {"reason": "InvalidImageName", "message": message}}, pod["status"]
    events = _events(kubectl, name)
    assert ("InspectFailed", message) in events and ("Failed", "Error: InvalidImageName") in events, events
    assert not any(reason in ("Pulling", "BackOff") for reason, _ in events), events
    time.sleep(1)
    assert _statuses_of(kubectl, name) == "InvalidImageName"  # no back-off: the same answer every sync


def _statuses_of(kubectl, pod: str) -> str:
    line = kubectl("get", "pod", pod, "--no-headers").stdout.split()
    return line[2] if len(line) > 2 else ""
