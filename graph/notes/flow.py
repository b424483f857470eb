"""Flows across components (data/flows.yaml): Deployment creation, a Pod from `kubectl run` to a
container, Service to kube-proxy rules, PVC to a CSI mount, an informer from list-watch to a
handler, a request through the apiserver to etcd. Each step's anchors are cited; between
consecutive anchors the call / value-reference chain the graph holds is shown (from an earlier
anchor of the step when the line above has none)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml

from kubeatlas.errors import CatalogError
from kubeatlas.graph.model.schema import EdgeKind, NodeKind, key_of, kind_of
from kubeatlas.graph.notes.apiobjects import cite_watch, cite_write
from kubeatlas.graph.notes.claim import Claim
from kubeatlas.graph.notes.hops import say_hop
from kubeatlas.graph.notes.lang import pick
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.notes.walk import Hop, anchor_id, find_anchor, find_chain
from kubeatlas.graph.notes.writer import Note, Writer
from kubeatlas.graph.query.apiserver import through_apiserver
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.resources import data_file, parse_yaml

FLOWS_FILE = data_file("flows.yaml")
MAX_HOPS = 6


@dataclass(frozen=True, slots=True)
class FlowStep:
    role: str
    title: tuple[str, str]  # en, zh
    text: tuple[str, str]
    anchors: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Flow:
    id: str
    title: tuple[str, str]
    steps: tuple[FlowStep, ...]


@cache
def load_flows(path: Path | Traversable = FLOWS_FILE) -> tuple[Flow, ...]:
    try:
        doc = parse_yaml(path.read_bytes()) or {}
        return tuple(Flow(str(f["id"]), _pair(f["title"]), tuple(
            FlowStep(str(s["role"]), _pair(s["title"]), _pair(s["text"]),
                     tuple(tuple(str(i) for i in a) for a in s["anchors"]))
            for s in f["steps"])) for f in doc.get("flows") or ())
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise CatalogError(f"the flows file {path} is malformed: {exc}") from None


def _pair(raw: dict[str, str]) -> tuple[str, str]:
    return str(raw["en"]).strip(), str(raw.get("zh", "")).strip()


def flow_ids() -> tuple[str, ...]:
    return tuple(f.id for f in load_flows())


def flow_note(atlas: Atlas, flow: str = "deployment-flow", lang: str = "en") -> Note:
    """The flow's note: each step's story, its anchors cited, and between consecutive anchors
    the chain of calls, value references and interface dispatches the graph finds."""
    found = [f for f in load_flows() if f.id == flow]
    if not found:
        raise CatalogError(f"no flow {flow!r}; flows: {', '.join(flow_ids())}")
    spec = found[0]
    w = Writer(atlas, lang)
    title = pick(lang, *spec.title)
    w.header(title)
    placed: list[str] = []
    for number, step in enumerate(spec.steps, 1):
        w.add("## " + w.say("flow_step", number=number, title=pick(lang, *step.title), role=step.role),
              "", pick(lang, *step.text), "")
        before = len(placed)  # the flow's anchors so far; this step's start here
        cited: list[str] = []
        for anchor in step.anchors:
            hit, spelled = find_anchor(atlas, anchor)
            if hit is None:
                w.claim(Claim("absent", anchor_id(anchor[0])))
                w.add("- " + w.say("flow_missing", name=short_name(anchor_id(anchor[0]))))
                continue
            source, chain = _linked(atlas, placed, before, hit.id)
            # the hops from the line above sit between the two lines; a detour's (from an earlier
            # anchor) are named on this line, so they never read as the line above's
            detour = chain is not None and source != placed[-1]
            if not detour:
                _vias(w, chain)
            if chain:
                w.claim(chain[-1].claim)
            head = w.cite_node(hit)
            note = " " + w.say("spelled", name=short_name(hit.id)) if spelled else ""
            if detour:
                vias = [_via(w, hop) for hop in (chain or [])[:-1]]
                note += " " + w.say("flow_from_via" if vias else "flow_from", name=short_name(source),
                                    vias=" → ".join(vias))
            if placed and chain is None and kind_of(hit.id) is not NodeKind.TYPE:  # a type is
                through = _through_apiserver(w, placed, hit.id)  # named, not called: no link
                if through or len(placed) > before:  # a step's first anchor may start anew
                    note += " " + (through or w.say("flow_unlinked"))
            handed = _handed(atlas, placed, hit.id, step.anchors) if before == len(placed) else None
            if handed is not None:
                note += " " + w.say("flow_handed", source=short_name(handed[0].source.id),
                                    at=short_name(handed[-1].target.id))
            w.add(f"- {head}{note}")
            for hop in handed or ():
                w.claim(hop.claim)
                w.add("  - " + say_hop(w, hop))
            cited.append(f"{short_name(hit.id)} ({hit.attrs.get('file')}:{hit.attrs.get('line')})")
            placed.append(hit.id)
        if cited:
            w.card(w.say("card_flow", flow=title, number=number, title=pick(lang, *step.title)),
                   pick(lang, *step.text) + " — " + "; ".join(cited))
        w.add("")
    return w.note(title, slug=flow, tags=("flow",))


def _vias(w: Writer, chain: list[Hop] | None) -> None:
    """The functions a chain passes through on its way to its last hop's target, one a line."""
    for hop in (chain or [])[:-1]:
        w.add(f"  - {w.say('via')} {_via(w, hop)}")


