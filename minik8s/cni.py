"""A CNI plugin with host-local IPAM: ADD gives a sandbox an IP from the node's pod CIDR, DEL frees it.

CNI plugins live outside the Kubernetes tree (since 1.24 the kubelet only hands the pod
CIDR to the runtime: `(*Kubelet).updatePodCIDR` -> `(*kubeGenericRuntimeManager).UpdatePodCIDR`
-> CRI `UpdateRuntimeConfig`; the runtime then execs the plugin). This module follows the
CNI spec's exec protocol: `python -m minik8s.cni` reads CNI_COMMAND / CNI_CONTAINERID /
CNI_NETNS / CNI_IFNAME from the environment and the network config as JSON on stdin, and
prints a Result; IPAM works like the reference `host-local` plugin (one file per leased
IP under a data dir, locked, so separate processes agree). No real interfaces are made:
the addresses are bookkeeping, as in the simulated runtime.
"""

from __future__ import annotations

import fcntl
import ipaddress
import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

CNI_VERSION = "1.0.0"


class CniError(Exception):
    """A plugin failure, as the CNI error result {code, msg}."""

    def __init__(self, code: int, msg: str) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg


@dataclass(frozen=True, slots=True)
class NetworkConfig:
    """The network configuration list entry a runtime passes on stdin."""

    name: str
    subnet: str
    data_dir: str
    type: str = "mini-bridge"

    def as_json(self) -> dict:
        return {"cniVersion": CNI_VERSION, "name": self.name, "type": self.type,
                "ipam": {"type": "host-local", "subnet": self.subnet, "dataDir": self.data_dir}}

    @classmethod
    def from_json(cls, doc: dict) -> NetworkConfig:
        ipam = doc.get("ipam") or {}
        if not ipam.get("subnet"):
            raise CniError(7, "ipam.subnet is required")  # 7: invalid network config
        return cls(doc.get("name", "mini"), ipam["subnet"], ipam.get("dataDir", "/tmp/minik8s-cni"),
                   doc.get("type", "mini-bridge"))


