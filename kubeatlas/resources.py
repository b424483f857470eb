"""The data files shipped in `kubeatlas.data` (role catalog, minik8s links), found through
importlib.resources so a wheel, a zip or a checkout read the same files."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import yaml


def data_file(name: str) -> Traversable:
    """The shipped data file `name` (it may not exist: callers report that as an error)."""
    return files("kubeatlas.data").joinpath(name)


def parse_yaml(raw: bytes) -> Any:
    """A YAML document with the safe loader, libyaml's C one when PyYAML has it (about 9x faster
    on the role catalog, which every `kubeatlas index` reads). Raises yaml.YAMLError."""
    return yaml.load(raw, Loader=_SAFE_LOADER)


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
