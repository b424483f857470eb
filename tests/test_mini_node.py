"""Node-side pieces: CNI (in-process and exec), CSI, device plugin, CRI runtimes, real-process pods."""

from __future__ import annotations

import threading
import time

import pytest

from kubeatlas.minik8s import cri
from kubeatlas.minik8s.cluster import Cluster, ClusterConfig
from kubeatlas.minik8s.cni import CniError, CniPlugin, NetworkConfig
from kubeatlas.minik8s.csi import CsiError, DirectoryDriver
from kubeatlas.minik8s.devicemanager import DeviceManager
from kubeatlas.minik8s.deviceplugin import HEALTHY, UNHEALTHY, GpuPlugin
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.runtime import process_runtime, simulated_runtime
from kubeatlas.minik8s.wait import wait_for

POD = for_kind("v1", "Pod")


@pytest.mark.parametrize("exec_mode", [False, True], ids=["in-process", "exec"])
def test_cni_add_del_with_host_local_ipam(tmp_path, exec_mode):
    plugin = CniPlugin(NetworkConfig("net", "10.244.3.0/24", str(tmp_path)), exec_mode=exec_mode)
    first = plugin.setup("sandbox-a", "/var/run/netns/a")
    second = plugin.setup("sandbox-b", "/var/run/netns/b")
    assert first == "10.244.3.2" and second == "10.244.3.3"  # .1 is the gateway
    assert plugin.setup("sandbox-a", "/var/run/netns/a") == first  # ADD is idempotent
    plugin.teardown("sandbox-a", "/var/run/netns/a")
    plugin.teardown("sandbox-a", "/var/run/netns/a")  # so is DEL
    assert plugin.setup("sandbox-c", "/var/run/netns/c") == "10.244.3.4"


def test_cni_range_exhaustion_is_a_cni_error(tmp_path):
    plugin = CniPlugin(NetworkConfig("tiny", "10.0.0.0/30", str(tmp_path)))
    plugin.setup("a", "ns")
    with pytest.raises(CniError) as exc:
        plugin.setup("b", "ns")
    assert exc.value.code == 11


def test_csi_controller_and_node_services(tmp_path):
    driver = DirectoryDriver(tmp_path / "driver")
    assert driver.probe() and driver.get_plugin_info()["name"] == "dir.csi.minik8s.io"
    volume = driver.create_volume("data")
    assert driver.create_volume("data") == volume  # idempotent by name
    staging, target = tmp_path / "staging", tmp_path / "pod" / "mount"
    with pytest.raises(CsiError) as exc:
        driver.node_stage_volume(volume.volume_id, str(staging), {}, "node-1")
    assert exc.value.code == "FAILED_PRECONDITION"  # not attached to that node yet
    context = driver.controller_publish_volume(volume.volume_id, "node-1")
    driver.node_stage_volume(volume.volume_id, str(staging), context, "node-1")
    driver.node_publish_volume(volume.volume_id, str(staging), str(target))
    (target / "hello.txt").write_text("hi")
    assert (driver.volume_path(volume.volume_id) / "hello.txt").read_text() == "hi"
    with pytest.raises(CsiError):
        driver.delete_volume(volume.volume_id)  # still published
    driver.node_unpublish_volume(volume.volume_id, str(target))
    driver.node_unstage_volume(volume.volume_id, str(staging))
    driver.controller_unpublish_volume(volume.volume_id, "node-1")
    driver.delete_volume(volume.volume_id)
    assert driver.calls[-4:] == ["NodeUnpublishVolume", "NodeUnstageVolume", "ControllerUnpublishVolume",
                                 "DeleteVolume"]


def test_device_plugin_list_and_watch_health_and_allocate():
    plugin = GpuPlugin(count=3)
    stop = threading.Event()
    stream = plugin.list_and_watch(stop)
    assert [d.health for d in next(stream)] == [HEALTHY] * 3
    manager = DeviceManager()
    manager.register(plugin)
    wait_for(lambda: manager.capacity() == ({"example.com/gpu": "3"}, {"example.com/gpu": "3"}))
    plugin.set_health("gpu-1", UNHEALTHY)
    assert [d.health for d in next(stream)][1] == UNHEALTHY
    wait_for(lambda: manager.capacity()[1] == {"example.com/gpu": "2"})
    container = {"name": "c", "resources": {"limits": {"example.com/gpu": "2"}}}
    response = manager.allocate("pod-1", container)
    assert dict(response.envs)["MINI_VISIBLE_GPUS"] == "gpu-0,gpu-2"  # the unhealthy one is skipped
    assert plugin.pre_started == [("gpu-0", "gpu-2")]
    with pytest.raises(RuntimeError, match="Requested: 1, Available: 0"):
        manager.allocate("pod-2", {"name": "c", "resources": {"limits": {"example.com/gpu": "1"}}})
    manager.release("pod-1")
    assert manager.allocate("pod-2", {"name": "c", "resources": {"limits": {"example.com/gpu": "1"}}})
    stop.set()
    manager.stop()


