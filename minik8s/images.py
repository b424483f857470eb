"""The kubelet's image manager: pull what the pull policy asks for, back off after a failed pull.

Mirrors pkg/kubelet/images `(*imageManager).EnsureImageExists`: an image that does not parse
(imageref.py, `applyDefaultImageTag`) is an `InspectFailed` event and ErrInvalidImageName;
then `shouldPullImage` by
imagePullPolicy ("already present on machine", ErrImageNeverPull), a `Pulling` event and
PullImage; a failed pull is a `Failed` event and ErrImagePull and starts a back-off keyed by
pod uid and image, during which the kubelet does not pull but answers ImagePullBackOff with a
`BackOff` event. The back-off is k8s.io/client-go/util/flowcontrol `Backoff` (`Next`,
`IsInBackOffSinceUpdate`, `GC`): the kubelet's backOffPeriod (10 s) doubled per failure up
to MaxContainerBackOff (300 s), forgotten once it has been idle for that long.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from kubeatlas.minik8s import cri
from kubeatlas.minik8s.imageref import invalid_image_message
from kubeatlas.minik8s.trace import Step, Tracer, no_trace

ENSURE = "method:k8s.io/kubernetes/pkg/kubelet/images.(*imageManager).EnsureImageExists"
ErrImagePull, ImagePullBackOff, ErrImageNeverPull = "ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull"
ErrInvalidImageName = "InvalidImageName"
Record = Callable[[dict, dict, str, str, str], None]  # (pod, container, type, reason, message)


class ImageError(cri.CriError):
    """EnsureImageExists failed: the waiting reason (ErrImagePull, ...) and its message."""

    def __init__(self, reason: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.retry_after = retry_after  # seconds until a pull may be tried again


@dataclass(slots=True)
class _Entry:
    backoff: float
    last_update: float


class Backoff:
    """flowcontrol.Backoff without jitter (NewBackOff): per-key delays that double up to a cap."""

    def __init__(self, initial: float, maximum: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.initial = initial
        self.maximum = maximum
        self.clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def next(self, key: str) -> float:
        """Next: start at initial, or double the last delay (capped); returns the new delay."""
        now = self.clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or self._expired(entry, now):
                entry = self._entries[key] = _Entry(self.initial, now)
            else:
                entry.backoff, entry.last_update = min(entry.backoff * 2, self.maximum), now
            return entry.backoff

    def remaining(self, key: str) -> float:
        """IsInBackOffSinceUpdate, as the seconds left of the key's delay (0 when not backing off)."""
        now = self.clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or self._expired(entry, now):
                return 0.0
            return max(0.0, entry.last_update + entry.backoff - now)

    def gc(self) -> None:
        """GC: forget the keys idle for longer than the cap."""
        now = self.clock()
        with self._lock:
            for key in [k for k, e in self._entries.items() if self._expired(e, now)]:
                del self._entries[key]

    def _expired(self, entry: _Entry, now: float) -> bool:
        return now - entry.last_update > self.maximum * 2  # hasExpired


def should_pull(policy: str, present: bool) -> bool:
    """shouldPullImage."""
    return policy == "Always" or (policy != "Never" and not present)


class ImageManager:
    def __init__(self, runtime, backoff: Backoff, record: Record, *, node: str,
                 trace: Tracer | None = None) -> None:
        self.runtime = runtime
        self.backoff = backoff
        self.record = record
        self.node = node
        self.trace = trace or no_trace

    def ensure_image_exists(self, pod: dict, container: dict, sandbox_config: cri.PodSandboxConfig) -> str:
        """The image's ref once it is present; ImageError (the container's waiting reason) if not."""
        image, policy = container.get("image", ""), container.get("imagePullPolicy", "IfNotPresent")
        invalid = invalid_image_message(image)
        if invalid:  # applyDefaultImageTag: no pull, no back-off; every sync says the same
            self.record(pod, container, "Warning", "InspectFailed", invalid)
            raise ImageError(ErrInvalidImageName, invalid)
        present = self.runtime.image_status(image)
        if not should_pull(policy, present is not None):
            if present is not None:
                self.record(pod, container, "Normal", "Pulled", f'Container image "{image}" already present on machine')
                return present.id
            message = f'Container image "{image}" is not present with pull policy of Never'
            self.record(pod, container, "Warning", ErrImageNeverPull, message)
            raise ImageError(ErrImageNeverPull, message)
        key = f"{pod['metadata']['uid']}_{image}"
        left = self.backoff.remaining(key)
        if left > 0:
            message = f'Back-off pulling image "{image}"'
            self.record(pod, container, "Normal", "BackOff", message)
            raise ImageError(ImagePullBackOff, message, left)
        self.record(pod, container, "Normal", "Pulling", f'Pulling image "{image}"')
        started = time.monotonic()
        try:
            ref = self.runtime.pull_image(image, sandbox_config)
        except cri.CriError as exc:
            self.record(pod, container, "Warning", "Failed", f'Failed to pull image "{image}": {exc}')
            delay = self.backoff.next(key)
            self.trace(Step(f"kubelet/{self.node}", "PullImage failed", ENSURE,
                            f"{image}: {exc}; back-off {delay:.1f}s"))
            raise ImageError(ErrImagePull, str(exc), delay / 2) from None
        took = f"{time.monotonic() - started:.3f}s"
        self.record(pod, container, "Normal", "Pulled", f'Successfully pulled image "{image}" in {took} '
                    f"({took} including waiting)")
        self.trace(Step(f"kubelet/{self.node}", "PullImage", ENSURE, f"{image} ({policy})"))
        self.backoff.gc()
        return ref
