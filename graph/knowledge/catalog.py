"""The role catalog (data/roles.yaml) as frozen records, validated once when loaded."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml

from kubeatlas.errors import CatalogError
from kubeatlas.resources import data_file, parse_yaml

ROLES_FILE = data_file("roles.yaml")
PLANES = ("control", "node", "interface", "library", "tool")


@dataclass(frozen=True, slots=True)
class Link:
    """A wire between two roles as the diagrams draw it."""

    role: str
    protocol: str


@dataclass(frozen=True, slots=True)
class Variant:
    """A labelled sub-tree whose presence tells which generation of an API a tree has."""

    label: str
    path: str


@dataclass(frozen=True, slots=True)
class Role:
    id: str
    name: str
    plane: str
    summary_en: str
    summary_zh: str
    entrypoint: str = ""
    paths: tuple[str, ...] = ()
    external: tuple[str, ...] = ()
    key_interfaces: tuple[tuple[str, ...], ...] = ()  # groups of alternative names
    variants: tuple[Variant, ...] = ()
    absent_note: str = ""  # what the graph says when the tree has none of the role (English)
    absent_note_zh: str = ""  # the same in Chinese: the catalog gives both, as it does summaries
    talks_to: tuple[Link, ...] = ()


@dataclass(frozen=True, slots=True)
class Catalog:
    roles: tuple[Role, ...]
    fingerprint: str  # sha256 of the file: a changed catalog means the index is rebuilt

    def role(self, role_id: str) -> Role:
        for r in self.roles:
            if r.id == role_id:
                return r
        raise KeyError(role_id)


def load_catalog(path: Path | Traversable = ROLES_FILE) -> Catalog:
    """Read and check the catalog; any mistake in it is a CatalogError naming the entry."""
    try:
        raw = path.read_bytes()
        doc = parse_yaml(raw)
    except OSError as exc:
        raise CatalogError(f"cannot read the role catalog {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise CatalogError(f"the role catalog {path} is not valid YAML: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("roles"), list):
        raise CatalogError(f"the role catalog {path} needs a top-level `roles:` list")
    roles = tuple(_role(entry, path) for entry in doc["roles"])
    ids = [r.id for r in roles]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CatalogError(f"{path}: role ids used twice: {', '.join(duplicates)}")
    for r in roles:
        for link in r.talks_to:
            if link.role not in ids:
                raise CatalogError(f"{path}: role {r.id} talks to unknown role {link.role!r}")
    return Catalog(roles, hashlib.sha256(raw).hexdigest()[:16])


def _role(entry: object, path: Path | Traversable) -> Role:
    if not isinstance(entry, dict) or not entry.get("id"):
        raise CatalogError(f"{path}: every role needs an `id`: {entry!r}")
    rid = str(entry["id"])
    plane = entry.get("plane")
    if plane not in PLANES:
        raise CatalogError(f"{path}: role {rid} has plane {plane!r}; use one of {', '.join(PLANES)}")
    summary = entry.get("summary") or {}
    if not summary.get("en") or not summary.get("zh"):
        raise CatalogError(f"{path}: role {rid} needs summary.en and summary.zh")
    absent = entry.get("absent_note") or {}
    if not isinstance(absent, dict) or bool(absent.get("en")) != bool(absent.get("zh")):
        raise CatalogError(f"{path}: role {rid} needs absent_note.en and absent_note.zh "
                           "(what a reader sees in each language when the tree has none of it)")
    if not (entry.get("paths") or entry.get("external")):
        raise CatalogError(f"{path}: role {rid} needs `paths` or `external` rules")
    try:
        return Role(
            id=rid, name=str(entry.get("name") or rid), plane=plane,
            summary_en=str(summary["en"]).strip(), summary_zh=str(summary["zh"]).strip(),
            entrypoint=str(entry.get("entrypoint") or ""),
            paths=tuple(str(p).strip("/") for p in entry.get("paths") or ()),
            external=tuple(str(p) for p in entry.get("external") or ()),
            key_interfaces=tuple(tuple(g["any_of"]) for g in entry.get("key_interfaces") or ()),
            variants=tuple(Variant(str(v["label"]), str(v["path"]).strip("/"))
                           for v in entry.get("variants") or ()),
            absent_note=str(absent.get("en") or "").strip(),
            absent_note_zh=str(absent.get("zh") or "").strip(),
            talks_to=tuple(Link(str(t["role"]), str(t["protocol"]))
                           for t in entry.get("talks_to") or ()),
        )
    except (KeyError, TypeError) as exc:
        raise CatalogError(f"{path}: role {rid} has a malformed entry ({exc})") from None
