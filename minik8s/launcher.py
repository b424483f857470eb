"""How a container's process is run: as a real local subprocess, or simulated.

The runtime side of StartContainer / StopContainer / ContainerStatus. Real runtimes hand
an OCI spec to runc (outside the Kubernetes tree); `SubprocessLauncher` instead starts the
container's command as a local process in its own session, with the pod's env, its
working directory at the container's root (where volume mounts are linked), and its stdout
and stderr copied to the CRI log path as timestamped records (crilog.py); stopping sends
SIGTERM to the process group, then SIGKILL after the grace period. `SimulatedLauncher`
keeps no process at all, like cri-api's FakeRuntimeService (it writes two synthetic log
lines), and can be told to "exit" after a while through the env.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import Protocol

from kubeatlas.minik8s import crilog

DEFAULT_ENTRYPOINT = ("sleep", "infinity")  # what an image without a command runs here
DRAIN = 1.0  # seconds an exited container's output may take to reach its log


class Launcher(Protocol):
    def start(self, command: list[str], env: dict[str, str], cwd: str, log_path: str): ...

    def exit_code(self, handle) -> int | None: ...

    def stop(self, handle, timeout: float) -> int: ...


class SubprocessLauncher:
    """Each container is a real process (group) on this machine."""

    def __init__(self) -> None:
        self._copiers: dict[subprocess.Popen, list[threading.Thread]] = {}  # a process's stdout and stderr copiers
        self._exited: dict[subprocess.Popen, float] = {}  # when its exit was first seen with output unread

    def start(self, command: list[str], env: dict[str, str], cwd: str, log_path: str):
        base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": cwd}
        process = subprocess.Popen(command or list(DEFAULT_ENTRYPOINT), env={**base, **env}, cwd=cwd,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
        writer = crilog.Writer(log_path)
        copiers = [threading.Thread(target=crilog.copy_stream, args=(pipe, stream, writer), daemon=True,
                                    name=f"log-{stream}-{process.pid}")
                   for stream, pipe in (("stdout", process.stdout), ("stderr", process.stderr))]
        for copier in copiers:
            copier.start()
        self._copiers[process] = copiers
        return process

    def exec(self, command: list[str], env: dict[str, str], cwd: str, stdin: bool) -> subprocess.Popen:
        """A second process beside the container's, in its working directory with its env (CRI Exec)."""
        base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": cwd}
        return subprocess.Popen(command, env={**base, **env}, cwd=cwd, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                start_new_session=True)

    def exit_code(self, handle: subprocess.Popen) -> int | None:
        """The exit code once the process has exited and its output is in the log (as a shim reports
        an exit after its IO is drained; at most DRAIN seconds, should a child keep the pipes open)."""
        code = handle.poll()
        if code is None:
            return None
        copiers = self._copiers.get(handle, ())
        if any(c.is_alive() for c in copiers):
            exited = self._exited.setdefault(handle, time.monotonic())
            if time.monotonic() - exited < DRAIN:
                return None
        self._copiers.pop(handle, None)
        self._exited.pop(handle, None)
        if code < 0:
            return 128 - code  # killed by signal N -> 128+N, as container runtimes report
        return code

    def stop(self, handle: subprocess.Popen, timeout: float) -> int:
        if handle.poll() is None:
            self._signal(handle, signal.SIGTERM)
            try:
                handle.wait(timeout=max(timeout, 0.01))
            except subprocess.TimeoutExpired:
                self._signal(handle, signal.SIGKILL)
                handle.wait()
        for copier in self._copiers.get(handle, ()):
            copier.join(timeout=DRAIN)
        self._exited[handle] = time.monotonic() - DRAIN  # drained, or waited for long enough
        return self.exit_code(handle) or 0

    @staticmethod
    def _signal(handle: subprocess.Popen, sig: int) -> None:
        try:
            os.killpg(handle.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


@dataclass(slots=True)
class SimulatedProcess:
    started: float
    exit_after: float | None
    exit_code: int
    stopped_code: int | None = None


class SimulatedLauncher:
    """No processes: a container "runs" until stopped, or until SIM_EXIT_AFTER seconds pass."""

    def start(self, command: list[str], env: dict[str, str], cwd: str, log_path: str):
        # synthetic output, so `kubectl logs` has something to show
        crilog.Writer(log_path).write_text(
            f"minik8s simulated container of pod {env.get('POD_NAMESPACE', '')}/{env.get('POD_NAME', '')}"
            f" started\nsimulating: {' '.join(command) or ' '.join(DEFAULT_ENTRYPOINT)}\n")
        after = env.get("SIM_EXIT_AFTER")
        return SimulatedProcess(time.monotonic(), float(after) if after else None,
                                int(env.get("SIM_EXIT_CODE", "0")))

    def exit_code(self, handle: SimulatedProcess) -> int | None:
        if handle.stopped_code is not None:
            return handle.stopped_code
        if handle.exit_after is not None and time.monotonic() - handle.started >= handle.exit_after:
            return handle.exit_code
        return None

    def stop(self, handle: SimulatedProcess, timeout: float) -> int:
        if self.exit_code(handle) is None:
            handle.stopped_code = 143  # SIGTERM honoured
        return handle.stopped_code if handle.stopped_code is not None else handle.exit_code
