"""Attributes and meta values <-> compact JSON text; the only module that imports orjson.

An index holds ~550k attribute maps, and orjson encodes them about twice as fast as the
standard library (0.15 s against 0.35 s on v1.28.7)."""

from __future__ import annotations

from typing import Any

import orjson


def dump_json(value: Any) -> str:
    """Compact JSON text; sets and other iterables become lists."""
    return orjson.dumps(value, default=list).decode()


def load_json(text: str | bytes) -> Any:
    return orjson.loads(text)
