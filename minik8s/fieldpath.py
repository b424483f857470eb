"""Field sets for server-side apply: the leaf paths an object sets, FieldsV1 tries, lookups and merges.

Mirrors sigs.k8s.io/structured-merge-diff/v4: `fieldpath.Set` and its `PathElement`s
(`f:<field>`, `k:{<list-map keys>}`, `v:<value>`, and `.` for a list item or map itself),
`(*Set).FromJSON`/`ToJSON` for the FieldsV1 format (k8s.io/apimachinery/pkg/apis/meta/v1
`FieldsV1`), `typed.TypedValue.ToFieldSet`, and the merge of an applied configuration into
the live object (`typed.(*TypedValue).Merge`): maps merge, list-maps merge item by item on
their keys, sets union, atomic lists and scalars are replaced.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from kubeatlas.minik8s.schema import META, Schema, ref, resolve

Path = tuple[str, ...]
ITSELF = "."
_MISSING = object()
IGNORED_METADATA = {"name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
                    "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink",
                    "generateName"}


# list-map keys with a `+default` in k8s.io/api: an item that leaves them out has the default
KEY_DEFAULTS = {"protocol": "TCP"}


def _key_element(item: dict, keys: tuple[str, ...]) -> str:
    values = {k: item.get(k, KEY_DEFAULTS.get(k)) for k in sorted(keys) if k in item or k in KEY_DEFAULTS}
    return "k:" + json.dumps(values, separators=(",", ":"))


def _matches(item: Any, wanted: dict) -> bool:
    return isinstance(item, dict) and all(item.get(k, KEY_DEFAULTS.get(k)) == v for k, v in wanted.items())


_FIELD_INDEX: dict[int, dict[str, Schema]] = {}


def _child(node: Schema | None, key: str) -> Schema | None:
    if node is None:
        return None
    if node.type == "object":
        index = _FIELD_INDEX.get(id(node))
        if index is None:  # definitions live for the process: index their fields once
            index = _FIELD_INDEX[id(node)] = {name: resolve(field) for name, field in node.fields}  # type: ignore
        return index.get(key)
    if node.type == "map":
        return resolve(node.items)
    return None


def _top_level(obj: dict, node: Schema | None, status: bool) -> dict[str, tuple[Any, Schema | None]]:
    """The top-level fields that carry ownership: no apiVersion/kind/identity; status only when `status`."""
    out = {}
    for key, value in obj.items():
        if key in ("apiVersion", "kind") or (key == "status") != status:
            continue
        if key == "metadata" and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k not in IGNORED_METADATA}
            if not value:
                continue
        out[key] = (value, _child(resolve(node), key) or (resolve(ref(META + "ObjectMeta"))
                                                          if key == "metadata" else None))
    return out


def field_set(obj: dict, node: Schema | None, *, status: bool = False) -> set[Path]:
    """The paths obj sets (top-level: apiVersion/kind/identity skipped; status only when `status`)."""
    out: set[Path] = set()
    for key, (value, child) in _top_level(obj, node, status).items():
        _collect(value, child, ("f:" + key,), out)
    return out


def diff(new: dict, old: dict, node: Schema | None, *, status: bool = False) -> tuple[set[Path], set[Path]]:
    """(paths new sets with a new value, paths old set that new no longer sets), walking only what differs."""
    changed: set[Path] = set()
    removed: set[Path] = set()
    before, after = _top_level(old, node, status), _top_level(new, node, status)
    for key in after.keys() | before.keys():
        _, child = after.get(key) or before[key]
        _diff(after[key][0] if key in after else _MISSING, before[key][0] if key in before else _MISSING,
              child, ("f:" + key,), changed, removed)
    return changed, removed - changed


def _diff(new: Any, old: Any, node: Schema | None, path: Path, changed: set[Path], removed: set[Path]) -> None:
    if new is not _MISSING and old is not _MISSING and new == old:
        return
    if new is _MISSING or old is _MISSING or type(new) is not type(old):
        if old is not _MISSING:
            _collect(old, node, path, removed)
        if new is not _MISSING:
            _collect(new, node, path, changed)
        return
    node = resolve(node)
    if isinstance(new, dict) and new and old and (node is None or node.type in ("object", "map")):
        for key in new.keys() | old.keys():
            _diff(new.get(key, _MISSING), old.get(key, _MISSING), _child(node, key), (*path, "f:" + key),
                  changed, removed)
    elif isinstance(new, list) and node is not None and node.type == "array" and node.list_type == "map" \
            and all(isinstance(i, dict) for i in new + old):
        before = {_key_element(i, node.map_keys): i for i in old}
        after = {_key_element(i, node.map_keys): i for i in new}
        for element in after.keys() | before.keys():
            item_new, item_old = after.get(element, _MISSING), before.get(element, _MISSING)
            if item_new is _MISSING or item_old is _MISSING:
                _collect([item_new if item_old is _MISSING else item_old], node, path,
                         changed if item_old is _MISSING else removed)
            else:
                _diff(item_new, item_old, node.items, (*path, element), changed, removed)
    elif isinstance(new, list) and node is not None and node.type == "array" and node.list_type == "set":
        _collect([v for v in new if v not in old], node, path, changed)
        _collect([v for v in old if v not in new], node, path, removed)
    else:
        _collect(old, node, path, removed)
        _collect(new, node, path, changed)


def _collect(value: Any, node: Schema | None, path: Path, out: set[Path]) -> None:
    node = resolve(node)
    if isinstance(value, dict) and value and (node is None or node.type in ("object", "map")):
        if node is None or node.type == "map":  # a kind without a schema is taken as nested maps
            out.add((*path, ITSELF))
        for key, item in value.items():
            _collect(item, _child(node, key), (*path, "f:" + key), out)
    elif isinstance(value, list) and node is not None and node.type == "array" and node.list_type == "map" \
            and all(isinstance(i, dict) for i in value):
        for item in value:
            element = (*path, _key_element(item, node.map_keys))
            out.add((*element, ITSELF))
            for key, field in item.items():
                _collect(field, _child(resolve(node.items), key), (*element, "f:" + key), out)
    elif isinstance(value, list) and node is not None and node.type == "array" and node.list_type == "set":
        for item in value:
            out.add((*path, "v:" + json.dumps(item, separators=(",", ":"))))
    else:
        out.add(path)  # a scalar, an atomic list or struct, or an unmodelled value


def to_fields_v1(paths: set[Path]) -> dict:
    """A FieldsV1 trie: {"f:spec": {"f:replicas": {}}, ...}."""
    trie: dict = {}
    for path in sorted(paths):
        node = trie
        for element in path:
            node = node.setdefault(element, {})
    return trie


def trie_add(trie: dict, path: Path) -> None:
    for element in path:
        trie = trie.setdefault(element, {})


def trie_has(trie: dict, path: Path) -> bool:
    for element in path:
        trie = trie.get(element)  # type: ignore[assignment]
        if trie is None:
            return False
    return True


def trie_remove(trie: dict, path: Path) -> bool:
    """Remove the leaf path (and parents left empty); True when something was removed."""
    if not path or path[0] not in trie:
        return False
    head, rest = path[0], path[1:]
    if rest:
        if not trie_remove(trie[head], rest):
            return False
        if not trie[head]:
            del trie[head]
        return True
    if trie[head]:
        return False  # an inner node: only its leaves are owned
    del trie[head]
    return True


def from_fields_v1(trie: dict, prefix: Path = ()) -> set[Path]:
    out: set[Path] = set()
    for element, child in (trie or {}).items():
        if child:
            out |= from_fields_v1(child, (*prefix, element))
        else:
            out.add((*prefix, element))
    return out


def lookup(obj: Any, path: Path) -> Any:
    """The value at path, or _MISSING (an ITSELF element yields the item it belongs to)."""
    value = obj
    for element in path:
        if element == ITSELF:
            return value
        kind, _, rest = element.partition(":")
        if kind == "f" and isinstance(value, dict) and rest in value:
            value = value[rest]
        elif kind == "k" and isinstance(value, list):
            wanted = json.loads(rest)
            value = next((i for i in value if _matches(i, wanted)), _MISSING)
        elif kind == "v" and isinstance(value, list):
            member = json.loads(rest)
            value = member if member in value else _MISSING
        else:
            return _MISSING
        if value is _MISSING:
            return _MISSING
    return value


def is_missing(value: Any) -> bool:
    return value is _MISSING


def remove(obj: Any, path: Path) -> None:
    """Delete the value at path (a list item for k:/v: elements followed by ITSELF or nothing)."""
    if path and path[-1] == ITSELF:
        path = path[:-1]
    if not path:
        return
    parent = lookup(obj, path[:-1])
    kind, _, rest = path[-1].partition(":")
    if kind == "f" and isinstance(parent, dict):
        parent.pop(rest, None)
    elif kind == "k" and isinstance(parent, list):
        wanted = json.loads(rest)
        parent[:] = [i for i in parent if not _matches(i, wanted)]
    elif kind == "v" and isinstance(parent, list):
        member = json.loads(rest)
        parent[:] = [i for i in parent if i != member]


def merge(live: Any, config: Any, node: Schema | None) -> Any:
    """The live value with the applied configuration merged in (neither is modified)."""
    node = resolve(node)
    if isinstance(config, dict) and isinstance(live, dict) and (node is None or node.type in ("object", "map")):
        out = dict(live)
        for key, value in config.items():
            out[key] = merge(live.get(key), value, _child(node, key)) if key in live else copy.deepcopy(value)
        return out
    if isinstance(config, list) and isinstance(live, list) and node is not None and node.type == "array":
        if node.list_type == "map" and all(isinstance(i, dict) for i in config + live):
            out_list = [copy.deepcopy(i) for i in live]
            index = {_key_element(i, node.map_keys): n for n, i in enumerate(out_list)}
            for item in config:
                element = _key_element(item, node.map_keys)
                if element in index:
                    out_list[index[element]] = merge(out_list[index[element]], item, node.items)
                else:
                    out_list.append(copy.deepcopy(item))
            return out_list
        if node.list_type == "set":
            return live + [copy.deepcopy(i) for i in config if i not in live]
    return copy.deepcopy(config)


def describe(path: Path) -> str:
    """A path as kube-apiserver prints it in conflicts: .spec.template.spec.containers[name="web"].image"""
    text = ""
    for element in path:
        kind, _, rest = element.partition(":")
        if kind == "f":
            text += "." + rest
        elif kind == "k":
            keys = json.loads(rest)
            text += "[" + ",".join(f"{k}={json.dumps(v)}" for k, v in keys.items()) + "]"
        elif kind == "v":
            text += f"[={rest}]"
    return text
