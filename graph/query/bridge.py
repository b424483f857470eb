"""Chains between things of different kinds: a role and a package, code and a role, code and a
package. A role stands for its packages and a package for its functions and methods, so such a
chain starts at a member of the source (one "contains" hop from it) and ends at a member of the
target (one "in" hop to it); between them it follows imports (packages) or calls (code)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kubeatlas.graph.model.schema import EdgeKind, NodeKind, kind_of, parse_id

CALL_KINDS = (str(EdgeKind.CALLS), str(EdgeKind.DISPATCHES), str(EdgeKind.REFERENCES))
IMPORT_KINDS = (str(EdgeKind.IMPORTS),)
CONTAINS = "contains"  # the hop from a role to one of its packages, or to code in them
IN = "in"  # the hop from a package (or code) to the role or package it belongs to

_ROLE, _PACKAGE, _CODE = "role", "package", "code"
_SIDE = {NodeKind.ROLE: _ROLE, NodeKind.PACKAGE: _PACKAGE, NodeKind.FUNCTION: _CODE,
         NodeKind.METHOD: _CODE}


class _Reader(Protocol):
    def edges_from(self, ids: Sequence[str], kinds: Sequence[str]) -> list[Any]: ...

    def edges_to(self, ids: Sequence[str], kinds: Sequence[str]) -> list[Any]: ...


@dataclass(frozen=True, slots=True)
class Bridge:
    """How a chain from `source` to `target` of another kind is searched: from `starts` along
    `kinds` to a node `reached` accepts. `enter` / `leave` name the hop from the source to a
    start / from the end to the target ("" when that end is the source or target itself)."""

    source: str
    target: str
    kinds: tuple[str, ...]
    starts: tuple[str, ...]
    reached: Callable[[str], bool]
    enter: str = ""
    leave: str = ""


def bridge_between(reader: _Reader, source: str, target: str) -> Bridge | None:
    """The bridge for a role, package or function/method to one of another of those kinds;
    None when both are of one kind (the plain chain) or either is of another kind."""
    ends = _SIDE.get(kind_of(source)), _SIDE.get(kind_of(target))
    if None in ends or ends[0] == ends[1]:
        return None
    starts: tuple[str, ...] = (source,)
    enter = ""
    if ends[0] == _ROLE:
        packages = _role_packages(reader, source)
        starts, enter = (packages if ends[1] == _PACKAGE else _code_of(reader, packages)), CONTAINS
    elif ends[0] == _PACKAGE and ends[1] == _CODE:
        starts, enter = _code_of(reader, (source,)), CONTAINS
    kinds = CALL_KINDS if _CODE in ends else IMPORT_KINDS
    if ends[1] == _ROLE:
        members = frozenset(_role_packages(reader, target))
        if ends[0] == _CODE:
            return Bridge(source, target, kinds, starts, lambda n: _package(n) in members,
                          enter, IN)
        return Bridge(source, target, kinds, starts, members.__contains__, enter, IN)
    if ends[1] == _PACKAGE and ends[0] == _CODE:  # ends in a function of that package
        return Bridge(source, target, kinds, starts, lambda n: _package(n) == target, enter, IN)
    return Bridge(source, target, kinds, starts, target.__eq__, enter)


def _role_packages(reader: _Reader, role: str) -> tuple[str, ...]:
    return tuple(sorted({e.source for e in reader.edges_to([role], [str(EdgeKind.IN_ROLE)])}))


def _code_of(reader: _Reader, packages: Sequence[str]) -> tuple[str, ...]:
    """The functions and methods declared in `packages` (through their files)."""
    files = [e.target for e in reader.edges_from(list(packages), [str(EdgeKind.CONTAINS)])]
    decls = reader.edges_from(files, [str(EdgeKind.DECLARES)]) if files else []
    return tuple(sorted({e.target for e in decls
                         if kind_of(e.target) in (NodeKind.FUNCTION, NodeKind.METHOD)}))


def _package(nid: str) -> str:
    return "pkg:" + parse_id(nid).package
