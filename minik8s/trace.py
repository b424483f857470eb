"""Trace steps: what a component just did and which real Kubernetes function it mirrors.

Components take an optional `trace` callable and report each notable step to it; the demo
prints them as narration, tests can collect them. Nothing in Kubernetes corresponds to
this module: it is how minik8s points at the real code while it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Step:
    """One narrated step: component, what happened, the graph node id it mirrors, details."""

    component: str
    action: str
    mirrors: str
    detail: str = ""


Tracer = Callable[[Step], None]


def no_trace(step: Step) -> None:
    """The default tracer: ignore the step."""
