"""The knowledge stages run after the structural build, in order, each timed by the pipeline."""

from __future__ import annotations

from graph.pipeline import Stage


def default_stages() -> list[tuple[str, Stage]]:
    """(name, stage) pairs: resolution first, then the layers that read its edges."""
    return []
