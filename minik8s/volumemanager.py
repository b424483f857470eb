"""The kubelet's volume manager: make a pod's volumes exist on the node before its containers start.

Mirrors pkg/kubelet/volumemanager (`(*volumeManager).WaitForAttachAndMount`, with the
reconciler mounting what the desired state asks for) and the volume plugins it drives:
pkg/volume/emptydir (`(*emptyDir).SetUpAt` makes a directory under the pod dir) and
pkg/volume/csi (`csiAttacher.Attach` -> ControllerPublishVolume, `csiAttacher.MountDevice`
-> NodeStageVolume, `csiMountMgr.SetUpAt` -> NodePublishVolume; `TearDownAt` /
`UnmountDevice` -> NodeUnpublish / NodeUnstage on the way out). CSI volumes are written
inline in the pod spec (`volumes[].csi`); the volume is created on first use, standing in
for the external provisioner.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from kubeatlas.minik8s import cri
from kubeatlas.minik8s.csi import CsiError, DirectoryDriver


class VolumeError(Exception):
    """A volume could not be set up (the pod stays ContainerCreating)."""


class VolumeManager:
    def __init__(self, root: Path, node_name: str, drivers: dict[str, DirectoryDriver] | None = None):
        self.root = Path(root)
        self.node_name = node_name
        self.drivers = dict(drivers or {})
        self._lock = threading.Lock()
        self._mounted: dict[str, dict[str, tuple]] = {}  # pod uid -> volume -> (kind, data)

    def pod_dir(self, uid: str) -> Path:
        return self.root / "pods" / uid

    def mount_pod_volumes(self, pod: dict) -> dict[str, str]:
        """Set up every volume of the pod; returns volume name -> host path."""
        uid = pod["metadata"]["uid"]
        paths: dict[str, str] = {}
        for volume in (pod.get("spec") or {}).get("volumes") or ():
            name = volume.get("name", "")
            with self._lock:
                known = self._mounted.get(uid, {}).get(name)
            if known is not None:
                paths[name] = known[1]
                continue
            if "emptyDir" in volume:
                target = self.pod_dir(uid) / "volumes" / "kubernetes.io~empty-dir" / name
                target.mkdir(parents=True, exist_ok=True)
                record = ("emptyDir", str(target), None)
            elif "csi" in volume:
                record = self._mount_csi(pod, name, volume["csi"])
            elif "hostPath" in volume:
                path = Path(volume["hostPath"].get("path", ""))
                path.mkdir(parents=True, exist_ok=True)
                record = ("hostPath", str(path), None)
            else:
                raise VolumeError(f"volume {name!r}: unsupported volume source "
                                  f"{sorted(k for k in volume if k != 'name')}")
            with self._lock:
                self._mounted.setdefault(uid, {})[name] = record
            paths[name] = record[1]
        return paths

    def _mount_csi(self, pod: dict, name: str, source: dict) -> tuple:
        driver = self.drivers.get(source.get("driver", ""))
        if driver is None:
            raise VolumeError(f"volume {name!r}: driver name {source.get('driver')!r} not found "
                              "in the list of registered CSI drivers")
        uid = pod["metadata"]["uid"]
        attributes = source.get("volumeAttributes") or {}
        volume_name = attributes.get("volumeName") or f"{pod['metadata']['namespace']}-{uid}-{name}"
        staging = self.root / "plugins" / "kubernetes.io" / "csi" / driver.name / volume_name / "globalmount"
        target = self.pod_dir(uid) / "volumes" / "kubernetes.io~csi" / name / "mount"
        try:
            volume = driver.create_volume(volume_name, 0, attributes)
            context = driver.controller_publish_volume(volume.volume_id, self.node_name,
                                                       bool(source.get("readOnly")))
            driver.node_stage_volume(volume.volume_id, str(staging), context, self.node_name)
            driver.node_publish_volume(volume.volume_id, str(staging), str(target),
                                       bool(source.get("readOnly")))
        except CsiError as exc:
            raise VolumeError(f"volume {name!r}: {exc}") from None
        return ("csi", str(target), (driver, volume.volume_id, str(staging)))

    def container_mounts(self, container: dict, paths: dict[str, str]) -> tuple[cri.Mount, ...]:
        mounts = []
        for mount in container.get("volumeMounts") or ():
            host = paths.get(mount.get("name", ""))
            if host is None:
                raise VolumeError(f"volumeMount {mount.get('name')!r} has no volume")
            mounts.append(cri.Mount(mount.get("mountPath", ""), host, bool(mount.get("readOnly"))))
        return tuple(mounts)

    def unmount_pod_volumes(self, uid: str) -> None:
        """TearDown, UnmountDevice (unstage), Detach (controller unpublish) for each volume."""
        with self._lock:
            records = self._mounted.pop(uid, {})
        for kind, target, data in records.values():
            if kind == "csi":
                driver, volume_id, staging = data
                driver.node_unpublish_volume(volume_id, target)
                driver.node_unstage_volume(volume_id, staging)
                driver.controller_unpublish_volume(volume_id, self.node_name)
        shutil.rmtree(self.pod_dir(uid), ignore_errors=True)

    def mounted(self, uid: str) -> dict[str, str]:
        with self._lock:
            return {name: record[1] for name, record in self._mounted.get(uid, {}).items()}
