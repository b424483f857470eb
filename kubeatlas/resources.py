"""The data files shipped in `kubeatlas.data` (role catalog, minik8s links), found through
importlib.resources so a wheel, a zip or a checkout read the same files."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def data_file(name: str) -> Traversable:
    """The shipped data file `name` (it may not exist: callers report that as an error)."""
    return files("kubeatlas.data").joinpath(name)
