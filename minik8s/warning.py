"""Warnings for the current request, sent back as `Warning: 299 - "..."` response headers.

Mirrors k8s.io/apiserver/pkg/warning (`AddWarning` on the request context) and the recorder
that k8s.io/apiserver/pkg/endpoints/filters `WithWarningRecorder` installs to write the headers.
Each request runs on its own thread here, so the context is a context variable set per request.
"""

from __future__ import annotations

import contextvars

_WARNINGS: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("minik8s_warnings", default=None)


def start() -> None:
    """Begin collecting for a new request (earlier requests on the same thread are forgotten)."""
    _WARNINGS.set([])


def add(message: str) -> None:
    """Record a warning for the current request (deduplicated, as the real recorder does)."""
    found = _WARNINGS.get()
    if found is not None and message not in found:
        found.append(message)


def headers() -> list[str]:
    """The Warning header values for what was recorded, and forget them."""
    found = _WARNINGS.get() or []
    _WARNINGS.set([])
    return ['299 - "' + message.replace("\\", "\\\\").replace('"', '\\"') + '"' for message in found]
