"""Chains between things of different kinds: a role and a package, code and a role, code and a
package, code and a type. A role stands for its packages, a package for its functions and
methods, a type for its methods, so such a chain starts at a member of the source (one
"contains" hop from it) and ends at a member of the target (one "in" hop to it); between them it
follows imports (packages) or calls (code)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kubeatlas.graph.model.schema import FLOW_KINDS, EdgeKind, NodeKind, kind_of, parse_id
from kubeatlas.graph.query.methods import promoted_methods

CALL_KINDS = tuple(map(str, FLOW_KINDS))
IMPORT_KINDS = (str(EdgeKind.IMPORTS),)
CONTAINS = "contains"  # the hop from a role to one of its packages, or to code in them
IN = "in"  # the hop from a package (or code) to the role or package it belongs to
HOW = {CONTAINS: "contains", IN: "is in"}  # what a reader calls these hops

_ROLE, _PACKAGE, _CODE, _TYPE = "role", "package", "code", "type"
_SIDE = {NodeKind.ROLE: _ROLE, NodeKind.PACKAGE: _PACKAGE, NodeKind.FUNCTION: _CODE,
         NodeKind.METHOD: _CODE, NodeKind.TYPE: _TYPE}


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
    """The bridge for a role, package or function/method to one of another of those kinds, and
    between code and a type (its methods); None when both are of one kind (the plain chain) or
    for any other pair."""
    ends = _SIDE.get(kind_of(source)), _SIDE.get(kind_of(target))
    if None in ends or ends[0] == ends[1]:
        return None
    if _TYPE in ends:
        return _type_bridge(reader, source, target) if _CODE in ends else None
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


def unbridged(source: str, target: str) -> str:
    """Why no chain can join these two kinds ("" when one can): a type joins code only, and
    other nodes (files, modules, API kinds) join nothing of another kind."""
    ends = _SIDE.get(kind_of(source)), _SIDE.get(kind_of(target))
    if ends[0] == ends[1] and None not in ends:
        return ""
    if None in ends:
        return ("chains join roles, packages, types, functions and methods; "
                f"{kind_of(source if ends[0] is None else target).value} nodes join none")
    if _TYPE in ends and _CODE not in ends:
        return "a type joins code only (its methods): name a method, or ask from a function"
    return ""


def _type_bridge(reader: _Reader, source: str, target: str) -> Bridge:
    """Code to a type: calls until one of its methods; a type to code: from its methods."""
    if kind_of(target) is NodeKind.TYPE:
        methods = frozenset(_methods(reader, target))
        return Bridge(source, target, CALL_KINDS, (source,), methods.__contains__, "", IN)
    return Bridge(source, target, CALL_KINDS, _methods(reader, source), target.__eq__, CONTAINS)


def _methods(reader: _Reader, type_id: str) -> tuple[str, ...]:
    """Its method set, promoted methods included (RuntimeService's RunPodSandbox is
    PodSandboxManager's)."""
    return tuple(sorted(m.method for m in promoted_methods(reader, type_id)))


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
