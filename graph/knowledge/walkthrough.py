"""How each role works, as the catalog writes it (the `walkthroughs:` section of data/roles.yaml):
ordered code anchors per part (start-up, main loop, data flow, extension points), each with an
English and a Chinese sentence, plus how to watch the role in minik8s."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml

from kubeatlas.errors import CatalogError
from kubeatlas.graph.knowledge.catalog import ROLES_FILE
from kubeatlas.resources import parse_yaml

PARTS = ("start", "loop", "flow", "extend")


@dataclass(frozen=True, slots=True)
class Step:
    """A code anchor: node ids across releases (the first the index holds is cited). A step
    after the first of its part is written only when the graph links `after` (default: the step
    before) to it by calls, value references or interface dispatch; an `extend` step is an
    interface whose production implementers are listed."""

    at: tuple[str, ...]
    en: str
    zh: str
    after: int | None = None  # index of an earlier step in the same part
    breakpoint: bool = False
    # begins a new chain in its part, linked to no step before it: what reaches it at run time
    # has no static edge (net/http's Handler, a goroutine fed by a channel); its text says so
    start: bool = False


@dataclass(frozen=True, slots=True)
class Walkthrough:
    role: str
    intro_en: str
    intro_zh: str
    parts: tuple[tuple[str, tuple[Step, ...]], ...]
    mini_command: str = ""
    mini_watch_en: str = ""
    mini_watch_zh: str = ""


@cache
def load_walkthroughs(path: Path | Traversable = ROLES_FILE) -> dict[str, Walkthrough]:
    """Role id -> walkthrough; roles without one are simply absent from the mapping."""
    try:
        doc = parse_yaml(path.read_bytes()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"cannot read walkthroughs from {path}: {exc}") from None
    out: dict[str, Walkthrough] = {}
    for role, entry in (doc.get("walkthroughs") or {}).items():
        out[str(role)] = _walkthrough(str(role), entry, path)
    return out


def _walkthrough(role: str, entry: object, path: Path | Traversable) -> Walkthrough:
    if not isinstance(entry, dict):
        raise CatalogError(f"{path}: walkthrough {role} must be a mapping")
    unknown = sorted(set(entry) - {*PARTS, "intro", "mini"})
    if unknown:
        raise CatalogError(f"{path}: walkthrough {role} has unknown keys {', '.join(unknown)}; "
                           f"use {', '.join(PARTS)}, intro, mini")
    intro = entry.get("intro") or {}
    mini = entry.get("mini") or {}
    parts = tuple((part, tuple(_step(role, part, i, s, path) for i, s in enumerate(entry[part])))
                  for part in PARTS if entry.get(part))
    return Walkthrough(role, str(intro.get("en", "")).strip(), str(intro.get("zh", "")).strip(),
                       parts, str(mini.get("command", "")),
                       str((mini.get("watch") or {}).get("en", "")).strip(),
                       str((mini.get("watch") or {}).get("zh", "")).strip())


def _step(role: str, part: str, index: int, raw: object, path: Path | Traversable) -> Step:
    where = f"{path}: walkthrough {role}.{part}[{index}]"
    if not isinstance(raw, dict) or not raw.get("at") or not raw.get("en") or not raw.get("zh"):
        raise CatalogError(f"{where} needs `at` (node ids), `en` and `zh`")
    unknown = sorted(set(raw) - {"at", "en", "zh", "after", "break", "start"})
    if unknown:  # a comma in an unquoted flow-mapping value splits the sentence into a key
        raise CatalogError(f"{where} has unknown keys {', '.join(map(str, unknown))}: "
                           "quote sentences that contain commas")
    at = raw["at"] if isinstance(raw["at"], list) else [raw["at"]]
    after = raw.get("after")
    if after is not None and not (isinstance(after, int) and 0 <= after < index):
        raise CatalogError(f"{where}: `after` must be the index of an earlier step")
    if after is not None and raw.get("start"):
        raise CatalogError(f"{where}: a `start` step hangs off no earlier step (`after`)")
    return Step(tuple(str(a) for a in at), str(raw["en"]).strip(), str(raw["zh"]).strip(),
                after, bool(raw.get("break", False)), bool(raw.get("start", False)))
