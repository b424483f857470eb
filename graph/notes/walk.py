"""A catalog walkthrough (or flow) laid on the graph: each anchor found (under any spelling the
graph knows), each link between steps the call / value-reference / dispatch chain the graph
holds, and the claims that chain makes. Steps the graph cannot link are dropped, never guessed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from kubeatlas.graph.knowledge.walkthrough import Step
from kubeatlas.graph.model.schema import FLOW_KINDS, EdgeKind, NodeKind, key_of, kind_of, route_word
from kubeatlas.graph.notes.claim import Claim
from kubeatlas.graph.query.atlas import Atlas, NodeRecord

MAX_HOPS = 4  # createHandler -> Store.Create passes two interfaces: four hops
LINKS = FLOW_KINDS


@dataclass(frozen=True, slots=True)
class Hop:
    """One edge of a chain: `kind` is calls, references, hands-off or dispatch; path:line is
    where the call, value, send, add or signal sits (dispatch: where the implementing type is
    declared)."""

    source: NodeRecord
    target: NodeRecord
    kind: str
    path: str
    line: int
    claim: Claim
    field: str = ""  # hands-off: the field's id (`k8s.io/…/cache.processorListener.addCh`)
    via: str = ""  # hands-off: channel, queue or cond


@dataclass(frozen=True, slots=True)
class Placed:
    step: Step
    node: NodeRecord
    hops: tuple[Hop, ...]  # from the step it hangs off; () for the first step of a part
    spelled: bool = False  # found under another spelling than the catalog's ids


def anchor_id(text: str) -> str:
    """Catalog anchors may omit the `type:` prefix of an interface."""
    return text if ":" in text.split("/", 1)[0] else f"type:{text}"


def find_anchor(atlas: Atlas, ids: tuple[str, ...]) -> tuple[NodeRecord | None, bool]:
    """The first of `ids` the index holds; else a node whose id matches one of them ignoring
    case and pointer stars (`(*RemoteRuntimeService)` for `(*remoteRuntimeService)`)."""
    wanted = [anchor_id(i) for i in ids]
    found = atlas.reader.get_nodes(wanted)
    for i in wanted:
        if i in found:
            return found[i], False
    for i in wanted:
        name = key_of(i).rsplit(".", 1)[-1]
        kind = str(kind_of(i))
        folded = _fold(i)
        for hit in atlas.reader.search(name, (kind,), 200):
            if _fold(hit.id) == folded:
                return hit, True
    return None, False


def _fold(nid: str) -> str:
    """The id without pointer stars, its case folded, but a function's or method's own name
    as written: `createPods` is not `CreatePods` (a spelling that changed across releases is
    an anchor's second id)."""
    if kind_of(nid) in (NodeKind.FUNCTION, NodeKind.METHOD):
        head, _, name = nid.rpartition(".")
        return f"{head.replace('*', '').lower()}.{name}"
    return nid.replace("*", "").lower()


def place_steps(atlas: Atlas, steps: tuple[Step, ...], linked: bool = True
                ) -> tuple[list[Placed], list[str]]:
    """The steps the graph backs, in order, and the anchors left out (missing or unlinked).
    With linked=False (extension points) every step found stands on its own."""
    placed: dict[int, Placed] = {}
    left_out: list[str] = []
    for index, step in enumerate(steps):
        node, spelled = find_anchor(atlas, step.at)
        if node is None:
            left_out.append(anchor_id(step.at[0]))
            continue
        if index == 0 or not linked or step.start:
            placed[index] = Placed(step, node, (), spelled)
            continue
        parent = placed.get(index - 1 if step.after is None else step.after)
        if parent is None and placed:  # the step it hangs off is missing: link from the last one
            parent = placed[max(placed)]
        chain = find_chain(atlas, parent.node.id, node.id) if parent else None
        if chain is None:
            left_out.append(node.id)
            continue
        placed[index] = Placed(step, node, tuple(chain), spelled)
    return [placed[i] for i in sorted(placed)], left_out


def find_chain(atlas: Atlas, source: str, target: str, max_hops: int = MAX_HOPS
               ) -> list[Hop] | None:
    """The hops of the shortest calls/references/dispatch chain (≤ max_hops), None if none."""
    if source == target:
        return []
    path = atlas.shortest_path(source, target, LINKS, max_hops=max_hops)
    if not path:
        return None
    nodes = atlas.reader.get_nodes(path)
    if any(nodes[n].attrs.get("test_helper") for n in path if n in nodes):
        return None  # a chain through a fake or a test file is not how the component runs
    hops = []
    for a, b in pairwise(path):
        edges = [e for e in atlas.reader.edges_from([a], [str(k) for k in LINKS]) if e.target == b]
        edge = sorted(edges, key=lambda e: (e.kind != EdgeKind.CALLS, e.kind))[0]
        hop = _hop(atlas, nodes[a], nodes[b], edge.kind, edge.attrs)
        if hop is None:
            return None
        hops.append(hop)
    return hops


def _hop(atlas: Atlas, a: NodeRecord, b: NodeRecord, kind: str, attrs: Mapping[str, Any]) -> Hop | None:
    span = (int(a.attrs.get("line", 0)), int(a.attrs.get("end_line", 0) or a.attrs.get("line", 0)))
    if kind == EdgeKind.CALLS:
        line, path = int(attrs.get("line", 0)), str(a.attrs.get("file", ""))
        through = str(attrs.get("field") or "") if attrs.get("via") == "stored" else ""
        how = "calls-field" if through else "calls"
        claim = Claim(how, a.id, b.id, path, line, span, object_path=through)
        return Hop(a, b, how, path, line, claim) if line and path else None
    if kind == EdgeKind.REFERENCES:
        line, path = int(attrs.get("line", 0)), str(attrs.get("file") or a.attrs.get("file", ""))
        same_file = path == a.attrs.get("file")
        through = str(attrs.get("field") or "") if attrs.get("via") == "stored" else ""
        how = "references-field" if through else "references"
        claim = Claim(how, a.id, b.id, path, line, span if same_file else (0, 0),
                      object_path=through)
        return Hop(a, b, how, path, line, claim) if line and path else None
    if kind == EdgeKind.HANDS_OFF:
        line, path = int(attrs.get("line", 0)), str(a.attrs.get("file", ""))
        to_line, to_path = int(attrs.get("to_line", 0)), str(b.attrs.get("file", ""))
        claim = Claim("hands-off", a.id, b.id, path, line, span, object_path=to_path,
                      object_line=to_line, through=_routes(attrs))
        return (Hop(a, b, "hands-off", path, line, claim, str(attrs.get("field", "")),
                    str(attrs.get("via", "")))
                if line and path and to_line and to_path else None)
    impl, iface = _receiver_type(b.id), _receiver_type(a.id)
    types = atlas.reader.get_nodes([impl, iface])
    if impl not in types or iface not in types:
        return None
    t, i = types[impl], types[iface]
    claim = Claim("implements", t.id, i.id, str(t.attrs.get("file", "")), int(t.attrs.get("line", 0)),
                  object_path=str(i.attrs.get("file", "")), object_line=int(i.attrs.get("line", 0)))
    return Hop(a, b, "dispatch", claim.path, claim.line, claim)


def _routes(attrs: Mapping[str, Any]) -> str:
    """A hand-off's routes for its claim: "field=<name> take=<word>" when an end reaches the
    field through a getter or a parameter (see Claim.through), else ""."""
    words = [f"{end}={route_word(str(attrs[key]))}"
             for end, key in (("give", "given_through"), ("take", "taken_through"))
             if attrs.get(key)]
    if attrs.get("taken_field") and not attrs.get("taken_through"):  # another field, one channel
        words.append(f"take={str(attrs['taken_field']).rsplit('.', 1)[-1]}")
    field = str(attrs.get("field", "")).rsplit(".", 1)[-1]
    return " ".join([f"field={field}", *words]) if words else ""


def _receiver_type(method: str) -> str:
    """`method:p.(*T).M` -> `type:p.T`."""
    if kind_of(method) != NodeKind.METHOD:
        return ""
    package, _, receiver = key_of(method).rpartition(").")[0].rpartition(".(")
    return f"type:{package}.{receiver.lstrip('*')}"