class HostLocalIpam:
    """Lease IPs from one subnet; one file per IP holds the container id that owns it.

    The directory is read once; a lease is taken by creating its file exclusively, so
    plugins in other processes (exec mode) never hand out the same address twice."""

    def __init__(self, config: NetworkConfig) -> None:
        self.network = ipaddress.ip_network(config.subnet)
        self.dir = Path(config.data_dir) / config.name
        self.dir.mkdir(parents=True, exist_ok=True)
        self._hosts = [str(h) for h in list(self.network.hosts())[1:]]  # .1 is the gateway
        self._owner = {e.name: e.read_text() for e in self.dir.iterdir()
                       if e.name not in ("lock", "last_reserved_ip")}
        last = self.dir / "last_reserved_ip"
        last_ip = last.read_text().strip() if last.exists() else ""
        self._next = self._hosts.index(last_ip) + 1 if last_ip in self._hosts else 0  # round robin
        self._mutex = threading.Lock()

    def _locked(self):
        handle = open(self.dir / "lock", "a+")  # noqa: SIM115 - held until the caller unlocks it
        fcntl.flock(handle, fcntl.LOCK_EX)
        return handle

    def allocate(self, container_id: str) -> ipaddress.IPv4Address:
        with self._mutex, self._locked():
            for ip, owner in self._owner.items():
                if owner == container_id:
                    return ipaddress.ip_address(ip)  # ADD is idempotent
            for offset in range(len(self._hosts)):
                candidate = self._hosts[(self._next + offset) % len(self._hosts)]
                if candidate in self._owner:
                    continue
                try:
                    fd = os.open(self.dir / candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                except FileExistsError:  # taken by another process meanwhile
                    self._owner[candidate] = (self.dir / candidate).read_text()
                    continue
                with os.fdopen(fd, "w") as lease:
                    lease.write(container_id)
                self._owner[candidate] = container_id
                self._next = (self._next + offset + 1) % len(self._hosts)
                (self.dir / "last_reserved_ip").write_text(candidate)
                return ipaddress.ip_address(candidate)
        raise CniError(11, f"no IP addresses available in range set: {self.network}")

    def release(self, container_id: str) -> None:
        with self._mutex, self._locked():
            for ip in [ip for ip, owner in self._owner.items() if owner == container_id]:
                (self.dir / ip).unlink(missing_ok=True)
                del self._owner[ip]

    def leases(self) -> dict[str, str]:
        return dict(self._owner)


def add(config: NetworkConfig, container_id: str, netns: str, ifname: str,
        ipam: HostLocalIpam | None = None) -> dict:
    """CNI ADD: the Result with the leased address."""
    ip = (ipam or HostLocalIpam(config)).allocate(container_id)
    gateway = next(ipaddress.ip_network(config.subnet).hosts())
    prefix = ipaddress.ip_network(config.subnet).prefixlen
    return {"cniVersion": CNI_VERSION,
            "interfaces": [{"name": ifname, "sandbox": netns}],
            "ips": [{"address": f"{ip}/{prefix}", "gateway": str(gateway), "interface": 0}],
            "routes": [{"dst": "0.0.0.0/0", "gw": str(gateway)}], "dns": {}}


def delete(config: NetworkConfig, container_id: str, ipam: HostLocalIpam | None = None) -> None:
    """CNI DEL: release whatever the container holds (idempotent)."""
    (ipam or HostLocalIpam(config)).release(container_id)


class CniPlugin:
    """How a runtime calls the plugin: in-process, or by exec as the CNI spec describes."""

    def __init__(self, config: NetworkConfig, *, exec_mode: bool = False) -> None:
        self.config = config
        self.exec_mode = exec_mode
        self._ipam = None if exec_mode else HostLocalIpam(config)

    def setup(self, container_id: str, netns: str, ifname: str = "eth0") -> str:
        """ADD; returns the pod IP."""
        result = self._call("ADD", container_id, netns, ifname) if self.exec_mode \
            else add(self.config, container_id, netns, ifname, self._ipam)
        return result["ips"][0]["address"].split("/")[0]

    def teardown(self, container_id: str, netns: str, ifname: str = "eth0") -> None:
        if self.exec_mode:
            self._call("DEL", container_id, netns, ifname)
        else:
            delete(self.config, container_id, self._ipam)

    def _call(self, command: str, container_id: str, netns: str, ifname: str) -> dict:
        env = dict(os.environ, CNI_COMMAND=command, CNI_CONTAINERID=container_id, CNI_NETNS=netns,
                   CNI_IFNAME=ifname, CNI_PATH=os.path.dirname(sys.executable))
        done = subprocess.run([sys.executable, "-m", "kubeatlas.minik8s.cni"], env=env, capture_output=True,
                              input=json.dumps(self.config.as_json()).encode(), timeout=30)
        output = json.loads(done.stdout or b"{}")
        if done.returncode != 0:
            raise CniError(int(output.get("code", 999)), output.get("msg", done.stderr.decode()))
        return output


def main() -> int:
    """The exec entry point (`python -m minik8s.cni`)."""
    command = os.environ.get("CNI_COMMAND", "")
    try:
        if command == "VERSION":
            print(json.dumps({"cniVersion": CNI_VERSION, "supportedVersions": ["0.4.0", "1.0.0"]}))
            return 0
        config = NetworkConfig.from_json(json.loads(sys.stdin.read() or "{}"))
        container_id = os.environ.get("CNI_CONTAINERID", "")
        if not container_id:
            raise CniError(4, "CNI_CONTAINERID is required")  # 4: invalid environment variables
        if command == "ADD":
            print(json.dumps(add(config, container_id, os.environ.get("CNI_NETNS", ""),
                                 os.environ.get("CNI_IFNAME", "eth0"))))
        elif command == "DEL":
            delete(config, container_id)
        elif command == "CHECK":
            if container_id not in HostLocalIpam(config).leases().values():
                raise CniError(11, f"no lease held by {container_id}")
        else:
            raise CniError(4, f"unknown CNI_COMMAND {command!r}")
        return 0
    except CniError as exc:
        print(json.dumps({"cniVersion": CNI_VERSION, "code": exc.code, "msg": exc.msg}))
        return 1


if __name__ == "__main__":
    sys.exit(main())
