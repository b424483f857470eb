"""The graph schema: node and edge kinds and the string IDs a Go programmer recognises."""

from __future__ import annotations

from enum import StrEnum


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
    CALLS = "CALLS"  # Function/Method->Function/Method (via, count)
    REFERENCES = "REFERENCES"
    DISPATCHES = "DISPATCHES"  # interface Method->implementing Method (via_pointer)
    IN_ROLE = "IN_ROLE"  # Package->Role (how, evidence)
    DEPENDS_ON = "DEPENDS_ON"  # Role->Role (weight)
    TALKS_TO = "TALKS_TO"  # Role->Role (protocol)
    DEFINES_KIND = "DEFINES_KIND"  # Type->ApiKind
    WATCHES = "WATCHES"  # Package->ApiKind
    RECONCILES = "RECONCILES"  # Package->ApiKind
    STORES = "STORES"  # Package(registry)->ApiKind
    ILLUSTRATES = "ILLUSTRATES"  # MiniComponent->any code node


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


def kind_of(nid: str) -> NodeKind:
    """The node kind encoded in an ID's prefix."""
    prefix, _, _ = nid.partition(":")
    try:
        return _KIND_OF_PREFIX[prefix]
    except KeyError:
        raise ValueError(f"not a kubeatlas node id: {nid!r}") from None


def key_of(nid: str) -> str:
    """The part of an ID after its kind prefix."""
    return nid.partition(":")[2]


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
