"""A CSI driver for directory volumes: Identity, Controller and Node services.

CSI drivers live outside the tree; the kubelet side is pkg/volume/csi (`csiAttacher.Attach`
creating a VolumeAttachment that the external-attacher turns into ControllerPublishVolume,
`csiAttacher.MountDevice` calling NodeStageVolume, `csiMountMgr.SetUpAt` calling
NodePublishVolume, and `TearDownAt` / `UnmountDevice` undoing them). The message shapes
follow the CSI spec (csi.proto). Here a volume is a directory under the driver's root;
"staging" links it under a global per-node path and "publishing" links that into the
pod's volume directory, where the runtime links it into the container.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

DRIVER_NAME = "dir.csi.minik8s.io"


class CsiError(Exception):
    """A CSI call failed with a gRPC status code (NOT_FOUND, FAILED_PRECONDITION, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass(frozen=True, slots=True)
class Volume:
    volume_id: str
    capacity_bytes: int
    volume_context: tuple[tuple[str, str], ...] = ()


class DirectoryDriver:
    """One driver instance serving every node of the mini cluster (like a DaemonSet would)."""

    def __init__(self, root: str | Path, name: str = DRIVER_NAME) -> None:
        self.name = name
        self.root = Path(root)
        (self.root / "volumes").mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._volumes: dict[str, Volume] = {}
        self._by_name: dict[str, str] = {}
        self._published: dict[str, set[str]] = {}  # volume id -> nodes (ControllerPublish)
        self.calls: list[str] = []

    # -- Identity ------------------------------------------------------------------------
    def get_plugin_info(self) -> dict:
        return {"name": self.name, "vendor_version": "0.1.0"}

    def probe(self) -> bool:
        return (self.root / "volumes").is_dir()

    def get_plugin_capabilities(self) -> list[str]:
        return ["CONTROLLER_SERVICE"]

    # -- Controller ----------------------------------------------------------------------
    def create_volume(self, name: str, capacity_bytes: int = 0,
                      parameters: dict[str, str] | None = None) -> Volume:
        """Idempotent by name, as the spec requires."""
        with self._lock:
            self.calls.append("CreateVolume")
            if name in self._by_name:
                return self._volumes[self._by_name[name]]
            volume_id = f"vol-{uuid.uuid4().hex[:12]}"
            (self.root / "volumes" / volume_id).mkdir()
            volume = Volume(volume_id, capacity_bytes, tuple(sorted((parameters or {}).items())))
            self._volumes[volume_id] = volume
            self._by_name[name] = volume_id
            return volume

    def delete_volume(self, volume_id: str) -> None:
        with self._lock:
            self.calls.append("DeleteVolume")
            if self._published.get(volume_id):
                raise CsiError("FAILED_PRECONDITION", f"{volume_id} is still published")
            self._volumes.pop(volume_id, None)
            self._by_name = {n: v for n, v in self._by_name.items() if v != volume_id}
        shutil.rmtree(self.root / "volumes" / volume_id, ignore_errors=True)

    def controller_publish_volume(self, volume_id: str, node_id: str, readonly: bool = False) -> dict:
        """Attach the volume to a node; returns the publish context NodeStage receives."""
        with self._lock:
            self.calls.append("ControllerPublishVolume")
            self._require(volume_id)
            self._published.setdefault(volume_id, set()).add(node_id)
        return {"attachedTo": node_id, "readonly": str(readonly).lower()}

    def controller_unpublish_volume(self, volume_id: str, node_id: str) -> None:
        with self._lock:
            self.calls.append("ControllerUnpublishVolume")
            self._published.get(volume_id, set()).discard(node_id)

    def _require(self, volume_id: str) -> Volume:
        volume = self._volumes.get(volume_id)
        if volume is None:
            raise CsiError("NOT_FOUND", f"volume {volume_id} does not exist")
        return volume

    # -- Node ----------------------------------------------------------------------------
    def node_get_info(self, node_id: str) -> dict:
        return {"node_id": node_id, "max_volumes_per_node": 64}

    def node_get_capabilities(self) -> list[str]:
        return ["STAGE_UNSTAGE_VOLUME"]

    def node_stage_volume(self, volume_id: str, staging_target_path: str, publish_context: dict,
                          node_id: str) -> None:
        with self._lock:
            self.calls.append("NodeStageVolume")
            self._require(volume_id)
            if node_id not in self._published.get(volume_id, set()):
                raise CsiError("FAILED_PRECONDITION", f"{volume_id} is not published to {node_id}")
        _link(self.root / "volumes" / volume_id, Path(staging_target_path))

    def node_publish_volume(self, volume_id: str, staging_target_path: str, target_path: str,
                            readonly: bool = False) -> None:
        with self._lock:
            self.calls.append("NodePublishVolume")
            self._require(volume_id)
        if not Path(staging_target_path).exists():
            raise CsiError("FAILED_PRECONDITION", f"{volume_id} is not staged at {staging_target_path}")
        _link(Path(staging_target_path), Path(target_path))

    def node_unpublish_volume(self, volume_id: str, target_path: str) -> None:
        with self._lock:
            self.calls.append("NodeUnpublishVolume")
        _unlink(Path(target_path))

    def node_unstage_volume(self, volume_id: str, staging_target_path: str) -> None:
        with self._lock:
            self.calls.append("NodeUnstageVolume")
        _unlink(Path(staging_target_path))

    def volume_path(self, volume_id: str) -> Path:
        return self.root / "volumes" / volume_id


def _link(source: Path, target: Path) -> None:
    """The stand-in for a bind mount: idempotent, refuses to shadow something else."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink():
        if os.readlink(target) == str(source):
            return
        raise CsiError("ALREADY_EXISTS", f"{target} is published from elsewhere")
    if target.exists():
        raise CsiError("ALREADY_EXISTS", f"{target} exists")
    os.symlink(source, target)


def _unlink(target: Path) -> None:
    if target.is_symlink():
        target.unlink()