@pytest.mark.parametrize("factory", [simulated_runtime, process_runtime], ids=["sim", "process"])
def test_cri_calls_in_the_real_order(tmp_path, factory):
    runtime = factory(root=str(tmp_path))
    runtime.update_runtime_config("10.244.9.0/24")
    config = cri.PodSandboxConfig(cri.SandboxMetadata("p", "uid-1", "default"), labels=(("k", "v"),))
    sandbox = runtime.run_pod_sandbox(config)
    assert runtime.pod_sandbox_status(sandbox).ip == "10.244.9.2"
    with pytest.raises(cri.CriError):
        runtime.create_container(sandbox, cri.ContainerConfig("c", "busybox"), config)  # not pulled
    runtime.pull_image("busybox")
    container = runtime.create_container(sandbox, cri.ContainerConfig("c", "busybox", command=("sleep", "30")),
                                         config)
    runtime.start_container(container)
    assert runtime.container_status(container).state == cri.CONTAINER_RUNNING
    runtime.stop_container(container, 5)
    status = runtime.container_status(container)
    assert status.state == cri.CONTAINER_EXITED and status.exit_code == 143  # SIGTERM
    runtime.remove_pod_sandbox(sandbox)
    assert runtime.calls == ["UpdateRuntimeConfig", "RunPodSandbox", "CreateContainer", "PullImage",
                             "CreateContainer", "StartContainer", "StopContainer", "StopPodSandbox",
                             "StopContainer", "RemovePodSandbox"]


@pytest.fixture
def process_cluster():
    cluster = Cluster(ClusterConfig(nodes=1, runtime="process").fast()).start()
    yield cluster
    cluster.stop()


def _pod(name: str, command: list[str], restart: str = "Always", **extra) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"restartPolicy": restart, "containers": [{"name": "main", "image": "busybox:1.36",
                                                               "command": command, **extra}]}}


def test_real_processes_volumes_exit_codes_and_restarts(process_cluster):
    client = process_cluster.client()
    csi_volume = {"name": "data", "csi": {"driver": "dir.csi.minik8s.io",
                                          "volumeAttributes": {"volumeName": "shared"}}}
    writer = _pod("writer", ["sh", "-c", "echo hello from $POD_NAME > data/out.txt"], "Never",
                  volumeMounts=[{"name": "data", "mountPath": "/data"}])
    writer["spec"]["volumes"] = [csi_volume]
    client.create(POD, "default", writer)
    client.create(POD, "default", _pod("fails", ["sh", "-c", "exit 3"], "Never"))
    client.create(POD, "default", _pod("flaky", ["sh", "-c", "exit 1"], "OnFailure"))
    client.create(POD, "default", _pod("server", ["sleep", "60"]))
    def phase(name):
        return client.get(POD, "default", name)["status"].get("phase")
    wait_for(lambda: phase("writer") == "Succeeded", 15)
    volume_id = next(v for v in process_cluster.csi._volumes)
    assert (process_cluster.csi.volume_path(volume_id) / "out.txt").read_text() == "hello from writer\n"
    wait_for(lambda: phase("fails") == "Failed", 15)
    failed = client.get(POD, "default", "fails")["status"]["containerStatuses"][0]["state"]["terminated"]
    assert (failed["exitCode"], failed["reason"]) == (3, "Error")
    wait_for(lambda: (client.get(POD, "default", "flaky")["status"].get("containerStatuses") or [{}])[0]
             .get("restartCount", 0) >= 1, 15)
    wait_for(lambda: phase("server") == "Running", 15)
    started = time.monotonic()
    client.delete(POD, "default", "server")  # graceful: the kubelet stops the process, then deletes
    wait_for(lambda: not [p for p in client.list(POD, "default")[0] if p["metadata"]["name"] == "server"], 15)
    assert time.monotonic() - started < 10