def _via(w: Writer, hop: Hop) -> str:
    """A hop's target, cited; the hop is a claim."""
    w.claim(hop.claim)
    return w.cite_node(hop.target)


def _through_apiserver(w: Writer, placed: list[str], target: str) -> str:
    """"reached through the API server: A creates K …; P watches it …", both cited (A's call
    of the typed client is a claim; the watch cites the declaration holding the informer or
    lister), when an anchor above writes a kind that target's package watches; "" otherwise."""
    found = through_apiserver(w.atlas, placed, target)
    if found is None:
        return ""
    write, watch = found
    return w.say("flow_apiserver", source=short_name(write.function),
                 verb=w.say(f"verb_{write.verb}"), kind=key_of(write.kind),
                 write=cite_write(w, write), package=key_of(watch.source),
                 watch=cite_watch(w, str(watch.attrs.get("evidence", ""))))


def _handed(atlas: Atlas, earlier: list[str], first: str, anchors: tuple[tuple[str, ...], ...]
            ) -> list[Hop] | None:
    """The chain by which an earlier step's anchor hands off to a later anchor of this step
    that `first` (this step's first anchor) calls: where a consumer that pulls meets what the
    step above gave (the informer's `processLoop` calls `DeltaFIFO.Pop`, which the reflector's
    `watchHandler` wakes through `Add`). None when there is no such anchor or chain."""
    for anchor in anchors[1:]:
        taker, _ = find_anchor(atlas, anchor)
        if (taker is None  # a chain that ends in a hand-off needs one into the taker
                or not atlas.reader.edges_to([taker.id], [str(EdgeKind.HANDS_OFF)])
                or find_chain(atlas, first, taker.id, MAX_HOPS) is None):
            continue
        for source in reversed(earlier):
            chain = find_chain(atlas, source, taker.id, MAX_HOPS)
            if chain and chain[-1].kind == "hands-off":
                return chain
    return None


def _linked(atlas: Atlas, placed: list[str], step_start: int, target: str
            ) -> tuple[str, list[Hop] | None]:
    """The chain to target from the line above, else from the nearest earlier anchor that has
    one: two anchors both called by a third (`startContainer` after `RunPodSandbox`, both
    from kuberuntime's `SyncPod`, the last anchor of the step before). A step's first anchor
    starts its story (another process, or a new thread of it): nothing links to it.
    ("", None) when nothing does."""
    if len(placed) == step_start or kind_of(target) is NodeKind.TYPE:
        return "", None
    for source in reversed(placed):
        chain = find_chain(atlas, source, target, MAX_HOPS)
        if chain is not None:
            return source, chain
    return "", None
