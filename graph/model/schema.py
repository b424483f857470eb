"""The graph schema: node and edge kinds and the string IDs a Go programmer recognises."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class NodeKind(StrEnum):
    TREE = "Tree"
    MODULE = "Module"
    PACKAGE = "Package"
    EXTERNAL_PACKAGE = "ExternalPackage"
    FILE = "File"
    TYPE = "Type"
    FUNCTION = "Function"
    METHOD = "Method"
    ROLE = "Role"
    API_KIND = "ApiKind"
    MINI_COMPONENT = "MiniComponent"


class EdgeKind(StrEnum):
    CONTAINS = "CONTAINS"  # Tree->Module->Package->File
    DECLARES = "DECLARES"  # File->Type/Function/Method
    HAS_METHOD = "HAS_METHOD"  # Type->Method
    IMPORTS = "IMPORTS"  # Package->Package/ExternalPackage (files, test_only, platforms)
    EMBEDS = "EMBEDS"  # Type->Type
    IMPLEMENTS = "IMPLEMENTS"  # Type->Type(interface) (via_pointer, confidence)
    CALLS = "CALLS"  # Function/Method->Function/Method (via, count, line)
    REFERENCES = "REFERENCES"  # Function/Method->Function/Method it takes as a value (via=value, file, line)
    DISPATCHES = "DISPATCHES"  # interface Method->implementing Method (via_pointer)
    # Function/Method->Function/Method: the source sends on a channel field (adds to a work
    # queue field, signals a sync.Cond field) that the target receives from (takes from, waits
    # on) (via, field, count, line, to_line; given_through / taken_through: the getter or
    # channel parameter an end reaches the field by, see route_word)
    HANDS_OFF = "HANDS_OFF"
    # Function/Method->Function/Method: what a declaration's other platform variants call or
    # take as a value (variants: [{file, kind CALLS|REFERENCES, via, count, line}]); only a
    # platform view (graph/query/platform.py) reads it, the default view never does
    VARIANT_CALLS = "VARIANT_CALLS"
    IN_ROLE = "IN_ROLE"  # Package->Role (how, evidence)
    DEPENDS_ON = "DEPENDS_ON"  # Role->Role (weight)
    TALKS_TO = "TALKS_TO"  # Role->Role (protocol)
    DEFINES_KIND = "DEFINES_KIND"  # Type->ApiKind
    WATCHES = "WATCHES"  # Package->ApiKind
    RECONCILES = "RECONCILES"  # Package->ApiKind
    STORES = "STORES"  # Package(registry)->ApiKind
    ILLUSTRATES = "ILLUSTRATES"  # MiniComponent->any code node


class CallVia(StrEnum):
    """How a CALLS or REFERENCES edge reaches its target (the edge's `via` attribute)."""

    DIRECT = "direct"  # F(), pkg.F()
    METHOD = "method"  # x.M() on a concrete type
    FIELD = "field"  # x.f.M(): through a struct field
    INTERFACE = "interface"  # x.M() on an interface: DISPATCHES edges lead on
    VALUE = "value"  # F or x.M named as a value (REFERENCES): passed, assigned, stored, returned
    STORED = "stored"  # x.f() through a func-typed field, to each function stored into that field


class HandOffVia(StrEnum):
    """What carries a HANDS_OFF edge's data (the edge's `via` attribute)."""

    CHANNEL = "channel"  # `p.addCh <- n` … `<-p.addCh`
    QUEUE = "queue"  # `c.queue.Add(key)` … `c.queue.Get()` (client-go's workqueue)
    COND = "cond"  # `p.cond.Broadcast()` … `p.cond.Wait()` (a sync.Cond: what is put in a
    # queue it guards wakes the one waiting to take it, as the scheduler's PriorityQueue does)


def route_word(route: str) -> str:
    """What the code names a channel's route by, from a HANDS_OFF edge's `given_through` or
    `taken_through`: "returns:<method id>" (a getter) is the method's name (`Updates()`),
    "<function id>@<i>:<name>" (a parameter) the parameter's (`plegCh`), "<function id>#<name>"
    (a channel the function made) the local's."""
    if route.startswith("returns:"):
        return route.rpartition(".")[2] + "()"
    return route.rpartition(":" if "@" in route else "#")[2]


def route_phrases(attrs: Mapping[str, Any]) -> list[str]:
    """A HANDS_OFF edge's routes as a reader says them: "given through out", "taken through
    plegCh" (none when both ends name the field, or for the end in the function that made
    the channel, which names it as made); a taker that receives the channel a function made,
    which the giver's field holds, says so: "taken through listenChannel (newChannel made in
    ChannelWithContext)"."""
    field = str(attrs.get("field", ""))
    phrases = [f"{end} through {route_word(route)}"
               for end in ("given", "taken")
               if (route := str(attrs.get(f"{end}_through") or ""))
               and route.partition(":")[2] != field]
    local, maker = made_channel(str(attrs.get("taken_field") or ""))
    if local and not made_channel(field)[0]:
        made = f"{local} made in {maker}"
        if phrases and phrases[-1].startswith("taken "):
            phrases[-1] += f" ({made})"
        else:
            phrases.append(f"taken from {made}")
    return phrases


def made_channel(field: str) -> tuple[str, str]:
    """A HANDS_OFF edge's `field` when it is a channel a function made and stored in no field
    ("<function>#<local>"): (the local, the function's name), as `EnsureImageExists` makes
    `pullChan`; ("", "") for a struct field."""
    maker, hash_, local = field.rpartition("#")
    if not hash_:
        return "", ""
    return local, maker.partition("#")[0].rpartition(".")[2]


def hand_off_phrases(attrs: Mapping[str, Any]) -> list[str]:
    """What a hop along a HANDS_OFF edge says after its carrier ("through a channel"): the
    function that made the channel, when no field holds it, then the routes: "made in
    pullAll", "given through results"."""
    maker = made_channel(str(attrs.get("field", "")))[1]
    return [*([f"made in {maker}"] if maker else []), *route_phrases(attrs)]


def holder_phrase(field: str) -> str:
    """What a hand-off passes through, as a reader says it: "field eventChannel" or "channel
    pullChan made in EnsureImageExists"."""
    local, maker = made_channel(field)
    return f"channel {local} made in {maker}" if local else f"field {field.rsplit('.', 1)[-1]}"


# The edges that carry control or data from one function to the next: what a chain from code,
# a flow's walk and `callers` / `callees` follow.
FLOW_KINDS = (EdgeKind.CALLS, EdgeKind.DISPATCHES, EdgeKind.REFERENCES, EdgeKind.HANDS_OFF)

CODE_KINDS = frozenset({NodeKind.TYPE, NodeKind.FUNCTION, NodeKind.METHOD})

_PREFIX = {
    NodeKind.TREE: "tree",
    NodeKind.MODULE: "mod",
    NodeKind.PACKAGE: "pkg",
    NodeKind.EXTERNAL_PACKAGE: "ext",
    NodeKind.FILE: "file",
    NodeKind.TYPE: "type",
    NodeKind.FUNCTION: "func",
    NodeKind.METHOD: "method",
    NodeKind.ROLE: "role",
    NodeKind.API_KIND: "kind",
    NodeKind.MINI_COMPONENT: "mini",
}
_KIND_OF_PREFIX = {prefix: kind for kind, prefix in _PREFIX.items()}


def node_id(kind: NodeKind, key: str) -> str:
    """`node_id(NodeKind.PACKAGE, "k8s.io/kubernetes/pkg/kubelet")` -> `pkg:k8s.io/kubernetes/pkg/kubelet`."""
    return f"{_PREFIX[kind]}:{key}"


@dataclass(frozen=True, slots=True)
class ParsedId:
    """A node id taken apart: `method:k8s.io/x/pkg.(*T).M` -> kind METHOD, key `k8s.io/x/pkg.(*T).M`,
    package `k8s.io/x/pkg`, receiver `T`, pointer True, name `M`. For packages and files the
    package is the key; for roles, kinds and the rest only `kind` and `key` are meaningful."""

    kind: NodeKind
    key: str
    package: str = ""
    name: str = ""
    receiver: str = ""
    pointer: bool = False


def parse_id(nid: str) -> ParsedId:
    """The one parser of node ids; a string that is not one is a ValueError."""
    prefix, colon, key = nid.partition(":")
    kind = _KIND_OF_PREFIX.get(prefix)
    if kind is None or not colon:
        raise ValueError(f"not a kubeatlas node id: {nid!r}")
    if kind in (NodeKind.PACKAGE, NodeKind.EXTERNAL_PACKAGE, NodeKind.MODULE):
        return ParsedId(kind, key, package=key, name=key.rsplit("/", 1)[-1])
    if kind is NodeKind.METHOD and ".(" in key:
        package, _, rest = key.partition(".(")
        receiver, _, name = rest.rpartition(").")
        pointer = receiver.startswith("*")
        return ParsedId(kind, key, package, name, receiver.lstrip("*"), pointer)
    if kind in (NodeKind.TYPE, NodeKind.FUNCTION):
        package, _, name = key.partition("#")[0].rpartition(".")  # func:pkg.init#file.go#N
        return ParsedId(kind, key, package, name)
    return ParsedId(kind, key)


def kind_of(nid: str) -> NodeKind:
    """The node kind encoded in an ID's prefix."""
    return parse_id(nid).kind


def key_of(nid: str) -> str:
    """The part of an ID after its kind prefix."""
    return nid.partition(":")[2]


def prefix_of(kind: NodeKind) -> str:
    """The id prefix of a node kind (`func` for FUNCTION)."""
    return _PREFIX[kind]


def package_id(import_path: str) -> str:
    return node_id(NodeKind.PACKAGE, import_path)


def external_id(import_path: str) -> str:
    return node_id(NodeKind.EXTERNAL_PACKAGE, import_path)


def file_id(rel_path: str) -> str:
    return node_id(NodeKind.FILE, rel_path)


def type_id(import_path: str, name: str) -> str:
    return node_id(NodeKind.TYPE, f"{import_path}.{name}")


def function_id(import_path: str, name: str) -> str:
    return node_id(NodeKind.FUNCTION, f"{import_path}.{name}")


def method_id(import_path: str, receiver: str, name: str, pointer: bool) -> str:
    star = "*" if pointer else ""
    return node_id(NodeKind.METHOD, f"{import_path}.({star}{receiver}).{name}")


def role_id(role: str) -> str:
    return node_id(NodeKind.ROLE, role)


def api_kind_id(group: str, version: str, kind: str) -> str:
    gv = f"{group}/{version}" if group else version
    return node_id(NodeKind.API_KIND, f"{gv}.{kind}")


def module_id(path: str) -> str:
    return node_id(NodeKind.MODULE, path)
